/**
 * Frozen. Perception (issue #4): devices bound to a point, their latest values and raw readings,
 * alarm rules, the per (device, rule) rule state, alarms and the ingest counters. An open alarm
 * carries `open_key` (device:rule), unique, so two processes can never open the same alarm twice;
 * a cleared alarm drops it to null, which both stores allow any number of times.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('lng', 'double precision', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('component_code', 'text')
    .addColumn('unit_id', 'text', (c) => c.references('units.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('devices_district_code', ['district_id', 'code'])
    .execute();
  await db.schema.createIndex('devices_district_type').on('devices').columns(['district_id', 'type']).execute();

  await db.schema
    .createTable('device_latest')
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('measurement', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_latest_pk', ['device_id', 'measurement'])
    .execute();

  // No primary key and no foreign key: the hottest insert path, pruned by time.
  await db.schema
    .createTable('readings')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('measurement', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('readings_device_at').on('readings').columns(['device_id', 'measurement', 'at']).execute();
  await db.schema.createIndex('readings_at').on('readings').columns(['at']).execute();

  await db.schema
    .createTable('perception_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('device_type', 'text', (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('for_minutes', 'double precision', (c) => c.notNull())
    .addColumn('clear_minutes', 'double precision', (c) => c.notNull())
    .addColumn('category_kind', 'text')
    .addColumn('category_code', 'text')
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('ticks', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('perception_rules_district_code', ['district_id', 'code'])
    .execute();

  await db.schema
    .createTable('rule_states')
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('rule_id', 'text', (c) => c.notNull().references('perception_rules.id'))
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rule_states_pk', ['device_id', 'rule_id'])
    .execute();

  await db.schema
    .createTable('alarms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('rule_id', 'text', (c) => c.notNull().references('perception_rules.id'))
    .addColumn('open_key', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('raised_at', 'bigint', (c) => c.notNull())
    .addColumn('raised_values', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('acknowledged_by', 'text')
    .addColumn('case_id', 'text')
    .addColumn('cleared_at', 'bigint')
    .addColumn('cleared_values', 'text')
    .execute();
  await db.schema.createIndex('alarms_district_status').on('alarms').columns(['district_id', 'status', 'raised_at']).execute();
  await db.schema.createIndex('alarms_device_rule').on('alarms').columns(['device_id', 'rule_id', 'raised_at']).execute();

  await db.schema
    .createTable('ingest_counters')
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ingest_counters_pk', ['district_id', 'source', 'outcome'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are frozen and forward-only');
}
