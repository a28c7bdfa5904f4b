/** Optimistic concurrency: simultaneous actions on one case → exactly one wins, one event. */
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { createServices } from '../../src/services.ts';
import { PASSWORD, type TestDistrict } from '../support/district.ts';
import type { Api } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

async function registered(a: Api, t: TestDistrict) {
  const intake = await a.as('intake');
  const c = (await intake.post('/api/v1/cases', { channel: 'patrol', description: '并发测试', location: t.point('s2c1g1'), category: { kind: 'matter', code: '06010' } })).body;
  await intake.act(c.id, 'accept');
  return (await (await a.as('shift_leader')).act(c.id, 'register')).body;
}

describe.each(STORES)('races on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });


  it('two dispatchers at once: one 200, one 409 CASE_CONFLICT, one dispatch event', async () => {
    for (let round = 0; round < 5; round++) {
      const c = await registered(a, t);
      const d1 = await a.as('dispatcher');
      const d2 = await a.as('shift_leader');
      const [r1, r2] = await Promise.all([
        d1.act(c.id, 'dispatch', { version: c.version, leadUnitId: t.u.s2 }),
        d2.act(c.id, 'dispatch', { version: c.version, leadUnitId: t.u.cgj }),
      ]);
      expect([r1.status, r2.status].sort()).toEqual([200, 409]);
      const loser = r1.status === 409 ? r1 : r2;
      expect(loser.body.error.code).toBe('CASE_CONFLICT');
      const events = (await d1.get(`/api/v1/cases/${c.id}/events`)).body.items;
      expect(events.filter((e: { action: string }) => e.action === 'dispatch')).toHaveLength(1);
      expect(events.map((e: { seq: number }) => e.seq)).toEqual(events.map((_: unknown, i: number) => i + 1));
      const now = (await d1.get(`/api/v1/cases/${c.id}`)).body;
      const winner = r1.status === 200 ? r1 : r2;
      expect(now.leadUnit.id).toBe(winner.body.leadUnit.id);
      expect(now.version).toBe(c.version + 1);
    }
  });

  it('a stale version is refused without writing', async () => {
    const c = await registered(a, t);
    const r = await (await a.as('dispatcher')).act(c.id, 'dispatch', { version: c.version - 1, leadUnitId: t.u.s2 });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('CASE_CONFLICT');
    expect(r.body.error.details.version).toBe(c.version);
    const events = (await (await a.as('dispatcher')).get(`/api/v1/cases/${c.id}/events`)).body.items;
    expect(events.map((e: { action: string }) => e.action)).toEqual(['report', 'accept', 'register']);
  });
});

describe.each(STORES.filter((k) => k.name === 'postgres'))('two server instances on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });

  it('two server instances on one PostgreSQL: still exactly one winner', async () => {
    const store2 = await kind.open();
    const s2 = await createServices(t.s.config, { store: store2, clock: t.clock, migrate: false });
    const app2 = await buildApp(s2);
    try {
      const login = await app2.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: t.users.shift_leader, password: PASSWORD } });
      const token2 = login.json().token as string;
      for (let round = 0; round < 5; round++) {
        const c = await registered(a, t);
        const [r1, r2] = await Promise.all([
          (await a.as('dispatcher')).act(c.id, 'dispatch', { version: c.version, leadUnitId: t.u.s2 }),
          app2.inject({
            method: 'POST',
            url: `/api/v1/cases/${c.id}/actions/dispatch`,
            headers: { authorization: `Bearer ${token2}` },
            payload: { version: c.version, leadUnitId: t.u.cgj },
          }),
        ]);
        expect([r1.status, r2.statusCode].sort()).toEqual([200, 409]);
        const events = (await (await a.as('dispatcher')).get(`/api/v1/cases/${c.id}/events`)).body.items;
        expect(events.filter((e: { action: string }) => e.action === 'dispatch')).toHaveLength(1);
      }
    } finally {
      await app2.close();
      await store2.close();
    }
  });
});
