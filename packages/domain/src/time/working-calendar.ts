/**
 * Working-time calendar for SLA deadlines: case time limits (处置时限) are counted
 * in working minutes, hours or days in the district's local time, skipping
 * weekends, public holidays and lunch breaks, and counting make-up working
 * days (调休上班).
 *
 * All instants are epoch milliseconds (UTC). Local time is a fixed UTC offset:
 * Asia/Shanghai has had no daylight-saving time since 1991, so a constant +480
 * minutes is exact for every date this platform handles.
 *
 * Semantics:
 * - Working time is the half-open union of `[start, end)` periods on working days.
 * - `addWorkingMinutes(from, m)` with m > 0 returns the earliest instant at which
 *   m working minutes have elapsed since `from`. When the count runs out exactly
 *   at the end of a period, the period end is returned (e.g. 12:00 or 17:30), not
 *   the start of the next period: "4 working hours from 13:30" is due at 17:30
 *   today, not 08:30 tomorrow.
 * - `addWorkingMinutes(from, 0)` returns `nextWorkingInstant(from)`, the limit of
 *   `addWorkingMinutes(from, m)` as m → 0, so the result is monotonic in m.
 * - A day outside the holiday data follows the plain rule Mon–Fri = working day,
 *   so years without loaded data ignore public holidays rather than failing.
 */

export interface HolidayData {
  /** Local dates "YYYY-MM-DD" that are days off although Mon–Fri. */
  holidays: readonly string[];
  /** Local dates "YYYY-MM-DD" that are working days although Sat/Sun (调休). */
  workdays: readonly string[];
}

export interface WorkingHours {
  /** `[start, end)` in minutes after local midnight; sorted and non-overlapping. */
  periods: ReadonlyArray<readonly [number, number]>;
}

/**
 * 08:30–12:00 and 14:00–17:30 (7 h): a common schedule for district government
 * offices with the long midday break usual in China, and 7 h keeps
 * "1 working day = 7 working hours". Districts with another or a seasonal
 * (summer/winter) schedule pass their own WorkingHours.
 */
export const DEFAULT_WORKING_HOURS: WorkingHours = {
  periods: [
    [510, 720],
    [840, 1050],
  ],
};

/** UTC offset of Asia/Shanghai (UTC+8, no DST). */
export const SHANGHAI_UTC_OFFSET_MINUTES = 480;

export type DurationUnit = 'minute' | 'hour' | 'day';

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const MINUTES_PER_DAY = 1440;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface Period {
  startMs: number;
  endMs: number;
}

/** Days since 1970-01-01 for a "YYYY-MM-DD" string; throws on malformed or impossible dates. */
function parseLocalDate(localDate: string): number {
  const m = DATE_RE.exec(localDate);
  if (m === null) throw new RangeError(`expected a "YYYY-MM-DD" date, got ${JSON.stringify(localDate)}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const t = Date.UTC(year, month - 1, day);
  const check = new Date(t);
  // Date.UTC silently rolls 2025-02-30 over to March and maps years 0–99 to 19xx.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`not a calendar date: ${localDate}`);
  }
  return t / MS_PER_DAY;
}

/** Mon–Fri rule; day 0 (1970-01-01) was a Thursday. */
function isWeekday(dayNumber: number): boolean {
  const dow = (((dayNumber + 4) % 7) + 7) % 7;
  return dow !== 0 && dow !== 6;
}

function validatePeriods(hours: WorkingHours): Period[] {
  if (hours.periods.length === 0) throw new RangeError('working hours need at least one period');
  const periods: Period[] = [];
  let previousEnd = 0;
  for (const [start, end] of hours.periods) {
    if (
      !Number.isFinite(start) ||
      !Number.isFinite(end) ||
      start < previousEnd ||
      end <= start ||
      end > MINUTES_PER_DAY
    ) {
      throw new RangeError(
        `working period [${start}, ${end}] must lie within [0, ${MINUTES_PER_DAY}], be non-empty, sorted and non-overlapping`,
      );
    }
    periods.push({ startMs: start * MS_PER_MINUTE, endMs: end * MS_PER_MINUTE });
    previousEnd = end;
  }
  return periods;
}

function assertInstant(name: string, ms: number): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a finite epoch-millisecond value, got ${ms}`);
}

export class WorkingCalendar {
  private readonly periods: readonly Period[];
  private readonly offsetMs: number;
  private readonly workingMsPerDay: number;
  /** Day number of `flags[0]`. */
  private readonly firstDay: number;
  /**
   * 1 = working day, 0 = day off, for every day from the earliest to the latest
   * listed date, so the hot path is one typed-array read instead of Set lookups.
   */
  private readonly flags: Uint8Array;

  constructor(
    data: HolidayData,
    hours: WorkingHours = DEFAULT_WORKING_HOURS,
    utcOffsetMinutes: number = SHANGHAI_UTC_OFFSET_MINUTES,
  ) {
    if (!Number.isFinite(utcOffsetMinutes) || Math.abs(utcOffsetMinutes) >= MINUTES_PER_DAY) {
      throw new RangeError(`utcOffsetMinutes must be finite and within ±1440, got ${utcOffsetMinutes}`);
    }
    this.periods = validatePeriods(hours);
    this.offsetMs = utcOffsetMinutes * MS_PER_MINUTE;
    this.workingMsPerDay = this.periods.reduce((sum, p) => sum + (p.endMs - p.startMs), 0);

    const holidays = new Set(data.holidays.map(parseLocalDate));
    const workdays = new Set(data.workdays.map(parseLocalDate));
    for (const day of holidays) {
      if (workdays.has(day)) {
        throw new RangeError(
          `${new Date(day * MS_PER_DAY).toISOString().slice(0, 10)} is listed as both holiday and workday`,
        );
      }
    }
    const listed = [...holidays, ...workdays];
    this.firstDay = listed.length === 0 ? 0 : listed.reduce((min, d) => Math.min(min, d));
    const lastDay = listed.length === 0 ? -1 : listed.reduce((max, d) => Math.max(max, d));
    this.flags = new Uint8Array(lastDay - this.firstDay + 1);
    for (let i = 0; i < this.flags.length; i++) {
      const day = this.firstDay + i;
      const working = workdays.has(day) || (isWeekday(day) && !holidays.has(day));
      this.flags[i] = working ? 1 : 0;
    }
  }

