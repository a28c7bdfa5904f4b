import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as m0001 from './migrations/0001_initial.ts';
import * as m0002 from './migrations/0002_classifier_models.ts';
import * as m0003 from './migrations/0003_gazetteer.ts';
import * as m0004 from './migrations/0004_intake.ts';
import * as m0005 from './migrations/0005_dedup_index.ts';
import * as m0006 from './migrations/0006_case_list_indexes.ts';
import * as m0007 from './migrations/0007_perception.ts';
import * as m0008 from './migrations/0008_telemetry_rollups.ts';
import * as m0009 from './migrations/0009_login_failures.ts';
import * as m0010 from './migrations/0010_merged_into.ts';
import * as m0012 from './migrations/0012_evaluation.ts';
import * as m0015 from './migrations/0015_cockpit.ts';
import * as m0011 from './migrations/0011_rule_auto_report.ts';
import * as m0013 from './migrations/0013_supervision.ts';
import * as m0014 from './migrations/0014_targets.ts';
import * as m0016 from './migrations/0016_audit.ts';
import type { Store } from './store.ts';

const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_classifier_models': m0002,
  '0003_gazetteer': m0003,
  '0004_intake': m0004,
  '0005_dedup_index': m0005,
  '0006_case_list_indexes': m0006,
  '0007_perception': m0007,
  '0008_telemetry_rollups': m0008,
  '0009_login_failures': m0009,
  '0010_merged_into': m0010,
  '0012_evaluation': m0012,
  '0015_cockpit': m0015,
  '0011_rule_auto_report': m0011,
  '0013_supervision': m0013,
  '0014_targets': m0014,
  '0016_audit': m0016,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

/** Applies pending migrations; safe to call from several processes at once (Kysely takes a lock). */
export async function migrateToLatest(store: Store): Promise<string[]> {
  // Modules add migrations independently; each touches only its own tables and columns, so a
  // database that saw a later number first may still take an earlier one.
  const migrator = new Migrator({ db: store.db, provider: new StaticProvider(), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
