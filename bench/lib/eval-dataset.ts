/**
 * The persistent evaluation data set: the Jiangbei demo district with one month (2024-03) of
 * case events, N of them inside the month (1,000,000 by default), kept in
 * /tmp/onegrid-bench-eval.sqlite or the PostgreSQL database onegrid_bench_eval so later runs
 * only measure. Generation runs in a child process (eval-dataset-worker.ts), so the measuring
 * process's RSS holds none of the generator's garbage.
 */
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Store } from '../../packages/server/src/db/store.ts';
import { runWorker } from './fork-worker.ts';
import type { StoreKind } from './stores.ts';

/** Bumped whenever the generator changes what it writes, so an old data set is rebuilt. */
export const EVAL_DATASET_VERSION = 2;
export const EVAL_SQLITE_FILE = '/tmp/onegrid-bench-eval.sqlite';
export const EVAL_PG_DATABASE = 'onegrid_bench_eval';
export const EVAL_PERIOD = '2024-03';
const META_KEY = 'evaluation';

export interface EvalDatasetSpec {
  kind: StoreKind;
  sqliteFile: string;
  pgDatabase: string;
  /** Events inside the period. */
  events: number;
  period: string;
  seed: number;
}

export interface EvalDatasetMeta {
  version: number;
  period: string;
  /** Events inside the period, and all events written (the previous month's part of the histories too). */
  events: number;
  eventsTotal: number;
  cases: number;
  /** Cases reported in the previous month and still moving in this one. */
  casesFromPrevious: number;
  /** Events by action inside the period. */
  actions: Record<string, number>;
  seed: number;
  generatedAt: string;
  generationSeconds: number;
}

/** The data set's description, or null when the store has none (or an incomplete one). */
export async function readEvalMeta(store: Store): Promise<EvalDatasetMeta | null> {
  try {
    const r = await sql<{ value: string }>`select value from bench_meta where key = ${META_KEY}`.execute(store.db);
    const v = r.rows[0]?.value;
    return v ? (JSON.parse(v) as EvalDatasetMeta) : null;
  } catch {
    return null;
  }
}

export async function writeEvalMeta(store: Store, meta: EvalDatasetMeta): Promise<void> {
  // The bench's own bookkeeping table (as in dataset.ts), outside the app's migrations.
  await sql`create table if not exists bench_meta (key text primary key, value text not null)`.execute(store.db);
  await sql`delete from bench_meta where key = ${META_KEY}`.execute(store.db);
  await sql`insert into bench_meta (key, value) values (${META_KEY}, ${JSON.stringify(meta)})`.execute(store.db);
}

const WORKER = fileURLToPath(new URL('./eval-dataset-worker.ts', import.meta.url));

/** Generates the data set from scratch in a child process. */
export function generateEvalDataset(spec: EvalDatasetSpec): Promise<EvalDatasetMeta> {
  return runWorker<EvalDatasetSpec, EvalDatasetMeta>(WORKER, spec, 'evaluation data set generation');
}
