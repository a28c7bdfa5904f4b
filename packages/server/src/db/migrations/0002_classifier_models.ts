/**
 * Frozen. Trained description classifiers per district (issue 3 §2): every retrain adds a row,
 * the one with active = 1 answers suggestions. The model itself is JSON text (a few hundred kB).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('classifier_models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('examples', 'integer', (c) => c.notNull())
    .addColumn('metrics', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('classifier_models_version', ['district_id', 'version'])
    .execute();
  await db.schema.createIndex('classifier_models_active').on('classifier_models').columns(['district_id', 'active', 'created_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are frozen and forward-only');
}
