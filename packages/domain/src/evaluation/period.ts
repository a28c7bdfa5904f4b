/**
 * Evaluation periods in district time (Asia/Shanghai, UTC+8, no DST): a day `2024-03-05`, an
 * ISO week `2024-W10`, a month `2024-03`, a quarter `2024Q1`, a year `2024`, or a custom range
 * `2024-03-01..2024-03-15` (both days included). A period is the half-open instant range
 * [start, end); `previous` is the period of the same kind just before it, for change figures.
 */
import { DomainError } from '../errors.ts';
import { SHANGHAI_UTC_OFFSET_MINUTES } from '../time/working-calendar.ts';

export type PeriodKind = 'day' | 'week' | 'month' | 'quarter' | 'year' | 'custom';

export interface Period {
  kind: PeriodKind;
  /** The canonical label, e.g. `2024Q1`. */
  label: string;
  start: number;
  end: number;
}

const OFFSET_MS = SHANGHAI_UTC_OFFSET_MINUTES * 60_000;
const DAY_MS = 86_400_000;

/** Midnight district time of a calendar date, as epoch ms. */
const midnight = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) - OFFSET_MS;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** The district-time calendar date of an instant. */
function dateOf(ms: number): { y: number; m: number; d: number } {
  const t = new Date(ms + OFFSET_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}
const dayLabel = (ms: number) => {
  const { y, m, d } = dateOf(ms);
  return `${y}-${pad(m)}-${pad(d)}`;
};

function validDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** Monday of ISO week 1 of an ISO year (the week holding 4 January). */
function isoWeekOne(y: number): number {
  const jan4 = Date.UTC(y, 0, 4);
  const dow = (new Date(jan4).getUTCDay() + 6) % 7;
  return jan4 - dow * DAY_MS - OFFSET_MS;
}

function week(y: number, w: number): Period {
  const start = isoWeekOne(y) + (w - 1) * 7 * DAY_MS;
  return { kind: 'week', label: `${y}-W${pad(w)}`, start, end: start + 7 * DAY_MS };
}

const bad = (text: string) =>
  new DomainError(
    'VALIDATION_FAILED',
    `period: "${text}" is not a period; use a day 2024-03-05, a week 2024-W10, a month 2024-03, a quarter 2024Q1, a year 2024 or a range 2024-03-01..2024-03-15`,
  );

type Parser = (m: RegExpMatchArray, text: string) => Period;

const FORMS: Array<[RegExp, Parser]> = [
  [/^(\d{4})$/, (m) => {
    const y = Number(m[1]);
    return { kind: 'year', label: `${y}`, start: midnight(y, 1, 1), end: midnight(y + 1, 1, 1) };
  }],
  [/^(\d{4})-?Q([1-4])$/i, (m) => {
    const y = Number(m[1]);
    const q = Number(m[2]);
    return { kind: 'quarter', label: `${y}Q${q}`, start: midnight(y, 3 * q - 2, 1), end: q === 4 ? midnight(y + 1, 1, 1) : midnight(y, 3 * q + 1, 1) };
  }],
  [/^(\d{4})-W(\d{2})$/i, (m, text) => {
    const y = Number(m[1]);
    const w = Number(m[2]);
    const weeks = (isoWeekOne(y + 1) - isoWeekOne(y)) / (7 * DAY_MS);
    if (w < 1 || w > weeks) throw bad(text);
    return week(y, w);
  }],
  [/^(\d{4})-(\d{2})$/, (m, text) => {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    if (mo < 1 || mo > 12) throw bad(text);
    return { kind: 'month', label: `${y}-${pad(mo)}`, start: midnight(y, mo, 1), end: mo === 12 ? midnight(y + 1, 1, 1) : midnight(y, mo + 1, 1) };
  }],
  [/^(\d{4})-(\d{2})-(\d{2})$/, (m, text) => {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!validDate(y, mo, d)) throw bad(text);
    const start = midnight(y, mo, d);
    return { kind: 'day', label: dayLabel(start), start, end: start + DAY_MS };
  }],
  [/^(\d{4})-(\d{2})-(\d{2})\.\.(\d{4})-(\d{2})-(\d{2})$/, (m, text) => {
    const [y1, m1, d1, y2, m2, d2] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    if (!validDate(y1, m1, d1) || !validDate(y2, m2, d2)) throw bad(text);
    const start = midnight(y1, m1, d1);
    const end = midnight(y2, m2, d2) + DAY_MS;
    if (end <= start) throw new DomainError('VALIDATION_FAILED', `period: the range "${text}" ends before it starts`);
    if (end - start > 366 * DAY_MS) throw new DomainError('VALIDATION_FAILED', `period: a custom range is at most 366 days; "${text}" is longer`);
    return { kind: 'custom', label: `${dayLabel(start)}..${dayLabel(end - DAY_MS)}`, start, end };
  }],
];

export function parsePeriod(text: string): Period {
  const s = text.trim();
  for (const [re, parse] of FORMS) {
    const m = s.match(re);
    if (m) return parse(m, text);
  }
  throw bad(text);
}

/** The period of the same kind (and, for a custom range, the same length) just before. */
export function previousPeriod(p: Period): Period {
  switch (p.kind) {
    case 'day':
      return parsePeriod(dayLabel(p.start - DAY_MS));
    case 'week': {
      const start = p.start - 7 * DAY_MS;
      const { y } = dateOf(start + 3 * DAY_MS);
      return week(y, Math.round((start - isoWeekOne(y)) / (7 * DAY_MS)) + 1);
    }
    case 'month': {
      const { y, m } = dateOf(p.start - DAY_MS);
      return parsePeriod(`${y}-${pad(m)}`);
    }
    case 'quarter': {
      const { y, m } = dateOf(p.start - DAY_MS);
      return parsePeriod(`${y}Q${Math.ceil(m / 3)}`);
    }
    case 'year':
      return parsePeriod(String(dateOf(p.start).y - 1));
    case 'custom': {
      const len = p.end - p.start;
      return { kind: 'custom', label: `${dayLabel(p.start - len)}..${dayLabel(p.start - DAY_MS)}`, start: p.start - len, end: p.start };
    }
  }
}

/** The months `from`..`to` inclusive (labels `YYYY-MM`), for index history. */
export function monthsBetween(from: string, to: string): Period[] {
  const a = parsePeriod(from);
  const b = parsePeriod(to);
  if (a.kind !== 'month' || b.kind !== 'month') throw new DomainError('VALIDATION_FAILED', 'from/to: months like 2024-01');
  if (b.start < a.start) throw new DomainError('VALIDATION_FAILED', 'to: must not be before from');
  const out: Period[] = [];
  for (let p = a; p.start <= b.start; ) {
    out.push(p);
    const { y, m } = dateOf(p.end);
    p = parsePeriod(`${y}-${pad(m)}`);
    if (out.length > 120) throw new DomainError('VALIDATION_FAILED', 'from/to: at most 120 months at once');
  }
  return out;
}
