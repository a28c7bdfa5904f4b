/**
 * The stores the benches run on. SQLite is a real file (WAL, as in production), never
 * :memory:, which would hide the journal. PostgreSQL runs in a database of its own, so a bench
 * neither sees the test suite's rows nor leaves its own behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest } from '../../packages/server/src/db/migrate.ts';
import { openStore, type Store } from '../../packages/server/src/db/store.ts';

export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS = ['sqlite', 'postgres'] as const;

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchStore {
  kind: StoreKind;
  store: Store;
  /** Where the data lives, for the report. */
  where: string;
  /** For SQLite: the file (EXPLAIN and second connections open it again). */
  sqliteFile?: string;
  /** For PostgreSQL: the bench database's URL. */
  pgUrl?: string;
  /** A temporary data directory for the services (uploaded files), removed by dispose. */
  dataDir: string;
  /** Migrations this open applied: for a persistent store, a sign its schema moved on since it was filled. */
  migrated: string[];
  dispose(): Promise<void>;
}

/** The server to create bench databases on (DATABASE_URL_PG as in the test suite, or the default). */
export function pgBaseUrl(): string {
  return process.env.DATABASE_URL_PG ?? DEFAULT_PG_URL;
}

/** The same server, another database. */
export function databaseUrl(base: string, database: string): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

async function pgAdmin<T>(f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: pgBaseUrl() });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

export async function pgDatabaseExists(database: string): Promise<boolean> {
  return pgAdmin(async (c) => (await c.query('select 1 from pg_database where datname = $1', [database])).rowCount === 1);
}

/**
 * Without FORCE first: pg-pool's end() resolves before its sockets have closed, and PostgreSQL
 * waits (up to 5 s) for such sessions to go; forcing them instead makes the closing clients
 * emit an error nobody listens to any more. FORCE remains for a session that really lingers.
 */
export async function dropPgDatabase(database: string): Promise<void> {
  try {
    await pgAdmin((c) => c.query(`drop database if exists "${database}"`));
  } catch {
    await pgAdmin((c) => c.query(`drop database if exists "${database}" with (force)`));
  }
}

/**
 * A fresh, migrated store that dispose() deletes. `persistent` names a SQLite file or a
 * PostgreSQL database that is kept instead (the 1M-case data set is too slow to rebuild per
 * run). PostgreSQL gets a database of its own rather than a schema: Kysely's migrator looks
 * for its lock table in every schema and would find the test suite's in public.
 */
export async function openBenchStore(
  kind: StoreKind,
  opts: { persistent?: { sqliteFile: string; pgDatabase: string }; poolSize?: number } = {},
): Promise<BenchStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onegrid-bench-'));
  const removeDataDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (kind === 'sqlite') {
    const file = opts.persistent?.sqliteFile ?? path.join(dataDir, 'onegrid.sqlite');
    const store = openStore({ sqliteFile: file });
    const dispose = async () => {
      await store.close();
      removeDataDir();
    };
    const migrated = await migrateOrDispose(store, dispose);
    return { kind, store, where: `sqlite file ${file} (WAL, synchronous=NORMAL)`, sqliteFile: file, dataDir, migrated, dispose };
  }
  const database = opts.persistent?.pgDatabase ?? `onegrid_bench_${randomBytes(4).toString('hex')}`;
  if (!(await pgDatabaseExists(database))) await pgAdmin((c) => c.query(`create database "${database}"`));
  const url = databaseUrl(pgBaseUrl(), database);
  const store = openStore({ databaseUrl: url, poolSize: opts.poolSize ?? 10 });
  const dispose = async () => {
    await store.close();
    if (!opts.persistent) await dropPgDatabase(database);
    removeDataDir();
  };
  const migrated = await migrateOrDispose(store, dispose);
  const u = new URL(url);
  return { kind, store, where: `postgresql ${u.host}${u.pathname} (pool ${opts.poolSize ?? 10})`, pgUrl: url, dataDir, migrated, dispose };
}

async function migrateOrDispose(store: Store, dispose: () => Promise<void>): Promise<string[]> {
  try {
    return await migrateToLatest(store);
  } catch (e) {
    await dispose();
    throw e;
  }
}
