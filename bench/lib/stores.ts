/**
 * The stores the benches run on. SQLite is a real file (WAL, as in production), never
 * :memory:, which would hide the journal. PostgreSQL runs in a schema of its own, so a bench
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
  /** For PostgreSQL: a URL whose search_path is the bench schema. */
  pgUrl?: string;
  /** A temporary data directory for the services (uploaded files), removed by dispose. */
  dataDir: string;
  dispose(): Promise<void>;
}

export function pgBaseUrl(): string {
  return process.env.DATABASE_URL_PG ?? process.env.DATABASE_URL ?? DEFAULT_PG_URL;
}

/** The same database, every connection's search_path set to `schema`. */
export function schemaUrl(base: string, schema: string): string {
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

async function pgAdmin<T>(base: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

export async function pgSchemaExists(base: string, schema: string): Promise<boolean> {
  return pgAdmin(base, async (c) => (await c.query('select 1 from pg_namespace where nspname = $1', [schema])).rowCount === 1);
}

export async function dropPgSchema(base: string, schema: string): Promise<void> {
  await pgAdmin(base, (c) => c.query(`drop schema if exists "${schema}" cascade`));
}

/**
 * A fresh, migrated store that dispose() deletes. `persistent` names a SQLite file or a
 * PostgreSQL schema that is kept instead (the 1M-case data set is too slow to rebuild per run).
 */
export async function openBenchStore(
  kind: StoreKind,
  opts: { persistent?: { sqliteFile: string; pgSchema: string }; poolSize?: number } = {},
): Promise<BenchStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onegrid-bench-'));
  const removeDataDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (kind === 'sqlite') {
    const file = opts.persistent?.sqliteFile ?? path.join(dataDir, 'onegrid.sqlite');
    const store = openStore({ sqliteFile: file });
    await migrateToLatest(store);
    return {
      kind,
      store,
      where: `sqlite file ${file} (WAL, synchronous=NORMAL)`,
      sqliteFile: file,
      dataDir,
      async dispose() {
        await store.close();
        removeDataDir();
      },
    };
  }
  const base = pgBaseUrl();
  const schema = opts.persistent?.pgSchema ?? `bench_${randomBytes(4).toString('hex')}`;
  await pgAdmin(base, (c) => c.query(`create schema if not exists "${schema}"`));
  const url = schemaUrl(base, schema);
  const store = openStore({ databaseUrl: url, poolSize: opts.poolSize ?? 10 });
  await migrateToLatest(store);
  const u = new URL(base);
  return {
    kind,
    store,
    where: `postgresql ${u.host}${u.pathname} schema ${schema}`,
    pgUrl: url,
    dataDir,
    async dispose() {
      await store.close();
      if (!opts.persistent) await dropPgSchema(base, schema);
      removeDataDir();
    },
  };
}
