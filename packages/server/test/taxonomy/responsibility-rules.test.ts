/**
 * The responsibility matrix over HTTP: rules read as views (names resolved, ISO times), change in
 * place, refuse bad input with stable codes, and only admins may change them.
 */
import { describe, expect, it } from 'vitest';
import type { TestDistrict } from '../support/district.ts';
import type { Api, Client } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

describe.each(STORES)('responsibility rules on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });
  const patch = (c: Client, id: string, body: unknown) => a.raw('PATCH', `/api/v1/responsibility-rules/${id}`, { token: c.token, body });
  const add = async (c: Client, rule: Record<string, unknown>) => c.post('/api/v1/responsibility-rules', { rules: [{ categoryKind: 'matter', categoryCode: '06010', ...rule }] });

  it('lists and adds rules as views: category with its name, area and unit as refs, ISO createdAt', async () => {
    const admin = await a.as('admin');
    const r = await add(admin, { areaUnitId: t.u.s1, unitId: t.u.cgj });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const [rule] = r.body.items;
    expect(rule).toEqual({
      id: expect.any(String),
      category: { kind: 'matter', code: '06010', name: expect.any(String) },
      area: { id: t.u.s1, code: 's1', name: '街道1' },
      unit: { id: t.u.cgj, code: 'cgj', name: '城管局' },
      createdAt: new Date(t.clock.now()).toISOString(),
    });
    const whole = (await add(admin, { areaUnitId: null, unitId: t.u.slj })).body.items[0];
    expect(whole.area).toBeNull();
    const list = (await (await a.as('intake')).get('/api/v1/responsibility-rules')).body.items;
    expect(list).toContainEqual(rule);
    expect(list.map((x: { id: string }) => x.id)).toContain(whole.id);
  });

  it('changes a rule in place and routing follows the change', async () => {
    const admin = await a.as('admin');
    const rule = (await add(admin, { categoryCode: '06011', areaUnitId: t.u.s2, unitId: t.u.cgj })).body.items[0];
    const r = await patch(admin, rule.id, { unitId: t.u.jtj, areaUnitId: t.u.s2c1 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ id: rule.id, category: { code: '06011' }, area: { id: t.u.s2c1, code: 's2c1' }, unit: { id: t.u.jtj, name: '交通局' }, createdAt: rule.createdAt });
    const list = (await admin.get('/api/v1/responsibility-rules')).body.items;
    expect(list.filter((x: { id: string }) => x.id === rule.id)).toEqual([r.body]);
    const whole = await patch(admin, rule.id, { areaUnitId: null });
    expect(whole.body.area).toBeNull();
    expect(whole.body.unit.id).toBe(t.u.jtj);
    const cat = await t.s.taxonomy.find(t.districtId, 'matter', '06011');
    expect(await t.s.taxonomy.route(t.districtId, cat, { streetId: t.u.s1 as string, communityId: null, gridId: null, socialGridId: null, outsideJurisdiction: false })).toEqual({ unitId: t.u.jtj, rule: 'matrix' });
  });

  it('refuses bad input with stable codes and changes nothing', async () => {
    const admin = await a.as('admin');
    const rule = (await add(admin, { areaUnitId: t.u.s1c2, unitId: t.u.s1 })).body.items[0];
    const cases: Array<[unknown, number, string]> = [
      [{}, 400, 'VALIDATION_FAILED'],
      [{ unitId: 'no-such-unit' }, 400, 'UNKNOWN_UNIT'],
      [{ areaUnitId: 'no-such-unit' }, 400, 'UNKNOWN_UNIT'],
      [{ categoryCode: '99999' }, 400, 'UNKNOWN_CATEGORY'],
      [{ categoryKind: 'gadget' }, 400, 'VALIDATION_FAILED'],
      [{ unitId: 42 }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const r = await patch(admin, rule.id, body);
      expect([r.status, r.body.error?.code], JSON.stringify({ body, got: r.body })).toEqual([status, code]);
      expect(r.body.error?.message).toEqual(expect.any(String));
    }
    const missing = await patch(admin, 'no-such-rule', { unitId: t.u.cgj });
    expect([missing.status, missing.body.error?.code]).toEqual([404, 'NOT_FOUND']);
    const list = (await admin.get('/api/v1/responsibility-rules')).body.items;
    expect(list.find((x: { id: string }) => x.id === rule.id)).toEqual(rule);
  });

  it('only admins may add, change or remove rules', async () => {
    const admin = await a.as('admin');
    const rule = (await add(admin, { areaUnitId: t.u.s2c2, unitId: t.u.s2 })).body.items[0];
    const dispatcher = await a.as('dispatcher');
    const changed = await patch(dispatcher, rule.id, { unitId: t.u.cgj });
    expect([changed.status, changed.body.error?.code]).toEqual([403, 'FORBIDDEN']);
    expect((await add(dispatcher, { unitId: t.u.cgj })).status).toBe(403);
    const removed = await a.raw('DELETE', `/api/v1/responsibility-rules/${rule.id}`, { token: dispatcher.token });
    expect(removed.status).toBe(403);
    const list = (await dispatcher.get('/api/v1/responsibility-rules')).body.items;
    expect(list.find((x: { id: string }) => x.id === rule.id)).toEqual(rule);
  });
});
