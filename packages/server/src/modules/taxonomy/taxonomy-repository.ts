/** SQL for categories and the responsibility matrix only. */
import type { Kysely, Transaction } from 'kysely';
import type { CategoryRow, DB, ResponsibilityRuleRow } from '../../db/schema.ts';

type Q = Kysely<DB> | Transaction<DB>;

export const taxonomyRepository = {
  async insertCategories(q: Q, rows: CategoryRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) await q.insertInto('categories').values(rows.slice(i, i + 200)).execute();
  },
  all(q: Q, districtId: string): Promise<CategoryRow[]> {
    return q.selectFrom('categories').selectAll().where('district_id', '=', districtId).execute();
  },
  async update(q: Q, districtId: string, kind: string, code: string, patch: Partial<CategoryRow>): Promise<number> {
    const r = await q
      .updateTable('categories')
      .set(patch)
      .where('district_id', '=', districtId)
      .where('kind', '=', kind)
      .where('code', '=', code)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  },
  rules(q: Q, districtId: string): Promise<ResponsibilityRuleRow[]> {
    return q.selectFrom('responsibility_rules').selectAll().where('district_id', '=', districtId).execute();
  },
  async insertRules(q: Q, rows: ResponsibilityRuleRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) await q.insertInto('responsibility_rules').values(rows.slice(i, i + 200)).execute();
  },
  ruleById(q: Q, districtId: string, id: string): Promise<ResponsibilityRuleRow | undefined> {
    return q.selectFrom('responsibility_rules').selectAll().where('district_id', '=', districtId).where('id', '=', id).executeTakeFirst();
  },
  async updateRule(q: Q, districtId: string, id: string, patch: Partial<Pick<ResponsibilityRuleRow, 'category_kind' | 'category_code' | 'area_unit_id' | 'unit_id'>>): Promise<number> {
    const r = await q.updateTable('responsibility_rules').set(patch).where('district_id', '=', districtId).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows);
  },
  async deleteRule(q: Q, districtId: string, id: string): Promise<number> {
    const r = await q.deleteFrom('responsibility_rules').where('district_id', '=', districtId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
};
