/** SQL for targets only: targets, progress reports, overdue-report reminders and reviews. */
import type { Kysely, Transaction } from 'kysely';
import type { DB, ReviewRow, TargetProgressRow, TargetRow } from '../../db/schema.ts';

type Q = Kysely<DB> | Transaction<DB>;

export const targetRepository = {
  // ------------------------------------------------------------ targets
  async insertTargets(q: Q, rows: TargetRow[]): Promise<void> {
    // 29 columns × 30 rows stays under SQLite's bound-parameter limit.
    for (let i = 0; i < rows.length; i += 30) await q.insertInto('targets').values(rows.slice(i, i + 30)).execute();
  },
  async updateTarget(q: Q, id: string, expectedVersion: number, patch: Partial<TargetRow>): Promise<boolean> {
    const r = await q.updateTable('targets').set(patch).where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  targets(q: Q, districtId: string, filter: { year?: number | undefined } = {}): Promise<TargetRow[]> {
    let qb = q.selectFrom('targets').selectAll().where('district_id', '=', districtId);
    if (filter.year !== undefined) qb = qb.where('year', '=', filter.year);
    return qb.orderBy('year').orderBy('code').execute();
  },
  targetById(q: Q, id: string): Promise<TargetRow | undefined> {
    return q.selectFrom('targets').selectAll().where('id', '=', id).executeTakeFirst();
  },
  targetsByCodes(q: Q, districtId: string, year: number, codes: string[]): Promise<TargetRow[]> {
    if (!codes.length) return Promise.resolve([]);
    return q.selectFrom('targets').selectAll().where('district_id', '=', districtId).where('year', '=', year).where('code', 'in', codes).execute();
  },
  async districtsWithTargets(q: Q): Promise<string[]> {
    const rows = await q.selectFrom('targets').select('district_id').distinct().execute();
    return rows.map((r) => r.district_id);
  },

  // ------------------------------------------------------------ progress
  /** Current reports of the targets (or every report, superseded ones too, when `history`). */
  progress(q: Q, targetIds: string[], history = false): Promise<TargetProgressRow[]> {
    if (!targetIds.length) return Promise.resolve([]);
    let qb = q.selectFrom('target_progress').selectAll().where('target_id', 'in', targetIds);
    if (!history) qb = qb.where('current_key', 'is not', null);
    return qb.orderBy('period_end').orderBy('reported_at').execute();
  },
  /** Progress of every target of a district, current rows only, in one query. */
  districtProgress(q: Q, districtId: string): Promise<TargetProgressRow[]> {
    return q.selectFrom('target_progress').selectAll().where('district_id', '=', districtId).where('current_key', 'is not', null).orderBy('period_end').execute();
  },
  async supersede(q: Q, currentKey: string, at: number): Promise<void> {
    await q.updateTable('target_progress').set({ current_key: null, superseded_at: at }).where('current_key', '=', currentKey).execute();
  },
  async insertProgress(q: Q, rows: TargetProgressRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 60) await q.insertInto('target_progress').values(rows.slice(i, i + 60)).execute();
  },

  // ------------------------------------------------------------ reminders
  /** True when this process claimed the key (it was not claimed before). */
  async claimReminder(q: Q, districtId: string, key: string, at: number): Promise<boolean> {
    const r = await q
      .insertInto('target_reminders')
      .values({ dedupe_key: key, district_id: districtId, created_at: at })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('dedupe_key')
      .executeTakeFirst();
    return r !== undefined;
  },
  async releaseReminder(q: Q, key: string): Promise<void> {
    await q.deleteFrom('target_reminders').where('dedupe_key', '=', key).execute();
  },

  // ------------------------------------------------------------ reviews
  insertReview(q: Q, row: ReviewRow): Promise<unknown> {
    return q.insertInto('reviews').values(row).execute();
  },
  async updateReview(q: Q, id: string, expectedVersion: number, patch: Partial<ReviewRow>): Promise<boolean> {
    const r = await q.updateTable('reviews').set(patch).where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  reviewById(q: Q, id: string): Promise<ReviewRow | undefined> {
    return q.selectFrom('reviews').selectAll().where('id', '=', id).executeTakeFirst();
  },
  reviews(q: Q, districtId: string, filter: { subjectKind?: string | undefined; subjectId?: string | undefined; limit: number }): Promise<ReviewRow[]> {
    let qb = q.selectFrom('reviews').selectAll().where('district_id', '=', districtId);
    if (filter.subjectKind) qb = qb.where('subject_kind', '=', filter.subjectKind as ReviewRow['subject_kind']);
    if (filter.subjectId) qb = qb.where('subject_id', '=', filter.subjectId);
    return qb.orderBy('created_at', 'desc').limit(filter.limit).execute();
  },
};
