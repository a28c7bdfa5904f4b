/** Seeded randomness, so two runs of a bench generate the same data and stay comparable. */
export { seededRandom as rng } from '../../packages/domain/src/random.ts';


/** Picks from weighted choices in O(log n) after an O(n) set-up. */
export function weighted<T>(choices: ReadonlyArray<readonly [T, number]>): (r: number) => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const [, w] of choices) {
    total += w;
    cumulative.push(total);
  }
  if (choices.length === 0 || total <= 0) throw new Error('weighted: no positive weights');
  return (r) => {
    const x = r * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return (choices[lo] as readonly [T, number])[0];
  };
}

/** Zipf-like weights 1/(rank+1)^s: a few categories and streets take most cases, as in practice. */
export function zipf<T>(items: readonly T[], s = 1): Array<readonly [T, number]> {
  return items.map((item, i) => [item, 1 / (i + 1) ** s] as const);
}

/**
 * UUIDv7 for a given (past) time. The server's newId keeps a process-wide monotonic clock, so
 * calling it with historical times after any "now" id would stamp them all with "now"; the
 * generator needs ids that sort by their own created_at, as real ones do.
 */
export function uuidv7At(ms: number, next: () => number): string {
  const hex = (n: number, digits: number) => Math.floor(n).toString(16).padStart(digits, '0');
  const t = hex(ms, 12);
  const rand = (digits: number) => {
    let s = '';
    for (let i = 0; i < digits; i++) s += Math.floor(next() * 16).toString(16);
    return s;
  };
  const variant = (8 + Math.floor(next() * 4)).toString(16);
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${rand(3)}-${variant}${rand(3)}-${rand(12)}`;
}

/** A shuffled copy (Fisher–Yates), e.g. so catalogue order does not decide which categories are popular. */
export function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
