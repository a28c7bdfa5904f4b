/**
 * Frozen. Telemetry rollups for charts: min/max/sum/count per device, measurement and minute or
 * hour, folded in from raw readings by the worker in bounded batches behind a cursor on the
 * readings' arrival time (one row, locked by the worker that holds it). Also the indexes that the
 * cursor and the waiting-period ticks read by.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reading_rollups')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('measurement', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('start', 'bigint', (c) => c.notNull())
    .addColumn('min', 'double precision', (c) => c.notNull())
    .addColumn('max', 'double precision', (c) => c.notNull())
    .addColumn('sum', 'double precision', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('reading_rollups_pk', ['device_id', 'measurement', 'bucket', 'start'])
    .execute();
  await db.schema.createIndex('reading_rollups_bucket_start').on('reading_rollups').columns(['bucket', 'start']).execute();
  await db.schema
    .createTable('rollup_cursors')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('readings_received_at').on('readings').columns(['received_at']).execute();
  await db.schema.createIndex('rule_states_rule_status').on('rule_states').columns(['rule_id', 'status']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are frozen and forward-only');
}
