/**
 * What the console's 系统管理 screen changes: users (edit, password reset), unit names and the
 * district's own holidays. Admin-only, confined to the admin's district, bad input refused by code.
 */
import { describe, expect, it } from 'vitest';
import { makeDistrict, PASSWORD, type TestDistrict } from '../support/district.ts';
import type { Api, Res } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';
import type { Store } from '../../src/db/store.ts';

describe.each(STORES)('user and district administration on $name', (kind) => {
  let store: Store;
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ store, t, a } = x);
  });

  const as = async (user: string, method: string, url: string, body?: unknown): Promise<Res> => a.raw(method, url, { token: (await a.as(user)).token, ...(body === undefined ? {} : { body }) });

  async function newUser(short: string, roles: string[] = ['grid_worker']) {
    const username = `${short}-${t.code}`;
    const r = await as('admin', 'POST', '/api/v1/users', { username, password: 'a-good-password-1', displayName: short, roles, unitId: t.u.s1c1 });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { id: r.body.id as string, username };
  }

  it('an admin changes display name, roles and unit, and the next request of that user sees them', async () => {
    const u = await newUser('edit1');
    const login = await a.raw('POST', '/api/v1/auth/login', { body: { username: u.username, password: 'a-good-password-1' } });
    const token = login.body.token as string;
    expect((await a.raw('GET', '/api/v1/me', { token })).body.roles).toEqual(['grid_worker']);
    const r = await as('admin', 'PATCH', `/api/v1/users/${u.id}`, { displayName: '新名字', roles: ['dispatcher', 'intake'], unitId: t.u.centre });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ id: u.id, displayName: '新名字', roles: ['dispatcher', 'intake'], unitId: t.u.centre, unitName: '测试中心', disabled: false });
    const me = await a.raw('GET', '/api/v1/me', { token });
    expect(me.body).toMatchObject({ displayName: '新名字', roles: ['dispatcher', 'intake'], unitId: t.u.centre });
    const listed = (await as('admin', 'GET', '/api/v1/users?limit=1000')).body.items.find((x: { id: string }) => x.id === u.id);
    expect(listed.displayName).toBe('新名字');
  });

  it('an admin resets a password: the old one and the old sessions stop working, the new one signs in', async () => {
    const u = await newUser('reset1');
    const old = (await a.raw('POST', '/api/v1/auth/login', { body: { username: u.username, password: 'a-good-password-1' } })).body.token as string;
    const r = await as('admin', 'POST', `/api/v1/users/${u.id}/password`, { password: 'brand-new-pass-2' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await a.raw('GET', '/api/v1/me', { token: old })).status).toBe(401);
    expect((await a.raw('POST', '/api/v1/auth/login', { body: { username: u.username, password: 'a-good-password-1' } })).status).toBe(401);
    expect((await a.raw('POST', '/api/v1/auth/login', { body: { username: u.username, password: 'brand-new-pass-2' } })).status).toBe(200);
  });

  it('refuses non-admins with 403 FORBIDDEN and changes nothing', async () => {
    const u = await newUser('deny1');
    for (const who of ['shift_leader', 'leader', 'intake']) {
      const r = await as(who, 'PATCH', `/api/v1/users/${u.id}`, { roles: ['admin'] });
      expect(r.status, who).toBe(403);
      expect(r.body.error.code).toBe('FORBIDDEN');
      expect((await as(who, 'POST', `/api/v1/users/${u.id}/password`, { password: 'brand-new-pass-2' })).status).toBe(403);
      expect((await as(who, 'PATCH', `/api/v1/units/${t.u.s1}`, { name: 'x' })).status).toBe(403);
      expect((await as(who, 'PUT', '/api/v1/settings/calendar', { holidays: ['2026-03-03'] })).status).toBe(403);
    }
    const listed = (await as('admin', 'GET', '/api/v1/users?limit=1000')).body.items.find((x: { id: string }) => x.id === u.id);
    expect(listed.roles).toEqual(['grid_worker']);
  });

  it('refuses bad input with stable codes', async () => {
    const u = await newUser('bad1');
    const cases: Array<[string, string, unknown, number, string]> = [
      ['PATCH', `/api/v1/users/${u.id}`, { roles: [] }, 400, 'VALIDATION_FAILED'],
      ['PATCH', `/api/v1/users/${u.id}`, { roles: ['king'] }, 400, 'VALIDATION_FAILED'],
      ['PATCH', `/api/v1/users/${u.id}`, { displayName: '  ' }, 400, 'VALIDATION_FAILED'],
      ['PATCH', `/api/v1/users/${u.id}`, {}, 400, 'VALIDATION_FAILED'],
      ['PATCH', `/api/v1/users/${u.id}`, { unitId: 'no-such-unit' }, 400, 'UNKNOWN_UNIT'],
      ['PATCH', '/api/v1/users/no-such-user', { displayName: 'x' }, 404, 'NOT_FOUND'],
      ['POST', `/api/v1/users/${u.id}/password`, { password: 'short' }, 400, 'VALIDATION_FAILED'],
      ['PATCH', `/api/v1/units/${t.u.s1}`, { name: '' }, 400, 'VALIDATION_FAILED'],
      ['PATCH', '/api/v1/units/no-such-unit', { name: 'x' }, 404, 'NOT_FOUND'],
      ['PUT', '/api/v1/settings/calendar', { holidays: ['2026-02-30'] }, 400, 'VALIDATION_FAILED'],
      ['PUT', '/api/v1/settings/calendar', { holidays: ['3 March'] }, 400, 'VALIDATION_FAILED'],
      ['PUT', '/api/v1/settings/calendar', { holidays: ['2026-03-07'], workdays: ['2026-03-07'] }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [method, url, body, status, code] of cases) {
      const r = await as('admin', method, url, body);
      expect(r.status, `${method} ${url} ${JSON.stringify(body)}`).toBe(status);
      expect(r.body.error.code).toBe(code);
      expect(r.body.error.message.length).toBeGreaterThan(5);
    }
  });

  it('an admin can neither take the admin role away from themselves nor disable themselves', async () => {
    const me = (await as('admin', 'GET', '/api/v1/me')).body;
    const r = await as('admin', 'PATCH', `/api/v1/users/${me.userId}`, { roles: ['leader'] });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('SELF_LOCKOUT');
    expect((await as('admin', 'PATCH', `/api/v1/users/${me.userId}`, { displayName: '管理员' })).status).toBe(200);
    const disable = await as('admin', 'POST', `/api/v1/users/${me.userId}/disable`);
    expect(disable.status).toBe(409);
    expect(disable.body.error.code).toBe('SELF_LOCKOUT');
  });

  it("an admin of another district neither sees nor changes this district's users and units", async () => {
    const other = await makeDistrict(store, { clock: t.clock });
    const login = await a.raw('POST', '/api/v1/auth/login', { body: { username: other.users.admin, password: PASSWORD } });
    const token = login.body.token as string;
    const u = await newUser('foreign1');
    expect((await a.raw('PATCH', `/api/v1/users/${u.id}`, { token, body: { displayName: 'x' } })).status).toBe(404);
    expect((await a.raw('POST', `/api/v1/users/${u.id}/password`, { token, body: { password: 'brand-new-pass-2' } })).status).toBe(404);
    expect((await a.raw('PATCH', `/api/v1/users/${u.id}`, { token, body: { unitId: other.u.s1 } })).status).toBe(404);
    expect((await a.raw('PATCH', `/api/v1/units/${t.u.s1}`, { token, body: { name: 'x' } })).status).toBe(404);
  });

  it('an admin renames a unit; the tree and the map show the new name', async () => {
    const r = await as('admin', 'PATCH', `/api/v1/units/${t.u.s2c2}`, { name: '新社区', nameEn: 'New Community' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ id: t.u.s2c2, name: '新社区', nameEn: 'New Community', kind: 'community' });
    const areas = (await as('admin', 'GET', '/api/v1/areas?level=community')).body.features;
    expect(areas.find((f: { id: string }) => f.id === t.u.s2c2).properties.name).toBe('新社区');
  });

  it('an admin removes a webhook; others may not, and an unknown one is 404', async () => {
    const h = await as('admin', 'POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook', topics: ['case.*'] });
    expect(h.status).toBe(201);
    expect((await as('leader', 'DELETE', `/api/v1/webhooks/${h.body.id}`)).status).toBe(403);
    expect((await as('admin', 'DELETE', `/api/v1/webhooks/${h.body.id}`)).status).toBe(200);
    expect((await as('admin', 'GET', '/api/v1/webhooks')).body.items.map((x: { id: string }) => x.id)).not.toContain(h.body.id);
    const again = await as('admin', 'DELETE', `/api/v1/webhooks/${h.body.id}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('NOT_FOUND');
  });

  it("the district's own holidays and make-up days are in force and listed with the shipped ones", async () => {
    // 2026-03-03 is an ordinary Tuesday, 2026-03-07 a Saturday.
    const r = await as('admin', 'PUT', '/api/v1/settings/calendar', { holidays: ['2026-03-03'], workdays: ['2026-03-07'] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const g = (await as('dispatcher', 'GET', '/api/v1/settings/calendar')).body;
    expect(g.holidays).toContain('2026-03-03');
    expect(g.holidays).toContain('2026-10-01');
    expect(g.workdays).toContain('2026-03-07');
    expect(g.settings.holidays).toEqual(['2026-03-03']);
    expect(g.workingHours).toEqual([
      [510, 720],
      [840, 1050],
    ]);
    const cal = (await t.s.calendars.forDistrict(t.districtId)).calendar;
    expect(cal.isWorkingDay('2026-03-03')).toBe(false);
    expect(cal.isWorkingDay('2026-03-07')).toBe(true);
    // Working hours left out of the body keep their value.
    await as('admin', 'PUT', '/api/v1/settings/calendar', { workingHours: [[540, 1020]] });
    const after = (await as('admin', 'GET', '/api/v1/settings/calendar')).body;
    expect(after.settings.holidays).toEqual(['2026-03-03']);
    expect(after.workingHours).toEqual([[540, 1020]]);
  });
});
