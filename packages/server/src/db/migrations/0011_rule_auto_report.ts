/** Rules that report their alarms as cases at once, without waiting for a person to acknowledge. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('perception_rules')
    .addColumn('auto_report', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are frozen and forward-only');
}
