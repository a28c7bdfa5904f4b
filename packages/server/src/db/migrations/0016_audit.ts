/**
 * Frozen once landed. The audit log (操作日志) of administrative changes: who changed what, when,
 * and a summary of the change (field names and new values, never secrets). Case changes keep
 * their own history in case_events; this is for users, keys, units, categories, settings and the
 * like. Each row is written in the transaction of the change it records.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('actor_user_id', 'text')
    .addColumn('actor_username', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_time').on('audit_log').columns(['district_id', 'at']).execute();
  await db.schema.createIndex('audit_log_subject').on('audit_log').columns(['district_id', 'subject_kind', 'subject_id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are frozen and forward-only');
}
