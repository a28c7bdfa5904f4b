/**
 * Group commit: write units that arrive while a transaction is running share the next one,
 * each inside its own savepoint. A unit that fails is rolled back to its savepoint alone; the
 * others commit together. Callers hear their outcome only after the COMMIT, so nobody is told
 * "done" (or "duplicate key, read the first one") before the rows are durable and visible.
 * With no concurrency every unit still gets a transaction of its own, without waiting.
 *
 * Worth it where writes share one connection (SQLite): there a commit costs ~0.5 ms of the only
 * thread. PostgreSQL already flushes concurrent commits together, and funnelling its pool's
 * parallel transactions through one would only queue them, so `forStore` batches on SQLite only.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from './schema.ts';
import type { Store } from './store.ts';

export type WriteUnit<T> = (trx: Transaction<DB>) => Promise<T>;

interface Job {
  work: WriteUnit<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Lock conflicts that a batch makes likelier (it holds earlier units' row locks): such a unit is run again alone. */
function isLockConflict(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === '40P01' || code === '40001' || code === '55P03' || code === 'SQLITE_BUSY';
}

export class GroupCommit {
  private readonly queue: Job[] = [];
  private draining = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly maxBatch = 64,
  ) {}

  static forStore(store: Store): GroupCommit {
    return new GroupCommit(store.db, store.dialect === 'sqlite' ? 64 : 1);
  }

  run<T>(work: WriteUnit<T>): Promise<T> {
    // Without batching, units run side by side, each in its own transaction, as the pool allows.
    if (this.maxBatch === 1) return this.db.transaction().execute(work);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        if (batch.length === 1 && batch[0]) await this.alone(batch[0]);
        else await this.together(batch);
      }
    } finally {
      this.draining = false;
    }
  }

  private async alone(job: Job): Promise<void> {
    try {
      job.resolve(await this.db.transaction().execute(job.work));
    } catch (e) {
      job.reject(e);
    }
  }

  private async together(batch: Job[]): Promise<void> {
    const outcomes: Outcome[] = [];
    let committing = false;
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const job of batch) {
          await sql`savepoint group_unit`.execute(trx);
          try {
            const value = await job.work(trx);
            await sql`release savepoint group_unit`.execute(trx);
            outcomes.push({ ok: true, value });
          } catch (error) {
            await sql`rollback to savepoint group_unit`.execute(trx);
            await sql`release savepoint group_unit`.execute(trx);
            outcomes.push({ ok: false, error });
          }
        }
        committing = true;
      });
    } catch (e) {
      // A failed COMMIT may or may not have taken effect: every unit hears the error, as it would alone.
      if (committing) {
        for (const job of batch) job.reject(e);
        return;
      }
      // The batch broke down before its COMMIT (nothing of it is written): each unit runs again alone.
      for (const job of batch) await this.alone(job);
      return;
    }
    for (const [i, job] of batch.entries()) {
      const o = outcomes[i];
      if (o?.ok) job.resolve(o.value);
      else if (isLockConflict(o?.error)) await this.alone(job);
      else job.reject(o?.error);
    }
  }
}
