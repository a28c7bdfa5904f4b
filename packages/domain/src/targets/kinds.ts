/**
 * Work-report targets (目标任务): a quantitative indicator (指标) with a direction, or a
 * qualitative task (任务) with milestones. Both run from 1 January of their year to a deadline
 * date (district time) and are reported on a cadence by their lead unit.
 */
export const TARGET_KINDS = ['indicator', 'task'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/**
 * at_least: the value must reach the target (35,000 jobs); at_most: it must stay at or under
 * it (unemployment ≤ 5.5 %); growth_pct: the reported value is the year-to-date growth in %
 * over the baseline year (GDP +6 %).
 */
export const DIRECTIONS = ['at_least', 'at_most', 'growth_pct'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/**
 * cumulative: the value builds up over the year (jobs, good-air days, revenue), so by a date it
 * is expected to be the target × the elapsed fraction; level: a rate or ratio that must hold at
 * every report (R&D intensity, unemployment, growth rates).
 */
export const ACCRUALS = ['cumulative', 'level'] as const;
export type Accrual = (typeof ACCRUALS)[number];

export const CADENCES = ['monthly', 'quarterly'] as const;
export type Cadence = (typeof CADENCES)[number];

export const TARGET_STATUSES = ['on_track', 'at_risk', 'behind', 'achieved'] as const;
export type TargetStatus = (typeof TARGET_STATUSES)[number];

export interface Milestone {
  code: string;
  name: string;
  /** Date `YYYY-MM-DD` (district time) by which it should be done. */
  due: string;
}

export interface IndicatorSpec {
  kind: 'indicator';
  direction: Direction;
  accrual: Accrual;
  targetValue: number;
  /** Relative band under (or over, for at_most) the expected value that is "at risk" rather than "behind". */
  tolerance: number;
}

export interface TaskSpec {
  kind: 'task';
  milestones: Milestone[];
  /** Days a milestone may be late and still count as "at risk" rather than "behind". */
  graceDays: number;
}

export type TargetSpec = IndicatorSpec | TaskSpec;

export const DEFAULT_TOLERANCE = 0.1;
export const DEFAULT_TASK_GRACE_DAYS = 30;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDate(s: string): boolean {
  const m = s.match(DATE);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** Everything wrong with a target's shape, as `field: what to fix`; empty when it is sound. */
export function targetProblems(t: { year: number; deadline: string; spec: TargetSpec }): string[] {
  const out: string[] = [];
  if (!isDate(t.deadline)) out.push('deadline: a date like 2024-12-31');
  else if (Number(t.deadline.slice(0, 4)) < t.year) out.push(`deadline: ${t.deadline} is before the target year ${t.year}`);
  const s = t.spec;
  if (s.kind === 'indicator') {
    if (!Number.isFinite(s.targetValue)) out.push('targetValue: a number');
    if (s.direction === 'growth_pct' && s.accrual !== 'level') out.push('accrual: a growth_pct target is a level (the year-to-date growth rate)');
    if (!(s.tolerance >= 0 && s.tolerance < 1)) out.push('tolerance: a fraction from 0 to below 1, e.g. 0.1');
  } else {
    const codes = new Set<string>();
    for (const [i, m] of s.milestones.entries()) {
      if (codes.has(m.code)) out.push(`milestones.${i}.code: "${m.code}" is used twice`);
      codes.add(m.code);
      if (!isDate(m.due)) out.push(`milestones.${i}.due: a date like 2024-06-30`);
      else if (isDate(t.deadline) && m.due > t.deadline) out.push(`milestones.${i}.due: ${m.due} is after the deadline ${t.deadline}`);
    }
    if (!(s.graceDays >= 0)) out.push('graceDays: zero or more days');
  }
  return out;
}

