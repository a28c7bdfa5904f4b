/**
 * Group commit on each store: units that share a transaction stay all-or-nothing one by one,
 * and a caller hears its outcome only once the rows are committed and visible to others.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/db/group-commit.ts';
import { isUniqueViolation, type Store } from '../../src/db/store.ts';
import { STORES } from '../support/stores.ts';

describe.each(STORES)('group commit on $name', (kind) => {
  let store: Store;
  const table = `gc_test_${randomBytes(4).toString('hex')}`;
  const insert = (trx: Parameters<Parameters<GroupCommit['run']>[0]>[0], k: string) => sql`insert into ${sql.table(table)} (k) values (${k})`.execute(trx);
  const keys = async () => (await sql<{ k: string }>`select k from ${sql.table(table)} order by k`.execute(store.db)).rows.map((r) => r.k);

  beforeAll(async () => {
    store = await kind.open();
    await sql`create table ${sql.table(table)} (k text primary key)`.execute(store.db);
  });
  afterAll(async () => {
    await sql`drop table ${sql.table(table)}`.execute(store.db);
    await store.close();
  });

  it('commits the units that succeed and nothing of a unit that fails halfway, all arriving at once', async () => {
    const gc = new GroupCommit(store.db);
    const units = Array.from({ length: 30 }, (_, i) =>
      gc.run(async (trx) => {
        await insert(trx, `a${String(i).padStart(2, '0')}`);
        if (i === 7) {
          await insert(trx, 'a07-second');
          throw new Error('unit 7 fails after two writes');
        }
        return i;
      }),
    );
    const results = await Promise.allSettled(units);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(29);
    expect(results[7]).toMatchObject({ status: 'rejected', reason: { message: 'unit 7 fails after two writes' } });
    const stored = (await keys()).filter((k) => k.startsWith('a'));
    expect(stored).toHaveLength(29);
    expect(stored).not.toContain('a07');
    expect(stored).not.toContain('a07-second');
  });

  it('a duplicate key in the same batch fails alone, and the row it collided with is already readable when it hears so', async () => {
    const gc = new GroupCommit(store.db);
    const seen: Array<string | undefined> = [];
    const attempt = (tag: string) =>
      gc.run((trx) => insert(trx, 'dup').then(() => tag)).catch(async (e) => {
        expect(isUniqueViolation(e)).toBe(true);
        // What CaseService.report does on an Idempotency-Key collision: read the first one, outside the batch.
        seen.push((await keys()).find((k) => k === 'dup'));
        return 'duplicate';
      });
    const out = await Promise.all([attempt('x'), attempt('y'), gc.run((trx) => insert(trx, 'other').then(() => 'other'))]);
    expect(out.filter((o) => o === 'duplicate')).toHaveLength(1);
    expect(out).toContain('other');
    expect(seen).toEqual(['dup']);
  });

  it('runs a unit again on its own after a lock conflict inside the batch', async () => {
    const gc = new GroupCommit(store.db);
    let tries = 0;
    // The first unit runs at once; the next two queue behind it and share the following transaction.
    const first = gc.run((trx) => insert(trx, 'c-first'));
    const conflicted = gc.run(async (trx) => {
      tries++;
      await insert(trx, `c${tries}`);
      if (tries === 1) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      return tries;
    });
    const other = gc.run((trx) => insert(trx, 'c-other'));
    expect(await conflicted).toBe(2);
    await Promise.all([first, other]);
    expect((await keys()).filter((k) => k.startsWith('c'))).toEqual(['c-first', 'c-other', 'c2']);
  });
});
