/** SQL for supervision orders, their history, the supervision inbox and cards only. */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB, SupervisionCardRow, SupervisionInboxRow, SupervisionOrderEventRow, SupervisionOrderRow } from '../../db/schema.ts';
import type { OrderSource, OrderStatus } from '@onegrid/domain/supervision/order';

type Q = Kysely<DB> | Transaction<DB>;

export interface OrderFilter {
  districtId: string;
  /** Responsible units the caller may see; null: the whole district. */
  unitIds: string[] | null;
  statuses?: OrderStatus[] | undefined;
  source?: OrderSource | undefined;
  caseId?: string | undefined;
  issuedFrom?: number | undefined;
  issuedTo?: number | undefined;
  /** Past the response deadline without a response, at this instant. */
  overdueAt?: number | undefined;
  /** Cursor: ids sort by issue time (UUIDv7); the page continues below this id. */
  before?: string | undefined;
  limit: number;
}

export const supervisionRepository = {
  insertOrder(q: Q, row: SupervisionOrderRow): Promise<unknown> {
    return q.insertInto('supervision_orders').values(row).execute();
  },

  insertEvent(q: Q, row: SupervisionOrderEventRow): Promise<unknown> {
    return q.insertInto('supervision_order_events').values(row).execute();
  },

  byId(q: Q, districtId: string, id: string): Promise<SupervisionOrderRow | undefined> {
    return q.selectFrom('supervision_orders').selectAll().where('district_id', '=', districtId).where('id', '=', id).executeTakeFirst();
  },

  byDedupeKey(q: Q, districtId: string, key: string): Promise<SupervisionOrderRow | undefined> {
    return q.selectFrom('supervision_orders').selectAll().where('district_id', '=', districtId).where('dedupe_key', '=', key).executeTakeFirst();
  },

  events(q: Q, orderId: string): Promise<SupervisionOrderEventRow[]> {
    return q.selectFrom('supervision_order_events').selectAll().where('order_id', '=', orderId).orderBy('at').orderBy('id').execute();
  },

  list(q: Q, f: OrderFilter): Promise<SupervisionOrderRow[]> {
    let qb = q.selectFrom('supervision_orders').selectAll().where('district_id', '=', f.districtId);
    if (f.unitIds) qb = qb.where('unit_id', 'in', f.unitIds.length ? f.unitIds : ['']);
    if (f.statuses?.length) qb = qb.where('status', 'in', f.statuses);
    if (f.source) qb = qb.where('source', '=', f.source);
    if (f.caseId) qb = qb.where('case_id', '=', f.caseId);
    if (f.issuedFrom !== undefined) qb = qb.where('issued_at', '>=', f.issuedFrom);
    if (f.issuedTo !== undefined) qb = qb.where('issued_at', '<', f.issuedTo);
    const at = f.overdueAt;
    if (at !== undefined) {
      qb = qb.where((eb) => eb.or([eb('status', '=', 'escalated'), eb.and([eb('status', '=', 'open'), eb('deadline_at', '<=', at)])]));
    }
    if (f.before) qb = qb.where('id', '<', f.before);
    return qb.orderBy('id', 'desc').limit(f.limit).execute();
  },

  /** A status change guarded by the statuses it may leave (and the version, when given): 0 rows means it lost. */
  async transition(q: Q, id: string, from: readonly OrderStatus[], version: number | undefined, patch: Partial<SupervisionOrderRow>): Promise<boolean> {
    let qb = q
      .updateTable('supervision_orders')
      .set({ ...patch, version: sql<number>`version + 1` })
      .where('id', '=', id)
      .where('status', 'in', [...from]);
    if (version !== undefined) qb = qb.where('version', '=', version);
    const r = await qb.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },

  /** Open orders past their deadline, oldest first. */
  dueForEscalation(q: Q, now: number, limit: number, districtId?: string): Promise<SupervisionOrderRow[]> {
    let qb = q.selectFrom('supervision_orders').selectAll().where('status', '=', 'open').where('deadline_at', '<=', now);
    if (districtId) qb = qb.where('district_id', '=', districtId);
    return qb.orderBy('deadline_at').limit(limit).execute();
  },

  openOrdersOfCase(q: Q, districtId: string, caseId: string): Promise<SupervisionOrderRow[]> {
    return q
      .selectFrom('supervision_orders')
      .selectAll()
      .where('district_id', '=', districtId)
      .where('case_id', '=', caseId)
      .where('status', '!=', 'closed')
      .execute();
  },

  // ------------------------------------------------------------------ inbox

  insertInbox(q: Q, row: SupervisionInboxRow): Promise<unknown> {
    return q
      .insertInto('supervision_inbox')
      .values(row)
      .onConflict((oc) => oc.column('message_id').doNothing())
      .execute();
  },

  pruneInbox(q: Q, processedBefore: number): Promise<unknown> {
    return q.deleteFrom('supervision_inbox').where('processed_at', '<', processedBefore).execute();
  },

  pendingInbox(q: Q, limit: number, districtId?: string): Promise<SupervisionInboxRow[]> {
    let qb = q.selectFrom('supervision_inbox').selectAll().where('processed_at', 'is', null);
    if (districtId) qb = qb.where('district_id', '=', districtId);
    return qb.orderBy('created_at').orderBy('message_id').limit(limit).execute();
  },

  /** Claims one inbox row; false when another worker (or an earlier pass) already took it. */
  async claimInbox(q: Q, messageId: string, now: number): Promise<boolean> {
    const r = await q.updateTable('supervision_inbox').set({ processed_at: now }).where('message_id', '=', messageId).where('processed_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },

  // ------------------------------------------------------------------ cards

  card(q: Q, districtId: string, unitId: string, period: string, indicator: string): Promise<SupervisionCardRow | undefined> {
    return q
      .selectFrom('supervision_cards')
      .selectAll()
      .where('district_id', '=', districtId)
      .where('unit_id', '=', unitId)
      .where('period', '=', period)
      .where('indicator', '=', indicator)
      .executeTakeFirst();
  },

  /** Inserts a card unless its unit × period × indicator already has one; true when inserted. */
  async insertCard(q: Q, row: SupervisionCardRow): Promise<boolean> {
    const r = await q
      .insertInto('supervision_cards')
      .values(row)
      .onConflict((oc) => oc.columns(['district_id', 'unit_id', 'period', 'indicator']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  },

  updateCard(q: Q, id: string, patch: Partial<SupervisionCardRow>): Promise<unknown> {
    return q.updateTable('supervision_cards').set(patch).where('id', '=', id).execute();
  },

  cards(q: Q, districtId: string, period: string, unitIds: string[] | null): Promise<SupervisionCardRow[]> {
    let qb = q.selectFrom('supervision_cards').selectAll().where('district_id', '=', districtId).where('period', '=', period);
    if (unitIds) qb = qb.where('unit_id', 'in', unitIds.length ? unitIds : ['']);
    return qb.orderBy('colour').orderBy('unit_id').orderBy('indicator').execute();
  },
};
