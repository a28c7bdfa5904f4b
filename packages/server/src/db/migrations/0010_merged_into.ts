/** Duplicates by their master case: closing a master finds the reports merged into it. */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_merged_into').on('cases').column('merged_into').where(sql.ref('merged_into'), 'is not', null).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are frozen and forward-only');
}
