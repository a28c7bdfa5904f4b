/**
 * Dedup and repeat-problem search by lattice cell and lng/lat box: the box is tested inside the
 * index, and so are the report window (created_at) and the repeat window (closed_at), so only
 * cases near the point and in the window are read from the table. It supersedes cases_cell
 * (same leading columns), which is dropped so that a planner without statistics has one choice.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_dedup').on('cases').columns(['district_id', 'cell', 'lng', 'lat', 'created_at', 'closed_at']).execute();
  await db.schema.dropIndex('cases_cell').ifExists().execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are frozen and forward-only');
}
