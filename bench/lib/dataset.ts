/**
 * The persistent case-list data set: the Jiangbei demo district with N cases (1,000,000 by
 * default) spread over a year, kept in /tmp/onegrid-bench-1m.sqlite or the PostgreSQL database
 * onegrid_bench_1m so later runs reuse it. Generation runs in a child process
 * (dataset-worker.ts), so the measuring process's RSS holds none of the generator's garbage.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Store } from '../../packages/server/src/db/store.ts';
import { dropPgDatabase, type StoreKind } from './stores.ts';

/** Bumped whenever the generator changes what it writes, so an old data set is rebuilt. */
export const DATASET_VERSION = 6;
export const DEFAULT_SQLITE_FILE = '/tmp/onegrid-bench-1m.sqlite';
export const PG_DATABASE = 'onegrid_bench_1m';

export interface DatasetSpec {
  kind: StoreKind;
  sqliteFile: string;
  pgDatabase: string;
  cases: number;
  seed: number;
}

export interface DatasetMeta {
  version: number;
  cases: number;
  caseUnits: number;
  seed: number;
  generatedAt: string;
  generationSeconds: number;
  /** The "now" the states and deadlines were generated against. */
  now: number;
  /** The three most and three least used categories (of those with ≥ 20 cases), for the filters. */
  categories: { top: CategoryCount[]; rare: CategoryCount[] };
}

export interface CategoryCount {
  kind: string;
  code: string;
  cases: number;
}

/** The data set's description, or null when the store has none (or an incomplete one). */
export async function readMeta(store: Store): Promise<DatasetMeta | null> {
  try {
    const r = await sql<{ value: string }>`select value from bench_meta where key = 'dataset'`.execute(store.db);
    const v = r.rows[0]?.value;
    return v ? (JSON.parse(v) as DatasetMeta) : null;
  } catch {
    return null;
  }
}

export async function writeMeta(store: Store, meta: DatasetMeta): Promise<void> {
  // The bench's own bookkeeping table, outside the app's migrations: it only ever exists in bench data sets.
  await sql`create table if not exists bench_meta (key text primary key, value text not null)`.execute(store.db);
  await sql`delete from bench_meta where key = 'dataset'`.execute(store.db);
  await sql`insert into bench_meta (key, value) values ('dataset', ${JSON.stringify(meta)})`.execute(store.db);
}

export async function removeDataset(spec: DatasetSpec): Promise<void> {
  if (spec.kind === 'sqlite') {
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(spec.sqliteFile + suffix, { force: true });
  } else {
    await dropPgDatabase(spec.pgDatabase);
  }
}

const WORKER = fileURLToPath(new URL('./dataset-worker.ts', import.meta.url));

/** Generates the data set from scratch in a child process. */
export function generateDataset(spec: DatasetSpec): Promise<DatasetMeta> {
  return new Promise((resolve, reject) => {
    const execArgv = process.execArgv.some((a) => a.includes('tsx')) ? process.execArgv : [...process.execArgv, '--import', 'tsx'];
    const child = fork(WORKER, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    child.once('message', (m: { meta?: DatasetMeta; error?: string }) => {
      settled = true;
      if (m.meta) resolve(m.meta);
      else reject(new Error(`data set generation: ${m.error ?? 'no result'}`));
    });
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`data set generator exited with code ${code}`));
      settled = true;
    });
    child.send(spec);
  });
}
