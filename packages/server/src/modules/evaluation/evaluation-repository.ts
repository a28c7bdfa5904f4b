/** Evaluation schemes (versioned) and monthly index inputs: SQL only. */
import type { Kysely, Transaction } from 'kysely';
import type { DB, EvaluationSchemeRow, IndexInputRow } from '../../db/schema.ts';

type Q = Kysely<DB> | Transaction<DB>;

export const evaluationRepository = {
  latestScheme(q: Q, districtId: string): Promise<EvaluationSchemeRow | undefined> {
    return q.selectFrom('evaluation_schemes').selectAll().where('district_id', '=', districtId).orderBy('version', 'desc').limit(1).executeTakeFirst();
  },
  scheme(q: Q, districtId: string, version: number): Promise<EvaluationSchemeRow | undefined> {
    return q.selectFrom('evaluation_schemes').selectAll().where('district_id', '=', districtId).where('version', '=', version).executeTakeFirst();
  },
  schemeVersions(q: Q, districtId: string) {
    return q.selectFrom('evaluation_schemes').select(['version', 'created_by', 'created_at']).where('district_id', '=', districtId).orderBy('version', 'desc').execute();
  },
  async insertScheme(q: Q, row: EvaluationSchemeRow): Promise<void> {
    await q.insertInto('evaluation_schemes').values(row).execute();
  },
  inputs(q: Q, districtId: string, periods: string[]): Promise<IndexInputRow[]> {
    if (periods.length === 0) return Promise.resolve([]);
    return q.selectFrom('index_inputs').selectAll().where('district_id', '=', districtId).where('period', 'in', periods).execute();
  },
  async upsertInputs(q: Q, rows: IndexInputRow[]): Promise<void> {
    if (rows.length === 0) return;
    await q
      .insertInto('index_inputs')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['district_id', 'period', 'code']).doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          updated_by: eb.ref('excluded.updated_by'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  },
};
