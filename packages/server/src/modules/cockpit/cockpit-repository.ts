/** The cockpit's rollup tables: SQL only. */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { CockpitCaseRow, CockpitDailyRow, CockpitOpenRow, DB } from '../../db/schema.ts';

type Q = Kysely<DB> | Transaction<DB>;

export const cockpitRepository = {
  openCase(q: Q, caseId: string): Promise<CockpitCaseRow | undefined> {
    return q.selectFrom('cockpit_cases').selectAll().where('case_id', '=', caseId).executeTakeFirst();
  },
  async putCase(q: Q, row: CockpitCaseRow): Promise<void> {
    await q
      .insertInto('cockpit_cases')
      .values(row)
      .onConflict((oc) => oc.column('case_id').doUpdateSet({ street_id: row.street_id, state: row.state, light: row.light }))
      .execute();
  },
  async dropCase(q: Q, caseId: string): Promise<void> {
    await q.deleteFrom('cockpit_cases').where('case_id', '=', caseId).execute();
  },
  async bumpOpen(q: Q, rows: CockpitOpenRow[]): Promise<void> {
    if (rows.length === 0) return;
    await q
      .insertInto('cockpit_open')
      .values(rows)
      .onConflict((oc) => oc.columns(['district_id', 'street_id', 'state', 'light']).doUpdateSet({ n: sql`cockpit_open.n + excluded.n` }))
      .execute();
  },
  async bumpDaily(q: Q, rows: CockpitDailyRow[]): Promise<void> {
    if (rows.length === 0) return;
    await q
      .insertInto('cockpit_daily')
      .values(rows)
      .onConflict((oc) => oc.columns(['district_id', 'metric', 'dim', 'day', 'key']).doUpdateSet({ n: sql`cockpit_daily.n + excluded.n` }))
      .execute();
  },
  async hasRows(q: Q, districtId: string): Promise<boolean> {
    const a = await q.selectFrom('cockpit_daily').select('day').where('district_id', '=', districtId).limit(1).executeTakeFirst();
    const b = await q.selectFrom('cockpit_open').select('n').where('district_id', '=', districtId).limit(1).executeTakeFirst();
    return !!a || !!b;
  },
  async clear(q: Q, districtId: string): Promise<void> {
    await q.deleteFrom('cockpit_cases').where('district_id', '=', districtId).execute();
    await q.deleteFrom('cockpit_open').where('district_id', '=', districtId).execute();
    await q.deleteFrom('cockpit_daily').where('district_id', '=', districtId).execute();
  },
  async insertCases(q: Q, rows: CockpitCaseRow[]): Promise<void> {
    if (rows.length) await q.insertInto('cockpit_cases').values(rows).execute();
  },

  open(q: Q, districtId: string, streetId: string | null) {
    let qb = q
      .selectFrom('cockpit_open')
      .select(['state', 'light', sql<number>`sum(n)`.as('n')])
      .where('district_id', '=', districtId)
      .where('n', '!=', 0);
    if (streetId) qb = qb.where('street_id', '=', streetId);
    return qb.groupBy(['state', 'light']).execute();
  },
  /** Open cases by street and light (one street, or all). */
  openByStreet(q: Q, districtId: string, streetId: string | null) {
    let qb = q
      .selectFrom('cockpit_open')
      .select(['street_id', 'light', sql<number>`sum(n)`.as('n')])
      .where('district_id', '=', districtId)
      .where('n', '!=', 0);
    if (streetId) qb = qb.where('street_id', '=', streetId);
    return qb.groupBy(['street_id', 'light']).execute();
  },
  /** Per-day counts of one metric and dimension key over [from, to] (day numbers). */
  series(q: Q, districtId: string, metric: string, dim: string, key: string, from: number, to: number) {
    return q
      .selectFrom('cockpit_daily')
      .select(['day', 'n'])
      .where('district_id', '=', districtId)
      .where('metric', '=', metric)
      .where('dim', '=', dim)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .where('key', '=', key)
      .execute();
  },
  /** The keys with the most counts over [from, to]; `keys` narrows to a set (a street's areas), `prefix` to `street|…` keys. */
  top(q: Q, districtId: string, metric: string, dim: string, from: number, to: number, limit: number, narrow: { keys?: string[]; prefix?: string } = {}) {
    let qb = q
      .selectFrom('cockpit_daily')
      .select(['key', sql<number>`sum(n)`.as('n')])
      .where('district_id', '=', districtId)
      .where('metric', '=', metric)
      .where('dim', '=', dim);
    // With a key prefix the days go as a list: the index then seeks each day's `street|` range,
    // where a day range would read every street's keys of every day (12× the rows; bench kpi).
    if (narrow.prefix) qb = qb.where('day', 'in', Array.from({ length: to - from + 1 }, (_, i) => from + i));
    else qb = qb.where('day', '>=', from).where('day', '<=', to);
    if (narrow.keys) qb = qb.where('key', 'in', narrow.keys.length ? narrow.keys : ['']);
    if (narrow.prefix) qb = qb.where('key', '>=', narrow.prefix).where('key', '<', `${narrow.prefix}\uffff`);
    return qb.groupBy('key').orderBy(sql`sum(n)`, 'desc').orderBy('key').limit(limit).execute();
  },
};
