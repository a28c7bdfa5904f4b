/**
 * Live events over SSE: a street sees its own cases' messages and not another street's; with
 * NATS (NATS_URL_TEST, default nats://127.0.0.1:4222) a browser on one instance sees what the
 * worker of another instance processed.
 */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { NatsBusTransport } from '../../src/platform/nats-bus.ts';
import { createServices } from '../../src/services.ts';
import { brokerUp } from '../support/broker.ts';
import { PASSWORD, type TestDistrict } from '../support/district.ts';
import type { Api } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

function listen(url: string, token: string): { events: Array<{ event: string; data: any }>; close(): void; ready: Promise<void> } {
  const events: Array<{ event: string; data: any }> = [];
  let buf = '';
  let req!: http.ClientRequest;
  const ready = new Promise<void>((resolve, reject) => {
    req = http.get(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        resolve();
        let i = buf.indexOf('\n\n');
        while (i >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
          i = buf.indexOf('\n\n');
        }
      });
    });
    req.on('error', reject);
  });
  return { events, ready, close: () => req.destroy() };
}

describe.each(STORES)('event stream on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });

  it('delivers processed case messages to users whose scope covers the case', async () => {
    const address = await a.app.listen({ port: 0, host: '127.0.0.1' });
    const s1 = listen(`${address}/api/v1/stream`, (await a.as('h-s1')).token);
    const s2 = listen(`${address}/api/v1/stream`, (await a.as('h-s2')).token);
    const centre = listen(`${address}/api/v1/stream`, (await a.as('dispatcher')).token);
    await Promise.all([s1.ready, s2.ready, centre.ready]);
    const c = (await (await a.as('intake')).post('/api/v1/cases', { channel: 'patrol', description: '实时推送', location: t.point('s1c1g3') })).body;
    await t.s.outbox.processBatch(1000, t.districtId);
    await new Promise((r) => setTimeout(r, 200));
    s1.close();
    s2.close();
    centre.close();
    const mine = (l: typeof s1) => l.events.filter((e) => e.data.caseId === c.id).map((e) => e.event);
    expect(mine(s1)).toEqual(['case.reported']);
    expect(mine(centre)).toEqual(['case.reported']);
    expect(mine(s2)).toEqual([]);
  });
});

const NATS_URL = process.env.NATS_URL_TEST ?? 'nats://127.0.0.1:4222';
const natsUp = await brokerUp('NATS', NATS_URL, 4222, 'NATS_URL_TEST');

describe.runIf(natsUp).each(STORES)('event stream across two instances joined by NATS on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });

  it("a browser on instance B gets the case messages instance A's worker processed, once, in scope", async () => {
    const dropped: unknown[] = [];
    await t.s.bus.join(new NatsBusTransport(NATS_URL, (e) => dropped.push(e)));
    const store2 = kind.name === 'postgres' ? await kind.open() : t.s.store;
    const s2 = await createServices({ ...t.s.config, natsUrl: NATS_URL }, { store: store2, clock: t.clock, migrate: false });
    const app2 = await buildApp(s2);
    try {
      const address = await app2.listen({ port: 0, host: '127.0.0.1' });
      const login = async (username: string) =>
        (await app2.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: PASSWORD } })).json().token as string;
      const s1 = listen(`${address}/api/v1/stream`, await login(t.users['h-s1'] as string));
      const other = listen(`${address}/api/v1/stream`, await login(t.users['h-s2'] as string));
      await Promise.all([s1.ready, other.ready]);
      const c = (await (await a.as('intake')).post('/api/v1/cases', { channel: 'patrol', description: '跨实例推送', location: t.point('s1c2g2') })).body;
      await t.s.outbox.processBatch(1000, t.districtId);
      const mine = (l: typeof s1) => l.events.filter((e) => e.data.caseId === c.id).map((e) => e.event);
      for (let i = 0; i < 40 && mine(s1).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 200));
      s1.close();
      other.close();
      expect(mine(s1)).toEqual(['case.reported']);
      expect(mine(other)).toEqual([]);
      expect(dropped).toEqual([]);
    } finally {
      await app2.close();
      await s2.bus.close();
      await t.s.bus.close();
      if (store2 !== t.s.store) await store2.close();
    }
  });
});
