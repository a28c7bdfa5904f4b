/**
 * Delivers webhook rows: HMAC-SHA256 signed (header X-OneGrid-Signature: t=<unix>,v1=<hex> over
 * "<t>.<body>"), retried with exponential backoff, given up after MAX_ATTEMPTS. A delivery is
 * leased (locked_until) before the HTTP call so no database lock is held while waiting.
 */
import { createHmac } from 'node:crypto';
import { skipLocked, type Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';

export const MAX_ATTEMPTS = 8;
const LEASE_MS = 60_000;
const TIMEOUT_MS = 10_000;

/** 10 s, 20 s, 40 s … capped at one hour. */
export function backoffMs(attempts: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, attempts - 1), 3600_000);
}

export function sign(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export class WebhookSender {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async deliverDue(limit = 20): Promise<number> {
    const now = this.clock.now();
    const leased = await this.store.db.transaction().execute(async (trx) => {
      const rows = await skipLocked(
        this.store,
        trx
          .selectFrom('webhook_deliveries')
          .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
          .select(['webhook_deliveries.id', 'webhook_deliveries.payload', 'webhook_deliveries.topic', 'webhook_deliveries.attempts', 'webhooks.url', 'webhooks.secret'])
          .where('webhooks.active', '=', 1)
          .where('webhook_deliveries.delivered_at', 'is', null)
          .where('webhook_deliveries.failed_at', 'is', null)
          .where('webhook_deliveries.next_attempt_at', '<=', now)
          .where((eb) => eb.or([eb('webhook_deliveries.locked_until', 'is', null), eb('webhook_deliveries.locked_until', '<', now)]))
          .orderBy('webhook_deliveries.next_attempt_at')
          .limit(limit),
      ).execute();
      if (rows.length) {
        await trx.updateTable('webhook_deliveries').set({ locked_until: now + LEASE_MS }).where('id', 'in', rows.map((r) => r.id)).execute();
      }
      return rows;
    });
    await Promise.all(leased.map((d) => this.deliver(d)));
    return leased.length;
  }

  private async deliver(d: { id: string; payload: string; topic: string; attempts: number; url: string; secret: string }): Promise<void> {
    const t = Math.floor(this.clock.now() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'OneGrid-Webhook/1',
          'x-onegrid-topic': d.topic,
          'x-onegrid-delivery': d.id,
          'x-onegrid-signature': `t=${t},v1=${sign(d.secret, t, d.payload)}`,
        },
        body: d.payload,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'manual',
      });
      status = res.status;
      await res.body?.cancel();
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const now = this.clock.now();
    const attempts = d.attempts + 1;
    await this.store.db
      .updateTable('webhook_deliveries')
      .set(
        error === null
          ? { delivered_at: now, attempts, last_status: status, last_error: null, locked_until: null }
          : {
              attempts,
              last_status: status,
              last_error: error.slice(0, 500),
              locked_until: null,
              next_attempt_at: now + backoffMs(attempts),
              ...(attempts >= MAX_ATTEMPTS ? { failed_at: now } : {}),
            },
      )
      .where('id', '=', d.id)
      .execute();
  }
}
