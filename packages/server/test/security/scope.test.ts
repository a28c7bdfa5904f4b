/**
 * Case visibility and the right to act, over HTTP as the real roles: a street sees its own
 * area only, a department sees what was assigned to it (and keeps the history), a grid worker
 * sees its community, leaders see everything. Invisible cases are 404, never 403.
 */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/db/store.ts';
import type { TestDistrict } from '../support/district.ts';
import type { Api, Client } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

describe.each(STORES)('case scope on $name', (kind) => {
  let store: Store;
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ store, t, a } = x);
  });

  async function report(grid: string, description = '井盖缺失，存在安全隐患') {
    const r = await (await a.as('intake')).post('/api/v1/cases', {
      channel: 'hotline',
      description,
      location: t.point(grid),
      category: { kind: 'matter', code: '06010' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; number: string; version: number };
  }

  async function registered(grid: string) {
    const c = await report(grid);
    expect((await (await a.as('intake')).act(c.id, 'accept')).status).toBe(200);
    const r = await (await a.as('shift_leader')).act(c.id, 'register');
    expect(r.status).toBe(200);
    return r.body as { id: string; version: number };
  }

  async function listIds(c: Client): Promise<string[]> {
    const r = await c.get('/api/v1/cases?limit=200');
    expect(r.status).toBe(200);
    return r.body.items.map((x: { id: string }) => x.id);
  }

  /** The current version as the centre sees it (the caller under test may not see the case). */
  async function versionOf(id: string): Promise<number> {
    return (await (await a.as('leader')).get(`/api/v1/cases/${id}`)).body.version;
  }

  async function eventCount(id: string): Promise<number> {
    return (await (await a.as('leader')).get(`/api/v1/cases/${id}/events`)).body.items.length;
  }

  it('a handler of street s2 can neither read nor act on a case located in s1', async () => {
    const c = await report('s1c1g1');
    const h2 = await a.as('h-s2');
    const get = await h2.get(`/api/v1/cases/${c.id}`);
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe('NOT_FOUND');
    expect(JSON.stringify(get.body)).not.toContain(c.number);
    expect(await listIds(h2)).not.toContain(c.id);
    const byNumber = await h2.get(`/api/v1/cases?q=${encodeURIComponent(c.number)}`);
    expect(byNumber.body.items).toEqual([]);
    const ev = await h2.get(`/api/v1/cases/${c.id}/events`);
    expect(ev.status).toBe(404);
    expect(ev.body.error.code).toBe('NOT_FOUND');

    const before = await eventCount(c.id);
    const version = await versionOf(c.id);
    for (const action of ['comment', 'accept', 'dispatch']) {
      const r = await h2.act(c.id, action, { version, note: '越权', leadUnitId: t.u.s2 });
      expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(404);
      expect(r.body.error.code).toBe('NOT_FOUND');
    }
    expect(await eventCount(c.id)).toBe(before);
    expect(await versionOf(c.id)).toBe(version);

    // The same for a case that reached the street level of s1 (dispatched to s1).
    const reg = await registered('s1c2g3');
    expect((await (await a.as('dispatcher')).act(reg.id, 'dispatch', { leadUnitId: t.u.s1 })).status).toBe(200);
    expect((await h2.get(`/api/v1/cases/${reg.id}`)).status).toBe(404);
    expect((await h2.act(reg.id, 'sign', { version: await versionOf(reg.id) })).status).toBe(404);
  });

  it('the handler of street s1 can read and act on it', async () => {
    const c = await report('s1c2g2');
    const h1 = await a.as('h-s1');
    const get = await h1.get(`/api/v1/cases/${c.id}`);
    expect(get.status).toBe(200);
    expect(get.body.id).toBe(c.id);
    expect(get.body.allowedActions).toContain('comment');
    expect(await listIds(h1)).toContain(c.id);
    const ev = await h1.get(`/api/v1/cases/${c.id}/events`);
    expect(ev.status).toBe(200);
    expect(ev.body.items.map((e: { action: string }) => e.action)).toEqual(['report']);
    const r = await h1.act(c.id, 'comment', { note: '街道已知悉' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.version).toBe(c.version + 1);

    // And, as a street dispatcher, hands a registered case in its area down to its own community.
    const reg = await registered('s1c1g2');
    const d = await h1.act(reg.id, 'dispatch', { leadUnitId: t.u.s1c1 });
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    expect(d.body.leadUnit.id).toBe(t.u.s1c1);
  });

  it('a department sees a case only once dispatched to it; after returning it keeps read access but cannot act', async () => {
    const reg = await registered('s1c1g3');
    const cgj = await a.as('h-cgj');
    expect((await cgj.get(`/api/v1/cases/${reg.id}`)).status).toBe(404);
    expect((await cgj.get(`/api/v1/cases/${reg.id}/events`)).status).toBe(404);
    expect(await listIds(cgj)).not.toContain(reg.id);
    const d = await (await a.as('dispatcher')).act(reg.id, 'dispatch', { leadUnitId: t.u.cgj });
    expect(d.status, JSON.stringify(d.body)).toBe(200);

    const seen = await cgj.get(`/api/v1/cases/${reg.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.allowedActions).toEqual(expect.arrayContaining(['sign', 'return']));
    expect(await listIds(cgj)).toContain(reg.id);
    expect((await (await a.as('h-slj')).get(`/api/v1/cases/${reg.id}`)).status).toBe(404);

    const ret = await cgj.act(reg.id, 'return', { reason: '不属于城管职责' });
    expect(ret.status, JSON.stringify(ret.body)).toBe(200);
    expect(ret.body.state).toBe('REGISTERED');

    const after = await cgj.get(`/api/v1/cases/${reg.id}`);
    expect(after.status).toBe(200);
    expect(after.body.allowedActions).toEqual(['comment']);
    const ev = await cgj.get(`/api/v1/cases/${reg.id}/events`);
    expect(ev.status).toBe(200);
    expect(ev.body.items.map((e: { action: string }) => e.action)).toEqual(['report', 'accept', 'register', 'dispatch', 'return']);
    expect(await listIds(cgj)).toContain(reg.id);

    const version = after.body.version;
    const sign = await cgj.act(reg.id, 'sign', { version });
    expect(sign.status).toBe(409);
    expect(sign.body.error.code).toBe('CASE_INVALID_ACTION');
    const redispatch = await cgj.act(reg.id, 'dispatch', { version, leadUnitId: t.u.cgj });
    expect(redispatch.status).toBe(403);
    expect(redispatch.body.error.code).toBe('CASE_ACTION_FORBIDDEN');
    const ret2 = await cgj.act(reg.id, 'return', { version, reason: '再退一次' });
    // State first: returning a REGISTERED case is impossible whoever asks.
    expect(ret2.status).toBe(409);
    expect(ret2.body.error.code).toBe('CASE_INVALID_ACTION');
    expect(await versionOf(reg.id)).toBe(version);
  });

  it('a grid worker sees the cases of its own community only', async () => {
    const own = await report('s1c1g4');
    const sameStreetOtherCommunity = await report('s1c2g1');
    const otherStreet = await report('s2c1g1');
    const g = await a.as('g-s1c1');
    const ids = await listIds(g);
    expect(ids).toContain(own.id);
    expect(ids).not.toContain(sameStreetOtherCommunity.id);
    expect(ids).not.toContain(otherStreet.id);
    expect((await g.get(`/api/v1/cases/${own.id}`)).status).toBe(200);
    expect((await g.get(`/api/v1/cases/${sameStreetOtherCommunity.id}`)).status).toBe(404);
    expect((await g.get(`/api/v1/cases/${otherStreet.id}`)).status).toBe(404);
    // Every case a grid worker lists lies in its community.
    const all = (await g.get('/api/v1/cases?limit=200')).body.items as Array<{ area: { community: { id: string } | null } }>;
    expect(all.length).toBeGreaterThan(0);
    for (const c of all) expect(c.area.community?.id).toBe(t.u.s1c1);
    // The other community's worker is the mirror image.
    const g2 = await a.as('g-s2c1');
    expect(await listIds(g2)).toContain(otherStreet.id);
    expect(await listIds(g2)).not.toContain(own.id);
  });

  it('a street lists cases elsewhere that its subtree handles or handled, and those its users reported', async () => {
    const dispatcher = await a.as('dispatcher');
    // Located in s2, co-handled by s1 itself and by s1c1 (below s1).
    const coStreet = await registered('s2c2g1');
    expect((await dispatcher.act(coStreet.id, 'dispatch', { leadUnitId: t.u.cgj, cohandlerUnitIds: [t.u.s1] })).status).toBe(200);
    const coCommunity = await registered('s2c2g2');
    expect((await dispatcher.act(coCommunity.id, 'dispatch', { leadUnitId: t.u.cgj, cohandlerUnitIds: [t.u.s1c1] })).status).toBe(200);
    // Located in s2, once assigned to a grid of s1 (no route dispatches to grids; imported
    // history can hold such rows), the assignment no longer active.
    const toGrid = await registered('s2c2g3');
    await store.db.insertInto('case_units').values({ case_id: toGrid.id, unit_id: t.u.s1c2g3 as string, role: 'cohandler', active: 0, since: t.clock.now() }).execute();
    // Located in s2 and handled only by a department: none of s1's business.
    const deptOnly = await registered('s2c2g4');
    expect((await dispatcher.act(deptOnly.id, 'dispatch', { leadUnitId: t.u.cgj })).status).toBe(200);
    // Reported by s1's handler, located in s2.
    const h1 = await a.as('h-s1');
    const own = await h1.post('/api/v1/cases', { channel: 'patrol', description: '路灯不亮', location: t.point('s2c2g4'), category: { kind: 'matter', code: '06010' } });
    expect(own.status, JSON.stringify(own.body)).toBe(201);

    const s1 = await listIds(h1);
    for (const c of [coStreet, coCommunity, toGrid, own.body]) expect(s1).toContain(c.id);
    expect(s1).not.toContain(deptOnly.id);
    // The community sees only what was assigned at or below it; the other street sees all five by area.
    const c1 = await listIds(await a.as('g-s1c1'));
    expect(c1).toContain(coCommunity.id);
    for (const c of [coStreet, toGrid, deptOnly, own.body]) expect(c1).not.toContain(c.id);
    const s2 = await listIds(await a.as('h-s2'));
    for (const c of [coStreet, coCommunity, toGrid, deptOnly, own.body]) expect(s2).toContain(c.id);
    // Filters combine with the scope rather than widening it.
    const handling = (await h1.get('/api/v1/cases?state=DISPATCHED&limit=200')).body.items.map((x: { id: string }) => x.id);
    expect(handling).toEqual(expect.arrayContaining([coStreet.id, coCommunity.id]));
    expect(handling).not.toContain(toGrid.id);
    expect(handling).not.toContain(deptOnly.id);
  });

  it('a leader sees every case of the district', async () => {
    const cases = [await report('s1c1g1'), await report('s1c2g4'), await report('s2c1g2'), await report('s2c2g3')];
    const leader = await a.as('leader');
    const ids = await listIds(leader);
    for (const c of cases) {
      expect(ids).toContain(c.id);
      expect((await leader.get(`/api/v1/cases/${c.id}`)).status).toBe(200);
      expect((await leader.get(`/api/v1/cases/${c.id}/events`)).status).toBe(200);
    }
    const count = Number(
      (await store.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).where('district_id', '=', t.districtId).executeTakeFirstOrThrow()).n,
    );
    expect(ids.length).toBe(count);
  });

  it('a visible case with a forbidden action answers 403 CASE_ACTION_FORBIDDEN with the allowed actions', async () => {
    const c = await report('s1c1g2');
    const h1 = await a.as('h-s1');
    const view = await h1.get(`/api/v1/cases/${c.id}`);
    expect(view.status).toBe(200);
    expect(view.body.allowedActions).not.toContain('accept');
    const r = await h1.act(c.id, 'accept');
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('CASE_ACTION_FORBIDDEN');
    expect(r.body.error.details.allowedActions).toEqual(view.body.allowedActions);
    expect(r.body.error.details.allowedActions).toContain('comment');
    expect(r.body.error.details.state).toBe('REPORTED');
    expect(await versionOf(c.id)).toBe(c.version);
    // The intake operator at the centre may do it.
    expect((await (await a.as('intake')).act(c.id, 'accept')).status).toBe(200);
  });

  it('a role without the permission gets 403 FORBIDDEN (grid worker creating a user) and nothing is created', async () => {
    const users = async () =>
      Number(
        (await store.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('district_id', '=', t.districtId).executeTakeFirstOrThrow()).n,
      );
    const before = await users();
    const body = { username: `intruder-${t.code}`, password: 'long-enough-pw', displayName: '冒名', roles: ['admin'], unitId: t.u.s1c1 };
    const r = await (await a.as('g-s1c1')).post('/api/v1/users', body);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
    expect(r.body.error.message).toContain('user.write');
    expect(await users()).toBe(before);
    // The same body as admin works: the refusal was about the role, not the input.
    const ok = await (await a.as('admin')).post('/api/v1/users', body);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(await users()).toBe(before + 1);
  });

  // Last: it moves the suite's clock a month on.
  it('a street red inbox in deadline order holds exactly its visible red cases, page after page', async () => {
    for (const g of ['s1c1g1', 's1c2g2', 's2c1g1']) {
      const reg = await registered(g);
      expect((await (await a.as('dispatcher')).act(reg.id, 'dispatch', { leadUnitId: g.startsWith('s1') ? t.u.s1 : t.u.cgj })).status).toBe(200);
    }
    const h1 = await a.as('h-s1');
    const visible = new Set(await listIds(h1));
    t.clock.advance(30 * 86400_000);
    type Item = { id: string; light: string; deadlineAt: string };
    const red = (await h1.get('/api/v1/cases?light=red&limit=200')).body.items as Item[];
    expect(red.length).toBeGreaterThanOrEqual(2);
    const inbox = (await h1.get('/api/v1/cases?light=red&sort=deadline_asc&limit=200')).body.items as Item[];
    expect(inbox.map((c) => c.id).sort()).toEqual(red.map((c) => c.id).sort());
    for (const c of inbox) {
      expect(c.light).toBe('red');
      expect(visible.has(c.id)).toBe(true);
    }
    const keys = inbox.map((c) => `${c.deadlineAt} ${c.id}`);
    expect(keys).toEqual([...keys].sort());
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { body: { items: Item[]; nextCursor: string | null } } = await h1.get(`/api/v1/cases?light=red&sort=deadline_asc&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...r.body.items.map((c) => c.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(inbox.map((c) => c.id));
  });
});
