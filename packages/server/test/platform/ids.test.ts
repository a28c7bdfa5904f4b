/** Case, event and row ids: UUIDv7, unique, increasing within a process, ordered by time. */
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/platform/ids.ts';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newId', () => {
  it('gives 100,000 distinct, well-formed, strictly increasing ids in one millisecond and across many', () => {
    const ids: string[] = [];
    const t = 1_795_000_000_000;
    for (let i = 0; i < 50_000; i++) ids.push(newId(t));
    for (let i = 0; i < 50_000; i++) ids.push(newId(t + 1 + Math.floor(i / 7)));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(V7);
    for (let i = 1; i < ids.length; i++) expect((ids[i] as string) > (ids[i - 1] as string)).toBe(true);
  });

  it('carries its millisecond in the first 48 bits', () => {
    const at = Date.now() + 10_000;
    expect(Number.parseInt(newId(at).replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('draws fresh random bits for every id', () => {
    const tails = new Set(Array.from({ length: 5_000 }, () => newId().slice(-12)));
    expect(tails.size).toBe(5_000);
  });
});
