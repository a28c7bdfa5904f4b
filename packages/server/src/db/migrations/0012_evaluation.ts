/**
 * Evaluation: versioned schemes per district (a saved scheme is never edited; a new version is
 * added, so a period evaluated with version N can always be evaluated with N again), and the
 * monthly figures entered for the indices (development statistics, alarm response).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('evaluation_schemes')
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('evaluation_schemes_pk', ['district_id', 'version'])
    .execute();
  await db.schema
    .createTable('index_inputs')
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('index_inputs_pk', ['district_id', 'period', 'code'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are frozen and forward-only');
}
