/**
 * The cockpit's rollups on each store: kept incrementally from the outbox, they agree with the
 * cases themselves (open by state and light, intake by channel, trends, categories, hotspots),
 * agree row for row with a rebuild from scratch, and a street sees only its own street.
 */
import { describe, expect, it } from 'vitest';
import type { TestDistrict } from '../support/district.ts';
import type { Api } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

describe.each(STORES)('cockpit rollups on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });

  const drain = async () => {
    while ((await t.s.outbox.processBatch(200, t.districtId)) > 0) {}
  };
  const tables = async () => {
    const db = t.s.store.db;
    const d = t.districtId;
    const open = await db.selectFrom('cockpit_open').select(['street_id', 'state', 'light', 'n']).where('district_id', '=', d).where('n', '!=', 0).execute();
    const daily = await db.selectFrom('cockpit_daily').select(['metric', 'dim', 'day', 'key', 'n']).where('district_id', '=', d).where('n', '!=', 0).execute();
    const cases = await db.selectFrom('cockpit_cases').select(['case_id', 'street_id', 'state', 'light']).where('district_id', '=', d).execute();
    const key = (r: object) => JSON.stringify(Object.values(r).map(String));
    return { open: open.map(key).sort(), daily: daily.map(key).sort(), cases: cases.map(key).sort() };
  };

  async function report(channel: string, grid: string, code = '06010') {
    const r = await (await a.as('intake')).post('/api/v1/cases', { channel, description: '井盖缺失，存在安全隐患', location: t.point(grid), category: { kind: 'matter', code } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }
  const act = async (as: string, id: string, action: string, body: Record<string, unknown> = {}) => {
    const r = await (await a.as(as)).act(id, action, body);
    expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
    return r.body;
  };

  it('follows the cases: open by state and light, today by channel, trend, categories, hotspots', async () => {
    const made = [
      await report('hotline', 's1c1g1'),
      await report('hotline', 's1c1g1'),
      await report('citizen', 's1c2g1', '06020'),
      await report('patrol', 's2c1g1'),
      await report('patrol', 's2c2g2', '06020'),
    ];
    // Two registered and dispatched; one of them overdue; one rejected; one closed through the loop.
    for (const c of made.slice(0, 3)) {
      await act('intake', c.id, 'accept');
      await act('shift_leader', c.id, 'register');
    }
    const late = await act('dispatcher', made[0].id, 'dispatch', { leadUnitId: t.u.cgj });
    await act('dispatcher', made[1].id, 'dispatch', { leadUnitId: t.u.s1 });
    await act('intake', made[3].id, 'reject', { reason: '重复' });
    await act('h-s1', made[1].id, 'sign');
    await act('h-s1', made[1].id, 'report_handled', { note: '已处置' });
    await act('g-s1c1', made[1].id, 'check');
    await act('g-s1c1', made[1].id, 'check_pass', { note: '核查通过' });
    await act('shift_leader', made[1].id, 'close');
    t.clock.set(Date.parse(late.deadlineAt) + 1000);
    await t.s.timers.fireDue(100, t.districtId);
    await drain();

    const o = (await (await a.as('supervisor')).get('/api/v1/cockpit/overview')).body;
    expect(o.scope).toEqual({ kind: 'district' });
    // Open: made[0] DISPATCHED red, made[2] REGISTERED, made[4] REPORTED.
    expect(o.open.total).toBe(3);
    expect(o.open.byState.DISPATCHED).toMatchObject({ total: 1, red: 1 });
    expect(o.open.byState.REGISTERED.total).toBe(1);
    expect(o.open.byState.REPORTED.total).toBe(1);
    // Moving the clock made the other two overdue in their own (shorter) stages as well: the
    // rollup's lights must be the cases' own.
    const sup = await a.as('supervisor');
    const lights = { green: 0, yellow: 0, red: 0, none: 0 };
    for (const c of [made[0], made[2], made[4]]) lights[(await sup.get(`/api/v1/cases/${c.id}`)).body.light as 'red'] += 1;
    expect(o.open.byLight).toEqual(lights);
    expect(lights.red).toBe(3);
    const today = Object.fromEntries(o.today.byChannel.map((c: { channel: string; n: number }) => [c.channel, c.n]));
    // The clock moved to the deadline: the five were reported on an earlier day unless it is the same day.
    const sameDay = o.today.day === new Date(Date.parse(made[0].createdAt) + 8 * 3_600_000).toISOString().slice(0, 10);
    if (sameDay) expect(today).toEqual({ hotline: 2, citizen: 1, patrol: 2 });
    expect(o.trend.reported.reduce((x: number, y: number) => x + y, 0)).toBe(5);
    expect(o.trend.closed.reduce((x: number, y: number) => x + y, 0)).toBe(1);
    expect(o.trend.days).toHaveLength(30);
    expect(o.topCategories[0]).toMatchObject({ kind: 'matter', code: '06010', n: 3 });
    expect(o.topCategories[0].name).toBeTruthy();
    expect(o.hotspots.communities30d[0]).toMatchObject({ id: t.u.s1c1, n: 2 });

    const street = (await (await a.as('h-s1')).get('/api/v1/cockpit/overview')).body;
    expect(street.scope).toMatchObject({ kind: 'street', id: t.u.s1 });
    expect(street.open.total).toBe(2);
    expect(street.trend.reported.reduce((x: number, y: number) => x + y, 0)).toBe(3);
    expect(street.hotspots.communities30d.map((c: { id: string }) => c.id).sort()).toEqual([t.u.s1c1, t.u.s1c2].sort());
    expect(street.topCategories.map((c: { code: string }) => c.code).sort()).toEqual(['06010', '06020']);
  });

  it('agrees row for row with a rebuild from the cases', async () => {
    const before = await tables();
    expect(before.cases.length).toBe(3);
    const forbidden = await (await a.as('supervisor')).post('/api/v1/cockpit/rebuild', {});
    expect(forbidden.status).toBe(403);
    const r = await (await a.as('admin')).post('/api/v1/cockpit/rebuild', {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.openCases).toBe(3);
    expect(await tables()).toEqual(before);
    expect(await t.s.cockpit.needsRebuild(t.districtId)).toBe(false);
  });
});
