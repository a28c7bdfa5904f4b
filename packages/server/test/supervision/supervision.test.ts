/**
 * Supervision (督办): orders from overdue and supervised cases (once per supervise event, however
 * often the message arrives), by hand for a unit; the responsible unit responds, others do not
 * even see the order; unanswered orders escalate to the nearest leader once; closing the case
 * closes its orders; cards are idempotent and a red card issues an order.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Worker } from '../../src/worker.ts';
import { PASSWORD, type TestDistrict } from '../support/district.ts';
import type { Api } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

const run = promisify(execFile);
const ORDERS = '/api/v1/supervision/orders';

async function dispatchedCase(a: Api, t: TestDistrict, grid = 's1c2g1', lead = t.u.s1 as string) {
  const intake = await a.as('intake');
  const c = (await intake.post('/api/v1/cases', { channel: 'patrol', description: '道路不洁', location: t.point(grid), category: { kind: 'matter', code: '06010' } })).body;
  await intake.act(c.id, 'accept');
  await (await a.as('shift_leader')).act(c.id, 'register');
  const d = await (await a.as('dispatcher')).act(c.id, 'dispatch', { leadUnitId: lead });
  expect(d.status, JSON.stringify(d.body)).toBe(200);
  return d.body;
}

/** What the worker does for supervision: the outbox (which copies case messages), then the supervision pass. */
async function work(t: TestDistrict) {
  await t.s.outbox.processBatch(1000, t.districtId);
  const n = await t.s.supervision.tick(t.districtId);
  await t.s.outbox.processBatch(1000, t.districtId);
  return n;
}

async function ordersOfCase(t: TestDistrict, caseId: string) {
  return t.s.store.db.selectFrom('supervision_orders').selectAll().where('case_id', '=', caseId).execute();
}

async function addLeader(t: TestDistrict, short: string, unit: string) {
  t.users[short] = `${short}-${t.code}`;
  await t.s.auth.createUsers(t.districtId, [{ username: t.users[short] as string, password: PASSWORD, displayName: short, roles: ['leader'], unitId: t.u[unit] as string }]);
}

