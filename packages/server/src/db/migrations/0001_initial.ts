/**
 * Frozen. Written against Kysely<any> so it runs unchanged on SQLite and PostgreSQL.
 * Times are epoch milliseconds UTC in `bigint` columns; flags are 0/1 integers; JSON is text.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('districts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('case_prefix', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('demo', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('units')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text', (c) => c.references('units.id'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('geometry', 'text')
    .addColumn('demo_geometry', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('units_district_code', ['district_id', 'code'])
    .execute();
  await db.schema.createIndex('units_parent').on('units').columns(['parent_id']).execute();
  await db.schema.createIndex('units_kind').on('units').columns(['district_id', 'kind']).execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('phone', 'text')
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_unit').on('users').columns(['unit_id']).execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .execute();

  await db.schema
    .createTable('categories')
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('major_code', 'text', (c) => c.notNull())
    .addColumn('major_name', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('standard', 'text', (c) => c.notNull())
    .addColumn('local', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('default_urgency', 'text', (c) => c.notNull())
    .addColumn('limits', 'text', (c) => c.notNull())
    .addColumn('register_condition', 'text')
    .addColumn('close_condition', 'text')
    .addColumn('responsible', 'text')
    .addColumn('auto_dispatch', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('dedup_radius_m', 'integer', (c) => c.notNull().defaultTo(100))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('categories_pk', ['district_id', 'kind', 'code'])
    .execute();

  await db.schema
    .createTable('responsibility_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('category_kind', 'text', (c) => c.notNull())
    .addColumn('category_code', 'text', (c) => c.notNull())
    .addColumn('area_unit_id', 'text', (c) => c.references('units.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('responsibility_lookup')
    .on('responsibility_rules')
    .columns(['district_id', 'category_kind', 'category_code'])
    .execute();

  await db.schema
    .createTable('cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('lng', 'double precision')
    .addColumn('lat', 'double precision')
    .addColumn('address', 'text')
    .addColumn('category_kind', 'text')
    .addColumn('category_code', 'text')
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('event_count', 'integer', (c) => c.notNull())
    .addColumn('suspended', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('suspended_remaining_min', 'integer')
    .addColumn('postpone_until', 'bigint')
    .addColumn('postpone_reason', 'text')
    .addColumn('supervised', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('escalated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rework_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('return_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('postpone_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reporter_name', 'text')
    .addColumn('reporter_phone', 'text')
    .addColumn('street_id', 'text')
    .addColumn('community_id', 'text')
    .addColumn('grid_id', 'text')
    .addColumn('social_grid_id', 'text')
    .addColumn('outside_jurisdiction', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lead_unit_id', 'text')
    .addColumn('stage', 'text')
    .addColumn('stage_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('stage_started_at', 'bigint')
    .addColumn('stage_limit_min', 'integer')
    .addColumn('warn_at', 'bigint')
    .addColumn('deadline_at', 'bigint')
    .addColumn('merged_into', 'text')
    .addColumn('satisfaction', 'text')
    .addColumn('resolved', 'integer')
    .addColumn('photos', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .addUniqueConstraint('cases_district_number', ['district_id', 'number'])
    .execute();
  await db.schema.createIndex('cases_list').on('cases').columns(['district_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('cases_state').on('cases').columns(['district_id', 'state', 'created_at']).execute();
  await db.schema.createIndex('cases_street').on('cases').columns(['street_id', 'created_at']).execute();
  await db.schema.createIndex('cases_community').on('cases').columns(['community_id', 'created_at']).execute();
  await db.schema.createIndex('cases_grid').on('cases').columns(['grid_id']).execute();
  await db.schema.createIndex('cases_lead').on('cases').columns(['lead_unit_id', 'state']).execute();

  await db.schema
    .createTable('case_units')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('since', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_units_pk', ['case_id', 'unit_id'])
    .execute();
  await db.schema.createIndex('case_units_unit').on('case_units').columns(['unit_id', 'case_id']).execute();

  await db.schema
    .createTable('case_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('actor_unit_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
    .addUniqueConstraint('case_events_seq', ['case_id', 'seq'])
    .execute();
  await db.schema.createIndex('case_events_district_at').on('case_events').columns(['district_id', 'at']).execute();

  await db.schema
    .createTable('case_timers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('stage_seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('fired_at', 'bigint')
    .addColumn('cancelled_at', 'bigint')
    .addUniqueConstraint('case_timers_once', ['case_id', 'stage_seq', 'kind'])
    .execute();
  await db.schema.createIndex('case_timers_due').on('case_timers').columns(['fired_at', 'cancelled_at', 'due_at']).execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_pk', ['user_id', 'key'])
    .execute();

  await db.schema
    .createTable('counters')
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('counters_pk', ['district_id', 'name'])
    .execute();

  await db.schema
    .createTable('files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('processed_at', 'bigint')
    .execute();
  await db.schema.createIndex('outbox_pending').on('outbox').columns(['processed_at', 'id']).execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('unit_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('source_event', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('read_at', 'bigint')
    .execute();
  await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'created_at']).execute();
  await db.schema.createIndex('notifications_unit').on('notifications').columns(['unit_id', 'created_at']).execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('topics', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id'))
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .addColumn('delivered_at', 'bigint')
    .addColumn('failed_at', 'bigint')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addUniqueConstraint('webhook_deliveries_once', ['webhook_id', 'event_id'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['delivered_at', 'failed_at', 'next_attempt_at'])
    .execute();

}

export async function down(): Promise<void> {
  throw new Error('migrations are frozen and forward-only');
}
