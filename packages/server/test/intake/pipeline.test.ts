/**
 * Intake intelligence over HTTP: duplicates (review and automatic merge), repeat problems,
 * automatic dispatch when every signal is unambiguous, routing return rates, and a failing step
 * that leaves the report waiting for a person instead of losing it.
 */
import { describe, expect, it } from 'vitest';
import { IntakeService } from '../../src/modules/intake/intake-service.ts';
import type { TestDistrict } from '../support/district.ts';
import type { Api } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

describe.each(STORES)('intake pipeline on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });

  const garbage = (grid: string, text = '路口垃圾堆积很久没人清理', extra: Record<string, unknown> = {}) => ({
    channel: 'citizen',
    description: text,
    location: t.point(grid),
    category: { kind: 'matter', code: '06010' },
    ...extra,
  });
  const automation = (on: boolean) => t.s.org.updateSettings(t.districtId, { intake: { automation: on } });

  it('without automation, a likely duplicate is reported with its candidates for the operator', async () => {
    await automation(false);
    const intake = await a.as('intake');
    const first = (await intake.post('/api/v1/cases', garbage('s1c1g1'))).body;
    t.clock.advance(3600_000);
    const second = (await intake.post('/api/v1/cases', garbage('s1c1g1', '路口垃圾堆积了很久，没有人清理'))).body;
    expect(second.state).toBe('REPORTED');
    const d = (await intake.get(`/api/v1/cases/${second.id}/intake`)).body.intake;
    const dedup = d.decisions.find((x: { step: string }) => x.step === 'dedup');
    expect(['review', 'auto_merge']).toContain(dedup.outcome);
    expect(dedup.candidates[0].caseId).toBe(first.id);
    expect(dedup.candidates[0].score).toBeGreaterThan(0.5);
    expect(dedup.candidates[0].distanceM).toBe(0);
  });

  it('two different problems on one corner are not duplicates', async () => {
    await automation(false);
    const intake = await a.as('intake');
    await intake.post('/api/v1/cases', garbage('s1c2g1'));
    const other = (await intake.post('/api/v1/cases', garbage('s1c2g1', '路口有流动摊贩占道卖水果', { category: { kind: 'matter', code: '09001' } }))).body;
    const d = (await intake.get(`/api/v1/cases/${other.id}/intake`)).body.intake;
    expect(d.decisions.find((x: { step: string }) => x.step === 'dedup')).toBeUndefined();
  });

  it('with automation on: a clear duplicate merges into the open case; a distinct report is accepted, registered and dispatched', async () => {
    await automation(true);
    const intake = await a.as('intake');
    const first = (await intake.post('/api/v1/cases', garbage('s2c1g3', '小区门口暴露垃圾，苍蝇很多'))).body;
    expect(first.state).toBe('DISPATCHED');
    expect(first.leadUnit.id).toBe(t.u.s2);
    const events = (await intake.get(`/api/v1/cases/${first.id}/events`)).body.items;
    expect(events.map((e: { action: string }) => e.action)).toEqual(['report', 'accept', 'register', 'dispatch']);
    expect(events[3].reason).toMatch(/^automatic: matter 06010/);
    expect(events[3].actor.name).toBe('智能派遣 (system)');
    expect(events[3].payload.routingRule).toBe('territorial');

    const dup = (await intake.post('/api/v1/cases', garbage('s2c1g3', '小区门口暴露垃圾，苍蝇很多！！'))).body;
    expect(dup.state).toBe('MERGED');
    expect(dup.mergedInto).toBe(first.id);
    const master = (await intake.get(`/api/v1/cases/${first.id}/events`)).body.items;
    expect(master.at(-1).action).toBe('merged_in');

    // The intake operator overrides the machine: the report is taken in again, with a reason.
    const handler = await a.as('h-s2');
    expect((await handler.act(dup.id, 'unmerge', { version: dup.version, reason: 'x' })).status).toBe(403);
    expect((await intake.act(dup.id, 'unmerge', { version: dup.version })).body.error.code).toBe('VALIDATION_FAILED');
    const back = await intake.act(dup.id, 'unmerge', { version: dup.version, reason: '不是同一处，另一侧人行道' });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body).toMatchObject({ state: 'REPORTED', mergedInto: null });
    expect(back.body.allowedActions).toEqual(expect.arrayContaining(['accept', 'merge', 'reject']));
    expect(back.body.deadlineAt).not.toBeNull();
    const after = (await intake.get(`/api/v1/cases/${first.id}/events`)).body.items;
    expect(after.at(-1)).toMatchObject({ action: 'unmerged_out', payload: { caseId: dup.id } });
    await automation(false);
  });

  it('automatic steps are all taken in the report\'s transaction, or none: a bad routing rule leaves the report waiting', async () => {
    await automation(true);
    const [rule] = await t.s.taxonomy.addRules(t.districtId, [{ categoryKind: 'matter', categoryCode: '06010', areaUnitId: t.u.s1c1 as string, unitId: t.u.s1c1g1 as string }]);
    try {
      const intake = await a.as('intake');
      const r = await intake.post('/api/v1/cases', garbage('s1c1g3', '楼下绿化带边上一堆生活垃圾'));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.state).toBe('REPORTED');
      const events = (await intake.get(`/api/v1/cases/${r.body.id}/events`)).body.items;
      expect(events.map((e: { action: string }) => e.action)).toEqual(['report']);
      const d = (await intake.get(`/api/v1/cases/${r.body.id}/intake`)).body.intake;
      expect(d.decisions.find((x: { step: string }) => x.step === 'automation')).toMatchObject({ outcome: 'failed', error: expect.stringContaining('leadUnitId') });
      expect(d.decisions.find((x: { step: string }) => x.step === 'route')).toMatchObject({ rule: 'matrix', unitId: t.u.s1c1g1 });
    } finally {
      await t.s.taxonomy.deleteRule(t.districtId, rule?.id as string);
      await automation(false);
    }
  });

  it('a report where a case of the same category was closed in the last 30 days is flagged as a repeat', async () => {
    await automation(false);
    const intake = await a.as('intake');
    const c = (await intake.post('/api/v1/cases', garbage('s2c2g2', '垃圾桶旁边堆满垃圾'))).body;
    await intake.act(c.id, 'accept');
    await (await a.as('shift_leader')).act(c.id, 'register');
    await (await a.as('dispatcher')).act(c.id, 'dispatch', { leadUnitId: t.u.s2 });
    const h = await a.as('h-s2');
    await h.act(c.id, 'sign');
    await h.act(c.id, 'report_handled', { note: '已清运' });
    const sl = await a.as('shift_leader');
    await sl.act(c.id, 'check');
    await sl.act(c.id, 'check_pass');
    await sl.act(c.id, 'close');
    t.clock.advance(5 * 86400_000);
    const again = (await intake.post('/api/v1/cases', garbage('s2c2g2', '又堆满了垃圾'))).body;
    expect(again.repeatOf).toBe(c.id);
    t.clock.advance(40 * 86400_000);
    const later = (await intake.post('/api/v1/cases', garbage('s2c2g2', '又堆满了垃圾，第三次'))).body;
    expect(later.repeatOf).toBeNull();
  });

  it('routing stats count returns per rule and unit', async () => {
    await automation(true);
    const intake = await a.as('intake');
    const c = (await intake.post('/api/v1/cases', garbage('s1c1g4', '人行道上一大袋生活垃圾'))).body;
    expect(c.state).toBe('DISPATCHED');
    await (await a.as('h-s1')).act(c.id, 'return', { reason: '非本街道职责' });
    const stats = (await (await a.as('admin')).get('/api/v1/intake/routing-stats')).body.items;
    const row = stats.find((r: { rule: string; unitId: string }) => r.rule === 'territorial' && r.unitId === t.u.s1);
    expect(row.returned).toBeGreaterThanOrEqual(1);
    expect(row.returnRate).toBeGreaterThan(0);
    await automation(false);
  });

  it('a hotline call with only an address and free text is placed, classified and dispatched without a person', async () => {
    const { lng, lat } = t.point('s1c2g3');
    await t.s.gazetteer.importFile(t.districtId, `kind,name,aliases,road,number,lng,lat\ndoor,测试大道8号,,测试大道,8,${lng},${lat}`, undefined, { source: 'test' });
    await automation(true);
    const intake = await a.as('intake');
    const r = await intake.post('/api/v1/cases', { channel: 'hotline', description: '门口有人占道摆摊卖水果，把人行道都堵了', address: '测试大道8号' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.location).toEqual({ lng, lat });
    expect(r.body.area.grid.id).toBe(t.u.s1c2g3);
    expect(r.body.category).toMatchObject({ kind: 'matter', code: '09006' });
    expect(r.body.state).toBe('DISPATCHED');
    const d = (await intake.get(`/api/v1/cases/${r.body.id}/intake`)).body.intake;
    const byStep = Object.fromEntries(d.decisions.map((x: { step: string }) => [x.step, x]));
    expect(byStep.locate).toMatchObject({ outcome: 'geocoded', name: '测试大道8号' });
    expect(byStep.classify.outcome).toBe('applied');
    expect(byStep.classify.modelVersion).toMatch(/^base-/);
    expect(byStep.classify.suggestions[0]).toMatchObject({ code: '09006' });
    expect(d.categoryConfidence).toBeGreaterThanOrEqual(0.9);

    // A vague report is classified only as a suggestion and waits for the operator.
    const vague = await intake.post('/api/v1/cases', { channel: 'hotline', description: '这里有点问题，麻烦来看一下', address: '测试大道8号' });
    expect(vague.body.state).toBe('REPORTED');
    expect(vague.body.category).toBeNull();
    await automation(false);
  });

  it('intake settings: readable by the centre, changed only by an admin, validated, and in force for the next report', async () => {
    const admin = await a.as('admin');
    const before = await (await a.as('dispatcher')).get('/api/v1/settings/intake');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ classifyThreshold: 0.8, autoDispatchThreshold: 0.9, repeatDays: 30, geocodeThreshold: 0.8 });
    expect((await (await a.as('dispatcher')).put('/api/v1/settings/intake', { automation: true })).status).toBe(403);
    const bad = await admin.put('/api/v1/settings/intake', { classifyThreshold: 1.5, dedup: { byCategory: { '06010': { radiusM: 50 } } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const crossed = await admin.put('/api/v1/settings/intake', { dedup: { autoThreshold: 0.5, reviewThreshold: 0.6 } });
    expect(crossed.status).toBe(400);
    expect(crossed.body.error.message).toContain('reviewThreshold');
    expect((await admin.get('/api/v1/settings/intake')).body).toEqual(before.body);

    // The next report runs with what was just saved.
    const set = await admin.put('/api/v1/settings/intake', { automation: true, classifyThreshold: 0.95, dedup: { byCategory: { 'matter:06010': { radiusM: 30 } } } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({ automation: true, classifyThreshold: 0.95, dedup: { byCategory: { 'matter:06010': { radiusM: 30 } } } });
    const intake = await a.as('intake');
    expect((await intake.post('/api/v1/cases', garbage('s1c2g4'))).body.state).toBe('DISPATCHED');
    expect((await admin.put('/api/v1/settings/intake', { automation: false })).body.classifyThreshold).toBe(0.95);
    expect((await intake.post('/api/v1/cases', garbage('s2c1g2'))).body.state).toBe('REPORTED');
    expect((await admin.put('/api/v1/settings/intake', { automation: false, classifyThreshold: 0.8, dedup: { byCategory: {} } })).status).toBe(200);
  });

  it('an address-only report without a gazetteer waits for a person to place it', async () => {
    const intake = await a.as('intake');
    const r = await intake.post('/api/v1/cases', { channel: 'hotline', description: '某小区门口井盖松动', address: '建新北路12号' });
    expect(r.status).toBe(201);
    expect(r.body.location).toBeNull();
    expect(r.body.area.street).toBeNull();
    expect(r.body.state).toBe('REPORTED');
    const none = await intake.post('/api/v1/cases', { channel: 'hotline', description: '没有地址也没有坐标' });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toContain('body.location');

    // The operator places it when accepting; only accept and register may place or move a case.
    const spot = t.point('s2c1g4');
    const placed = await intake.act(r.body.id, 'accept', { version: r.body.version, location: spot, address: '建新北路12号（小区东门）' });
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    expect(placed.body.location).toEqual(spot);
    expect(placed.body.address).toBe('建新北路12号（小区东门）');
    expect(placed.body.area).toMatchObject({ street: { id: t.u.s2 }, community: { id: t.u.s2c1 }, grid: { id: t.u.s2c1g4 } });
    const events = (await intake.get(`/api/v1/cases/${r.body.id}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({ action: 'accept', payload: { location: { ...spot, outsideJurisdiction: false, previous: null } } });
    // Its grid worker can now see it; a move on any other action is refused.
    expect((await (await a.as('g-s2c1')).get(`/api/v1/cases/${r.body.id}`)).status).toBe(200);
    const moved = await (await a.as('shift_leader')).act(r.body.id, 'comment', { version: placed.body.version, note: '补充', location: t.point('s1c1g1') });
    expect(moved.status).toBe(400);
    expect(moved.body.error.message).toContain('accepted or registered');
  });

  it('a failing classifier or gazetteer never loses the report', async () => {
    await automation(true);
    const broken = new IntakeService(
      t.s.store,
      t.s.clock,
      t.s.org,
      t.s.taxonomy,
      t.s.cases,
      t.s.auth,
      { warn: () => {} },
      { suggest: async () => Promise.reject(new Error('model file missing')) },
      { geocode: async () => Promise.reject(new Error('gazetteer down')) },
    );
    const user = await t.s.auth.userByUsername(t.users.intake as string);
    if (!user) throw new Error('intake user missing');
    const p = await t.s.auth.principalOf(user, 'session');
    const r = await broken.report(p, { channel: 'hotline', description: '路灯不亮', address: '不存在的地址' });
    expect(r.view.state).toBe('REPORTED');
    const d = await broken.decisions(p, r.view.id);
    const decisions = (d?.decisions ?? []) as Array<{ step: string; outcome: string }>;
    const steps = decisions.filter((x) => x.outcome === 'failed').map((x) => x.step);
    expect(steps).toEqual(['locate', 'classify']);
    await automation(false);
  });
});
