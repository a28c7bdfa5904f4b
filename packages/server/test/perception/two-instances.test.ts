/**
 * Two server instances on one database (on PostgreSQL each with its own connection pool) receive
 * the same telemetry at the same moment — as when a device retries into another instance, or a
 * rule is ticked by two workers. They raise each alarm once, clear it once, and two people
 * acknowledging through different instances make one case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openStore, type Store } from '../../src/db/store.ts';
import { applyRules, StateConflict } from '../../src/modules/perception/rule-engine.ts';
import { createServices, type Services } from '../../src/services.ts';
import type { TestDistrict } from '../support/district.ts';
import type { Api } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';
import { at, fleet } from './fixtures.ts';

describe.each(STORES)('two instances on one $name store', (kind) => {
  let store: Store;
  let t: TestDistrict;
  let a: Api;
  let second: Store;
  let s1: Services;
  let s2: Services;
  useDistrict(kind, (x) => {
    ({ store, t, a } = x);
  });
  beforeAll(async () => {
    await fleet(t, a);
    // SQLite in memory has one connection anyway; PostgreSQL gets a second, independent pool.
    second = kind.name === 'postgres' ? openStore({ databaseUrl: process.env.DATABASE_URL_PG, poolSize: 5 }) : store;
    const config = loadConfig({ ONEGRID_DATA_DIR: t.s.config.dataDir, LOG_LEVEL: 'silent' });
    s1 = t.s;
    s2 = await createServices(config, { store: second, clock: t.clock, migrate: false });
  });
  afterAll(async () => {
    if (second !== store) await second.close();
  });

  const wl1Alarms = () =>
    store.db
      .selectFrom('alarms')
      .innerJoin('devices', 'devices.id', 'alarms.device_id')
      .select(['alarms.id', 'alarms.status', 'alarms.open_key', 'alarms.case_id'])
      .where('devices.district_id', '=', t.districtId)
      .where('devices.code', '=', 'WL-1')
      .orderBy('alarms.raised_at')
      .execute();

  it('the same readings through both instances at once raise and clear each alarm once', async () => {
    const rounds = 6;
    for (let i = 0; i < rounds; i++) {
      t.clock.advance(60_000);
      const high = [{ device: 'WL-1', message: { at: at(t), values: { currentLevel: 0.4 + i / 100 } } }];
      // Four deliveries through each instance, all in flight together.
      const results = await Promise.all([s1, s2, s1, s2, s1, s2, s1, s2].map((s) => s.telemetry.ingest(t.districtId, 'http', high)));
      expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(8);
      // Exactly one delivery applied it; the others found it already applied (late).
      expect(results.reduce((n, r) => n + r.late, 0)).toBe(7);
      t.clock.advance(30_000);
      const low = [{ device: 'WL-1', message: { at: at(t), values: { currentLevel: 0.1 } } }];
      await Promise.all([s1, s2, s1, s2].map((s) => s.telemetry.ingest(t.districtId, 'mqtt', low)));
    }
    const rows = await wl1Alarms();
    expect(rows).toHaveLength(rounds);
    expect(rows.every((r) => r.status === 'cleared' && r.open_key === null)).toBe(true);
  });

  it('different rising readings racing in both instances open one alarm, and two acknowledgements make one case', async () => {
    t.clock.advance(60_000);
    const x = [{ device: 'WL-1', message: { at: at(t), values: { currentLevel: 0.5 } } }];
    const y = [{ device: 'WL-1', message: { at: at(t, 0.1), values: { currentLevel: 0.6 } } }];
    await Promise.all([s1.telemetry.ingest(t.districtId, 'http', x), s2.telemetry.ingest(t.districtId, 'http', y)]);
    const open = (await wl1Alarms()).filter((r) => r.status !== 'cleared');
    expect(open).toHaveLength(1);
    const id = open[0]?.id as string;
    const [p1, p2] = await Promise.all([
      s1.auth.userByUsername(t.users.intake as string).then((u) => (u ? s1.auth.principalOf(u, 'session') : null)),
      s2.auth.userByUsername(t.users.shift_leader as string).then((u) => (u ? s2.auth.principalOf(u, 'session') : null)),
    ]);
    if (!p1 || !p2) throw new Error('users missing');
    const [v1, v2] = await Promise.all([s1.alarms.acknowledge(p1, id), s2.alarms.acknowledge(p2, id)]);
    expect(v1.caseId).toBeTruthy();
    expect(v2.caseId).toBe(v1.caseId);
    const cases = await store.db.selectFrom('cases').select('id').where('district_id', '=', t.districtId).where('channel', '=', 'sensor').execute();
    expect(cases.map((c) => c.id)).toEqual([v1.caseId]);
  });

  it.runIf(kind.name === 'postgres')('a rule state written by another transaction after it was read is a conflict, not an overwrite', async () => {
    const [device] = await s1.devices.ofType(t.districtId, 'water_level').then((ds) => ds.filter((d) => d.code === 'WL-2'));
    const rules = (await s1.rules.active(t.districtId)).filter((r) => r.code === 'wl-high');
    if (!device) throw new Error('WL-2 missing');
    const items = (v: number, m: number) => [{ device, input: { kind: 'reading' as const, at: t.clock.now() + m * 1000, values: { currentLevel: v } } }];
    // Round 1 creates the state row; round 2 races two transactions on it.
    await store.db.transaction().execute((trx) => applyRules(trx, t.districtId, rules, items(0.1, 1), t.clock.now()));
    const trxA = await store.db.startTransaction().execute();
    const trxB = await second.db.startTransaction().execute();
    try {
      const a1 = await applyRules(trxA, t.districtId, rules, items(0.5, 2), t.clock.now());
      expect(a1.effects.map((e) => e.kind)).toEqual(['raised']);
      // B reads the committed (old) state, steps it, and waits on A's row lock to write it…
      const pB = applyRules(trxB, t.districtId, rules, items(0.6, 3), t.clock.now());
      const settled = pB.then(
        () => 'wrote',
        (e) => (e instanceof StateConflict ? 'conflict' : String(e)),
      );
      await new Promise((r) => setTimeout(r, 200));
      await trxA.commit().execute();
      // …and finds the version moved: the batch is retried from fresh state instead of overwriting it.
      expect(await settled).toBe('conflict');
    } finally {
      await trxB.rollback().execute();
    }
  });

  it('two workers ticking an offline rule at once raise each offline alarm once', async () => {
    t.clock.advance(45 * 60_000);
    await Promise.all([s1.telemetry.tick(), s2.telemetry.tick(), s1.telemetry.tick()]);
    const rows = await store.db
      .selectFrom('alarms')
      .innerJoin('perception_rules', 'perception_rules.id', 'alarms.rule_id')
      .innerJoin('devices', 'devices.id', 'alarms.device_id')
      .select(['devices.code'])
      .where('alarms.district_id', '=', t.districtId)
      .where('perception_rules.code', '=', 'mc-offline')
      .execute();
    expect(rows.map((r) => r.code).sort()).toEqual(['MC-1', 'MC-2']);
  });
});
