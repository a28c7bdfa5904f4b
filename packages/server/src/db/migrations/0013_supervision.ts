/**
 * Frozen once landed. Supervision (督办, issue #5): orders with their history, the inbox of
 * outbox messages the supervision module reacts to, and yellow/red cards. `dedupe_key` is unique
 * per district so one supervise event (or one red card) yields one order however often it is
 * delivered; null keys (orders issued by hand) are allowed any number of times by both stores.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('supervision_orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text')
    .addColumn('case_number', 'text')
    .addColumn('target_id', 'text')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('issued_by', 'text')
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('deadline_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('escalated_at', 'bigint')
    .addColumn('escalated_to_unit_id', 'text')
    .addColumn('responded_at', 'bigint')
    .addColumn('responded_by', 'text')
    .addColumn('response_text', 'text')
    .addColumn('response_files', 'text')
    .addColumn('closed_at', 'bigint')
    .addColumn('closed_by', 'text')
    .addColumn('close_note', 'text')
    .addColumn('dedupe_key', 'text')
    .addUniqueConstraint('supervision_orders_number', ['district_id', 'number'])
    .addUniqueConstraint('supervision_orders_dedupe', ['district_id', 'dedupe_key'])
    .execute();
  // The escalation sweep: open orders by deadline, across districts.
  await db.schema.createIndex('supervision_orders_due').on('supervision_orders').columns(['status', 'deadline_at']).execute();
  await db.schema.createIndex('supervision_orders_ledger').on('supervision_orders').columns(['district_id', 'issued_at']).execute();
  await db.schema.createIndex('supervision_orders_case').on('supervision_orders').columns(['case_id']).execute();

  await db.schema
    .createTable('supervision_order_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('supervision_orders.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('supervision_order_events_order').on('supervision_order_events').columns(['order_id', 'at']).execute();

  await db.schema
    .createTable('supervision_inbox')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('processed_at', 'bigint')
    .execute();
  await db.schema.createIndex('supervision_inbox_pending').on('supervision_inbox').columns(['processed_at', 'created_at']).execute();

  await db.schema
    .createTable('supervision_cards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('indicator', 'text', (c) => c.notNull())
    .addColumn('colour', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    .addColumn('order_id', 'text')
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('supervision_cards_key', ['district_id', 'unit_id', 'period', 'indicator'])
    .execute();
  await db.schema.createIndex('supervision_cards_period').on('supervision_cards').columns(['district_id', 'period']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are frozen and forward-only');
}
