/**
 * Drains the outbox: each message becomes inbox rows for the users it concerns and a delivery
 * row for every matching webhook, in one transaction with marking it processed. Then it is
 * published on the in-process bus for live views.
 */
import type { Role } from '@onegrid/domain/access/roles';
import type { Transaction } from 'kysely';
import type { DB, NotificationRow, WebhookDeliveryRow } from '../../db/schema.ts';
import { skipLocked, type Store } from '../../db/store.ts';
import type { Bus, BusMessage } from '../../platform/bus.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { OrgService } from '../org/org-service.ts';
import { NOTIFICATION_RULES, type Target } from './notification-rules.ts';

export function topicMatches(patterns: string[], topic: string): boolean {
  return patterns.some((p) => p === '*' || p === topic || (p.endsWith('.*') && topic.startsWith(p.slice(0, -1))));
}

export interface OutboxDelivery {
  id: string;
  districtId: string;
  topic: string;
  payload: Record<string, unknown>;
  createdAt: number;
}
/**
 * Another module's durable reaction to a topic, run in the transaction that marks the message
 * processed. Use `trx` only: on SQLite a query through the store would wait for ever.
 */
export type OutboxHandler = (trx: Transaction<DB>, message: OutboxDelivery) => Promise<unknown>;

export class OutboxProcessor {
  private readonly handlers = new Map<string, OutboxHandler[]>();

  on(topic: string, handler: OutboxHandler): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly org: OrgService,
    private readonly bus: Bus,
  ) {}

  /** `districtId` narrows the batch to one district (tests sharing a database). */
  async processBatch(limit = 200, districtId?: string): Promise<number> {
    const now = this.clock.now();
    const published: BusMessage[] = [];
    // Directories are refreshed before the transaction: on SQLite a refresh inside it would wait
    // for the one connection the transaction holds. Messages of other districts wait a batch.
    const pending = districtId
      ? [districtId]
      : (await this.store.db.selectFrom('outbox').select('district_id').distinct().where('processed_at', 'is', null).execute()).map((r) => r.district_id);
    if (pending.length === 0) return 0;
    const dirs = new Map(await Promise.all(pending.map(async (d) => [d, await this.org.directory(d)] as const)));
    const n = await this.store.db.transaction().execute(async (trx) => {
      const q = trx.selectFrom('outbox').selectAll().where('processed_at', 'is', null).where('district_id', 'in', pending);
      const rows = await skipLocked(this.store, q.orderBy('id').limit(limit)).execute();
      if (rows.length === 0) return 0;
      const districts = [...new Set(rows.map((r) => r.district_id))];
      const hooks = await trx.selectFrom('webhooks').selectAll().where('district_id', 'in', districts).where('active', '=', 1).execute();
      const notifications: NotificationRow[] = [];
      const deliveries: WebhookDeliveryRow[] = [];
      for (const r of rows) {
        const payload = JSON.parse(r.payload) as Record<string, unknown>;
        for (const h of this.handlers.get(r.topic) ?? []) await h(trx, { id: r.id, districtId: r.district_id, topic: r.topic, payload, createdAt: r.created_at });
        const rule = NOTIFICATION_RULES[r.topic];
        if (rule) {
          const dir = dirs.get(r.district_id) ?? (await this.org.directory(r.district_id));
          const targets = new Map<string, Role[] | undefined>();
          const cohandlers = (payload.cohandlerUnitIds as string[] | undefined) ?? [];
          for (const t of rule.to) {
            for (const unitId of this.unitsFor(t.unit, payload, dir.centre()?.id, cohandlers)) targets.set(unitId, t.roles);
          }
          const users = await trx.selectFrom('users').select(['id', 'unit_id', 'roles']).where('unit_id', 'in', [...targets.keys(), '']).where('disabled', '=', 0).execute();
          for (const u of users) {
            const roles = targets.get(u.unit_id);
            if (roles && !roles.some((role) => u.roles.split(',').includes(role))) continue;
            notifications.push({
              id: newId(now),
              district_id: r.district_id,
              user_id: u.id,
              unit_id: u.unit_id,
              kind: rule.kind,
              case_id: (payload.caseId as string) ?? null,
              title: rule.title(String(payload.number ?? '')),
              body: (payload.reason as string | null) ?? null,
              source_event: r.id,
              created_at: now,
              read_at: null,
            });
          }
        }
        for (const h of hooks) {
          if (h.district_id !== r.district_id || !topicMatches(JSON.parse(h.topics) as string[], r.topic)) continue;
          deliveries.push({
            id: newId(now),
            webhook_id: h.id,
            event_id: r.id,
            topic: r.topic,
            payload: JSON.stringify({ id: r.id, topic: r.topic, districtId: r.district_id, createdAt: new Date(r.created_at).toISOString(), data: payload }),
            attempts: 0,
            next_attempt_at: now,
            locked_until: null,
            delivered_at: null,
            failed_at: null,
            last_status: null,
            last_error: null,
          });
        }
        published.push({ id: r.id, districtId: r.district_id, topic: r.topic, payload, at: r.created_at });
      }
      for (let i = 0; i < notifications.length; i += 200) await trx.insertInto('notifications').values(notifications.slice(i, i + 200)).execute();
      for (let i = 0; i < deliveries.length; i += 200) await trx.insertInto('webhook_deliveries').values(deliveries.slice(i, i + 200)).execute();
      await trx.updateTable('outbox').set({ processed_at: now }).where('id', 'in', rows.map((r) => r.id)).execute();
      return rows.length;
    });
    for (const m of published) this.bus.publish(m);
    return n;
  }

  private unitsFor(t: Target, payload: Record<string, unknown>, centreId: string | undefined, cohandlers: string[]): string[] {
    const one = (v: unknown) => (typeof v === 'string' ? [v] : []);
    switch (t) {
      case 'lead':
        return one(payload.leadUnitId);
      case 'cohandlers':
        return cohandlers;
      case 'centre':
        return one(centreId);
      case 'community':
        return one(payload.communityId);
      case 'unit':
        return one(payload.unitId);
      case 'leader':
        return one(payload.leaderUnitId);
    }
  }
}
