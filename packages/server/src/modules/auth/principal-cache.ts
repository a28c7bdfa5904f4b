/**
 * Who a credential (by its hash) resolved to, remembered for a few seconds so that a burst of
 * requests with one token reads the session once. Revocations made in this process evict at
 * once; another process's revocation is seen when the entry expires.
 */
import type { Principal } from '../../platform/principal.ts';

export const PRINCIPAL_CACHE_MS = 5_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  principal: Principal;
  cachedAt: number;
  until: number;
}

export class PrincipalCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every eviction: a lookup that read the store before it must not be remembered. */
  private generation = 0;

  constructor(private readonly ttlMs = PRINCIPAL_CACHE_MS) {}

  get(hash: string, now: number): Principal | undefined {
    const e = this.entries.get(hash);
    if (!e) return undefined;
    // A clock set back (tests) or an entry past its time: ask the store again.
    if (now >= e.until || now < e.cachedAt) {
      this.entries.delete(hash);
      return undefined;
    }
    return e.principal;
  }

  /** Taken before reading the store; hand it to `set`. */
  epoch(): number {
    return this.generation;
  }

  /** `notAfter` is when the credential itself expires: the entry never outlives it. */
  set(hash: string, principal: Principal, epoch: number, now: number, notAfter = Number.POSITIVE_INFINITY): void {
    if (epoch !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(hash, { principal, cachedAt: now, until: Math.min(now + this.ttlMs, notAfter) });
  }

  /** Call after the revocation is written, so that no lookup from before it survives. */
  evict(hash: string): void {
    this.generation++;
    this.entries.delete(hash);
  }

  evictWhere(test: (p: Principal) => boolean): void {
    this.generation++;
    for (const [hash, e] of this.entries) if (test(e.principal)) this.entries.delete(hash);
  }
}
