/** The SQLite statement cache: reuses statements by SQL, stays bounded, and keeps results right. */
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { CachedStatements } from '../../src/db/statement-cache.ts';

describe('CachedStatements (SQLite)', () => {
  it('hands back the same statement for the same SQL and evicts the least recently used', () => {
    const raw = new SQLite(':memory:');
    const cache = new CachedStatements(raw, 2);
    const a = cache.prepare('select 1 as x');
    expect(cache.prepare('select 1 as x')).toBe(a);
    const b = cache.prepare('select 2 as x');
    cache.prepare('select 1 as x');
    cache.prepare('select 3 as x');
    expect(cache.size).toBe(2);
    // 'select 2' was the least recently used, so it was prepared again; 'select 1' survived.
    expect(cache.prepare('select 2 as x')).not.toBe(b);
    expect(cache.prepare('select 1 as x')).not.toBe(a);
    cache.close();
    expect(raw.open).toBe(false);
  });

  it('gives the same answers through Kysely as without it, across repeated writes and reads', async () => {
    const db = new Kysely<{ t: { id: number; v: string } }>({ dialect: new SqliteDialect({ database: new CachedStatements(new SQLite(':memory:'), 4) }) });
    await sql`create table t (id integer primary key, v text not null)`.execute(db);
    for (let i = 1; i <= 20; i++) {
      await db.insertInto('t').values({ id: i, v: `v${i}` }).execute();
      await db.updateTable('t').set({ v: `w${i}` }).where('id', '=', i).execute();
    }
    const rows = await db.selectFrom('t').select(['id', 'v']).where('id', 'in', [3, 7, 20]).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 3, v: 'w3' },
      { id: 7, v: 'w7' },
      { id: 20, v: 'w20' },
    ]);
    const n = await db.selectFrom('t').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(n.n).toBe(20);
    await db.destroy();
  });
});