  /** Working minutes in one working day (420 for DEFAULT_WORKING_HOURS). */
  get minutesPerDay(): number {
    return this.workingMsPerDay / MS_PER_MINUTE;
  }

  /** Whether a local date "YYYY-MM-DD" is a working day. */
  isWorkingDay(localDate: string): boolean {
    return this.isWorkingDayNumber(parseLocalDate(localDate));
  }

  /** `ms` itself if it is inside working time, else the start of the next working period. */
  nextWorkingInstant(ms: number): number {
    assertInstant('ms', ms);
    const local = ms + this.offsetMs;
    let day = Math.floor(local / MS_PER_DAY);
    let timeOfDay = local - day * MS_PER_DAY;
    for (;;) {
      if (this.isWorkingDayNumber(day)) {
        for (const p of this.periods) {
          if (timeOfDay < p.endMs) {
            return day * MS_PER_DAY + Math.max(timeOfDay, p.startMs) - this.offsetMs;
          }
        }
      }
      day += 1;
      timeOfDay = 0;
    }
  }

  /**
   * Instant at which `minutes` working minutes have elapsed after `fromMs`
   * (counting starts at the next working instant). Exact at period ends: returns
   * the period end, not the next period's start. `minutes` = 0 returns
   * `nextWorkingInstant(fromMs)`. Fractional minutes are rounded to the millisecond.
   */
  addWorkingMinutes(fromMs: number, minutes: number): number {
    assertInstant('fromMs', fromMs);
    if (!Number.isFinite(minutes) || minutes < 0) {
      throw new RangeError(`minutes must be a finite non-negative number, got ${minutes}`);
    }
    let remaining = Math.round(minutes * MS_PER_MINUTE);
    if (remaining === 0) return this.nextWorkingInstant(fromMs);

    const local = fromMs + this.offsetMs;
    let day = Math.floor(local / MS_PER_DAY);
    let timeOfDay = local - day * MS_PER_DAY;
    for (;;) {
      if (this.isWorkingDayNumber(day)) {
        // Whole working days are consumed in one step; strict ">" keeps the exact-end case below.
        if (timeOfDay === 0 && remaining > this.workingMsPerDay) {
          remaining -= this.workingMsPerDay;
        } else {
          for (const p of this.periods) {
            if (timeOfDay >= p.endMs) continue;
            const start = Math.max(timeOfDay, p.startMs);
            const available = p.endMs - start;
            if (remaining <= available) return day * MS_PER_DAY + start + remaining - this.offsetMs;
            remaining -= available;
          }
        }
      }
      day += 1;
      timeOfDay = 0;
    }
  }

  /**
   * Working minutes in `[fromMs, toMs)`; if `toMs < fromMs` the result is the
   * negated count for `[toMs, fromMs)`, e.g. time remaining to a passed deadline.
   * Inverse of addWorkingMinutes: `workingMinutesBetween(t, addWorkingMinutes(t, m)) === m`.
   */
  workingMinutesBetween(fromMs: number, toMs: number): number {
    assertInstant('fromMs', fromMs);
    assertInstant('toMs', toMs);
    if (toMs < fromMs) {
      const mirrored = this.workingMinutesBetween(toMs, fromMs);
      return mirrored === 0 ? 0 : -mirrored;
    }
    const a = fromMs + this.offsetMs;
    const b = toMs + this.offsetMs;
    const firstDay = Math.floor(a / MS_PER_DAY);
    const lastDay = Math.floor(b / MS_PER_DAY);
    let totalMs = 0;
    for (let day = firstDay; day <= lastDay; day++) {
      if (!this.isWorkingDayNumber(day)) continue;
      if (day > firstDay && day < lastDay) {
        totalMs += this.workingMsPerDay;
        continue;
      }
      const base = day * MS_PER_DAY;
      const lo = day === firstDay ? a - base : 0;
      const hi = day === lastDay ? b - base : MS_PER_DAY;
      for (const p of this.periods) {
        const overlap = Math.min(hi, p.endMs) - Math.max(lo, p.startMs);
        if (overlap > 0) totalMs += overlap;
      }
    }
    return totalMs / MS_PER_MINUTE;
  }

  private isWorkingDayNumber(day: number): boolean {
    const i = day - this.firstDay;
    if (i >= 0 && i < this.flags.length) return this.flags[i] === 1;
    return isWeekday(day);
  }
}

/**
 * Converts a time limit to working minutes. A working day is one day's working
 * hours (`cal.minutesPerDay`), as 数字城管 practice counts it, so "1 working day"
 * from 15:00 is due at 15:00 on the next working day.
 */
export function toWorkingMinutes(amount: number, unit: DurationUnit, cal: { readonly minutesPerDay: number }): number {
  switch (unit) {
    case 'minute':
      return amount;
    case 'hour':
      return amount * 60;
    case 'day':
      return amount * cal.minutesPerDay;
    default:
      throw new RangeError(`unknown duration unit: ${String(unit satisfies never)}`);
  }
}
