/**
 * Perception end to end over HTTP on each store: device import (all or nothing), telemetry ingest
 * (JSON batch and JSON lines, bad readings rejected one by one and counted), latest values, the
 * alarm → case → clear loop with one open case per device and rule, and alarm state that outlives
 * the services that built it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Store } from '../../src/db/store.ts';
import { createServices } from '../../src/services.ts';
import type { TestDistrict } from '../support/district.ts';
import type { Api, Client } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';
import { at, type Fleet, fleet, post } from './fixtures.ts';

describe.each(STORES)('perception on $name', (kind) => {
  let store: Store;
  let t: TestDistrict;
  let a: Api;
  let f: Fleet;
  let admin: Client;
  useDistrict(kind, (x) => {
    ({ store, t, a } = x);
  });
  beforeAll(async () => {
    admin = await a.as('admin');
    f = await fleet(t, a);
  });

  const alarms = async (status = 'raised,acknowledged,cleared') =>
    (await admin.get(`/api/v1/perception/alarms?status=${status}`)).body.items as Array<{ id: string; status: string; device: { code: string }; rule: { code: string }; caseId: string | null }>;
  const status = async () => (await admin.get('/api/v1/telemetry/status')).body;

  it('a device file with any bad row imports nothing and names every bad row', async () => {
    const p = t.point('s1c1g2');
    const csv = [
      'code,type,name,lng,lat,component,unit',
      `OK-1,noise,噪声1,${p.lng},${p.lat},,`,
      `BAD 1,noise,噪声2,${p.lng},${p.lat},,`,
      `OK-2,toaster,烤面包机,${p.lng},${p.lat},,`,
      `OK-3,noise,噪声3,120.1,31.2,,`,
      `WL-1,noise,重复编号,${p.lng},${p.lat},,`,
      `OK-4,noise,噪声4,${p.lng},${p.lat},99999,nope`,
    ].join('\n');
    const r = await a.raw('POST', '/api/v1/perception/devices/import', { token: admin.token, payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('IMPORT_INVALID');
    const problems = r.body.error.details.problems as Array<{ line: number; reason: string }>;
    expect(problems.map((x) => x.line)).toEqual([3, 4, 5, 6, 7]);
    expect(problems[3]?.reason).toContain('already exists');
    expect(problems[4]?.reason).toMatch(/component 99999.*no unit with code nope/);
    const codes = ((await admin.get('/api/v1/perception/devices')).body.items as Array<{ code: string }>).map((d) => d.code);
    expect(codes).toEqual(['MC-1', 'MC-2', 'WL-1', 'WL-2']);

    const geo = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { code: 'AQ-1', type: 'air_quality', name: '空气站' }, geometry: { type: 'Point', coordinates: [p.lng, p.lat] } }],
    };
    const g = await a.raw('POST', '/api/v1/perception/devices/import', { token: admin.token, body: geo });
    expect(g.status, JSON.stringify(g.body)).toBe(200);
    expect(g.body.imported).toBe(1);
  });

  it('a rule that could never settle is refused', async () => {
    const r = await admin.post('/api/v1/perception/rules', {
      code: 'bad',
      name: 'bad',
      deviceType: 'water_level',
      condition: { kind: 'threshold', measurement: 'currentLevel', direction: 'above', raise: 0.2, clear: 0.3 },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    const m = await admin.post('/api/v1/perception/rules', { code: 'bad2', name: 'bad', deviceType: 'water_level', condition: { kind: 'threshold', measurement: 'pm25', direction: 'above', raise: 1, clear: 0 } });
    expect(m.status).toBe(400);
  });

  it('ingest needs credentials holding telemetry.ingest (an API key works)', async () => {
    const body = [{ device: 'WL-2', at: at(t), values: { currentLevel: 0.05 } }];
    expect((await a.raw('POST', '/api/v1/telemetry', { body })).status).toBe(401);
    const intake = await a.as('intake');
    expect((await a.raw('POST', '/api/v1/telemetry', { token: intake.token, body })).status).toBe(403);
    const r = await post(a, f.key, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ accepted: 1, rejected: 0 });
  });

  it('rejects bad readings one by one with a reason, counts them, and keeps the good ones', async () => {
    const before = await status();
    const batch = [
      { device: 'WL-2', at: at(t, 0.1), values: { currentLevel: 0.1, precipitation: { value: 12, unit: 'mm/h' } } },
      { device: 'NOPE', at: at(t), values: { currentLevel: 0.1 } },
      { device: 'WL-2', at: at(t), values: { pm25: 3 } },
      { device: 'WL-2', at: at(t), values: { currentLevel: { value: 10, unit: 'cm' } } },
      { device: 'WL-2', at: at(t), values: { currentLevel: 999 } },
      { device: 'WL-2', at: at(t) },
      'not an object',
      { device: 'WL-2', at: at(t, 60), values: { currentLevel: 0.1 } },
    ];
    const r = await post(a, f.key, { readings: batch });
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(1);
    expect(r.body.rejected).toBe(7);
    expect(r.body.errors.map((e: { index: number; reason: string }) => `${e.index}:${e.reason}`)).toEqual([
      '1:unknown_device',
      '2:unknown_measurement',
      '3:wrong_unit',
      '4:out_of_range',
      '5:malformed',
      '6:malformed',
      '7:future_time',
    ]);

    // JSON lines: a broken line is one malformed reading, the lines around it still count.
    const lines = [
      JSON.stringify({ device: 'WL-2', at: at(t, 0.2), values: { currentLevel: 0.11 } }),
      '{"device": "WL-2", "values": {',
      '',
      JSON.stringify({ device: 'WL-2', at: at(t, 0.3), values: { currentLevel: 0.12 } }),
    ].join('\n');
    const l = await post(a, f.key, lines, 'application/x-ndjson');
    expect(l.status).toBe(200);
    expect(l.body).toMatchObject({ accepted: 2, rejected: 1, errors: [{ index: 1, reason: 'malformed' }] });

    // A body that is not JSON at all is refused, and still counted.
    const bad = await post(a, f.key, '{"readings": [', 'application/json');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_JSON');

    const after = await status();
    expect(after.accepted - before.accepted).toBe(3);
    expect(after.rejected - before.rejected).toBe(9);
    const delta = (reason: string) => after.rejectedByReason[reason] - before.rejectedByReason[reason];
    expect([delta('unknown_device'), delta('unknown_measurement'), delta('wrong_unit'), delta('out_of_range'), delta('malformed'), delta('future_time')]).toEqual([1, 1, 1, 1, 4, 1]);
    expect(after.sources.http.accepted).toBe(after.accepted);
    expect(after.mqtt).toEqual({ enabled: false });
  });

  it('keeps the newest value per measurement: a late reading is stored raw but changes neither the latest value nor the rules', async () => {
    const r = await post(a, f.key, [{ device: 'WL-2', at: at(t, -10), values: { currentLevel: 0.9 } }]);
    expect(r.body).toMatchObject({ accepted: 1, late: 1 });
    const wl2 = ((await admin.get('/api/v1/perception/devices?type=water_level')).body.items as Array<{ code: string; latest: Record<string, { value: number }> }>).find((d) => d.code === 'WL-2');
    expect(wl2?.latest.currentLevel?.value).toBe(0.12);
    expect(wl2?.latest.precipitation?.value).toBe(12);
    expect((await alarms()).filter((x) => x.device.code === 'WL-2')).toEqual([]);
    const raw = await admin.get(`/api/v1/perception/devices/WL-2/readings?measurement=currentLevel&since=${encodeURIComponent(at(t, -60))}`);
    expect(raw.body.items.map((x: { value: number }) => x.value)).toEqual([0.9, 0.05, 0.1, 0.11, 0.12]);
  });

  it('alarm → acknowledged → case (sensor channel, category, place, system user) → cleared with a case event', async () => {
    t.clock.advance(60_000);
    expect((await post(a, f.key, [{ device: 'WL-1', at: at(t), values: { currentLevel: 0.35 } }])).body.accepted).toBe(1);
    const [alarm] = (await alarms()).filter((x) => x.device.code === 'WL-1');
    expect(alarm).toMatchObject({ status: 'raised', rule: { code: 'wl-high' }, caseId: null });
    if (!alarm) throw new Error('no alarm');

    // A person acknowledges; two at once (or a retry) still make one case.
    const [ack1, ack2] = await Promise.all([(await a.as('intake')).post(`/api/v1/perception/alarms/${alarm.id}/acknowledge`), (await a.as('shift_leader')).post(`/api/v1/perception/alarms/${alarm.id}/acknowledge`)]);
    expect(ack1.status, JSON.stringify(ack1.body)).toBe(200);
    expect(ack2.status, JSON.stringify(ack2.body)).toBe(200);
    expect(ack1.body.status).toBe('acknowledged');
    const caseId = ack1.body.caseId as string;
    expect(ack2.body.caseId).toBe(caseId);
    expect((await (await a.as('g-s1c1')).post(`/api/v1/perception/alarms/${alarm.id}/acknowledge`)).status).toBe(403);

    const c = (await admin.get(`/api/v1/cases/${caseId}`)).body;
    expect(c).toMatchObject({ channel: 'sensor', state: 'REPORTED', category: { kind: 'component', code: '01004' }, urgency: 'urgent' });
    expect(c.location.lng).toBeCloseTo(t.point('s1c1g1').lng, 6);
    expect(c.description).toContain('WL-1');
    const reporter = await store.db.selectFrom('cases').innerJoin('users', 'users.id', 'cases.created_by').select('users.username').where('cases.id', '=', caseId).executeTakeFirst();
    expect(reporter?.username).toMatch(/^system-/);

    // Inside the hysteresis band: still open. At the clear level: cleared, and the case says so.
    t.clock.advance(60_000);
    await post(a, f.key, [{ device: 'WL-1', at: at(t), values: { currentLevel: 0.25 } }]);
    expect((await alarms('raised,acknowledged')).filter((x) => x.device.code === 'WL-1')).toHaveLength(1);
    t.clock.advance(60_000);
    await post(a, f.key, [{ device: 'WL-1', at: at(t), values: { currentLevel: 0.15 } }]);
    const cleared = (await admin.get(`/api/v1/perception/alarms/${alarm.id}`)).body;
    expect(cleared).toMatchObject({ status: 'cleared', caseId, clearedValues: { currentLevel: 0.15 } });
    const events = (await admin.get(`/api/v1/cases/${caseId}/events`)).body.items as Array<{ action: string; note?: string; payload?: { note?: string } }>;
    const notes = events.filter((e) => e.action === 'comment').map((e) => JSON.stringify(e));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('告警已自动解除');

    // Raised again while the case is still open: a new alarm on the same case, noted there; no second case.
    t.clock.advance(60_000);
    await post(a, f.key, [{ device: 'WL-1', at: at(t), values: { currentLevel: 0.5 } }]);
    const again = (await alarms('raised')).filter((x) => x.device.code === 'WL-1');
    expect(again).toHaveLength(1);
    expect(again[0]?.caseId).toBe(caseId);
    const ack3 = await (await a.as('dispatcher')).post(`/api/v1/perception/alarms/${again[0]?.id}/acknowledge`);
    expect(ack3.body.caseId).toBe(caseId);
    const sensorCases = await store.db.selectFrom('cases').select('id').where('district_id', '=', t.districtId).where('channel', '=', 'sensor').execute();
    expect(sensorCases).toHaveLength(1);
    const events2 = (await admin.get(`/api/v1/cases/${caseId}/events`)).body.items as Array<{ action: string }>;
    expect(events2.filter((e) => e.action === 'comment')).toHaveLength(2);
  });

  it('an alarm cleared before anyone acknowledged it cannot be acknowledged', async () => {
    t.clock.advance(60_000);
    await post(a, f.key, [{ device: 'WL-2', at: at(t), values: { currentLevel: 0.6 } }]);
    t.clock.advance(60_000);
    await post(a, f.key, [{ device: 'WL-2', at: at(t), values: { currentLevel: 0.0 } }]);
    const [gone] = (await alarms('cleared')).filter((x) => x.device.code === 'WL-2');
    const r = await (await a.as('intake')).post(`/api/v1/perception/alarms/${gone?.id}/acknowledge`);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('ALARM_NOT_OPEN');
  });

  it('alarm state survives a restart: new services on the same store continue a sustained rule and tick offline devices', async () => {
    t.clock.advance(60_000);
    // MC-1 opens; mc-open needs 2 minutes. The "process" stops before that.
    await post(a, f.key, [{ device: 'MC-1', at: at(t), values: { open: true, tiltAngle: 12 } }]);
    expect((await alarms()).filter((x) => x.device.code === 'MC-1')).toEqual([]);

    const config = loadConfig({ ONEGRID_DATA_DIR: t.s.config.dataDir, LOG_LEVEL: 'silent' });
    const s2 = await createServices(config, { store, clock: t.clock, migrate: false });
    const ctx = { districtId: t.districtId };
    t.clock.advance(3 * 60_000);
    const r = await s2.telemetry.ingest(ctx.districtId, 'http', [{ device: 'MC-1', message: { at: at(t), values: { open: true } } }]);
    expect(r.accepted).toBe(1);
    const mc1 = (await alarms('raised')).filter((x) => x.device.code === 'MC-1');
    expect(mc1.map((x) => x.rule.code)).toEqual(['mc-open']);

    // Devices imported at the district's first minute; 31 minutes later MC-2 has never reported.
    t.clock.advance(31 * 60_000);
    await s2.telemetry.tick();
    const offline = (await alarms('raised')).filter((x) => x.rule.code === 'mc-offline').map((x) => x.device.code);
    expect(offline.sort()).toEqual(['MC-1', 'MC-2']);
    // A second tick (or a second worker) raises nothing more; MC-1 reporting clears its own.
    expect(await s2.telemetry.tick()).toBe(0);
    await s2.telemetry.ingest(ctx.districtId, 'http', [{ device: 'MC-1', message: { at: at(t), values: { open: false } } }]);
    const still = (await alarms('raised')).filter((x) => x.rule.code === 'mc-offline').map((x) => x.device.code);
    expect(still).toEqual(['MC-2']);
    const st = await status();
    expect(st.ruleStates.active).toBeGreaterThanOrEqual(1);
  });

  it('prunes raw readings past the retention, in bounded batches', async () => {
    const count = async () => Number((await store.db.selectFrom('readings').innerJoin('devices', 'devices.id', 'readings.device_id').select((eb) => eb.fn.countAll().as('n')).where('devices.district_id', '=', t.districtId).executeTakeFirstOrThrow()).n);
    const before = await count();
    expect(before).toBeGreaterThan(5);
    t.clock.advance(t.s.telemetry.retentionMs + 3600_000);
    // Retention is global: this also prunes other suites' readings, which none of them asserts on.
    for (let i = 0; i < 1000 && (await count()) > 0; i++) await t.s.telemetry.prune(5);
    expect(await count()).toBe(0);
  });
});
