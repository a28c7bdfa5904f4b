/**
 * The cockpit's incremental rollups, kept by the outbox consumer in the transaction that marks
 * each case message processed: open cases by street × state × light (with one mirror row per
 * open case, so a move is exact), and daily counts by metric × dimension × key. `day` is the
 * district-local day number (days since 1970-01-01 in UTC+8), so ranges are integer ranges on
 * every store.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cockpit_cases')
    .addColumn('case_id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('street_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('light', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('cockpit_open')
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('street_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('light', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('cockpit_open_pk', ['district_id', 'street_id', 'state', 'light'])
    .execute();
  await db.schema
    .createTable('cockpit_daily')
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('dim', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('cockpit_daily_pk', ['district_id', 'metric', 'dim', 'day', 'key'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are frozen and forward-only');
}
