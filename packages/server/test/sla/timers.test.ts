/**
 * SLA timers are rows: the yellow warning and the red overdue each fire once per stage, survive a
 * restart, and fire once when two worker processes share one PostgreSQL. Overdue cases are
 * automatically supervised and the lead unit is notified.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/store.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createServices } from '../../src/services.ts';
import { makeDistrict, type TestDistrict } from '../support/district.ts';
import { api, type Api } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

const run = promisify(execFile);

async function dispatchedCase(a: Api, t: TestDistrict) {
  const intake = await a.as('intake');
  const c = (await intake.post('/api/v1/cases', { channel: 'patrol', description: '道路不洁', location: t.point('s1c2g1'), category: { kind: 'matter', code: '06010' } })).body;
  await intake.act(c.id, 'accept');
  await (await a.as('shift_leader')).act(c.id, 'register');
  return (await (await a.as('dispatcher')).act(c.id, 'dispatch', { leadUnitId: t.u.s1 })).body;
}

async function slaEvents(t: TestDistrict, caseId: string, stage?: string) {
  const rows = await t.s.store.db.selectFrom('case_events').select(['action', 'reason', 'seq', 'payload']).where('case_id', '=', caseId).orderBy('seq').execute();
  return stage ? rows.filter((r) => (JSON.parse(r.payload) as { stage?: string }).stage === stage) : rows;
}

describe.each(STORES)('timers on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });

  it('warning then overdue, each once; overdue supervises automatically and notifies the lead unit', async () => {
    const c = await dispatchedCase(a, t);
    expect(c.light).toBe('green');
    t.clock.set(Date.parse(c.warnAt) + 1000);
    expect((await (await a.as('dispatcher')).get(`/api/v1/cases/${c.id}`)).body.light).toBe('yellow');
    await t.s.timers.fireDue(100, t.districtId);
    await t.s.timers.fireDue(100, t.districtId);
    let ev = await slaEvents(t, c.id);
    expect(ev.filter((e) => e.action === 'sla_warning')).toHaveLength(1);
    expect(ev.filter((e) => e.action === 'sla_overdue')).toHaveLength(0);
    t.clock.set(Date.parse(c.deadlineAt) + 1000);
    await t.s.timers.fireDue(100, t.districtId);
    await t.s.timers.fireDue(100, t.districtId);
    ev = await slaEvents(t, c.id);
    expect(ev.filter((e) => e.action === 'sla_overdue')).toHaveLength(1);
    expect(ev.filter((e) => e.action === 'supervise' && e.reason === 'automatic: overdue')).toHaveLength(1);
    expect(ev.map((e) => e.seq)).toEqual(ev.map((_, i) => i + 1));
    const now = (await (await a.as('dispatcher')).get(`/api/v1/cases/${c.id}`)).body;
    expect(now.light).toBe('red');
    expect(now.supervised).toBe(true);
    expect(now.version).toBe(c.version);
    await t.s.outbox.processBatch(1000, t.districtId);
    const inbox = (await (await a.as('h-s1')).get('/api/v1/notifications')).body.items;
    expect(inbox.filter((n: { caseId: string; kind: string }) => n.caseId === c.id && n.kind === 'overdue')).toHaveLength(1);
    expect(inbox.filter((n: { caseId: string; kind: string }) => n.caseId === c.id && n.kind === 'supervised')).toHaveLength(1);
  });

  it('leaving the stage cancels its timers; a postponement moves them', async () => {
    const c = await dispatchedCase(a, t);
    const h = await a.as('h-s1');
    await h.act(c.id, 'sign');
    const until = new Date(Date.parse(c.deadlineAt) + 5 * 86400_000).toISOString();
    await h.act(c.id, 'postpone_request', { reason: '材料待采购', until });
    await (await a.as('dispatcher')).act(c.id, 'postpone_approve');
    t.clock.set(Date.parse(c.deadlineAt) + 60_000);
    await t.s.timers.fireDue(100, t.districtId);
    expect((await slaEvents(t, c.id)).filter((e) => e.action === 'sla_overdue')).toHaveLength(0);
    await h.act(c.id, 'report_handled', { note: '完成' });
    t.clock.set(Date.parse(until) + 60_000);
    await t.s.timers.fireDue(100, t.districtId);
    // The handle stage was left in time; only the new check stage (4 working hours) ran late.
    expect((await slaEvents(t, c.id, 'handle')).filter((e) => e.action === 'sla_overdue')).toHaveLength(0);
    expect((await slaEvents(t, c.id, 'check')).filter((e) => e.action === 'sla_overdue')).toHaveLength(1);
  });
});

describe('timers survive a restart (SQLite file)', () => {
  it('fired timers stay fired and pending ones fire after reopening', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onegrid-restart-'));
    const file = path.join(dir, 'db.sqlite');
    let store = openStore({ sqliteFile: file });
    await migrateToLatest(store);
    const t = await makeDistrict(store, { dataDir: dir });
    const a = await api(t);
    const c = await dispatchedCase(a, t);
    t.clock.set(Date.parse(c.warnAt) + 1000);
    expect(await t.s.timers.fireDue(100, t.districtId)).toBe(1);
    await a.app.close();
    await store.close();

    store = openStore({ sqliteFile: file });
    const s2 = await createServices(t.s.config, { store, clock: t.clock });
    expect(await s2.timers.fireDue(100, t.districtId)).toBe(0);
    t.clock.set(Date.parse(c.deadlineAt) + 1000);
    expect(await s2.timers.fireDue(100, t.districtId)).toBe(1);
    expect(await s2.timers.fireDue(100, t.districtId)).toBe(0);
    const ev = await store.db.selectFrom('case_events').select('action').where('case_id', '=', c.id).execute();
    expect(ev.filter((e) => e.action === 'sla_warning')).toHaveLength(1);
    expect(ev.filter((e) => e.action === 'sla_overdue')).toHaveLength(1);
    await store.close();
  });
});

describe.each(STORES.filter((k) => k.name === 'postgres'))('two worker processes on $name', (kind) => {
  it('every due timer fires exactly once', async () => {
    const store = await kind.open();
    const t = await makeDistrict(store);
    const a = await api(t);
    const cases = [];
    for (let i = 0; i < 20; i++) cases.push(await dispatchedCase(a, t));
    const last = cases.map((c) => Date.parse(c.deadlineAt)).reduce((x, y) => Math.max(x, y));
    const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL_PG, NOW: String(last + 1000), DISTRICT_ID: t.districtId };
    const script = path.join(import.meta.dirname, '../support/timer-worker-proc.ts');
    const [p1, p2] = await Promise.all([
      run(process.execPath, ['--import', 'tsx', script], { env }),
      run(process.execPath, ['--import', 'tsx', script], { env }),
    ]);
    const fired = Number(p1.stdout.trim()) + Number(p2.stdout.trim());
    const ids = cases.map((c) => c.id);
    const ev = await store.db.selectFrom('case_events').select(['case_id', 'action']).where('case_id', 'in', ids).execute();
    for (const id of ids) {
      expect(ev.filter((e) => e.case_id === id && e.action === 'sla_warning')).toHaveLength(1);
      expect(ev.filter((e) => e.case_id === id && e.action === 'sla_overdue')).toHaveLength(1);
    }
    expect(fired).toBe(40);
    await a.app.close();
    await store.close();
  }, 60_000);
});
