/**
 * Minute and hour rollups on each store: raw readings are folded in bounded batches into exact
 * min/max/avg/count per bucket, late readings land in their own bucket, nothing is folded twice
 * (also with two compactors at once), and minute buckets age out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/db/store.ts';
import { RollupService, LAG_MS } from '../../src/modules/perception/rollup-service.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { makeDistrict, type TestDistrict } from '../support/district.ts';
import { api, type Api } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { fleet } from './fixtures.ts';

// The rollup cursor is global to the database and kept between runs: this suite runs its clock
// years ahead of the other suites, and after wherever an earlier run left the cursor.
const HOUR = 3_600_000;
let START = Date.parse('2031-01-06T10:00:00Z');

describe.each(STORES)('telemetry rollups on $name', (kind) => {
  let store: Store;
  let t: TestDistrict;
  let a: Api;
  let rollups: RollupService;
  beforeAll(async () => {
    store = await kind.open();
    const cursor = await store.db.selectFrom('rollup_cursors').select('position').where('name', '=', 'readings').executeTakeFirst();
    START = Math.max(START, Math.ceil(((cursor?.position ?? 0) + 2 * HOUR) / HOUR) * HOUR);
    t = await makeDistrict(store, { clock: new ManualClock(START) });
    a = await api(t);
    await fleet(t, a);
    // Fold whatever other suites left in a shared database, so the counts below are this suite's.
    await new RollupService(store, t.clock, t.s.devices, { batch: 1_000_000, minuteRetentionMs: 86_400_000 }).compact(1000);
    // A batch of 3 readings, so folding takes several bounded batches.
    rollups = new RollupService(store, t.clock, t.s.devices, { batch: 3, minuteRetentionMs: 86_400_000 });
  });
  afterAll(async () => {
    await a.app.close();
    await store.close();
  });

  const ingest = (values: Array<[number, number]>) =>
    t.s.telemetry.ingest(
      t.districtId,
      'http',
      values.map(([sec, v]) => ({ device: 'WL-2', message: { at: new Date(START + sec * 1000).toISOString(), values: { currentLevel: v } } })),
    );
  const series = async (bucket: 'minute' | 'hour') =>
    (
      await (await a.as('admin')).get(
        `/api/v1/perception/devices/WL-2/rollups?measurement=currentLevel&bucket=${bucket}&since=${new Date(START - 3_600_000).toISOString()}&until=${new Date(START + 7_200_000).toISOString()}`,
      )
    ).body.items as Array<{ start: string; min: number; max: number; avg: number; count: number }>;

  it('folds readings into exact minute and hour buckets, in bounded batches', async () => {
    await ingest([
      [0, 0.1],
      [20, 0.3],
      [40, 0.2],
    ]);
    t.clock.advance(1000);
    await ingest([
      [65, 0.5],
      [90, 0.4],
    ]);
    // Not yet settled (arrived less than LAG_MS ago): nothing is folded.
    expect(await rollups.compact()).toBe(0);
    t.clock.advance(LAG_MS + 1000);
    expect(await rollups.compact(1)).toBe(3);
    expect(await rollups.compact()).toBe(2);
    expect(await rollups.compact()).toBe(0);
    const minutes = await series('minute');
    expect(minutes.map((m) => [m.start, m.min, m.max, +m.avg.toFixed(6), m.count])).toEqual([
      [new Date(START).toISOString(), 0.1, 0.3, 0.2, 3],
      [new Date(START + 60_000).toISOString(), 0.4, 0.5, 0.45, 2],
    ]);
    const hours = await series('hour');
    expect(hours.map((h) => [h.start, h.min, h.max, +h.avg.toFixed(6), h.count])).toEqual([[new Date(START).toISOString(), 0.1, 0.5, 0.3, 5]]);
  });

  it('a late reading lands in its own bucket; two compactors at once fold it once', async () => {
    await ingest([[-1800, 0.9]]);
    t.clock.advance(LAG_MS + 1000);
    // On PostgreSQL a second compactor with its own connections; the cursor row lock keeps them apart.
    const second = kind.name === 'postgres' ? openStore({ databaseUrl: process.env.DATABASE_URL_PG, poolSize: 2 }) : store;
    try {
      const other = new RollupService(second, t.clock, t.s.devices, { batch: 3, minuteRetentionMs: 86_400_000 });
      const folded = await Promise.all([rollups.compact(), other.compact(), rollups.compact()]);
      expect(folded.reduce((n, x) => n + x, 0)).toBe(1);
    } finally {
      if (second !== store) await second.close();
    }
    const minutes = await series('minute');
    expect(minutes.map((m) => m.count)).toEqual([1, 3, 2]);
    expect(minutes[0]).toMatchObject({ start: new Date(START - 1_800_000).toISOString(), min: 0.9, max: 0.9, avg: 0.9 });
    const hours = await series('hour');
    expect(hours.map((h) => [h.start, h.count])).toEqual([
      [new Date(START - 3_600_000).toISOString(), 1],
      [new Date(START).toISOString(), 5],
    ]);
  });

  it('minute buckets age out after their retention; hour buckets stay', async () => {
    t.clock.advance(86_400_000 + 3_600_000);
    for (let i = 0; i < 100 && (await series('minute')).length > 0; i++) await rollups.prune(1);
    expect(await series('minute')).toEqual([]);
    expect((await series('hour')).map((h) => h.count)).toEqual([1, 5]);
  });
});
