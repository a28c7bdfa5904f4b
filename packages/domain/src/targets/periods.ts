/**
 * Reporting periods of a target: every month (`2024-03`) or quarter (`2024Q1`) from 1 January of
 * its year to the period holding its deadline. A period's report is due `dueDays` days after the
 * period ends (statistics come out after the month closes) and overdue once that moment passes
 * without a report from the lead unit.
 */
import { DomainError } from '../errors.ts';
import { parsePeriod, type Period } from '../evaluation/period.ts';
import type { Cadence } from './kinds.ts';

/** Days after a period ends by which its report is due (default). */
export const DEFAULT_DUE_DAYS = 10;
const DAY_MS = 86_400_000;

export const yearStart = (year: number): number => parsePeriod(String(year)).start;
/** The end (exclusive) of a `YYYY-MM-DD` day in district time. */
export const dayEnd = (date: string): number => parsePeriod(date).end;

export interface ReportPeriod extends Period {
  dueAt: number;
}

const labelOf = (cadence: Cadence, y: number, m: number) => (cadence === 'monthly' ? `${y}-${String(m).padStart(2, '0')}` : `${y}Q${Math.ceil(m / 3)}`);

export function reportPeriods(cadence: Cadence, year: number, deadline: string, dueDays = DEFAULT_DUE_DAYS): ReportPeriod[] {
  const last = dayEnd(deadline);
  const out: ReportPeriod[] = [];
  const step = cadence === 'monthly' ? 1 : 3;
  for (let y = year, m = 1; out.length < 240; m += step) {
    if (m > 12) {
      y++;
      m -= 12;
    }
    const p = parsePeriod(labelOf(cadence, y, m));
    if (p.start >= last) break;
    out.push({ ...p, dueAt: p.end + dueDays * DAY_MS });
  }
  return out;
}

/** The period named `label`, if it is one of the target's periods and has begun by `asOf`. */
export function reportPeriod(cadence: Cadence, year: number, deadline: string, label: string, asOf: number): ReportPeriod {
  const periods = reportPeriods(cadence, year, deadline);
  let p: Period | null = null;
  try {
    p = parsePeriod(label);
  } catch {
    /* reported below with the cadence's own format */
  }
  const found = p && periods.find((x) => x.label === p.label && x.kind === p.kind);
  const first = periods[0]?.label ?? '';
  const lastLabel = periods.at(-1)?.label ?? '';
  if (!found) {
    throw new DomainError('TARGET_PERIOD_INVALID', `period: "${label}" is not a ${cadence} period of this target; use ${first} … ${lastLabel}`);
  }
  if (found.start > asOf) throw new DomainError('TARGET_PERIOD_INVALID', `period: ${label} has not begun yet; report it once it has`);
  return found;
}

/** Periods whose report was due before `asOf` and is not in `reported`. */
export function overduePeriods(periods: readonly ReportPeriod[], reported: ReadonlySet<string>, asOf: number): ReportPeriod[] {
  return periods.filter((p) => p.dueAt < asOf && !reported.has(p.label));
}
