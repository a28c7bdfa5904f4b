/**
 * Reviews (复盘) on both stores: only of a closed case or a settled alarm, seen with their
 * subject (case scope), edited by the author or the centre with the version read.
 */
import { describe, expect, it } from 'vitest';
import { at, type Fleet, fleet, post } from '../perception/fixtures.ts';
import { STORES } from '../support/stores.ts';
import { type SuiteContext, useDistrict } from '../support/suite.ts';

const review = (over: Record<string, unknown> = {}) => ({
  title: '观音桥积水处置复盘',
  whatHappened: '暴雨导致下穿道积水, 车辆无法通行',
  timeline: [
    { at: '2026-03-02T09:30:00+08:00', what: '派遣至城管局' },
    { at: '2026-03-02T09:05:00+08:00', what: '网格员上报' },
  ],
  cause: '雨水篦子堵塞',
  changes: '汛前增加一次清掏; 积水点加装液位计',
  ...over,
});

describe.each(STORES)('reviews ($name)', (kind) => {
  let ctx: SuiteContext;
  let f: Fleet;
  useDistrict(kind, (c) => {
    ctx = c;
  });
  const as = (u: string) => ctx.a.as(u);
  const ids: Record<string, string> = {};

  async function act(who: string, id: string, action: string, body: Record<string, unknown> = {}) {
    const r = await (await as(who)).act(id, action, body);
    expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
  }

  it('refuses a review of an open case, takes one of a closed case', async () => {
    const c = await (await as('intake')).post('/api/v1/cases', {
      channel: 'hotline',
      description: '下穿道积水，车辆无法通行',
      location: ctx.t.point('s1c1g1'),
      category: { kind: 'matter', code: '06010' },
    });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    const id = c.body.id as string;
    ids.case = id;
    const open = await (await as('shift_leader')).post('/api/v1/reviews', { ...review(), subject: { kind: 'case', id } });
    expect(open.status).toBe(409);
    expect(open.body.error.code).toBe('REVIEW_SUBJECT_OPEN');

    await act('intake', id, 'accept');
    await act('shift_leader', id, 'register');
    await act('dispatcher', id, 'dispatch', { leadUnitId: ctx.t.u.cgj });
    await act('h-cgj', id, 'sign');
    await act('h-cgj', id, 'report_handled', { note: '已清掏' });
    await act('g-s1c1', id, 'check');
    await act('g-s1c1', id, 'check_pass', { note: '已核查' });
    await act('shift_leader', id, 'close');

    const r = await (await as('shift_leader')).post('/api/v1/reviews', { ...review(), subject: { kind: 'case', id } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    // The timeline is kept in time order.
    expect(r.body).toMatchObject({ subject: { kind: 'case', id }, version: 1, timeline: [{ what: '网格员上报' }, { what: '派遣至城管局' }] });
    ids.review = r.body.id;
  });

  it('refuses bad input and permissions with stable codes', async () => {
    const sl = await as('shift_leader');
    const noTitle = await sl.post('/api/v1/reviews', { ...review({ title: '' }), subject: { kind: 'case', id: ids.case } });
    expect(noTitle.body.error.code).toBe('VALIDATION_FAILED');
    const badTime = await sl.post('/api/v1/reviews', { ...review({ timeline: [{ at: 'yesterday', what: 'x' }] }), subject: { kind: 'case', id: ids.case } });
    expect(badTime.body.error.code).toBe('VALIDATION_FAILED');
    const missing = await sl.post('/api/v1/reviews', { ...review(), subject: { kind: 'case', id: 'nope' } });
    expect(missing.status).toBe(404);
    const grid = await (await as('g-s1c1')).post('/api/v1/reviews', { ...review(), subject: { kind: 'case', id: ids.case } });
    expect(grid.status).toBe(403);
    expect(grid.body.error.code).toBe('FORBIDDEN');
    // Another unit's handler may not edit the author's review.
    const other = await (await as('h-cgj')).put(`/api/v1/reviews/${ids.review}`, { ...review({ cause: 'x' }), version: 1 });
    expect(other.status).toBe(403);
  });

  it('is listed and fetched by subject within case scope, and edited with the version read', async () => {
    const byCase = (await (await as('leader')).get(`/api/v1/reviews?subjectKind=case&subjectId=${ids.case}`)).body.items;
    expect(byCase.map((x: { id: string }) => x.id)).toEqual([ids.review]);
    // The lead department and the street where it happened see it; the other street does not.
    expect((await (await as('h-cgj')).get(`/api/v1/reviews/${ids.review}`)).status).toBe(200);
    expect((await (await as('h-s1')).get(`/api/v1/reviews/${ids.review}`)).status).toBe(200);
    expect((await (await as('h-s2')).get(`/api/v1/reviews/${ids.review}`)).status).toBe(404);
    expect((await (await as('h-s2')).get('/api/v1/reviews')).body.items).toEqual([]);

    const sl = await as('shift_leader');
    const up = await sl.put(`/api/v1/reviews/${ids.review}`, { ...review({ cause: '雨水篦子堵塞; 管网排水能力不足' }), version: 1 });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body).toMatchObject({ version: 2, cause: '雨水篦子堵塞; 管网排水能力不足' });
    const stale = await sl.put(`/api/v1/reviews/${ids.review}`, { ...review(), version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('REVIEW_CONFLICT');
  });

  it('refuses a review of a raised alarm, takes one once it is acknowledged', async () => {
    f = await fleet(ctx.t, ctx.a);
    ctx.t.clock.advance(60_000);
    expect((await post(ctx.a, f.key, [{ device: 'WL-1', at: at(ctx.t), values: { currentLevel: 0.5 } }])).body.accepted).toBe(1);
    const alarms = (await (await as('intake')).get('/api/v1/perception/alarms')).body.items as Array<{ id: string; device: { code: string } }>;
    const alarm = alarms.find((x) => x.device.code === 'WL-1');
    if (!alarm) throw new Error('no alarm raised');
    const sl = await as('shift_leader');
    const raised = await sl.post('/api/v1/reviews', { ...review(), subject: { kind: 'alarm', id: alarm.id } });
    expect(raised.status).toBe(409);
    expect(raised.body.error.code).toBe('REVIEW_SUBJECT_OPEN');
    expect((await sl.post(`/api/v1/perception/alarms/${alarm.id}/acknowledge`)).status).toBe(200);
    const ok = await sl.post('/api/v1/reviews', { ...review({ title: '积水告警复盘' }), subject: { kind: 'alarm', id: alarm.id } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const list = (await sl.get(`/api/v1/reviews?subjectKind=alarm&subjectId=${alarm.id}`)).body.items;
    expect(list.map((x: { title: string }) => x.title)).toEqual(['积水告警复盘']);
  });
});
