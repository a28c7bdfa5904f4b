/** Target rows → the domain's spec, the status as of a date, and the shapes the API answers. */
import { DEFAULT_DUE_DAYS, overduePeriods, type ReportPeriod, reportPeriods } from '@onegrid/domain/targets/periods';
import type { Milestone, TargetSpec, TargetStatus } from '@onegrid/domain/targets/kinds';
import { growthTargetLevel, targetStatus } from '@onegrid/domain/targets/status';
import type { TargetProgressRow, TargetRow } from '../../db/schema.ts';
import type { Directory } from '../org/directory.ts';

export interface UnitRef {
  id: string;
  code: string;
  name: string;
}

export interface StatusView {
  status: TargetStatus;
  asOf: string;
  /** Fraction of the target's time elapsed, 0..1. */
  elapsed: number;
  expected: number | null;
  actual: number | null;
  latestPeriod: string | null;
  /** Lead-unit reports due before asOf and missing (none once achieved). */
  overdue: Array<{ period: string; dueAt: string }>;
}

export interface TargetView {
  id: string;
  year: number;
  code: string;
  name: string;
  nameEn: string | null;
  category: string;
  kind: TargetRow['kind'];
  metric: string | null;
  unitOfMeasure: string | null;
  direction: TargetRow['direction'];
  accrual: TargetRow['accrual'];
  baseline: { value: number; year: number | null } | null;
  targetValue: number | null;
  /** For growth targets with a baseline: the level the growth leads to. */
  targetLevel: number | null;
  tolerance: number;
  milestones: Milestone[];
  graceDays: number;
  deadline: string;
  cadence: TargetRow['cadence'];
  leadUnit: UnitRef;
  coUnits: UnitRef[];
  sourceQuote: string | null;
  note: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  status: StatusView;
}

export interface ProgressView {
  id: string;
  period: string;
  unit: UnitRef;
  value: number | null;
  milestonesDone: string[];
  narrative: string;
  attachments: string[];
  reportedBy: string | null;
  reportedAt: string;
  current: boolean;
  supersededAt: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export const coUnitIds = (t: TargetRow): string[] => JSON.parse(t.co_unit_ids) as string[];

export function specOf(t: TargetRow): TargetSpec {
  if (t.kind === 'task') return { kind: 'task', milestones: JSON.parse(t.milestones) as Milestone[], graceDays: t.grace_days };
  return { kind: 'indicator', direction: t.direction ?? 'at_least', accrual: t.accrual ?? 'cumulative', targetValue: t.target_value ?? 0, tolerance: t.tolerance };
}

export function unitRef(dir: Directory, id: string): UnitRef {
  const u = dir.unit(id);
  return { id, code: u?.code ?? '', name: u?.name ?? '' };
}

/** The lead unit's reporting periods and which of them are overdue at `asOf`. */
export function overdueOf(t: TargetRow, progress: readonly TargetProgressRow[], asOf: number): ReportPeriod[] {
  const reported = new Set(progress.filter((r) => r.unit_id === t.lead_unit_id).map((r) => r.period));
  return overduePeriods(reportPeriods(t.cadence, t.year, t.deadline, DEFAULT_DUE_DAYS), reported, asOf);
}

/**
 * Status from the current reports known at `asOf` (reported by then): the value of the lead
 * unit's latest period (another unit's if the lead has reported none), milestones done by anyone.
 */
export function statusOf(t: TargetRow, current: readonly TargetProgressRow[], asOf: number): StatusView {
  const known = current.filter((r) => r.reported_at <= asOf);
  const withValue = known.filter((r) => r.value !== null);
  const lead = withValue.filter((r) => r.unit_id === t.lead_unit_id);
  const latest = (lead.length ? lead : withValue).reduce<TargetProgressRow | null>((a, r) => (!a || r.period_end >= a.period_end ? r : a), null);
  const overdue = overdueOf(t, known, asOf);
  const r = targetStatus({
    year: t.year,
    deadline: t.deadline,
    spec: specOf(t),
    progress: { value: latest?.value ?? null, milestonesDone: [...new Set(known.flatMap((k) => JSON.parse(k.milestones_done) as string[]))] },
    valueAt: latest?.period_end ?? null,
    reportOverdue: overdue.length > 0,
    asOf,
  });
  // An achieved target owes no more reports.
  const owed = r.status === 'achieved' ? [] : overdue;
  return {
    status: r.status,
    asOf: iso(asOf),
    elapsed: Math.round(r.elapsed * 10_000) / 10_000,
    expected: r.expected === null ? null : Math.round(r.expected * 1000) / 1000,
    actual: r.actual,
    latestPeriod: latest?.period ?? known.at(-1)?.period ?? null,
    overdue: owed.map((p) => ({ period: p.label, dueAt: iso(p.dueAt) })),
  };
}

export function targetView(t: TargetRow, dir: Directory, status: StatusView): TargetView {
  return {
    id: t.id,
    year: t.year,
    code: t.code,
    name: t.name,
    nameEn: t.name_en,
    category: t.category,
    kind: t.kind,
    metric: t.metric,
    unitOfMeasure: t.unit_of_measure,
    direction: t.direction,
    accrual: t.accrual,
    baseline: t.baseline_value === null ? null : { value: t.baseline_value, year: t.baseline_year },
    targetValue: t.target_value,
    targetLevel: t.direction === 'growth_pct' && t.target_value !== null ? growthTargetLevel(t.baseline_value, t.target_value) : null,
    tolerance: t.tolerance,
    milestones: JSON.parse(t.milestones) as Milestone[],
    graceDays: t.grace_days,
    deadline: t.deadline,
    cadence: t.cadence,
    leadUnit: unitRef(dir, t.lead_unit_id),
    coUnits: coUnitIds(t).map((id) => unitRef(dir, id)),
    sourceQuote: t.source_quote,
    note: t.note,
    version: t.version,
    createdAt: iso(t.created_at),
    updatedAt: iso(t.updated_at),
    status,
  };
}

export function progressView(r: TargetProgressRow, dir: Directory): ProgressView {
  return {
    id: r.id,
    period: r.period,
    unit: unitRef(dir, r.unit_id),
    value: r.value,
    milestonesDone: JSON.parse(r.milestones_done) as string[],
    narrative: r.narrative,
    attachments: JSON.parse(r.attachments) as string[],
    reportedBy: r.reported_by,
    reportedAt: iso(r.reported_at),
    current: r.current_key !== null,
    supersededAt: r.superseded_at === null ? null : iso(r.superseded_at),
  };
}
