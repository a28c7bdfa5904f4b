/** The whole loop over HTTP as the real roles, on every store: report → … → visit, and its detours. */
import { describe, expect, it } from 'vitest';
import type { TestDistrict } from '../support/district.ts';
import type { Api } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

describe.each(STORES)('closed loop on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });

  async function report(extra: Record<string, unknown> = {}) {
    const intake = await a.as('intake');
    const r = await intake.post('/api/v1/cases', {
      channel: 'hotline',
      description: '路口垃圾堆积，影响通行',
      location: t.point('s1c1g1'),
      category: { kind: 'matter', code: '06010' },
      reporter: { name: '张先生', phone: '13800138000' },
      ...extra,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }

  async function toDispatched(lead = t.u.s1) {
    const c = await report();
    const intake = await a.as('intake');
    const sl = await a.as('shift_leader');
    const disp = await a.as('dispatcher');
    expect((await intake.act(c.id, 'accept')).status).toBe(200);
    expect((await sl.act(c.id, 'register')).status).toBe(200);
    const d = await disp.act(c.id, 'dispatch', { leadUnitId: lead });
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    return d.body;
  }

  it('walks report → accept → register → dispatch → sign → handle → check → close → visit', async () => {
    const c = await report();
    expect(c.state).toBe('REPORTED');
    expect(c.area.street.id).toBe(t.u.s1);
    expect(c.area.grid.id).toBe(t.u.s1c1g1);
    expect(c.number).toMatch(/^T[0-9A-F]{3}\d{8}\d{5}$/);
    expect(c.light).toBe('green');
    expect(c.allowedActions).toEqual(expect.arrayContaining(['accept', 'reject', 'merge']));
    const d = await toDispatched();
    expect(d.state).toBe('DISPATCHED');
    expect(d.leadUnit.id).toBe(t.u.s1);
    expect(d.stage).toBe('handle');
    const h = await a.as('h-s1');
    let r = await h.act(d.id, 'sign');
    expect(r.body.state).toBe('HANDLING');
    r = await h.act(d.id, 'report_handled', { note: '已清理' });
    expect(r.body.state).toBe('HANDLED');
    const g = await a.as('g-s1c1');
    r = await g.act(d.id, 'check');
    expect(r.body.state).toBe('CHECKING');
    r = await g.act(d.id, 'check_pass', { note: '现场已清理干净' });
    expect(r.body.state).toBe('CHECKED');
    r = await (await a.as('shift_leader')).act(d.id, 'close');
    expect(r.body.state).toBe('CLOSED');
    expect(r.body.closedAt).not.toBeNull();
    r = await (await a.as('intake')).act(d.id, 'visit', { satisfaction: 'satisfied', resolved: true });
    expect(r.body.state).toBe('EVALUATED');
    expect(r.body.allowedActions).toEqual(['comment']);

    const ev = await (await a.as('intake')).get(`/api/v1/cases/${d.id}/events`);
    expect(ev.body.items.map((e: { action: string }) => e.action)).toEqual([
      'report', 'accept', 'register', 'dispatch', 'sign', 'report_handled', 'check', 'check_pass', 'close', 'visit',
    ]);
    expect(ev.body.items.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const transitions = ev.body.items.slice(1).map((e: { from: string; to: string }) => `${e.from}>${e.to}`);
    expect(transitions).toEqual([
      'REPORTED>ACCEPTED', 'ACCEPTED>REGISTERED', 'REGISTERED>DISPATCHED', 'DISPATCHED>HANDLING', 'HANDLING>HANDLED',
      'HANDLED>CHECKING', 'CHECKING>CHECKED', 'CHECKED>CLOSED', 'CLOSED>EVALUATED',
    ]);
    expect(ev.body.items[0].actor.name).toBe('intake');
  });

  it('rework: check_fail sends the case back to HANDLING, counts a rework and restarts the clock', async () => {
    const d = await toDispatched();
    const h = await a.as('h-s1');
    const g = await a.as('g-s1c1');
    await h.act(d.id, 'sign');
    await h.act(d.id, 'report_handled', { note: '已处理' });
    await g.act(d.id, 'check');
    const before = (await g.get(`/api/v1/cases/${d.id}`)).body;
    t.clock.advance(60_000);
    const noReason = await g.act(d.id, 'check_fail');
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.code).toBe('VALIDATION_FAILED');
    const r = await g.act(d.id, 'check_fail', { reason: '仍有垃圾' });
    expect(r.status).toBe(200);
    expect(r.body.state).toBe('HANDLING');
    expect(r.body.reworkCount).toBe(1);
    expect(r.body.stage).toBe('handle');
    expect(Date.parse(r.body.stageStartedAt)).toBeGreaterThan(Date.parse(before.stageStartedAt ?? '1970-01-01'));
    await h.act(d.id, 'report_handled', { note: '返工完成' });
    await g.act(d.id, 'check');
    expect((await g.act(d.id, 'check_pass')).body.state).toBe('CHECKED');
  });

  it('return: the lead unit sends it back to REGISTERED, loses the assignment, and it can be re-dispatched', async () => {
    const d = await toDispatched(t.u.cgj);
    const h = await a.as('h-cgj');
    const r = await h.act(d.id, 'return', { reason: '非本单位职责' });
    expect(r.status).toBe(200);
    expect(r.body.state).toBe('REGISTERED');
    expect(r.body.leadUnit).toBeNull();
    expect(r.body.returnCount).toBe(1);
    expect(r.body.allowedActions).toEqual(['comment']);
    expect((await h.act(d.id, 'sign')).status).toBe(409);
    const again = await (await a.as('dispatcher')).act(d.id, 'dispatch', { leadUnitId: t.u.s1, cohandlerUnitIds: [t.u.slj] });
    expect(again.body.state).toBe('DISPATCHED');
    expect(again.body.cohandlers.map((u: { id: string }) => u.id)).toEqual([t.u.slj]);
  });

  it('merge: a duplicate report becomes MERGED and the master records it', async () => {
    const master = await report();
    const dup = await report({ description: '同一路口垃圾，第二次反映', reporter: { name: '李女士', phone: '13900139000' } });
    const intake = await a.as('intake');
    expect((await intake.act(dup.id, 'merge', {})).body.error.code).toBe('VALIDATION_FAILED');
    expect((await intake.act(dup.id, 'merge', { masterCaseId: dup.id })).status).toBe(400);
    const r = await intake.act(dup.id, 'merge', { masterCaseId: master.id });
    expect(r.status).toBe(200);
    expect(r.body.state).toBe('MERGED');
    expect(r.body.mergedInto).toBe(master.id);
    const ev = (await intake.get(`/api/v1/cases/${master.id}/events`)).body.items;
    expect(ev.at(-1).action).toBe('merged_in');
    expect(ev.at(-1).payload.number).toBe(dup.number);
    expect((await intake.get(`/api/v1/cases/${master.id}`)).body.version).toBe(1);
  });

  it('closing a master tells every report merged into it: an event on each and a message with its own reporter', async () => {
    const master = await toDispatched();
    const dup = await report({ description: '同一处垃圾又来反映', reporter: { name: '王女士', phone: '13700137000' } });
    const intake = await a.as('intake');
    expect((await intake.act(dup.id, 'merge', { masterCaseId: master.id })).status).toBe(200);
    const h = await a.as('h-s1');
    await h.act(master.id, 'sign');
    await h.act(master.id, 'report_handled', { note: '已清理' });
    const g = await a.as('g-s1c1');
    await g.act(master.id, 'check');
    await g.act(master.id, 'check_pass', { note: '现场已清理' });
    expect((await (await a.as('shift_leader')).act(master.id, 'close')).body.state).toBe('CLOSED');

    const ev = (await intake.get(`/api/v1/cases/${dup.id}/events`)).body.items;
    expect(ev.at(-1)).toMatchObject({ action: 'master_closed', from: 'MERGED', to: 'MERGED', payload: { masterCaseId: master.id, masterNumber: master.number } });
    const rows = await t.s.store.db.selectFrom('outbox').select(['topic', 'payload']).where('district_id', '=', t.districtId).where('topic', '=', 'case.master_closed').execute();
    const mine = rows.map((r) => JSON.parse(r.payload)).filter((x) => x.caseId === dup.id);
    expect(mine).toEqual([expect.objectContaining({ masterCaseId: master.id, channel: 'hotline', reporter: { name: '王女士', phone: '13700137000' } })]);
  });

  it('void: an approver voids an accepted case; the intake operator may not', async () => {
    const c = await report();
    await (await a.as('intake')).act(c.id, 'accept');
    const byIntake = await (await a.as('intake')).act(c.id, 'void', { reason: '重复录入' });
    expect(byIntake.status).toBe(403);
    expect(byIntake.body.error.code).toBe('CASE_ACTION_FORBIDDEN');
    expect(byIntake.body.error.details.allowedActions).toEqual(expect.arrayContaining(['register', 'merge']));
    const r = await (await a.as('shift_leader')).act(c.id, 'void', { reason: '重复录入' });
    expect(r.body.state).toBe('VOIDED');
    expect(r.body.light).toBeNull();
    expect((await (await a.as('shift_leader')).act(c.id, 'register')).body.error.code).toBe('CASE_INVALID_ACTION');
  });

  it('postponement moves the deadline; suspension pauses the clock and resume restores it', async () => {
    const d = await toDispatched();
    const h = await a.as('h-s1');
    await h.act(d.id, 'sign');
    const before = (await h.get(`/api/v1/cases/${d.id}`)).body;
    const until = new Date(Date.parse(before.deadlineAt) + 3 * 86400_000).toISOString();
    expect((await h.act(d.id, 'postpone_request', { reason: '需协调施工单位', until: '2020-01-01T00:00:00Z' })).status).toBe(400);
    let r = await h.act(d.id, 'postpone_request', { reason: '需协调施工单位', until });
    expect(r.body.postponement.pending).toBe(true);
    expect((await h.act(d.id, 'postpone_request', { reason: 'again', until })).body.error.code).toBe('CASE_INVALID_ACTION');
    r = await (await a.as('dispatcher')).act(d.id, 'postpone_approve');
    expect(r.status).toBe(200);
    expect(r.body.deadlineAt).toBe(until);
    expect(r.body.postponement).toBeNull();
    expect(r.body.postponeCount).toBe(1);

    const sl = await a.as('shift_leader');
    r = await sl.act(d.id, 'suspend', { reason: '等待上级批复' });
    expect(r.body.suspended).toBe(true);
    expect(r.body.light).toBeNull();
    const remaining = r.body.remainingWorkingMinutes;
    expect(remaining).toBeGreaterThan(0);
    expect((await h.act(d.id, 'report_handled', { note: 'x' })).body.error.code).toBe('CASE_INVALID_ACTION');
    t.clock.advance(7 * 86400_000);
    r = await sl.act(d.id, 'resume');
    expect(r.body.suspended).toBe(false);
    expect(r.body.remainingWorkingMinutes).toBe(remaining);
    expect(r.body.light).not.toBe('red');
  });

  it('lists cases with filters and cursor pagination, masking reporter phones', async () => {
    const intake = await a.as('intake');
    for (let i = 0; i < 5; i++) await report({ description: `分页测试 ${i}` });
    const p1 = await intake.get('/api/v1/cases?limit=3&q=%E5%88%86%E9%A1%B5');
    expect(p1.status).toBe(200);
    expect(p1.body.items).toHaveLength(3);
    expect(p1.body.items[0].reporter.phone).toBe('138****8000');
    const p2 = await intake.get(`/api/v1/cases?limit=3&q=%E5%88%86%E9%A1%B5&cursor=${p1.body.nextCursor}`);
    expect(p2.body.items).toHaveLength(2);
    expect(p2.body.nextCursor).toBeNull();
    const ids = [...p1.body.items, ...p2.body.items].map((c: { id: string }) => c.id);
    expect(new Set(ids).size).toBe(5);
    const reported = await intake.get(`/api/v1/cases?state=REPORTED&area=${t.u.s1c1}&light=green&category=matter:06010&limit=200`);
    expect(reported.body.items.length).toBeGreaterThanOrEqual(5);
    expect(reported.body.items.every((c: { state: string; light: string }) => c.state === 'REPORTED' && c.light === 'green')).toBe(true);
    t.clock.advance(30 * 86400_000);
    const red = await intake.get('/api/v1/cases?light=red&limit=200');
    expect(red.body.items.length).toBeGreaterThanOrEqual(5);
    expect(red.body.items.every((c: { light: string }) => c.light === 'red')).toBe(true);
    expect((await intake.get('/api/v1/cases?light=green&state=REPORTED')).body.items).toHaveLength(0);
  });

  it('Idempotency-Key: a retried POST returns the first case, also when both arrive at once', async () => {
    const intake = await a.as('intake');
    const body = { channel: 'citizen', description: '井盖缺失', location: t.point('s2c1g2') };
    const [r1, r2] = await Promise.all([
      intake.post('/api/v1/cases', body, { 'idempotency-key': 'k-1' }),
      intake.post('/api/v1/cases', body, { 'idempotency-key': 'k-1' }),
    ]);
    expect([r1.status, r2.status]).toEqual([201, 201]);
    expect(r1.body.id).toBe(r2.body.id);
    const r3 = await intake.post('/api/v1/cases', body, { 'idempotency-key': 'k-1' });
    expect(r3.body.id).toBe(r1.body.id);
    expect(r3.headers['idempotent-replayed']).toBe('true');
    const all = await intake.get('/api/v1/cases?q=%E4%BA%95%E7%9B%96%E7%BC%BA%E5%A4%B1&limit=50');
    expect(all.body.items).toHaveLength(1);
  });

  it('a point outside every area is accepted and flagged outside jurisdiction', async () => {
    const c = await report({ location: { lng: 100, lat: 20 } });
    expect(c.area.outsideJurisdiction).toBe(true);
    expect(c.area.street).toBeNull();
  });

  it('a WGS-84 (GPS) point is stored as GCJ-02 and located by the converted point', async () => {
    const gcj = t.point('s2c2g4');
    const { gcj02ToWgs84 } = await import('@onegrid/domain/geo/coords');
    const [lng, lat] = gcj02ToWgs84(gcj.lng, gcj.lat);
    const c = await report({ location: { lng, lat, crs: 'wgs84' } });
    expect(c.location.lng).toBeCloseTo(gcj.lng, 7);
    expect(c.location.lat).toBeCloseTo(gcj.lat, 7);
    expect(c.area.grid.id).toBe(t.u.s2c2g4);
  });
});
