/** Work-report targets: status against time elapsed, reporting periods and overdue reports, shape checks. */
import { describe, expect, it } from 'vitest';
import { type IndicatorSpec, targetProblems, type TaskSpec } from '../../src/targets/kinds.ts';
import { overduePeriods, reportPeriod, reportPeriods } from '../../src/targets/periods.ts';
import { elapsedFraction, growthTargetLevel, targetStatus } from '../../src/targets/status.ts';

/** Midnight district time (UTC+8) of a date. */
const at = (date: string) => Date.parse(`${date}T00:00:00+08:00`);
const ind = (direction: IndicatorSpec['direction'], accrual: IndicatorSpec['accrual'], targetValue: number, tolerance = 0.1): IndicatorSpec => ({
  kind: 'indicator',
  direction,
  accrual,
  targetValue,
  tolerance,
});
const status = (spec: IndicatorSpec | TaskSpec, value: number | null, asOf: string, extra: { done?: string[]; overdue?: boolean; valueAt?: string } = {}) =>
  targetStatus({
    year: 2024,
    deadline: '2024-12-31',
    spec,
    progress: { value, milestonesDone: extra.done ?? [] },
    valueAt: extra.valueAt ? at(extra.valueAt) : null,
    reportOverdue: extra.overdue ?? false,
    asOf: at(asOf),
  }).status;

describe('elapsed fraction', () => {
  it.each([
    ['2023-12-01', 0],
    ['2024-01-01', 0],
    ['2025-01-01', 1],
    ['2026-03-01', 1],
  ])('as of %s is %d', (d, f) => expect(elapsedFraction(2024, '2024-12-31', at(d))).toBe(f));
  it('is 182/366 on 1 July of a leap year', () => expect(elapsedFraction(2024, '2024-12-31', at('2024-07-01'))).toBeCloseTo(182 / 366, 10));
});

describe('indicator status', () => {
  // 35,000 jobs, cumulative: by 1 July (f = 182/366) expected 17,404.4; band 10 % → 15,664.
  const jobs = ind('at_least', 'cumulative', 35_000);
  // Unemployment ≤ 5.5 %: band 0.55 → at risk up to 6.05.
  const unemployment = ind('at_most', 'level', 5.5);
  const gdp = ind('growth_pct', 'level', 6);
  const cap = ind('at_most', 'cumulative', 100);
  it.each<[string, IndicatorSpec, number | null, string, string]>([
    ['jobs ahead', jobs, 17_500, '2024-07-01', 'on_track'],
    ['jobs just under expected', jobs, 16_000, '2024-07-01', 'at_risk'],
    ['jobs at the band edge', jobs, 15_664, '2024-07-01', 'at_risk'],
    ['jobs below the band', jobs, 15_600, '2024-07-01', 'behind'],
    ['jobs reached early', jobs, 35_000, '2024-07-01', 'achieved'],
    ['jobs nothing reported on 1 Jan', jobs, null, '2024-01-01', 'on_track'],
    ['jobs nothing reported in July', jobs, null, '2024-07-01', 'behind'],
    ['jobs short after the deadline', jobs, 34_999, '2025-01-05', 'behind'],
    ['unemployment under the cap', unemployment, 5.3, '2024-07-01', 'on_track'],
    ['unemployment within the band', unemployment, 5.9, '2024-07-01', 'at_risk'],
    ['unemployment over the band', unemployment, 6.1, '2024-07-01', 'behind'],
    ['unemployment held all year', unemployment, 5.4, '2025-01-02', 'achieved'],
    ['unemployment slightly over at year end', unemployment, 5.6, '2025-01-02', 'behind'],
    ['GDP growth on target', gdp, 6.1, '2024-07-01', 'on_track'],
    ['GDP growth 5.5 (band 0.6)', gdp, 5.5, '2024-07-01', 'at_risk'],
    ['GDP growth 5.3', gdp, 5.3, '2024-07-01', 'behind'],
    ['GDP nothing reported, nothing overdue', gdp, null, '2024-02-01', 'on_track'],
    ['cap under the pro-rata line', cap, 40, '2024-07-01', 'on_track'],
    ['cap a little over the line', cap, 53, '2024-07-01', 'at_risk'],
    ['cap well over the line', cap, 60, '2024-07-01', 'behind'],
    ['cap exceeded', cap, 101, '2024-07-01', 'behind'],
    ['cap kept at year end', cap, 99, '2025-01-01', 'achieved'],
  ])('%s', (_name, spec, value, asOf, expected) => expect(status(spec, value, asOf)).toBe(expected));

  it('a level with nothing reported is at risk once a report is overdue', () => {
    expect(status(gdp, null, '2024-05-01', { overdue: true })).toBe('at_risk');
  });
  it('an overdue report turns on_track into at_risk, but not achieved or behind', () => {
    expect(status(gdp, 6.5, '2024-07-01', { overdue: true })).toBe('at_risk');
    expect(status(jobs, 35_000, '2024-07-01', { overdue: true })).toBe('achieved');
    expect(status(gdp, 5, '2024-07-01', { overdue: true })).toBe('behind');
  });
  it('judges a cumulative value at the end of the period it reports, not at the report date', () => {
    // 17,404 is on track at 1 July; read on 9 July against 9 July's expectation (18,169) it would be at risk.
    expect(status(jobs, 17_405, '2024-07-09', { valueAt: '2024-07-01' })).toBe('on_track');
    expect(status(jobs, 17_405, '2024-07-09')).toBe('at_risk');
  });
  it('reports expected and actual for a cumulative indicator', () => {
    const r = targetStatus({ year: 2024, deadline: '2024-12-31', spec: jobs, progress: { value: 16_000, milestonesDone: [] }, valueAt: null, reportOverdue: false, asOf: at('2024-07-01') });
    expect(r.expected).toBeCloseTo((35_000 * 182) / 366, 6);
    expect(r.actual).toBe(16_000);
  });
  it('derives the level a growth target aims at', () => {
    expect(growthTargetLevel(1509, 9.34)).toBeCloseTo(1649.94, 2);
    expect(growthTargetLevel(null, 6)).toBeNull();
  });
});

