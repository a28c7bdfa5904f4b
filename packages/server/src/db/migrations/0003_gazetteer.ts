/**
 * Frozen. The gazetteer (地名地址库): roads, door plates, points of interest and areas that address
 * text is matched against when a report has no coordinates. Points are GCJ-02 like everything else.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('gazetteer_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('aliases', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('road', 'text')
    .addColumn('number', 'text')
    .addColumn('lng', 'double precision', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    // No foreign key: the town/street the point lay in at import is informational, and units may
    // be re-imported; geocoding locates the point afresh.
    .addColumn('unit_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gazetteer_entries_district').on('gazetteer_entries').columns(['district_id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are frozen and forward-only');
}
