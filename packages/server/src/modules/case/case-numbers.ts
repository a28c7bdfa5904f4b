/**
 * Per-day case serials, handed out from blocks this process reserves in the shared counter row.
 * Each block is the process's alone, so serials stay unique per district across processes; a
 * block not used up when the process stops or the day turns leaves a gap, which numbering allows.
 */
import type { Store } from '../../db/store.ts';
import { caseRepository as repo } from './case-repository.ts';

export const CASE_NUMBER_BLOCK = 100;

interface Block {
  next: number;
  last: number;
}

export class CaseNumbers {
  /** districtId → counter name → what is left of the current block. */
  private readonly blocks = new Map<string, Map<string, Block>>();
  /** One reservation in flight per counter; concurrent reports wait for it instead of each reserving. */
  private readonly pending = new Map<string, Promise<Block>>();

  constructor(
    private readonly store: Store,
    private readonly blockSize = CASE_NUMBER_BLOCK,
  ) {}

  async next(districtId: string, name: string): Promise<number> {
    for (;;) {
      const block = this.blocks.get(districtId)?.get(name);
      if (block && block.next <= block.last) return block.next++;
      await this.refill(districtId, name);
    }
  }

  private refill(districtId: string, name: string): Promise<Block> {
    const key = `${districtId}\u0000${name}`;
    let p = this.pending.get(key);
    if (!p) {
      p = (async () => {
        const last = await repo.nextCounter(this.store.db, districtId, name, this.blockSize);
        const block = { next: last - this.blockSize + 1, last };
        const mine = this.blocks.get(districtId) ?? new Map<string, Block>();
        // Counter names carry the day (case:YYYYMMDD): earlier days' leftovers are never needed again.
        for (const n of mine.keys()) if (n < name) mine.delete(n);
        this.blocks.set(districtId, mine.set(name, block));
        return block;
      })().finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }
}