describe('task status', () => {
  const task: TaskSpec = {
    kind: 'task',
    graceDays: 30,
    milestones: [
      { code: 'plan', name: '方案', due: '2024-03-31' },
      { code: 'build', name: '建设', due: '2024-09-30' },
    ],
  };
  const percent: TaskSpec = { kind: 'task', graceDays: 30, milestones: [] };
  it.each<[string, TaskSpec, number | null, string[], string, string]>([
    ['nothing due yet', task, null, [], '2024-03-01', 'on_track'],
    ['first milestone 10 days late', task, null, [], '2024-04-11', 'at_risk'],
    ['first milestone 40 days late', task, null, [], '2024-05-11', 'behind'],
    ['first done, second not yet due', task, null, ['plan'], '2024-09-01', 'on_track'],
    ['all done', task, null, ['plan', 'build'], '2024-06-01', 'achieved'],
    ['deadline passed with one open', task, null, ['plan'], '2025-01-02', 'behind'],
    ['percent ahead of time', percent, 60, [], '2024-07-01', 'on_track'],
    ['percent a little behind', percent, 46, [], '2024-07-01', 'at_risk'],
    ['percent finished', percent, 100, [], '2024-07-01', 'achieved'],
  ])('%s', (_name, spec, value, done, asOf, expected) => expect(status(spec, value, asOf, { done })).toBe(expected));
});

describe('reporting periods', () => {
  it('a monthly target of 2024 has twelve periods, each due 10 days after it ends', () => {
    const ps = reportPeriods('monthly', 2024, '2024-12-31');
    expect(ps.map((p) => p.label)).toEqual(['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06', '2024-07', '2024-08', '2024-09', '2024-10', '2024-11', '2024-12']);
    expect(ps[0]?.dueAt).toBe(at('2024-02-11'));
  });
  it('a quarterly target ending in August has three periods', () => {
    expect(reportPeriods('quarterly', 2024, '2024-08-15').map((p) => p.label)).toEqual(['2024Q1', '2024Q2', '2024Q3']);
  });
  it.each<[string, string[], string, string[]]>([
    ['nothing due before 11 Feb', [], '2024-02-10', []],
    ['January overdue from 12 Feb', [], '2024-02-12', ['2024-01']],
    ['reported months are not overdue', ['2024-01', '2024-03'], '2024-04-20', ['2024-02']],
  ])('%s', (_name, reported, asOf, overdue) => {
    const ps = reportPeriods('monthly', 2024, '2024-12-31');
    expect(overduePeriods(ps, new Set(reported), at(asOf)).map((p) => p.label)).toEqual(overdue);
  });
  it.each<[string, 'monthly' | 'quarterly', string, string]>([
    ['a quarter on a monthly target', 'monthly', '2024Q1', 'TARGET_PERIOD_INVALID'],
    ['a month of another year', 'monthly', '2023-12', 'TARGET_PERIOD_INVALID'],
    ['not a period at all', 'quarterly', 'spring', 'TARGET_PERIOD_INVALID'],
    ['a period that has not begun', 'monthly', '2024-09', 'TARGET_PERIOD_INVALID'],
  ])('refuses %s', (_name, cadence, label, code) => {
    expect(() => reportPeriod(cadence, 2024, '2024-12-31', label, at('2024-06-15'))).toThrow(expect.objectContaining({ code }));
  });
  it('accepts a begun period in its canonical label', () => {
    expect(reportPeriod('quarterly', 2024, '2024-12-31', '2024-q2', at('2024-06-15')).label).toBe('2024Q2');
  });
});

describe('target shape', () => {
  it.each<[string, Parameters<typeof targetProblems>[0], string[]]>([
    ['a sound indicator', { year: 2024, deadline: '2024-12-31', spec: ind('at_least', 'cumulative', 3) }, []],
    ['a bad deadline', { year: 2024, deadline: '2024-13-01', spec: ind('at_least', 'cumulative', 3) }, ['deadline: a date like 2024-12-31']],
    ['a deadline before the year', { year: 2024, deadline: '2023-12-31', spec: ind('at_least', 'cumulative', 3) }, ['deadline: 2023-12-31 is before the target year 2024']],
    ['a cumulative growth target', { year: 2024, deadline: '2024-12-31', spec: ind('growth_pct', 'cumulative', 6) }, ['accrual: a growth_pct target is a level (the year-to-date growth rate)']],
    ['a tolerance of 1', { year: 2024, deadline: '2024-12-31', spec: ind('at_least', 'level', 6, 1) }, ['tolerance: a fraction from 0 to below 1, e.g. 0.1']],
    [
      'milestones twice and after the deadline',
      {
        year: 2024,
        deadline: '2024-06-30',
        spec: { kind: 'task', graceDays: 30, milestones: [{ code: 'a', name: 'A', due: '2024-03-01' }, { code: 'a', name: 'B', due: '2024-07-01' }] },
      },
      ['milestones.1.code: "a" is used twice', 'milestones.1.due: 2024-07-01 is after the deadline 2024-06-30'],
    ],
  ])('%s', (_name, t, problems) => expect(targetProblems(t)).toEqual(problems));
});
