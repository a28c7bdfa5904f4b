/**
 * The status of a target as of a date, from its latest reported progress against the time
 * elapsed since 1 January of its year (f = elapsed / (deadline end − year start), 0..1). A value
 * is judged at the end of the period it reports (f of that moment), so the lag between a month's
 * end and its report costs nothing; a missing report shows instead: a target that would be
 * on_track is at_risk while one of its reports is overdue.
 *
 * Indicators, with tolerance `tol` (default 0.1) and latest value v:
 * - cumulative at_least: expected = target × f. v ≥ target → achieved; v ≥ expected → on_track;
 *   v ≥ expected × (1 − tol) → at_risk; else behind. Nothing reported counts as v = 0.
 * - cumulative at_most: v > target → behind; v ≤ expected → on_track (achieved once the deadline
 *   has passed); v ≤ expected × (1 + tol) → at_risk; else behind.
 * - level at_least and growth_pct: v ≥ target → on_track (achieved once the deadline has passed);
 *   v ≥ target − tol × |target| → at_risk; else behind.
 * - level at_most: mirrored (v ≤ target … v ≤ target + tol × |target| → at_risk).
 * - a level with nothing reported is on_track (then at_risk once a report is overdue, as any).
 * Tasks: with milestones, all done → achieved; an undone milestone past its due date by at most
 * graceDays → at_risk, by more → behind; otherwise on_track. Without milestones the reported value
 * is percent complete, judged as cumulative at_least 100. Past the deadline anything short of the
 * target is behind.
 */
import { type IndicatorSpec, isDate, type TargetSpec, type TargetStatus, type TaskSpec } from './kinds.ts';
import { dayEnd, yearStart } from './periods.ts';

export interface Progress {
  /** The latest reported value (indicator value, or a task's percent complete), if any. */
  value: number | null;
  /** Milestone codes reported done (tasks). */
  milestonesDone: readonly string[];
}

export interface StatusInput {
  year: number;
  deadline: string;
  spec: TargetSpec;
  progress: Progress;
  /** The moment the value describes (end of its period); the expectation is taken there. */
  valueAt: number | null;
  /** True when at least one report of this target is overdue at `asOf`. */
  reportOverdue: boolean;
  asOf: number;
}

export interface StatusResult {
  status: TargetStatus;
  /** Fraction of the target's time elapsed, 0..1. */
  elapsed: number;
  /** What the value should be by now (cumulative indicators and percent tasks), else the target itself. */
  expected: number | null;
  actual: number | null;
}

const DAY_MS = 86_400_000;

export function elapsedFraction(year: number, deadline: string, asOf: number): number {
  const start = yearStart(year);
  const end = dayEnd(deadline);
  if (end <= start) return 1;
  return Math.min(1, Math.max(0, (asOf - start) / (end - start)));
}

/** The absolute level a growth target aims at, when the baseline level is known. */
export function growthTargetLevel(baseline: number | null, growthPct: number): number | null {
  return baseline === null ? null : Math.round(baseline * (1 + growthPct / 100) * 1e6) / 1e6;
}

/** `fv`: elapsed fraction where the value was taken; `f`: elapsed fraction now. */
function cumulative(spec: Pick<IndicatorSpec, 'direction' | 'targetValue' | 'tolerance'>, v: number, fv: number, f: number): TargetStatus {
  const target = spec.targetValue;
  const expected = target * fv;
  if (spec.direction === 'at_most') {
    if (v > target) return 'behind';
    if (v <= expected) return f >= 1 ? 'achieved' : 'on_track';
    return v <= expected * (1 + spec.tolerance) ? 'at_risk' : 'behind';
  }
  if (v >= target) return 'achieved';
  if (f >= 1) return 'behind';
  if (v >= expected) return 'on_track';
  return v >= expected * (1 - spec.tolerance) ? 'at_risk' : 'behind';
}

function level(spec: IndicatorSpec, v: number | null, f: number): TargetStatus {
  if (v === null) return f >= 1 ? 'behind' : 'on_track';
  const band = spec.tolerance * Math.abs(spec.targetValue);
  const atMost = spec.direction === 'at_most';
  const met = atMost ? v <= spec.targetValue : v >= spec.targetValue;
  if (met) return f >= 1 ? 'achieved' : 'on_track';
  if (f >= 1) return 'behind';
  const near = atMost ? v <= spec.targetValue + band : v >= spec.targetValue - band;
  return near ? 'at_risk' : 'behind';
}

function task(spec: TaskSpec, p: Progress, fv: number, f: number, asOf: number): TargetStatus {
  if (spec.milestones.length === 0) return cumulative({ direction: 'at_least', targetValue: 100, tolerance: 0.1 }, p.value ?? 0, fv, f);
  const done = new Set(p.milestonesDone);
  const open = spec.milestones.filter((m) => !done.has(m.code));
  if (open.length === 0) return 'achieved';
  if (f >= 1) return 'behind';
  const lateDays = Math.max(0, ...open.filter((m) => isDate(m.due)).map((m) => (asOf - dayEnd(m.due)) / DAY_MS));
  if (lateDays <= 0) return 'on_track';
  return lateDays <= spec.graceDays ? 'at_risk' : 'behind';
}

function judge(i: StatusInput, f: number, fv: number): StatusResult {
  const s = i.spec;
  if (s.kind === 'task') {
    const percent = s.milestones.length === 0;
    return {
      status: task(s, i.progress, fv, f, i.asOf),
      elapsed: f,
      expected: percent ? 100 * fv : s.milestones.filter((m) => dayEnd(m.due) <= i.asOf).length,
      actual: percent ? (i.progress.value ?? 0) : s.milestones.filter((m) => i.progress.milestonesDone.includes(m.code)).length,
    };
  }
  if (s.accrual === 'cumulative') {
    return { status: cumulative(s, i.progress.value ?? 0, fv, f), elapsed: f, expected: s.targetValue * fv, actual: i.progress.value };
  }
  return { status: level(s, i.progress.value, f), elapsed: f, expected: s.targetValue, actual: i.progress.value };
}

export function targetStatus(i: StatusInput): StatusResult {
  const f = elapsedFraction(i.year, i.deadline, i.asOf);
  const fv = i.valueAt === null || i.progress.value === null ? f : elapsedFraction(i.year, i.deadline, Math.min(i.valueAt, i.asOf));
  const r = judge(i, f, fv);
  return r.status === 'on_track' && i.reportOverdue ? { ...r, status: 'at_risk' } : r;
}
