/**
 * Rules with autoReport: "sensor triggers → the system creates a case automatically". A raised
 * alarm of such a rule is acknowledged by the district's system user at once (one case, channel
 * sensor); a rule without it still waits for a person; two processes raising at once make one case.
 * Also the gateway role: an integration key that can ingest but can neither read cases nor act.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openStore, type Store } from '../../src/db/store.ts';
import { createServices, type Services } from '../../src/services.ts';
import type { TestDistrict } from '../support/district.ts';
import type { Api, Client } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';
import { at, type Fleet, fleet, post } from './fixtures.ts';

describe.each(STORES)('auto-reported alarms on $name', (kind) => {
  let store: Store;
  let t: TestDistrict;
  let a: Api;
  let f: Fleet;
  let admin: Client;
  let second: Store;
  let s2: Services;
  useDistrict(kind, (x) => {
    ({ store, t, a } = x);
  });
  beforeAll(async () => {
    admin = await a.as('admin');
    f = await fleet(t, a);
    const r = await admin.post('/api/v1/perception/rules', {
      code: 'wl-severe',
      name: '严重积水',
      deviceType: 'water_level',
      condition: { kind: 'threshold', measurement: 'currentLevel', direction: 'above', raise: 0.8, clear: 0.6 },
      category: { kind: 'component', code: '01004' },
      urgency: 'urgent',
      autoReport: true,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.autoReport).toBe(true);
    f.rules['wl-severe'] = r.body.id as string;
    second = kind.name === 'postgres' ? openStore({ databaseUrl: process.env.DATABASE_URL_PG, poolSize: 5 }) : store;
    s2 = await createServices(loadConfig({ ONEGRID_DATA_DIR: t.s.config.dataDir, LOG_LEVEL: 'silent' }), { store: second, clock: t.clock, migrate: false });
  });
  afterAll(async () => {
    if (second && second !== store) await second.close();
  });

  type AlarmItem = { id: string; status: string; device: { code: string }; rule: { code: string }; caseId: string | null; acknowledgedBy: string | null };
  const alarmsOf = async (device: string, rule: string, status = 'raised,acknowledged,cleared') =>
    ((await admin.get(`/api/v1/perception/alarms?status=${status}`)).body.items as AlarmItem[]).filter((x) => x.device.code === device && x.rule.code === rule);
  const sensorCases = () => store.db.selectFrom('cases').select(['id', 'channel', 'created_by']).where('district_id', '=', t.districtId).where('channel', '=', 'sensor').execute();

  it('rules say whether they report on their own; the default is no', async () => {
    const rules = (await admin.get('/api/v1/perception/rules')).body.items as Array<{ code: string; autoReport: boolean }>;
    expect(Object.fromEntries(rules.map((r) => [r.code, r.autoReport]))).toEqual({ 'mc-offline': false, 'mc-open': false, 'wl-high': false, 'wl-severe': true });
    const bad = await admin.post('/api/v1/perception/rules', {
      code: 'x',
      name: 'x',
      deviceType: 'noise',
      condition: { kind: 'offline', minutes: 5 },
      autoReport: 'yes',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('an autoReport alarm becomes exactly one sensor case with no person involved; the other rule still waits', async () => {
    t.clock.advance(60_000);
    const r = await post(a, f.key, [{ device: 'WL-1', at: at(t), values: { currentLevel: 0.9 } }]);
    expect(r.body.accepted).toBe(1);
    const [severe] = await alarmsOf('WL-1', 'wl-severe');
    expect(severe).toMatchObject({ status: 'acknowledged' });
    expect(severe?.caseId).toBeTruthy();
    const [high] = await alarmsOf('WL-1', 'wl-high');
    expect(high).toMatchObject({ status: 'raised', caseId: null, acknowledgedBy: null });

    const cases = await sensorCases();
    expect(cases.map((c) => c.id)).toEqual([severe?.caseId]);
    const by = await store.db.selectFrom('users').select('username').where('id', '=', severe?.acknowledgedBy as string).executeTakeFirst();
    expect(by?.username).toMatch(/^system-/);
    const c = (await admin.get(`/api/v1/cases/${severe?.caseId}`)).body;
    expect(c).toMatchObject({ channel: 'sensor', urgency: 'urgent', category: { kind: 'component', code: '01004' } });

    // A person acknowledging it afterwards gets the same case back.
    const ack = await (await a.as('intake')).post(`/api/v1/perception/alarms/${severe?.id}/acknowledge`);
    expect(ack.body.caseId).toBe(severe?.caseId);

    // Cleared and raised again while the case is open: the new alarm joins that case, still no second one.
    t.clock.advance(60_000);
    await post(a, f.key, [{ device: 'WL-1', at: at(t), values: { currentLevel: 0.1 } }]);
    t.clock.advance(60_000);
    await post(a, f.key, [{ device: 'WL-1', at: at(t), values: { currentLevel: 0.95 } }]);
    const again = await alarmsOf('WL-1', 'wl-severe', 'acknowledged');
    expect(again).toHaveLength(1);
    expect(again[0]?.caseId).toBe(severe?.caseId);
    expect(await sensorCases()).toHaveLength(1);
  });

  it('two processes raising the same autoReport alarm at once make one alarm and one case', async () => {
    t.clock.advance(60_000);
    const x = [{ device: 'WL-2', message: { at: at(t), values: { currentLevel: 0.85 } } }];
    const y = [{ device: 'WL-2', message: { at: at(t, 0.1), values: { currentLevel: 0.9 } } }];
    await Promise.all([t.s.telemetry.ingest(t.districtId, 'http', x), s2.telemetry.ingest(t.districtId, 'mqtt', y), t.s.telemetry.ingest(t.districtId, 'http', y)]);
    const open = await alarmsOf('WL-2', 'wl-severe');
    expect(open).toHaveLength(1);
    expect(open[0]?.status).toBe('acknowledged');
    const cases = await sensorCases();
    expect(cases).toHaveLength(2);
    expect(cases.map((c) => c.id)).toContain(open[0]?.caseId);
  });

  it('a gateway key ingests and reads perception, but cannot read cases, act on alarms or manage rules', async () => {
    const [alarm] = await alarmsOf('WL-1', 'wl-high', 'raised');
    expect(alarm).toBeDefined();
    const gw = { token: f.key };
    const call = (method: string, url: string, body?: unknown) => a.raw(method, url, { token: gw.token, ...(body === undefined ? {} : { body }) });
    expect((await post(a, f.key, [{ device: 'MC-2', at: at(t), values: { open: false } }])).status).toBe(200);
    expect((await call('GET', '/api/v1/telemetry/status')).status).toBe(200);
    expect((await call('GET', '/api/v1/perception/alarms')).status).toBe(200);
    for (const [method, url, body] of [
      ['GET', '/api/v1/cases', undefined],
      ['GET', `/api/v1/cases/${(await sensorCases())[0]?.id}`, undefined],
      ['POST', `/api/v1/perception/alarms/${alarm?.id}/acknowledge`, {}],
      ['POST', '/api/v1/perception/rules', { code: 'gw', name: 'gw', deviceType: 'noise', condition: { kind: 'offline', minutes: 5 } }],
      ['GET', '/api/v1/units', undefined],
      ['POST', '/api/v1/api-keys', { name: 'more', userId: 'x' }],
    ] as const) {
      const r = await call(method, url, body);
      expect(r.status, `${method} ${url}`).toBe(403);
      expect(r.body.error.code).toBe('FORBIDDEN');
    }
    expect((await alarmsOf('WL-1', 'wl-high', 'raised'))[0]?.caseId).toBeNull();
  });
});
