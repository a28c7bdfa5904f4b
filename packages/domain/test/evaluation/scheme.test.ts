/** Formulas, periods and scoring: the parts of evaluation that are arithmetic. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEME } from '../../src/evaluation/default-scheme.ts';
import { evaluate, FormulaError, parseFormula } from '../../src/evaluation/formula.ts';
import { monthsBetween, parsePeriod, previousPeriod } from '../../src/evaluation/period.ts';
import { gradeOf, ranks, schemeProblems, score, weighted } from '../../src/evaluation/scheme.ts';

describe('formulas', () => {
  const v = (src: string, vals: Record<string, number>) => evaluate(parseFormula(src), (n) => vals[n]);
  it.each([
    ['a / b', { a: 911, b: 972 }, 911 / 972],
    ['(a - b) / a', { a: 10, b: 1 }, 0.9],
    ['a - b / a', { a: 10, b: 5 }, 9.5],
    ['a / b / 60', { a: 120, b: 1 }, 2],
    ['-a + 3 * 2', { a: 1 }, 5],
    ['.5 * a', { a: 4 }, 2],
  ])('%s', (src, vals, want) => {
    expect(v(src, vals)).toBeCloseTo(want, 12);
  });
  it('gives null on a zero denominator or a missing name, not Infinity', () => {
    expect(v('a / b', { a: 1, b: 0 })).toBeNull();
    expect(v('a / (b - b)', { a: 1, b: 3 })).toBeNull();
    expect(v('a + x', { a: 1 })).toBeNull();
  });
  it.each(['', 'a +', '(a', 'a b', 'a % b', '1..2'])('refuses "%s"', (src) => {
    expect(() => parseFormula(src)).toThrow(FormulaError);
  });
});

describe('periods in district time (UTC+8)', () => {
  it.each([
    ['2024-03', 'month', '2024-02-29T16:00:00.000Z', '2024-03-31T16:00:00.000Z', '2024-02'],
    ['2024Q1', 'quarter', '2023-12-31T16:00:00.000Z', '2024-03-31T16:00:00.000Z', '2023Q4'],
    ['2024', 'year', '2023-12-31T16:00:00.000Z', '2024-12-31T16:00:00.000Z', '2023'],
    ['2024-03-05', 'day', '2024-03-04T16:00:00.000Z', '2024-03-05T16:00:00.000Z', '2024-03-04'],
    ['2024-W01', 'week', '2023-12-31T16:00:00.000Z', '2024-01-07T16:00:00.000Z', '2023-W52'],
    ['2021-W01', 'week', '2021-01-03T16:00:00.000Z', '2021-01-10T16:00:00.000Z', '2020-W53'],
    ['2024-03-01..2024-03-15', 'custom', '2024-02-29T16:00:00.000Z', '2024-03-15T16:00:00.000Z', '2024-02-15..2024-02-29'],
  ])('%s', (text, kind, start, end, prev) => {
    const p = parsePeriod(text);
    expect(p.kind).toBe(kind);
    expect(new Date(p.start).toISOString()).toBe(start);
    expect(new Date(p.end).toISOString()).toBe(end);
    expect(previousPeriod(p).label).toBe(prev);
    expect(previousPeriod(p).end).toBe(p.start);
  });
  it.each(['2024-13', '2024-02-30', '2024-W54', 'March', '2024-03-15..2024-03-01', '2023-01-01..2024-06-01'])('refuses %s with a message naming the forms', (text) => {
    expect(() => parsePeriod(text)).toThrow(/period/);
  });
  it('lists months across a year', () => {
    expect(monthsBetween('2023-11', '2024-02').map((m) => m.label)).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
  });
});

describe('scores, grades and ranks', () => {
  it('the default scheme is valid', () => {
    expect(schemeProblems(DEFAULT_SCHEME)).toEqual([]);
  });
  it('finds bad formulas, unknown indicators and weights that do not add up', () => {
    const bad = structuredClone(DEFAULT_SCHEME);
    (bad.indicators[0] as { formula: string }).formula = 'registered / nonsense';
    (bad.composites[0]?.items[0] as { weight: number }).weight = 31;
    (bad.composites[1]?.items[0] as { indicator: string }).indicator = 'missing';
    const p = schemeProblems(bad);
    expect(p.some((m) => m.startsWith('indicators.0.formula: "nonsense" is not a count'))).toBe(true);
    expect(p).toContain('composites.0.items: weights add up to 101, not 100');
    expect(p).toContain('composites.1.items.0.indicator: no indicator "missing" in this scheme');
  });
  it('maps values to 0–100', () => {
    expect(score({ kind: 'rate' }, 0.9372, null)).toBeCloseTo(93.72);
    expect(score({ kind: 'inverse_rate' }, 0.05, null)).toBeCloseTo(95);
    expect(score({ kind: 'relative' }, 30, 60)).toBe(50);
    expect(score({ kind: 'linear', worst: 168, best: 8 }, 88, null)).toBe(50);
    expect(score({ kind: 'linear', worst: 0, best: 6 }, 9, null)).toBe(100);
  });
  it('leaves out items without a value and scales the rest', () => {
    expect(weighted([{ weight: 30, score: 100 }, { weight: 50, score: 80 }, { weight: 20, score: null }])).toBeCloseTo((3000 + 4000) / 80);
    expect(weighted([{ weight: 30, score: null }])).toBeNull();
  });
  it('grades at the band edges (A ≥ 90 … E < 40)', () => {
    expect([90, 89.99, 75, 60, 59.9, 40, 39.99, 0].map((x) => gradeOf(DEFAULT_SCHEME, x))).toEqual(['A', 'B', 'B', 'C', 'D', 'D', 'E', 'E']);
    expect(gradeOf(DEFAULT_SCHEME, null)).toBeNull();
  });
  it('ranks with ties (1, 2, 2, 4) and leaves no-data unranked', () => {
    expect(ranks([70, 90, null, 80, 80])).toEqual([4, 1, null, 2, 2]);
  });
});
