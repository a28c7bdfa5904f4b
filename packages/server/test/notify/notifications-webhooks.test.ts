/**
 * From outbox to people and systems: the worker's outbox batch turns case transitions into inbox
 * rows for the right users and into signed webhook deliveries, retried with backoff, each
 * message delivered once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/db/store.ts';
import { backoffMs, MAX_ATTEMPTS } from '../../src/modules/notify/webhook-sender.ts';
import type { TestDistrict } from '../support/district.ts';
import type { Api, Client } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

interface Received {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: { id: string; topic: string; districtId: string; createdAt: string; data: Record<string, unknown> };
}

/** A webhook receiver on 127.0.0.1:<random port>; answers `status` (changeable). */
async function receiver() {
  const got: Received[] = [];
  const state = { status: 200 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      got.push({ headers: req.headers, raw, body: JSON.parse(raw) });
      res.statusCode = state.status;
      res.end(state.status >= 400 ? 'nope' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/onegrid`,
    got,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Checks `x-onegrid-signature: t=<unix>,v1=<hex>` the way an integrator would. */
function verify(secret: string, header: string | string[] | undefined, raw: string): { ok: boolean; t: number } {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(header ?? ''));
  if (!m) return { ok: false, t: Number.NaN };
  const expected = createHmac('sha256', secret).update(`${m[1]}.${raw}`).digest();
  const given = Buffer.from(m[2] as string, 'hex');
  return { ok: given.length === expected.length && timingSafeEqual(given, expected), t: Number(m[1]) };
}

describe.each(STORES)('notifications and webhooks on $name', (kind) => {
  let store: Store;
  let t: TestDistrict;
  let a: Api;
  let admin: Client;
  const hooks: string[] = [];
  const receivers: Array<{ close(): Promise<void> }> = [];
  useDistrict(kind, (x) => {
    ({ store, t, a } = x);
  });
  beforeAll(async () => {
    admin = await a.as('admin');
  });
  afterAll(async () => {
    // Leave nothing due behind in a shared database.
    if (hooks.length) {
      await store.db.updateTable('webhook_deliveries').set({ failed_at: t.clock.now() }).where('webhook_id', 'in', hooks).where('delivered_at', 'is', null).where('failed_at', 'is', null).execute();
      await store.db.updateTable('webhooks').set({ active: 0 }).where('id', 'in', hooks).execute();
    }
    for (const r of receivers) await r.close();
  });

  /** Processes this district's outbox until it is empty. */
  async function drain(): Promise<void> {
    for (let i = 0; i < 50; i++) if ((await t.s.outbox.processBatch(200, t.districtId)) === 0) return;
    throw new Error('outbox did not drain');
  }

  async function deliveries(hookId: string) {
    const r = await admin.get(`/api/v1/webhooks/${hookId}/deliveries?limit=500`);
    expect(r.status).toBe(200);
    return r.body.items as Array<{ id: string; topic: string; attempts: number; deliveredAt: string | null; failedAt: string | null; nextAttemptAt: string | null; lastStatus: number | null; lastError: string | null }>;
  }

  /**
   * Runs the sender until `done` holds. deliverDue takes the due rows of every district in the
   * database, so with other suites sharing it one call may not reach ours.
   */
  async function deliverUntil(done: () => Promise<boolean> | boolean): Promise<void> {
    for (let i = 0; i < 30; i++) {
      await t.s.webhooks.deliverDue();
      if (await done()) return;
    }
    throw new Error('deliveries did not happen');
  }

  async function report(grid = 's1c1g1') {
    const r = await (await a.as('intake')).post('/api/v1/cases', {
      channel: 'hotline',
      description: '小区门口污水外溢',
      location: t.point(grid),
      category: { kind: 'matter', code: '06010' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; number: string };
  }

  async function registered(grid = 's1c1g1') {
    const c = await report(grid);
    expect((await (await a.as('intake')).act(c.id, 'accept')).status).toBe(200);
    expect((await (await a.as('shift_leader')).act(c.id, 'register')).status).toBe(200);
    return c;
  }

  async function inbox(user: string, caseId: string) {
    const r = await (await a.as(user)).get('/api/v1/notifications?limit=200');
    expect(r.status).toBe(200);
    return (r.body.items as Array<{ id: string; kind: string; caseId: string; title: string; body: string | null; readAt: string | null }>).filter((n) => n.caseId === caseId);
  }

  async function register(topics: string[], url: string) {
    const r = await admin.post('/api/v1/webhooks', { url, topics });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    hooks.push(r.body.id);
    return r.body as { id: string; secret: string; url: string; topics: string[]; active: boolean };
  }

  it('dispatch to s1 notifies the street (h-s1) and nobody else; the return notifies the centre dispatchers', async () => {
    const c = await registered();
    await drain();
    expect((await (await a.as('dispatcher')).act(c.id, 'dispatch', { leadUnitId: t.u.s1 })).status).toBe(200);
    // Nothing before the worker runs.
    expect(await inbox('h-s1', c.id)).toEqual([]);
    await drain();

    const h1 = await inbox('h-s1', c.id);
    expect(h1.map((n) => n.kind)).toEqual(['dispatched']);
    expect(h1[0]?.title).toContain(c.number);
    expect(h1[0]?.readAt).toBeNull();
    for (const other of ['h-s2', 'g-s1c1', 'h-cgj', 'dispatcher', 'intake']) {
      expect((await inbox(other, c.id)).map((n) => n.kind), other).not.toContain('dispatched');
    }

    expect((await (await a.as('h-s1')).act(c.id, 'return', { reason: '非本街道辖区事项' })).status).toBe(200);
    await drain();
    for (const centre of ['dispatcher', 'shift_leader']) {
      const got = await inbox(centre, c.id);
      expect(got.map((n) => n.kind), centre).toEqual(['returned']);
      expect(got[0]?.body).toBe('非本街道辖区事项');
    }
    for (const other of ['intake', 'supervisor', 'leader', 'h-s1']) {
      expect((await inbox(other, c.id)).map((n) => n.kind), other).not.toContain('returned');
    }

    // Running the batch again changes nothing: one notification per user and event.
    await t.s.outbox.processBatch(200, t.districtId);
    expect((await inbox('h-s1', c.id)).length).toBe(1);
    expect((await inbox('dispatcher', c.id)).length).toBe(1);

    // Read marks are per user.
    const h = await a.as('h-s1');
    const unreadBefore = (await h.get('/api/v1/notifications')).body.unread as number;
    expect((await h.post('/api/v1/notifications/read', { ids: [h1[0]?.id] })).body.updated).toBe(1);
    expect((await h.get('/api/v1/notifications')).body.unread).toBe(unreadBefore - 1);
    expect((await inbox('h-s1', c.id))[0]?.readAt).not.toBeNull();
    // Another user cannot mark someone else's notification.
    const disp = await inbox('dispatcher', c.id);
    expect((await h.post('/api/v1/notifications/read', { ids: [disp[0]?.id] })).body.updated).toBe(0);
    expect((await inbox('dispatcher', c.id))[0]?.readAt).toBeNull();
  });

  it('a webhook receives each transition as signed JSON; the HMAC verifies with the secret from registration', async () => {
    await drain();
    const rx = await receiver();
    receivers.push(rx);
    const hook = await register(['case.*'], rx.url);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{20,}$/);
    const listed = await admin.get('/api/v1/webhooks');
    expect(listed.body.items.map((h: { id: string }) => h.id)).toContain(hook.id);
    expect(JSON.stringify(listed.body)).not.toContain(hook.secret);

    const c = await report();
    expect((await (await a.as('intake')).act(c.id, 'accept')).status).toBe(200);
    await drain();
    await deliverUntil(() => rx.got.filter((g) => g.body.data.caseId === c.id).length >= 2);
    const mine = rx.got.filter((g) => g.body.data.caseId === c.id);
    expect(mine.map((g) => g.body.topic)).toEqual(expect.arrayContaining(['case.reported', 'case.accept']));
    expect(mine).toHaveLength(2);
    for (const g of mine) {
      expect(g.headers['content-type']).toBe('application/json');
      expect(g.headers['x-onegrid-topic']).toBe(g.body.topic);
      expect(g.headers['x-onegrid-delivery']).toMatch(/\S/);
      expect(g.body.districtId).toBe(t.districtId);
      expect(g.body.data.number).toBe(c.number);
      const v = verify(hook.secret, g.headers['x-onegrid-signature'], g.raw);
      expect(v.ok, `signature ${String(g.headers['x-onegrid-signature'])}`).toBe(true);
      expect(v.t).toBe(Math.floor(t.clock.now() / 1000));
      // The signature covers the body: a changed body, or another secret, does not verify.
      expect(verify(hook.secret, g.headers['x-onegrid-signature'], g.raw.replace(c.number, 'X')).ok).toBe(false);
      expect(verify(`${hook.secret}x`, g.headers['x-onegrid-signature'], g.raw).ok).toBe(false);
    }
    const d = await deliveries(hook.id);
    expect(d.filter((x) => x.deliveredAt !== null).length).toBe(2);
    expect(d.every((x) => x.attempts === 1 && x.lastStatus === 200)).toBe(true);
  });

  it('a topic filter narrows what a webhook receives', async () => {
    await drain();
    const rx = await receiver();
    receivers.push(rx);
    const hook = await register(['case.dispatch'], rx.url);
    const c = await registered();
    expect((await (await a.as('dispatcher')).act(c.id, 'dispatch', { leadUnitId: t.u.s1 })).status).toBe(200);
    await drain();
    await deliverUntil(async () => (await deliveries(hook.id)).every((x) => x.deliveredAt !== null));
    expect((await deliveries(hook.id)).map((x) => x.topic)).toEqual(['case.dispatch']);
    expect(rx.got.map((g) => g.body.topic)).toEqual(['case.dispatch']);
  });

  it('a failing receiver is retried with backoff: attempts grow, next_attempt_at moves back, then it succeeds once', async () => {
    await drain();
    const rx = await receiver();
    receivers.push(rx);
    const hook = await register(['case.accept'], rx.url);
    rx.state.status = 500;
    const c = await report();
    expect((await (await a.as('intake')).act(c.id, 'accept')).status).toBe(200);
    await drain();

    const one = async () => {
      const d = await deliveries(hook.id);
      expect(d).toHaveLength(1);
      return d[0] as NonNullable<(typeof d)[0]>;
    };
    await deliverUntil(async () => (await one()).attempts >= 1);
    let d = await one();
    expect(d).toMatchObject({ attempts: 1, lastStatus: 500, deliveredAt: null, failedAt: null });
    expect(d.lastError).toMatch(/500/);
    expect(Date.parse(d.nextAttemptAt as string)).toBe(t.clock.now() + 10_000);
    expect(rx.got).toHaveLength(1);

    // Not due yet: nothing is sent.
    for (let i = 0; i < 3; i++) await t.s.webhooks.deliverDue();
    expect((await one()).attempts).toBe(1);
    expect(rx.got).toHaveLength(1);

    t.clock.advance(10_000);
    await deliverUntil(async () => (await one()).attempts >= 2);
    d = await one();
    expect(d).toMatchObject({ attempts: 2, lastStatus: 500, deliveredAt: null });
    expect(Date.parse(d.nextAttemptAt as string)).toBe(t.clock.now() + 20_000);
    expect(rx.got).toHaveLength(2);

    rx.state.status = 204;
    t.clock.advance(19_000);
    for (let i = 0; i < 3; i++) await t.s.webhooks.deliverDue();
    expect((await one()).attempts).toBe(2);
    t.clock.advance(1_000);
    await deliverUntil(async () => (await one()).deliveredAt !== null);
    d = await one();
    expect(d).toMatchObject({ attempts: 3, lastStatus: 204, lastError: null });
    expect(rx.got).toHaveLength(3);
    // Every attempt carried the same event, each signed validly.
    expect(new Set(rx.got.map((g) => g.body.id)).size).toBe(1);
    for (const g of rx.got) expect(verify(hook.secret, g.headers['x-onegrid-signature'], g.raw).ok).toBe(true);

    // Delivered: never sent again.
    t.clock.advance(3600_000);
    for (let i = 0; i < 3; i++) await t.s.webhooks.deliverDue();
    expect(rx.got).toHaveLength(3);
  });

  it('gives up after MAX_ATTEMPTS failures: failed_at is set and nothing more is sent', async () => {
    await drain();
    const rx = await receiver();
    receivers.push(rx);
    rx.state.status = 500;
    const hook = await register(['case.accept'], rx.url);
    const c = await report();
    expect((await (await a.as('intake')).act(c.id, 'accept')).status).toBe(200);
    await drain();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await deliverUntil(async () => (await deliveries(hook.id))[0]?.attempts === attempt);
      t.clock.advance(backoffMs(attempt));
    }
    const [d] = await deliveries(hook.id);
    expect(d?.attempts).toBe(MAX_ATTEMPTS);
    expect(d?.failedAt).not.toBeNull();
    expect(d?.deliveredAt).toBeNull();
    expect(rx.got).toHaveLength(MAX_ATTEMPTS);
    t.clock.advance(24 * 3600_000);
    for (let i = 0; i < 3; i++) await t.s.webhooks.deliverDue();
    expect(rx.got).toHaveLength(MAX_ATTEMPTS);
  });

  it('the same outbox message is never delivered twice, however often or concurrently the batch runs', async () => {
    await drain();
    const rx = await receiver();
    receivers.push(rx);
    const hook = await register(['case.*'], rx.url);
    const c = await report();
    const msg = await store.db.selectFrom('outbox').selectAll().where('district_id', '=', t.districtId).where('processed_at', 'is', null).execute();
    expect(msg).toHaveLength(1);
    const eventId = msg[0]?.id as string;

    await Promise.all([t.s.outbox.processBatch(200, t.districtId), t.s.outbox.processBatch(200, t.districtId), t.s.outbox.processBatch(200, t.districtId)]);
    await t.s.outbox.processBatch(200, t.districtId);
    await t.s.outbox.processBatch(200, t.districtId);
    // Webhooks registered by earlier tests of this suite are still active and match too: one row
    // per (webhook, message), never more.
    const rows = await store.db.selectFrom('webhook_deliveries').selectAll().where('event_id', '=', eventId).execute();
    const active = await store.db.selectFrom('webhooks').select('id').where('district_id', '=', t.districtId).where('active', '=', 1).execute();
    expect(rows.filter((r) => r.webhook_id === hook.id)).toHaveLength(1);
    expect(new Set(rows.map((r) => r.webhook_id)).size).toBe(rows.length);
    expect(rows.length).toBeLessThanOrEqual(active.length);
    const notes = await store.db.selectFrom('notifications').select('user_id').where('source_event', '=', eventId).execute();
    expect(new Set(notes.map((n) => n.user_id)).size).toBe(notes.length);

    await Promise.all([t.s.webhooks.deliverDue(), t.s.webhooks.deliverDue(), t.s.webhooks.deliverDue()]);
    await deliverUntil(() => rx.got.some((g) => g.body.id === eventId));
    t.clock.advance(3600_000);
    for (let i = 0; i < 3; i++) await t.s.webhooks.deliverDue();
    expect(rx.got.filter((g) => g.body.id === eventId)).toHaveLength(1);
    expect(rx.got.every((g) => g.body.data.caseId === c.id)).toBe(true);
  });

  it('a paused (disabled) webhook gets no new deliveries and no retries until resumed', async () => {
    await drain();
    const rx = await receiver();
    receivers.push(rx);
    const hook = await register(['case.accept', 'case.register'], rx.url);
    rx.state.status = 503;
    const c = await report();
    expect((await (await a.as('intake')).act(c.id, 'accept')).status).toBe(200);
    await drain();
    await deliverUntil(async () => (await deliveries(hook.id))[0]?.attempts === 1);
    expect(rx.got).toHaveLength(1);

    expect((await admin.post(`/api/v1/webhooks/${hook.id}/disable`)).status).toBe(200);
    expect((await admin.get('/api/v1/webhooks')).body.items.find((h: { id: string }) => h.id === hook.id).active).toBe(false);
    // New events while paused create no delivery…
    expect((await (await a.as('shift_leader')).act(c.id, 'register')).status).toBe(200);
    await drain();
    expect((await deliveries(hook.id)).map((x) => x.topic)).toEqual(['case.accept']);
    // …and the pending one is not retried while paused.
    t.clock.advance(60_000);
    for (let i = 0; i < 3; i++) await t.s.webhooks.deliverDue();
    // Known bug (reported): WebhookSender.deliverDue does not look at webhooks.active, so a
    // paused webhook keeps receiving retries (and can run out of attempts while paused).
    expect(rx.got.length, 'a paused webhook was called again').toBe(1);
    expect((await deliveries(hook.id))[0]?.attempts).toBe(1);
  });

  it('only admins manage webhooks', async () => {
    for (const who of ['shift_leader', 'leader', 'dispatcher']) {
      const c = await a.as(who);
      expect((await c.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/x', topics: ['case.*'] })).status, who).toBe(403);
      expect((await c.get('/api/v1/webhooks')).status, who).toBe(403);
    }
    const bad = await admin.post('/api/v1/webhooks', { url: 'ftp://example.com/x', topics: ['case.*'] });
    expect(bad.status).toBe(400);
    const badTopic = await admin.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/x', topics: ['CASE!'] });
    expect(badTopic.status).toBe(400);
  });
});
