/** SQL for the gazetteer only. */
import type { Kysely, Transaction } from 'kysely';
import type { DB, GazetteerEntryRow } from '../../db/schema.ts';

type Q = Kysely<DB> | Transaction<DB>;

export const gazetteerRepository = {
  async insert(q: Q, rows: GazetteerEntryRow[]): Promise<void> {
    // 12 columns × 500 rows stays under SQLite's bound-parameter limit.
    for (let i = 0; i < rows.length; i += 500) {
      await q.insertInto('gazetteer_entries').values(rows.slice(i, i + 500)).execute();
    }
  },
  async deleteDistrict(q: Q, districtId: string): Promise<number> {
    const r = await q.deleteFrom('gazetteer_entries').where('district_id', '=', districtId).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
  async list(q: Q, districtId: string): Promise<GazetteerEntryRow[]> {
    return q.selectFrom('gazetteer_entries').selectAll().where('district_id', '=', districtId).orderBy('id').execute();
  },
  async keys(q: Q, districtId: string): Promise<Array<Pick<GazetteerEntryRow, 'kind' | 'name' | 'number'>>> {
    return q.selectFrom('gazetteer_entries').select(['kind', 'name', 'number']).where('district_id', '=', districtId).execute();
  },
  /** Changes with every insert (ids are time-ordered) and every delete, so other processes notice imports. */
  async fingerprint(q: Q, districtId: string): Promise<string> {
    const r = await q
      .selectFrom('gazetteer_entries')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('id').as('last')])
      .where('district_id', '=', districtId)
      .executeTakeFirstOrThrow();
    return `${r.n}:${r.last ?? ''}`;
  },
};
