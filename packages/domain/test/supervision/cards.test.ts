import { describe, expect, it } from 'vitest';
import { type CardThreshold, decideCards, mergeColour, thresholdProblems } from '../../src/supervision/cards.ts';

const RATE: CardThreshold = { indicator: 'closed_on_time_rate', yellowBelow: 0.9, redBelow: 0.8 };
const REWORK: CardThreshold = { indicator: 'rework_rate', yellowAbove: 0.05, redAbove: 0.1 };

describe('decideCards', () => {
  it.each([
    { value: 0.95, want: null },
    { value: 0.9, want: null },
    { value: 0.8999, want: { colour: 'yellow', threshold: 0.9 } },
    { value: 0.8, want: { colour: 'yellow', threshold: 0.9 } },
    { value: 0.7999, want: { colour: 'red', threshold: 0.8 } },
    { value: 0, want: { colour: 'red', threshold: 0.8 } },
    { value: null, want: null },
    { value: Number.NaN, want: null },
  ])('closed_on_time_rate $value → $want', ({ value, want }) => {
    const got = decideCards([{ unitId: 'u1', indicator: 'closed_on_time_rate', value }], [RATE]);
    expect(got).toEqual(want ? [{ unitId: 'u1', indicator: 'closed_on_time_rate', value, ...want }] : []);
  });

  it.each([
    { value: 0.05, want: null },
    { value: 0.06, want: 'yellow' },
    { value: 0.1, want: 'yellow' },
    { value: 0.11, want: 'red' },
  ])('rework_rate (more is worse) $value → $want', ({ value, want }) => {
    const got = decideCards([{ unitId: 'u1', indicator: 'rework_rate', value }], [REWORK]);
    expect(got.map((c) => c.colour)).toEqual(want ? [want] : []);
  });

  it('ignores indicators without a threshold and judges each unit on its own', () => {
    const got = decideCards(
      [
        { unitId: 'a', indicator: 'closed_on_time_rate', value: 0.85 },
        { unitId: 'b', indicator: 'closed_on_time_rate', value: 0.5 },
        { unitId: 'c', indicator: 'closed_on_time_rate', value: 0.99 },
        { unitId: 'a', indicator: 'satisfaction_rate', value: 0.1 },
        { unitId: 'a', indicator: 'rework_rate', value: 0.2 },
      ],
      [RATE, REWORK],
    );
    expect(got.map((c) => `${c.unitId}:${c.indicator}:${c.colour}`)).toEqual(['a:closed_on_time_rate:yellow', 'b:closed_on_time_rate:red', 'a:rework_rate:red']);
  });
});

describe('mergeColour', () => {
  it.each([
    [null, 'yellow', 'yellow'],
    [null, 'red', 'red'],
    ['yellow', 'red', 'red'],
    ['red', 'yellow', 'red'],
    ['yellow', 'yellow', 'yellow'],
  ] as const)('%s then %s → %s', (a, b, want) => {
    expect(mergeColour(a, b)).toBe(want);
  });
});

describe('thresholdProblems', () => {
  it('accepts a sound list', () => {
    expect(thresholdProblems([RATE, REWORK])).toEqual([]);
  });
  it('names the path of each problem', () => {
    expect(
      thresholdProblems([RATE, { indicator: 'x', yellowBelow: 0.5, redBelow: 0.6 }, { indicator: 'y', yellowAbove: 0.5, redAbove: 0.4 }, RATE]).map((p) => p.path),
    ).toEqual(['cards.1.redBelow', 'cards.2.redAbove', 'cards.3.indicator']);
  });
});
