/** The inbox a user reads, and the webhooks an integrator registers. */
import { randomBytes } from 'node:crypto';
import { DomainError } from '@onegrid/domain/errors';
import type { Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { Principal } from '../../platform/principal.ts';
import type { AuditService } from '../audit/audit-service.ts';
import { iso } from '../case/case-view.ts';

export class NotifyService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async inbox(p: Principal, q: { unread?: boolean | undefined; limit: number; before?: string | undefined }) {
    let qb = this.store.db.selectFrom('notifications').selectAll().where('user_id', '=', p.userId);
    if (q.unread) qb = qb.where('read_at', 'is', null);
    if (q.before) qb = qb.where('id', '<', q.before);
    const rows = await qb.orderBy('id', 'desc').limit(q.limit + 1).execute();
    const unread = await this.store.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', p.userId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((n) => ({ id: n.id, kind: n.kind, caseId: n.case_id, title: n.title, body: n.body, createdAt: iso(n.created_at), readAt: iso(n.read_at) })),
      unread: Number(unread.n),
      nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  }

  async markRead(p: Principal, ids: string[] | 'all'): Promise<number> {
    let qb = this.store.db.updateTable('notifications').set({ read_at: this.clock.now() }).where('user_id', '=', p.userId).where('read_at', 'is', null);
    if (ids !== 'all') qb = qb.where('id', 'in', ids.length ? ids : ['']);
    return Number((await qb.executeTakeFirst()).numUpdatedRows);
  }

  async createWebhook(p: Principal, input: { url: string; topics: string[] }) {
    const u = new URL(input.url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new DomainError('VALIDATION_FAILED', 'body.url: must be an http(s) URL');
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const row = { id: newId(), district_id: p.districtId, url: input.url, secret, topics: JSON.stringify(input.topics), active: 1, created_at: this.clock.now() };
    await this.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('webhooks').values(row).execute();
      await this.audit.record(trx, p, 'webhook.create', row.id, { url: input.url, topics: input.topics });
    });
    return { id: row.id, url: row.url, topics: input.topics, active: true, secret, createdAt: iso(row.created_at) };
  }

  async listWebhooks(p: Principal) {
    const rows = await this.store.db.selectFrom('webhooks').selectAll().where('district_id', '=', p.districtId).orderBy('created_at').execute();
    return rows.map((h) => ({ id: h.id, url: h.url, topics: JSON.parse(h.topics) as string[], active: h.active === 1, createdAt: iso(h.created_at) }));
  }

  async setWebhookActive(p: Principal, id: string, active: boolean): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      const h = await trx.selectFrom('webhooks').select('url').where('district_id', '=', p.districtId).where('id', '=', id).executeTakeFirst();
      if (!h) throw new DomainError('NOT_FOUND', `webhook ${id} not found`);
      await trx.updateTable('webhooks').set({ active: active ? 1 : 0 }).where('id', '=', id).execute();
      await this.audit.record(trx, p, active ? 'webhook.resume' : 'webhook.pause', id, { url: h.url, active });
    });
  }

  /** Its delivery log goes with it: nothing is sent to a removed endpoint again. */
  async deleteWebhook(p: Principal, id: string): Promise<void> {
    const n = await this.store.db.transaction().execute(async (trx) => {
      const h = await trx.selectFrom('webhooks').select(['id', 'url']).where('district_id', '=', p.districtId).where('id', '=', id).executeTakeFirst();
      if (!h) return 0;
      await trx.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
      await trx.deleteFrom('webhooks').where('id', '=', id).execute();
      await this.audit.record(trx, p, 'webhook.delete', id, { url: h.url });
      return 1;
    });
    if (n === 0) throw new DomainError('NOT_FOUND', `webhook ${id} not found`);
  }

  async deliveries(p: Principal, webhookId: string, limit: number) {
    const rows = await this.store.db
      .selectFrom('webhook_deliveries')
      .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
      .selectAll('webhook_deliveries')
      .where('webhooks.district_id', '=', p.districtId)
      .where('webhooks.id', '=', webhookId)
      .orderBy('webhook_deliveries.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((d) => ({
      id: d.id,
      topic: d.topic,
      attempts: d.attempts,
      deliveredAt: iso(d.delivered_at),
      failedAt: iso(d.failed_at),
      nextAttemptAt: iso(d.next_attempt_at),
      lastStatus: d.last_status,
      lastError: d.last_error,
    }));
  }
}
