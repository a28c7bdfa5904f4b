/**
 * Frozen. Indexes for the case list's filters and orders that otherwise walk or sort the whole
 * district (docs/performance.md, "Case list").
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // By category: without it a first page walks cases_list newest-first, ~40,000 rows for a
  // category with 0.05 % of the cases. `id` completes the list's ORDER BY (created_at, id),
  // without which SQLite (no statistics) keeps using cases_list.
  await db.schema
    .createIndex('cases_category')
    .on('cases')
    .columns(['district_id', 'category_kind', 'category_code', 'created_at', 'id'])
    .execute();
  // In deadline order (the red inbox as a worklist). Only cases with a running clock have a
  // deadline, a few percent of them, so the index stays small.
  await db.schema
    .createIndex('cases_deadline')
    .on('cases')
    .columns(['district_id', 'deadline_at', 'id'])
    .where(sql.ref('deadline_at'), 'is not', null)
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are frozen and forward-only');
}
