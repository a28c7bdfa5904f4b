/**
 * The persistent cockpit KPI data set: the Jiangbei demo district with N cases (10,000,000 by
 * default) over the year before its "now", generated server-side (kpi-dataset-worker.ts) into
 * /tmp/onegrid-bench-kpi.sqlite or the PostgreSQL database onegrid_bench_kpi, with the cockpit
 * rollups rebuilt from them; later runs only measure.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Store } from '../../packages/server/src/db/store.ts';
import { runWorker } from './fork-worker.ts';
import { dropPgDatabase, type StoreKind } from './stores.ts';

/** Bumped whenever the generator changes what it writes, so an old data set is rebuilt. */
export const KPI_DATASET_VERSION = 1;
export const KPI_SQLITE_FILE = '/tmp/onegrid-bench-kpi.sqlite';
export const KPI_PG_DATABASE = 'onegrid_bench_kpi';
const META_KEY = 'kpi';

export interface KpiDatasetSpec {
  kind: StoreKind;
  sqliteFile: string;
  pgDatabase: string;
  cases: number;
  seed: number;
}

export interface KpiDatasetMeta {
  version: number;
  cases: number;
  /** The "now" the cases were generated against; the bench's cockpit clock stands still there. */
  now: number;
  /** Cases open at `now`, and the case_events rows written (register and sla_overdue only). */
  openCases: number;
  events: number;
  generatedAt: string;
  loadSeconds: number;
  eventsSeconds: number;
  /** CockpitService.rebuild over all the cases, and what it wrote. */
  rebuildSeconds: number;
  rollupDailyRows: number;
  storeMb: number;
}

export async function readKpiMeta(store: Store): Promise<KpiDatasetMeta | null> {
  try {
    const r = await sql<{ value: string }>`select value from bench_meta where key = ${META_KEY}`.execute(store.db);
    const v = r.rows[0]?.value;
    return v ? (JSON.parse(v) as KpiDatasetMeta) : null;
  } catch {
    return null;
  }
}

export async function writeKpiMeta(store: Store, meta: KpiDatasetMeta): Promise<void> {
  // The bench's own bookkeeping table (as in dataset.ts), outside the app's migrations.
  await sql`create table if not exists bench_meta (key text primary key, value text not null)`.execute(store.db);
  await sql`delete from bench_meta where key = ${META_KEY}`.execute(store.db);
  await sql`insert into bench_meta (key, value) values (${META_KEY}, ${JSON.stringify(meta)})`.execute(store.db);
}

export async function removeKpiDataset(spec: KpiDatasetSpec): Promise<void> {
  if (spec.kind === 'sqlite') for (const suffix of ['', '-wal', '-shm']) fs.rmSync(spec.sqliteFile + suffix, { force: true });
  else await dropPgDatabase(spec.pgDatabase);
}

const WORKER = fileURLToPath(new URL('./kpi-dataset-worker.ts', import.meta.url));

export function generateKpiDataset(spec: KpiDatasetSpec): Promise<KpiDatasetMeta> {
  return runWorker<KpiDatasetSpec, KpiDatasetMeta>(WORKER, spec, 'KPI data set generation');
}
