/**
 * Evaluation end to end on each store: five cases walked through the loop in March (on time,
 * late, reworked, rejected, still overdue at the month's end), then March's figures by object,
 * the cases behind a figure, the bulletin workbook, scheme versions, the indices, and who may
 * see what.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { EvaluationService } from '../../src/modules/evaluation/evaluation-service.ts';
import type { TestDistrict } from '../support/district.ts';
import type { Api } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

const APRIL = Date.parse('2026-04-02T09:00:00+08:00');

describe.each(STORES)('evaluation on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  const ids: Record<string, string> = {};
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });

  async function report(as: string, channel: string, grid: string) {
    const r = await (await a.as(as)).post('/api/v1/cases', { channel, description: '道路积水，车辆无法通行', location: t.point(grid), category: { kind: 'matter', code: '06010' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  }
  async function act(as: string, id: string, action: string, body: Record<string, unknown> = {}) {
    const r = await (await a.as(as)).act(id, action, body);
    expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
    return r.body;
  }
  async function toDispatched(id: string, lead: string) {
    await act('intake', id, 'accept');
    await act('shift_leader', id, 'register');
    return act('dispatcher', id, 'dispatch', { leadUnitId: lead });
  }
  async function overdue(c: { deadlineAt: string }) {
    const back = t.clock.now();
    t.clock.set(Date.parse(c.deadlineAt) + 1000);
    await t.s.timers.fireDue(100, t.districtId);
    return back;
  }
  async function finish(id: string, checker: string, handler: string) {
    await act(handler, id, 'report_handled', { note: '已处置' });
    await act(checker, id, 'check');
    await act(checker, id, 'check_pass', { note: '已核查' });
    await act('shift_leader', id, 'close');
  }

  it('walks March: on time, late, reworked, rejected and still overdue', async () => {
    // A: found on patrol in street 1, handled by 城管局 in time.
    ids.A = await report('g-s1c1', 'patrol', 's1c1g1');
    await toDispatched(ids.A, t.u.cgj as string);
    await act('h-cgj', ids.A, 'sign');
    await finish(ids.A, 'g-s1c1', 'h-cgj');
    // B: a hotline case in street 1, 城管局 lets it go overdue, closes it late; the caller is satisfied.
    ids.B = await report('intake', 'hotline', 's1c1g2');
    const b = await toDispatched(ids.B, t.u.cgj as string);
    await act('h-cgj', ids.B, 'sign');
    await overdue(b);
    await finish(ids.B, 'g-s1c1', 'h-cgj');
    await act('intake', ids.B, 'visit', { satisfaction: 'satisfied', resolved: true });
    // C: a citizen case in street 2, handled by the street, fails the check once.
    ids.C = await report('intake', 'citizen', 's2c1g1');
    await toDispatched(ids.C, t.u.s2 as string);
    await act('h-s2', ids.C, 'sign');
    await act('h-s2', ids.C, 'report_handled', { note: '已清理' });
    await act('g-s2c1', ids.C, 'check');
    await act('g-s2c1', ids.C, 'check_fail', { reason: '未清理干净' });
    await finish(ids.C, 'g-s2c1', 'h-s2');
    // D: rejected at intake.
    ids.D = await report('g-s1c1', 'patrol', 's1c1g1');
    await act('intake', ids.D, 'reject', { reason: '不属于受理范围' });
    // E: dispatched to 水利局 in street 2 and still open, overdue, when March ends.
    ids.E = await report('intake', 'patrol', 's2c1g2');
    const e = await toDispatched(ids.E, t.u.slj as string);
    await overdue(e);
    t.clock.set(APRIL);
  });

  const results = async (as: string, q: string) => {
    const r = await (await a.as(as)).get(`/api/v1/evaluation/results?period=2026-03&${q}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };

  it('counts and rates per object, by the documented rules', async () => {
    const d = (await results('supervisor', 'objectType=district')).rows[0];
    expect(d.counts).toMatchObject({ reported: 5, accepted: 4, rejected: 1, registered: 4, dispatched: 4, closed: 3, closed_on_time: 2, due_to_close: 4, reworked: 1, handled: 4 });
    expect(d.indicators.closed_on_time_rate).toBe(0.5);
    expect(d.indicators.close_rate).toBe(0.75);
    expect(d.indicators.rework_rate).toBe(0.25);
    expect(d.indicators.satisfaction_rate).toBe(1);

    const deps = await results('supervisor', 'objectType=department');
    const cgj = deps.rows.find((r: { object: { id: string } }) => r.object.id === t.u.cgj);
    expect(cgj.counts).toMatchObject({ dispatched: 2, closed: 2, closed_on_time: 1, due_to_close: 2 });
    // 30 × 100 (结案率) + 50 × 50 (按期结案率) + 20 × 100 (no rework) = 75.
    expect(cgj.scores.department).toMatchObject({ score: 75, grade: 'B' });
    const slj = deps.rows.find((r: { object: { id: string } }) => r.object.id === t.u.slj);
    expect(slj.counts).toMatchObject({ due_to_close: 1, closed: 0 });
    // Nothing handled, so no rework rate: 30 × 0 + 50 × 0 over the 80 weighed = 0.
    expect(slj.scores.department).toMatchObject({ score: 0, grade: 'E', rank: 2 });
    expect(cgj.scores.department.rank).toBe(1);
    expect(deps.redList.department[0]).toBe(`department:${t.u.cgj}`);

    const streets = await results('supervisor', 'objectType=street');
    const s1 = streets.rows.find((r: { object: { id: string } }) => r.object.id === t.u.s1);
    expect(s1.counts).toMatchObject({ reported: 3, rejected: 1, closed: 2, closed_on_time: 1 });
    const posts = await results('supervisor', 'objectType=person');
    const g = posts.rows.find((r: { object: { name: string } }) => r.object.name === 'g-s1c1');
    expect(g.counts).toMatchObject({ reported: 2, reported_valid: 1, checked: 2 });
    expect(g.indicators.valid_report_rate).toBe(0.5);
    expect(g.scores.person_grid_worker).toBeDefined();
  });

  it('recomputes a closed period to the same numbers, and names the scheme version', async () => {
    const first = await results('supervisor', 'objectType=grid');
    // A fresh service: nothing cached, so the second answer is computed again from the events.
    t.s.evaluation = new EvaluationService(t.s.store, t.s.clock, t.s.org, t.s.auth, t.s.cases, t.s.audit, t.s.supervision);
    const again = await results('supervisor', 'objectType=grid');
    expect(again).toEqual(first);
    expect(first.scheme.version).toBe(0);
    expect(first.period).toMatchObject({ label: '2026-03', closed: true });
    expect(first.previous).toBe('2026-02');
  });

  it('lists the cases behind a figure', async () => {
    const sup = await a.as('supervisor');
    const r = await sup.get(`/api/v1/evaluation/drill?period=2026-03&object=department:${t.u.cgj}&figure=closed_on_time_rate`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.counts).toEqual({ closed_on_time: { total: 1, cases: 1 }, due_to_close: { total: 2, cases: 2 } });
    expect(r.body.items.map((c: { id: string }) => c.id).sort()).toEqual([ids.A, ids.B].sort());
    const rework = await sup.get(`/api/v1/evaluation/drill?period=2026-03&object=district&figure=reworked`);
    expect(rework.body.items.map((c: { id: string }) => c.id)).toEqual([ids.C]);
    const bad = await sup.get(`/api/v1/evaluation/drill?period=2026-03&object=district&figure=nonsense`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.message).toMatch(/neither a count/);
  });

  it('a street sees only its own detail; a grid worker sees no evaluation', async () => {
    const own = await results('h-s1', 'objectType=street');
    expect(own.rows.map((r: { object: { id: string } }) => r.object.id)).toEqual([t.u.s1]);
    expect((await results('h-s1', 'objectType=department')).rows).toEqual([]);
    expect((await results('h-s1', 'objectType=district')).rows).toEqual([]);
    const h = await a.as('h-s1');
    const other = await h.get(`/api/v1/evaluation/drill?period=2026-03&object=street:${t.u.s2}&figure=closed`);
    expect(other.status).toBe(404);
    const g = await (await a.as('g-s1c1')).get('/api/v1/evaluation/results?period=2026-03');
    expect(g.status).toBe(403);
    expect(g.body.error.code).toBe('FORBIDDEN');
    const put = await h.put('/api/v1/evaluation/scheme', {});
    expect(put.status).toBe(403);
  });

  it('exports the bulletin workbook with the same numbers, and CSV', async () => {
    const sup = await a.as('supervisor');
    const r = await a.raw('GET', '/api/v1/evaluation/export?period=2026-03&objectType=department', { token: sup.token });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/spreadsheetml/);
    const app = a.app;
    const bin = await app.inject({ method: 'GET', url: '/api/v1/evaluation/export?period=2026-03&objectType=department', headers: { authorization: `Bearer ${sup.token}` } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bin.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    expect(String(ws.getCell(1, 1).value)).toMatch(/部门综合评价通报（2026-03）/);
    const header = (ws.getRow(4).values as unknown[]).map(String);
    expect(header).toContain('按期结案率(50%)');
    const line = ws.getRow(5).values as unknown[];
    expect(line[1]).toBe(1);
    expect(line[2]).toBe('城管局');
    expect(line[3]).toBe(75);
    expect(line[4]).toBe('B');
    expect(line[header.indexOf('按期结案率(50%)')]).toBe(0.5);
    expect(wb.getWorksheet('指标说明')).toBeDefined();

    const csv = await a.raw('GET', '/api/v1/evaluation/export?period=2026-03&objectType=department&format=csv', { token: sup.token });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = String(csv.body).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toMatch(/^period,object_type,object_id,name,department\.score/);
    expect(lines.find((l) => l.includes('城管局'))).toMatch(/^2026-03,department,[^,]+,城管局,75,B,1,/);
  });

  it('hands a finished month to supervision as yellow/red cards, once', async () => {
    const sup = await a.as('supervisor');
    const early = await sup.post('/api/v1/evaluation/cards', { period: '2026-04' });
    expect(early.status).toBe(400);
    expect(early.body.error.message).toMatch(/has not ended/);
    const r = await sup.post('/api/v1/evaluation/cards', { period: '2026-03' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const onTime = r.body.cards.filter((c: { indicator: string }) => c.indicator === 'closed_on_time_rate');
    // 水利局 0 % and 城管局 50 % of March on time: both below the default red line (80 %).
    const slj = onTime.find((c: { unit: { id: string } }) => c.unit.id === t.u.slj);
    expect(slj).toMatchObject({ colour: 'red', value: 0, period: '2026-03' });
    expect(onTime.find((c: { unit: { id: string } }) => c.unit.id === t.u.cgj)).toMatchObject({ colour: 'red', value: 0.5 });
    expect(slj.orderId).toBeTruthy();
    const again = await sup.post('/api/v1/evaluation/cards', { period: '2026-03' });
    expect(again.body.cards.map((c: { id: string }) => c.id).sort()).toEqual(r.body.cards.map((c: { id: string }) => c.id).sort());
    const orders = await sup.get('/api/v1/supervision/orders?source=card');
    expect(orders.body.items.filter((o: { id: string }) => o.id === slj.orderId)).toHaveLength(1);
    expect((await (await a.as('h-s1')).post('/api/v1/evaluation/cards', { period: '2026-03' })).status).toBe(403);
  });

  it('saves scheme versions; an old version reproduces the old numbers', async () => {
    const sup = await a.as('supervisor');
    const cur = (await sup.get('/api/v1/evaluation/scheme')).body;
    const bad = structuredClone(cur.scheme);
    bad.composites[0].items[0].weight = 10;
    const refused = await sup.put('/api/v1/evaluation/scheme', bad);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/weights add up to 80, not 100/);
    const next = structuredClone(cur.scheme);
    next.composites[0].items = [{ indicator: 'close_rate', weight: 100, mapping: { kind: 'rate' } }];
    const saved = await sup.put('/api/v1/evaluation/scheme', next);
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    expect(saved.body.version).toBe(1);
    const v1 = await results('supervisor', 'objectType=department');
    expect(v1.scheme.version).toBe(1);
    expect(v1.rows.find((r: { object: { id: string } }) => r.object.id === t.u.cgj).scores.department.score).toBe(100);
    const v0 = await results('supervisor', 'objectType=department&version=0');
    expect(v0.rows.find((r: { object: { id: string } }) => r.object.id === t.u.cgj).scores.department.score).toBe(75);
    expect((await sup.get('/api/v1/evaluation/scheme?version=7')).status).toBe(404);
  });

  it('refuses a scheme edited from a version that is no longer the latest', async () => {
    const sup = await a.as('supervisor');
    const cur = (await sup.get('/api/v1/evaluation/scheme')).body;
    const stale = await sup.put('/api/v1/evaluation/scheme', { ...cur.scheme, baseVersion: cur.version - 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('SCHEME_CONFLICT');
    expect(stale.body.error.message).toMatch(/reload the scheme/);
    const fresh = await sup.put('/api/v1/evaluation/scheme', { ...cur.scheme, baseVersion: cur.version });
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(201);
    expect(fresh.body.version).toBe(cur.version + 1);
    expect((await sup.get('/api/v1/evaluation/scheme')).body.scheme).not.toHaveProperty('baseVersion');
  });

  it('computes the three indices by month from the indicators and the entered figures', async () => {
    const sup = await a.as('supervisor');
    const bad = await sup.put('/api/v1/indices/inputs/2026-03', { values: { gdp: 6 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/gdp_growth/);
    const ok = await sup.put('/api/v1/indices/inputs/2026-03', {
      values: { gdp_growth: 6, fixed_asset_growth: 5, industrial_va_growth: 8.5, retail_growth: 7.5, income_growth: 6, unemployment_rate: 5.5, alarm_response_rate: 1 },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const r = await sup.get('/api/v1/indices?from=2026-02&to=2026-03');
    expect(r.status).toBe(200);
    const [feb, mar] = r.body.months;
    expect(feb.period).toBe('2026-02');
    expect(feb.indices.find((x: { id: string }) => x.id === 'development').value).toBeNull();
    const dev = mar.indices.find((x: { id: string }) => x.id === 'development');
    expect(dev.value).toBe(100);
    const gov = mar.indices.find((x: { id: string }) => x.id === 'governance');
    const by = Object.fromEntries(gov.components.map((c: { code: string; value: number }) => [c.code, c.value]));
    // D was reported where A (same category) had just been closed: one repeat in five reports.
    expect(by).toMatchObject({ close_rate: 0.75, closed_on_time_rate: 0.5, rework_rate: 0.25, repeat_rate: 0.2, alarm_response_rate: 1 });
    // (25 × 75 + 30 × 50 + 15 × 75 + 15 × 80 + 15 × 100) / 100
    expect(gov.value).toBeCloseTo(72);
  });
});
