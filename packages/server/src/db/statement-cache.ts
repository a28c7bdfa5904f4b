/**
 * A better-sqlite3 database as Kysely's SqliteDialect sees it, with `prepare` answered from a
 * bounded LRU of statements keyed by SQL. Kysely prepares every query afresh, which costs about
 * as much as running it; the hot paths repeat a few dozen distinct statements.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export const DEFAULT_STATEMENT_CACHE_SIZE = 500;

export class CachedStatements implements SqliteDatabase {
  private readonly statements = new Map<string, SqliteStatement>();

  constructor(
    private readonly db: BetterSqlite3.Database,
    // IN lists of different lengths make distinct SQL, so the cache must not grow without bound.
    private readonly capacity = DEFAULT_STATEMENT_CACHE_SIZE,
  ) {}

  get size(): number {
    return this.statements.size;
  }

  prepare(sql: string): SqliteStatement {
    const hit = this.statements.get(sql);
    if (hit) {
      // Map keeps insertion order: re-inserting marks the statement as most recently used.
      this.statements.delete(sql);
      this.statements.set(sql, hit);
      return hit;
    }
    const stmt = this.db.prepare(sql);
    this.statements.set(sql, stmt);
    if (this.statements.size > this.capacity) {
      const oldest = this.statements.keys().next().value;
      if (oldest !== undefined) this.statements.delete(oldest);
    }
    return stmt;
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }
}