describe.each(STORES)('supervision on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });

  it('an overdue case gets one order, even when its supervise message is delivered twice', async () => {
    const c = await dispatchedCase(a, t);
    t.clock.set(Date.parse(c.deadlineAt) + 1000);
    await t.s.timers.fireDue(100, t.districtId);
    await work(t);
    let orders = await ordersOfCase(t, c.id);
    expect(orders).toHaveLength(1);
    const o = orders[0];
    expect(o).toMatchObject({ source: 'overdue', issued_by: null, unit_id: t.u.s1, status: 'open', subject_kind: 'case', case_number: c.number });
    const dc = await t.s.calendars.forDistrict(t.districtId);
    expect(o?.deadline_at).toBe(dc.calendar.addWorkingMinutes(o?.issued_at as number, dc.calendar.minutesPerDay));

    // The same outbox message once more (a redelivery after a crash before it was marked).
    const redelivered = await t.s.store.db
      .updateTable('outbox')
      .set({ processed_at: null })
      .where('district_id', '=', t.districtId)
      .where('topic', '=', 'case.supervise')
      .where('payload', 'like', `%${c.id}%`)
      .executeTakeFirst();
    expect(Number(redelivered.numUpdatedRows)).toBe(1);
    await work(t);
    await t.s.supervision.processInbox(100, t.districtId);
    orders = await ordersOfCase(t, c.id);
    expect(orders).toHaveLength(1);

    const view = (await (await a.as('supervisor')).get(`${ORDERS}?caseId=${c.id}`)).body;
    expect(view.items).toHaveLength(1);
    expect(view.items[0]).toMatchObject({ number: o?.number, source: 'overdue', status: 'open', unit: { id: t.u.s1 }, subject: { kind: 'case', caseId: c.id, caseNumber: c.number } });
    const inbox = (await (await a.as('h-s1')).get('/api/v1/notifications')).body.items;
    expect(inbox.filter((n: { kind: string; caseId: string }) => n.kind === 'supervision_issued' && n.caseId === c.id)).toHaveLength(1);
  });

  it('a supervise action by a person makes a manual order for the lead unit', async () => {
    const c = await dispatchedCase(a, t);
    const r = await (await a.as('supervisor')).act(c.id, 'supervise', { reason: '群众反映强烈，请加快处置' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await work(t);
    const orders = await ordersOfCase(t, c.id);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ source: 'manual', reason: '群众反映强烈，请加快处置', unit_id: t.u.s1 });
    expect(orders[0]?.issued_by).toBeTruthy();
  });

  it('a manual order for a unit: the unit responds, another street neither sees nor answers it, the issuer closes it', async () => {
    const sup = await a.as('supervisor');
    const r = await sup.post(ORDERS, { subject: { kind: 'unit', unitId: t.u.s1 }, reason: '辖区占道经营问题突出' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const o = r.body;
    expect(o).toMatchObject({ status: 'open', source: 'manual', unit: { id: t.u.s1 }, issuedBy: { name: 'supervisor' }, overdue: false, version: 1 });
    expect(o.number).toMatch(/^T[0-9A-F]{3}DB\d{8}\d{4}$/);

    const other = await a.as('h-s2');
    expect((await other.get(`${ORDERS}/${o.id}`)).status).toBe(404);
    const refused = await other.post(`${ORDERS}/${o.id}/respond`, { text: '不是我们' });
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('NOT_FOUND');
    expect((await other.get(ORDERS)).body.items.map((x: { id: string }) => x.id)).not.toContain(o.id);

    // The centre may see every order but answers none that is not its own.
    const centre = await sup.post(`${ORDERS}/${o.id}/respond`, { text: '代为回复' });
    expect(centre.status).toBe(403);
    expect(centre.body.error.code).toBe('ORDER_ACTION_FORBIDDEN');
    expect((await sup.post(`${ORDERS}/${o.id}/close`, {})).body.error.code).toBe('ORDER_NOT_RESPONDED');

    const mine = await a.as('h-s1');
    expect((await mine.get(ORDERS)).body.items.map((x: { id: string }) => x.id)).toContain(o.id);
    const resp = await mine.post(`${ORDERS}/${o.id}/respond`, { text: '已组织专项整治', version: 1 });
    expect(resp.status, JSON.stringify(resp.body)).toBe(200);
    expect(resp.body).toMatchObject({ status: 'responded', version: 2, response: { text: '已组织专项整治', fileIds: [], by: { name: 'h-s1' } } });
    const twice = await mine.post(`${ORDERS}/${o.id}/respond`, { text: '再次回复' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('ORDER_NOT_OPEN');

    const stale = await sup.post(`${ORDERS}/${o.id}/close`, { version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('ORDER_CONFLICT');
    const closed = await sup.post(`${ORDERS}/${o.id}/close`, { version: 2, note: '整治到位' });
    expect(closed.body).toMatchObject({ status: 'closed', closeNote: '整治到位', closedBy: { name: 'supervisor' } });
    const full = (await sup.get(`${ORDERS}/${o.id}`)).body;
    expect(full.history.map((h: { action: string }) => h.action)).toEqual(['issued', 'responded', 'closed']);
    expect((await sup.get(`${ORDERS}?status=closed&source=manual&unitId=${t.u.s1}`)).body.items.map((x: { id: string }) => x.id)).toContain(o.id);
    expect((await sup.get(`${ORDERS}?status=open,escalated&unitId=${t.u.s1}`)).body.items.map((x: { id: string }) => x.id)).not.toContain(o.id);

    // The grid worker's roles do not include supervision.read at all.
    expect((await (await a.as('g-s1c1')).get(ORDERS)).status).toBe(403);
  });

  it('no response by the deadline: escalated once, the nearest leader above the unit is told', async () => {
    await addLeader(t, 'ld-s1', 's1');
    // Orders of the tests above are long past due by now: escalate them out of the way first.
    t.clock.advance(3 * 86400_000);
    await t.s.supervision.escalateDue(1000, t.districtId);
    const sup = await a.as('supervisor');
    const o = (await sup.post(ORDERS, { subject: { kind: 'target', targetId: 'T-2024-07', unitId: t.u.s1c1 }, reason: '年度目标进度滞后' })).body;
    expect(o.subject).toEqual({ kind: 'target', targetId: 'T-2024-07', unitId: t.u.s1c1 });
    const deadline = Date.parse(o.deadlineAt);
    t.clock.set(deadline - 60_000);
    expect(await t.s.supervision.escalateDue(100, t.districtId)).toBe(0);
    t.clock.set(deadline + 60_000);
    expect((await sup.get(`${ORDERS}?overdue=true`)).body.items.map((x: { id: string }) => x.id)).toContain(o.id);
    expect(await t.s.supervision.escalateDue(100, t.districtId)).toBe(1);
    expect(await t.s.supervision.escalateDue(100, t.districtId)).toBe(0);
    await work(t);
    const got = (await sup.get(`${ORDERS}/${o.id}`)).body;
    expect(got).toMatchObject({ status: 'escalated', overdue: true, escalatedTo: { id: t.u.s1 } });
    expect(got.history.map((h: { action: string }) => h.action)).toEqual(['issued', 'escalated']);
    const told = (await (await a.as('ld-s1')).get('/api/v1/notifications')).body.items.filter(
      (n: { kind: string; title: string }) => n.kind === 'supervision_escalated' && n.title.includes(o.number),
    );
    expect(told).toHaveLength(1);
    expect(told[0].title).toContain(o.number);
    // The district leader sits at the centre, which is not the nearest leader here.
    const centreLeader = (await (await a.as('leader')).get('/api/v1/notifications')).body.items;
    expect(centreLeader.filter((n: { kind: string; title: string }) => n.kind === 'supervision_escalated' && n.title.includes(o.number))).toHaveLength(0);
    // Still answerable after escalation, by the street above the community.
    const resp = await (await a.as('h-s1')).post(`${ORDERS}/${o.id}/respond`, { text: '已约谈社区' });
    expect(resp.body.status).toBe('responded');
    // The street's leader reviews its community's response; it may not close an order of its own street.
    const ld = await a.as('ld-s1');
    expect((await ld.post(`${ORDERS}/${o.id}/close`, { note: '同意' })).body.status).toBe('closed');
    const own = (await sup.post(ORDERS, { subject: { kind: 'unit', unitId: t.u.s1 }, reason: '街道督办' })).body;
    await (await a.as('h-s1')).post(`${ORDERS}/${own.id}/respond`, { text: '已整改' });
    const self = await ld.post(`${ORDERS}/${own.id}/close`, {});
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('ORDER_ACTION_FORBIDDEN');
  });

  // The whole loop sweeps every district at this suite's clock: only on the private in-memory store.
  it.runIf(kind.name === 'sqlite')('the worker loop issues, escalates and notifies on its own', async () => {
    const c = await dispatchedCase(a, t, 's2c1g1', t.u.s2);
    t.clock.set(Date.parse(c.deadlineAt) + 1000);
    const worker = new Worker(t.s, t.s.log);
    await worker.tick();
    const [o] = await ordersOfCase(t, c.id);
    expect(o).toMatchObject({ source: 'overdue', status: 'open', unit_id: t.u.s2 });
    t.clock.set((o?.deadline_at as number) + 1000);
    expect((await worker.tick()).supervision).toBeGreaterThanOrEqual(1);
    expect((await ordersOfCase(t, c.id))[0]?.status).toBe('escalated');
    // No leader in s2: the district leader at the centre is told.
    const told = (await (await a.as('leader')).get('/api/v1/notifications')).body.items;
    expect(told.filter((n: { kind: string; title: string }) => n.kind === 'supervision_escalated' && n.title.includes(o?.number as string))).toHaveLength(1);
  });

  it('closing the case closes its open orders', async () => {
    const c = await dispatchedCase(a, t, 's1c1g1');
    await (await a.as('supervisor')).act(c.id, 'supervise', { reason: '请尽快处置' });
    await work(t);
    expect((await ordersOfCase(t, c.id)).map((o) => o.status)).toEqual(['open']);
    const h = await a.as('h-s1');
    await h.act(c.id, 'sign');
    await h.act(c.id, 'report_handled', { note: '已清理' });
    const g = await a.as('g-s1c1');
    await g.act(c.id, 'check');
    await g.act(c.id, 'check_pass', { note: '现场已清理干净' });
    expect((await (await a.as('shift_leader')).act(c.id, 'close')).body.state).toBe('CLOSED');
    await work(t);
    const [o] = await ordersOfCase(t, c.id);
    expect(o).toMatchObject({ status: 'closed', closed_by: null });
    // A closed case is not supervised again.
    const again = await (await a.as('supervisor')).post(ORDERS, { subject: { kind: 'case', caseId: c.id }, reason: '再督办' });
    expect(again.status).toBe(400);
    expect(again.body.error.details.issues[0].path).toBe('body.subject.caseId');
  });

  it('cards: thresholds from settings, one per unit × period × indicator, upgraded not downgraded, a red card issues one order', async () => {
    const sup = await a.as('supervisor');
    const put = await sup.put('/api/v1/settings/supervision', { responseWorkingHours: 4, cards: [{ indicator: 'closed_on_time_rate', yellowBelow: 0.9, redBelow: 0.8 }, { indicator: 'rework_rate', yellowAbove: 0.05, redAbove: 0.1 }] });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await sup.get('/api/v1/settings/supervision')).body.responseWorkingHours).toBe(4);
    const period = '2026-02';
    const values = [
      { unitId: t.u.s1 as string, indicator: 'closed_on_time_rate', value: 0.85 },
      { unitId: t.u.s2 as string, indicator: 'closed_on_time_rate', value: 0.5 },
      { unitId: t.u.cgj as string, indicator: 'closed_on_time_rate', value: 0.95 },
      { unitId: t.u.cgj as string, indicator: 'rework_rate', value: 0.07 },
    ];
    const first = await t.s.supervision.issueCards(t.districtId, period, values);
    expect(first.map((c) => `${c.unit.id}:${c.indicator}:${c.colour}`).sort()).toEqual(
      [`${t.u.s1}:closed_on_time_rate:yellow`, `${t.u.s2}:closed_on_time_rate:red`, `${t.u.cgj}:rework_rate:yellow`].sort(),
    );
    const again = await t.s.supervision.issueCards(t.districtId, period, values);
    expect(again.map((c) => c.id).sort()).toEqual(first.map((c) => c.id).sort());
    const cardOrders = () => t.s.store.db.selectFrom('supervision_orders').selectAll().where('district_id', '=', t.districtId).where('source', '=', 'card').execute();
    expect(await cardOrders()).toHaveLength(1);
    const [s2Order] = await cardOrders();
    expect(s2Order).toMatchObject({ unit_id: t.u.s2, subject_kind: 'unit', issued_by: null });
    const dc = await t.s.calendars.forDistrict(t.districtId);
    expect(s2Order?.deadline_at).toBe(dc.calendar.addWorkingMinutes(s2Order?.issued_at as number, 240));

    const worse = await t.s.supervision.issueCards(t.districtId, period, [{ unitId: t.u.s1 as string, indicator: 'closed_on_time_rate', value: 0.7 }]);
    expect(worse[0]).toMatchObject({ colour: 'red', value: 0.7 });
    expect(worse[0]?.orderId).toBeTruthy();
    const better = await t.s.supervision.issueCards(t.districtId, period, [{ unitId: t.u.s1 as string, indicator: 'closed_on_time_rate', value: 0.85 }]);
    expect(better[0]).toMatchObject({ colour: 'red', value: 0.7, orderId: worse[0]?.orderId });
    expect(await cardOrders()).toHaveLength(2);

    expect((await sup.get(`/api/v1/supervision/cards?period=${period}`)).body.items).toHaveLength(3);
    const s2View = (await (await a.as('h-s2')).get(`/api/v1/supervision/cards?period=${period}`)).body.items;
    expect(s2View.map((c: { unit: { id: string }; colour: string }) => [c.unit.id, c.colour])).toEqual([[t.u.s2, 'red']]);
  });

  it('bad input is refused with VALIDATION_FAILED and the path to fix', async () => {
    const sup = await a.as('supervisor');
    const cases: Array<[Promise<{ status: number; body: any }>, string]> = [
      [sup.post(ORDERS, { subject: { kind: 'street' }, reason: 'x' }), 'body.subject.kind'],
      [sup.post(ORDERS, { subject: { kind: 'unit', unitId: t.u.s1 }, reason: '   ' }), 'body.reason'],
      [sup.post(ORDERS, { subject: { kind: 'unit', unitId: 'no-such-unit' }, reason: '督办' }), 'body.subject.unitId'],
      [sup.get(`${ORDERS}?status=open,lost`), 'query.status.1'],
      [sup.get(`${ORDERS}?issuedFrom=yesterday`), 'query.issuedFrom'],
      [sup.put('/api/v1/settings/supervision', { cards: [{ indicator: 'closed_on_time_rate', yellowBelow: 0.8, redBelow: 0.9 }] }), 'body.cards.0.redBelow'],
      [sup.put('/api/v1/settings/supervision', { responseWorkingHours: -1 }), 'body.responseWorkingHours'],
    ];
    const intake = await a.as('intake');
    const reported = (await intake.post('/api/v1/cases', { channel: 'patrol', description: '井盖缺失', location: t.point('s1c1g2') })).body;
    cases.push([sup.post(ORDERS, { subject: { kind: 'case', caseId: reported.id }, reason: '督办' }), 'body.subject.caseId']);
    const o = (await sup.post(ORDERS, { subject: { kind: 'unit', unitId: t.u.s2 }, reason: '督办' })).body;
    cases.push([(await a.as('h-s2')).post(`${ORDERS}/${o.id}/respond`, { text: '见附件', fileIds: ['no-such-file'] }), 'body.fileIds']);
    for (const [pending, where] of cases) {
      const r = await pending;
      expect(r.status, `${where}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      expect(r.body.error.details.issues[0].path).toBe(where);
    }
    await expect(t.s.supervision.issueCards(t.districtId, '2026-02', [{ unitId: 'ghost', indicator: 'closed_on_time_rate', value: 0.1 }])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe.each(STORES.filter((k) => k.name === 'postgres'))('two supervision workers on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });

  it('every overdue order is escalated once', async () => {
    const sup = await a.as('supervisor');
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await sup.post(ORDERS, { subject: { kind: 'unit', unitId: i % 2 ? t.u.s1 : t.u.s2 }, reason: `督办 ${i}` })).body.id);
    const due = await t.s.store.db.selectFrom('supervision_orders').select('deadline_at').where('id', 'in', ids).execute();
    const now = Math.max(...due.map((d) => d.deadline_at)) + 1000;
    const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL_PG, NOW: String(now), DISTRICT_ID: t.districtId };
    const script = path.join(import.meta.dirname, 'escalate-proc.ts');
    const [p1, p2] = await Promise.all([run(process.execPath, ['--import', 'tsx', script], { env }), run(process.execPath, ['--import', 'tsx', script], { env })]);
    expect(Number(p1.stdout.trim()) + Number(p2.stdout.trim())).toBe(ids.length);
    const events = await t.s.store.db.selectFrom('supervision_order_events').select(['order_id']).where('order_id', 'in', ids).where('action', '=', 'escalated').execute();
    expect(events).toHaveLength(ids.length);
    expect(new Set(events.map((e) => e.order_id)).size).toBe(ids.length);
    const messages = await t.s.store.db.selectFrom('outbox').select('id').where('district_id', '=', t.districtId).where('topic', '=', 'supervision.escalated').execute();
    expect(messages).toHaveLength(ids.length);
  }, 60_000);
});
