/**
 * Frozen. Intake intelligence: the dedup lattice cell of each case (candidate search is an
 * index lookup of neighbouring cells) and the link to an earlier, closed case at the same place.
 */
import { type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').addColumn('cell', 'bigint').execute();
  await db.schema.alterTable('cases').addColumn('repeat_of', 'text').execute();
  await db.schema.createIndex('cases_cell').on('cases').columns(['district_id', 'cell', 'created_at']).execute();
  // Address-only reports wait for a person to place them. Fresh databases get nullable columns
  // from 0001; PostgreSQL databases created before that change are relaxed here.
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table cases alter column lng drop not null, alter column lat drop not null`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are frozen and forward-only');
}
