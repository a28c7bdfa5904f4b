/**
 * The store-level baselines: how fast the database takes the rows a request writes, with no
 * HTTP, no auth and no domain logic, through the same Kysely instance the services use.
 */
import { sql } from 'kysely';
import type { CaseRow } from '../../packages/server/src/db/schema.ts';
import type { Store } from '../../packages/server/src/db/store.ts';
import { newId } from '../../packages/server/src/platform/ids.ts';
import { type Latency, latencyOf } from './report.ts';

export interface RateResult {
  ops: number;
  seconds: number;
  perSecond: number;
  latency: Latency;
}

/**
 * Runs `op(i)` back to back from `concurrency` async loops for `seconds` (or until `maxOps`).
 * On SQLite Kysely serialises everything on its one connection anyway; on PostgreSQL the
 * loops use the pool the way concurrent requests do.
 */
export async function rateOf(seconds: number, concurrency: number, op: (i: number) => Promise<unknown>, maxOps = Infinity): Promise<RateResult> {
  const times: number[] = [];
  let next = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end && next < maxOps) {
      const i = next++;
      const t0 = performance.now();
      await op(i);
      times.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const took = (performance.now() - start) / 1000;
  return { ops: times.length, seconds: took, perSecond: times.length / took, latency: latencyOf(times) };
}

/** A row shaped and sized like the one CaseService.report writes. */
export function caseSizedRow(districtId: string, userId: string, i: number, tag: string, now: number): CaseRow {
  return {
    id: newId(now),
    district_id: districtId,
    number: `RAW${tag}${String(i).padStart(8, '0')}`,
    channel: 'hotline',
    description: `市民来电反映：井盖破损缺失，存在安全隐患，请相关部门尽快核实处理。来电编号 ${i}。`,
    lng: 106.53 + (i % 1000) * 1e-5,
    lat: 29.57 + (i % 997) * 1e-5,
    address: `重庆市江北区观音桥街道建新北路${(i % 300) + 1}号附近`,
    category_kind: 'component',
    category_code: '01001',
    urgency: 'normal',
    state: 'REPORTED',
    version: 1,
    event_count: 1,
    suspended: 0,
    suspended_remaining_min: null,
    postpone_until: null,
    postpone_reason: null,
    supervised: 0,
    escalated: 0,
    rework_count: 0,
    return_count: 0,
    postpone_count: 0,
    reporter_name: '王先生',
    reporter_phone: '13800001234',
    street_id: null,
    community_id: null,
    grid_id: null,
    social_grid_id: null,
    outside_jurisdiction: 0,
    lead_unit_id: null,
    stage: 'accept',
    stage_seq: 1,
    stage_started_at: now,
    stage_limit_min: 60,
    warn_at: now + 48 * 60_000,
    deadline_at: now + 60 * 60_000,
    merged_into: null,
    satisfaction: null,
    resolved: null,
    photos: '[]',
    created_by: userId,
    created_at: now,
    updated_at: now,
    closed_at: null,
    cell: null,
    repeat_of: null,
  };
}

/** Plain INSERT of a case row: autocommit (one statement) and one row per transaction. */
export async function rawInserts(
  store: Store,
  ctx: { districtId: string; userId: string; tag: string },
  seconds: number,
  concurrency: number,
): Promise<{ autocommit: RateResult; transaction: RateResult }> {
  const db = store.db;
  const row = (i: number) => caseSizedRow(ctx.districtId, ctx.userId, i, ctx.tag, Date.now());
  const autocommit = await rateOf(seconds, concurrency, (i) => db.insertInto('cases').values(row(i)).execute());
  const offset = 1e7;
  const transaction = await rateOf(seconds, concurrency, (i) =>
    db.transaction().execute((trx) => trx.insertInto('cases').values(row(offset + i)).execute()),
  );
  return { autocommit, transaction };
}

/** Plain versioned UPDATE of case rows (what a transition's row write is, minus the rest). */
export async function rawUpdates(store: Store, ids: string[], seconds: number, concurrency: number): Promise<{ autocommit: RateResult; transaction: RateResult }> {
  const db = store.db;
  const update = (q: Pick<typeof db, 'updateTable'>, i: number) =>
    q
      .updateTable('cases')
      .set({ updated_at: Date.now(), version: sql`version + 1`, event_count: sql`event_count + 1` })
      .where('id', '=', ids[i % ids.length] as string)
      .execute();
  const autocommit = await rateOf(seconds, concurrency, (i) => update(db, i));
  const transaction = await rateOf(seconds, concurrency, (i) => db.transaction().execute((trx) => update(trx, i)));
  return { autocommit, transaction };
}
