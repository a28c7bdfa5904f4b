/**
 * Opens the store: embedded SQLite (WAL) by default, PostgreSQL when a postgres:// URL is given.
 * Both return the same Kysely<DB>; the few real differences live in the helpers below.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SelectQueryBuilder } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.ts';
import { CachedStatements } from './statement-cache.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<DB>;
  dialect: Dialect;
  /** A label safe to log (no password). */
  label: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  databaseUrl?: string | undefined;
  /** For SQLite: the file, or ':memory:'. */
  sqliteFile?: string;
  poolSize?: number;
}

export function openStore(opts: StoreOptions): Store {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  const file = opts.sqliteFile ?? ':memory:';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: new CachedStatements(sqlite) }) });
  return { db, dialect: 'sqlite', label: `sqlite:${file}`, close: () => db.destroy() };
}

function openPostgres(url: string, max: number): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // int8 columns hold epoch milliseconds and counters: well inside Number's safe range.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const u = new URL(url);
  return { db, dialect: 'postgres', label: `postgres://${u.host}${u.pathname}`, close: () => db.destroy() };
}

export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Row locks that other workers skip: PostgreSQL only; SQLite has a single writer anyway. */
export function skipLocked<QB extends SelectQueryBuilder<DB, any, any>>(store: Store, qb: QB): QB {
  return store.dialect === 'postgres' ? (qb.forUpdate().skipLocked() as QB) : qb;
}
