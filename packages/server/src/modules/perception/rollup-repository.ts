/** SQL for telemetry rollups and their cursor only. */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB, ReadingRollupRow } from '../../db/schema.ts';

type Q = Kysely<DB> | Transaction<DB>;

export const BUCKET_MS = { minute: 60_000, hour: 3_600_000 } as const;
export type Bucket = keyof typeof BUCKET_MS;

export const rollupRepository = {
  async ensureCursor(q: Q, name: string): Promise<void> {
    await q
      .insertInto('rollup_cursors')
      .values({ name, position: 0 })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  },
  /** The cursor, locked for this transaction; undefined when another worker holds it (PostgreSQL). */
  cursor(q: Transaction<DB>, name: string, lock: boolean): Promise<{ position: number } | undefined> {
    const qb = q.selectFrom('rollup_cursors').select('position').where('name', '=', name);
    return (lock ? qb.forUpdate().skipLocked() : qb).executeTakeFirst();
  },
  async moveCursor(q: Q, name: string, position: number): Promise<void> {
    await q.updateTable('rollup_cursors').set({ position }).where('name', '=', name).execute();
  },
  /**
   * The arrival time up to which the next batch reaches: that of the `limit`-th reading after
   * `after` (all readings sharing it go in the same batch), or `upTo` when fewer remain.
   */
  async batchEdge(q: Q, after: number, upTo: number, limit: number): Promise<number> {
    const r = await q
      .selectFrom('readings')
      .select('received_at')
      .where('received_at', '>', after)
      .where('received_at', '<=', upTo)
      .orderBy('received_at')
      .offset(Math.max(0, limit - 1))
      .limit(1)
      .executeTakeFirst();
    return r ? r.received_at : upTo;
  },
  /** Raw readings that arrived in (after, edge], aggregated per device, measurement and bucket. */
  aggregate(q: Q, after: number, edge: number, bucket: Bucket): Promise<ReadingRollupRow[]> {
    const start = sql<number>`(${sql.ref('at')} / ${sql.lit(BUCKET_MS[bucket])}) * ${sql.lit(BUCKET_MS[bucket])}`;
    return q
      .selectFrom('readings')
      .select((eb) => [
        'device_id',
        'measurement',
        sql.lit(bucket).as('bucket'),
        start.as('start'),
        eb.fn.min('value').as('min'),
        eb.fn.max('value').as('max'),
        eb.fn.sum<number>('value').as('sum'),
        eb.fn.countAll<number>().as('count'),
      ])
      .where('received_at', '>', after)
      .where('received_at', '<=', edge)
      .groupBy(['device_id', 'measurement', start])
      .execute() as Promise<ReadingRollupRow[]>;
  },
  /** Folds partial aggregates into the stored buckets (late readings land in their own bucket). */
  async fold(q: Q, rows: ReadingRollupRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) {
      await q
        .insertInto('reading_rollups')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) =>
          oc.columns(['device_id', 'measurement', 'bucket', 'start']).doUpdateSet({
            // CASE rather than LEAST/MIN(a, b): the one spelling both stores accept.
            min: sql`case when excluded.min < reading_rollups.min then excluded.min else reading_rollups.min end`,
            max: sql`case when excluded.max > reading_rollups.max then excluded.max else reading_rollups.max end`,
            sum: sql`reading_rollups.sum + excluded.sum`,
            count: sql`reading_rollups.count + excluded.count`,
          }),
        )
        .execute();
    }
  },
  series(q: Q, deviceId: string, measurement: string, bucket: Bucket, since: number, until: number, limit: number): Promise<ReadingRollupRow[]> {
    return q
      .selectFrom('reading_rollups')
      .selectAll()
      .where('device_id', '=', deviceId)
      .where('measurement', '=', measurement)
      .where('bucket', '=', bucket)
      .where('start', '>=', since)
      .where('start', '<', until)
      .orderBy('start')
      .limit(limit)
      .execute();
  },
  /** Deletes the `limit` oldest buckets of a size that started before `before` (ties included). */
  async prune(q: Q, bucket: Bucket, before: number, limit: number): Promise<number> {
    const edge = await q
      .selectFrom('reading_rollups')
      .select('start')
      .where('bucket', '=', bucket)
      .where('start', '<', before)
      .orderBy('start')
      .offset(Math.max(0, limit - 1))
      .limit(1)
      .executeTakeFirst();
    let del = q.deleteFrom('reading_rollups').where('bucket', '=', bucket).where('start', '<', before);
    if (edge) del = del.where('start', '<=', edge.start);
    const r = await del.executeTakeFirst();
    return Number(r.numDeletedRows);
  },
};
