import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seededRandom as seeded } from '../src/random.ts';
import {
  DEFAULT_WORKING_HOURS,
  type DurationUnit,
  type HolidayData,
  toWorkingMinutes,
  WorkingCalendar,
} from '../src/time/working-calendar.ts';

interface CalendarFile extends HolidayData {
  timezone: string;
  source: string;
  years: number[];
  festivals: Array<{ name: string; nameEn: string; from: string; to: string }>;
}

const data = JSON.parse(
  readFileSync(new URL('../../../data/calendar/cn-2024-2026.json', import.meta.url), 'utf8'),
) as CalendarFile;
const cal = new WorkingCalendar(data);

const HOUR = 60;
const DAY = 420;

/** "2025-09-30 15:00" in Asia/Shanghai → epoch ms. */
function at(local: string): number {
  const ms = Date.parse(`${local.replace(' ', 'T')}:00+08:00`);
  if (Number.isNaN(ms)) throw new Error(`bad test time ${local}`);
  return ms;
}

/** Epoch ms → "YYYY-MM-DD HH:mm" in Asia/Shanghai (seconds shown only when non-zero). */
function local(ms: number): string {
  const iso = new Date(ms + 8 * 3_600_000).toISOString();
  const seconds = iso.slice(16, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds === ':00.000' ? '' : seconds}`;
}

function dayOfWeek(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}


describe('holiday data file', () => {
  it('declares its zone and years', () => {
    expect(data.timezone).toBe('Asia/Shanghai');
    expect(data.years).toEqual([2024, 2025, 2026]);
    expect(data.source).toContain('国务院办公厅');
  });

  it('lists holidays only on Mon–Fri and workdays only on Sat/Sun, sorted and unique', () => {
    for (const d of data.holidays) expect([1, 2, 3, 4, 5], d).toContain(dayOfWeek(d));
    for (const d of data.workdays) expect([0, 6], d).toContain(dayOfWeek(d));
    for (const list of [data.holidays, data.workdays]) {
      expect([...new Set(list)].sort()).toEqual(list);
    }
  });

  it('covers every weekday inside each festival break and nothing outside them', () => {
    const inBreaks = new Set<string>();
    for (const f of data.festivals) {
      for (let t = Date.parse(`${f.from}T00:00:00Z`); t <= Date.parse(`${f.to}T00:00:00Z`); t += 86_400_000) {
        const d = new Date(t).toISOString().slice(0, 10);
        if (d >= '2024-01-01' && dayOfWeek(d) % 6 !== 0) inBreaks.add(d);
      }
    }
    expect([...inBreaks].sort()).toEqual(data.holidays);
  });

  it('has the announced number of days for each break', () => {
    const lengths = data.festivals.map(
      (f) => `${f.from.slice(0, 4)} ${f.name} ${(Date.parse(f.to) - Date.parse(f.from)) / 86_400_000 + 1}`,
    );
    expect(lengths).toEqual([
      '2023 元旦 3',
      '2024 春节 8',
      '2024 清明节 3',
      '2024 劳动节 5',
      '2024 端午节 3',
      '2024 中秋节 3',
      '2024 国庆节 7',
      '2025 元旦 1',
      '2025 春节 8',
      '2025 清明节 3',
      '2025 劳动节 5',
      '2025 端午节 3',
      '2025 国庆节、中秋节 8',
      '2026 元旦 3',
      '2026 春节 9',
      '2026 清明节 3',
      '2026 劳动节 5',
      '2026 端午节 3',
      '2026 中秋节 3',
      '2026 国庆节 7',
    ]);
  });
});

describe('WorkingCalendar.isWorkingDay', () => {
  it.each([
    ['2025-03-12', true, 'ordinary Wednesday'],
    ['2025-03-15', false, 'ordinary Saturday'],
    ['2025-09-28', true, 'Sunday make-up day before 国庆 2025'],
    ['2025-10-08', false, 'Wednesday inside 国庆+中秋 2025'],
    ['2025-10-11', true, 'Saturday make-up day after 国庆 2025'],
    ['2025-10-12', false, 'ordinary Sunday'],
    ['2024-02-09', true, '除夕 2024 was not an official day off'],
    ['2025-01-28', false, '除夕 2025 is statutory from 2025'],
    ['2026-01-04', true, 'Sunday make-up day after 元旦 2026'],
    ['2026-02-14', true, 'Saturday make-up day before 春节 2026'],
    ['2026-02-23', false, 'Monday, last day of 春节 2026'],
    ['2026-02-28', true, 'Saturday make-up day after 春节 2026'],
    ['2026-10-10', true, 'Saturday make-up day after 国庆 2026'],
    ['2023-10-02', true, 'holiday in reality but before the data: plain weekday rule'],
    ['2030-10-01', true, 'National Day 2030 is outside the data: plain weekday rule'],
    ['2030-10-05', false, 'Saturday outside the data'],
  ])('%s → %s (%s)', (date, expected) => {
    expect(cal.isWorkingDay(date)).toBe(expected);
  });

  it.each(['2025-02-30', '2025-9-1', '20250901', '0099-01-01'])('rejects malformed date %s', (date) => {
    expect(() => cal.isWorkingDay(date)).toThrow(RangeError);
  });
});

describe('WorkingCalendar.addWorkingMinutes', () => {
  it('uses 08:30–12:00 and 14:00–17:30 by default', () => {
    expect(DEFAULT_WORKING_HOURS.periods).toEqual([
      [510, 720],
      [840, 1050],
    ]);
    expect(cal.minutesPerDay).toBe(DAY);
  });

  it.each([
    // [from, working minutes, expected, why]
    ['2025-03-14 16:00', 4 * HOUR, '2025-03-17 11:00', 'Friday 16:00 + 4 h lands Monday morning'],
    ['2025-09-30 15:00', 1 * DAY, '2025-10-09 15:00', '国庆+中秋 2025: 10/1–10/8 off'],
    ['2025-09-26 16:00', 4 * HOUR, '2025-09-28 11:00', 'Sunday 9/28/2025 is a working day'],
    ['2025-10-10 17:00', 1 * HOUR, '2025-10-11 09:00', 'make-up Saturday 10/11/2025 counts'],
    ['2024-10-11 17:00', 1 * HOUR, '2024-10-12 09:00', 'make-up Saturday 10/12/2024 counts'],
    ['2025-03-12 11:00', 2 * HOUR, '2025-03-12 15:00', 'lunch break 12:00–14:00 skipped'],
    ['2025-03-12 07:00', 30, '2025-03-12 09:00', 'start before office hours'],
    ['2025-03-12 12:30', 30, '2025-03-12 14:30', 'start during lunch'],
    ['2025-03-12 20:00', 1 * HOUR, '2025-03-13 09:30', 'start after office hours'],
    ['2025-03-15 10:00', 1 * HOUR, '2025-03-17 09:30', 'start on a weekend'],
    ['2025-10-03 10:00', 1 * HOUR, '2025-10-09 09:30', 'start on a holiday'],
    ['2025-03-12 11:00', 1 * HOUR, '2025-03-12 12:00', 'runs out exactly at noon: period end, not 14:00'],
    ['2025-03-12 16:30', 1 * HOUR, '2025-03-12 17:30', 'runs out exactly at close: same day, not next morning'],
    ['2025-03-12 08:30', 1 * DAY, '2025-03-12 17:30', 'one full working day from opening'],
    ['2025-03-12 12:00', 1, '2025-03-12 14:01', 'starting exactly at a period end'],
    ['2025-03-12 17:30', 1, '2025-03-13 08:31', 'starting exactly at close'],
    ['2025-03-12 10:00', 0.5, '2025-03-12 10:00:30.000', 'fractional minutes'],
    ['2026-02-13 16:00', 1 * DAY, '2026-02-14 16:00', '春节 2026: Saturday 2/14 is a working day'],
    ['2026-02-14 16:00', 1 * DAY, '2026-02-24 16:00', '春节 2026: 2/15–2/23 off'],
    ['2026-02-12 09:00', 5 * DAY, '2026-02-26 09:00', '春节 2026: 2/12, 2/13, 2/14, 2/24, 2/25, then 2/26'],
    ['2025-12-31 17:00', 1 * HOUR, '2026-01-04 09:00', '元旦 2026: 1/1–1/3 off, Sunday 1/4 works'],
    ['2025-01-24 09:00', 3 * DAY, '2025-02-05 09:00', '春节 2025: Sunday 1/26 and 1/27 work, 1/28–2/4 off'],
    ['2025-09-01 08:30', 30 * DAY, '2025-10-16 17:30', 'thirty working days across 国庆 2025 end at close'],
    ['2030-09-30 17:00', 1 * HOUR, '2030-10-01 09:00', 'outside the data National Day is a weekday'],
    ['2030-10-04 17:00', 1 * HOUR, '2030-10-07 09:00', 'outside the data weekends are still off'],
  ])('%s + %s min → %s (%s)', (from, minutes, expected) => {
    expect(local(cal.addWorkingMinutes(at(from), minutes))).toBe(expected);
  });

  it.each([
    ['2025-03-12 10:15', '2025-03-12 10:15', 'inside working time: unchanged'],
    ['2025-03-12 12:00', '2025-03-12 14:00', 'exactly at noon: next period start'],
    ['2025-03-12 12:30', '2025-03-12 14:00', 'during lunch'],
    ['2025-03-14 17:30', '2025-03-17 08:30', 'Friday close → Monday opening'],
    ['2025-10-03 10:00', '2025-10-09 08:30', 'holiday → first working day after 国庆 2025'],
  ])('zero minutes from %s → %s (%s)', (from, expected) => {
    expect(local(cal.addWorkingMinutes(at(from), 0))).toBe(expected);
    expect(cal.nextWorkingInstant(at(from))).toBe(at(expected));
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects %s minutes', (minutes) => {
    expect(() => cal.addWorkingMinutes(at('2025-03-12 10:00'), minutes)).toThrow(RangeError);
  });
});

describe('WorkingCalendar.workingMinutesBetween', () => {
  it.each([
    ['2025-03-12 08:00', '2025-03-12 18:00', DAY],
    ['2025-03-12 11:00', '2025-03-12 15:00', 2 * HOUR],
    ['2025-03-14 16:00', '2025-03-17 11:00', 4 * HOUR],
    ['2025-09-30 15:00', '2025-10-09 15:00', DAY],
    ['2025-10-01 00:00', '2025-10-09 00:00', 0],
    ['2025-03-12 10:00', '2025-03-12 10:00', 0],
    ['2025-03-12 12:10', '2025-03-12 13:50', 0],
    ['2026-02-13 00:00', '2026-03-01 00:00', 7 * DAY],
    ['2025-03-17 11:00', '2025-03-14 16:00', -4 * HOUR],
    ['2025-03-12 13:00', '2025-03-12 12:30', 0],
  ])('[%s, %s) → %s', (from, to, expected) => {
    expect(cal.workingMinutesBetween(at(from), at(to))).toBe(expected);
  });

  it('inverts addWorkingMinutes over 1,000 seeded samples in 2024–2026', () => {
    const random = seeded(20_240_101);
    const start = at('2024-01-01 00:00');
    const span = at('2027-01-01 00:00') - start;
    for (let i = 0; i < 1000; i++) {
      // Whole-minute and arbitrary-millisecond start instants, up to 30 working days.
      const from = start + Math.floor(random() * span);
      const minutes = Math.floor(random() * 30 * DAY);
      const due = cal.addWorkingMinutes(from, minutes);
      expect(due).toBeGreaterThanOrEqual(from);
      expect(cal.workingMinutesBetween(from, due), `${local(from)} + ${minutes}`).toBe(minutes);
      expect(cal.workingMinutesBetween(due, from)).toBe(minutes === 0 ? 0 : -minutes);
    }
  });

  it('agrees with a minute-by-minute count straight from the data file', () => {
    const holidays = new Set(data.holidays);
    const workdays = new Set(data.workdays);
    const dayCache = new Map<string, boolean>();
    const isWorkingMinute = (ms: number): boolean => {
      const shifted = new Date(ms + 8 * 3_600_000);
      const minute = shifted.getUTCHours() * 60 + shifted.getUTCMinutes();
      if (!((minute >= 510 && minute < 720) || (minute >= 840 && minute < 1050))) return false;
      const date = shifted.toISOString().slice(0, 10);
      let working = dayCache.get(date);
      if (working === undefined) {
        const dow = shifted.getUTCDay();
        working = workdays.has(date) || (dow !== 0 && dow !== 6 && !holidays.has(date));
        dayCache.set(date, working);
      }
      return working;
    };
    const random = seeded(7);
    const start = at('2024-01-01 00:00');
    for (let i = 0; i < 200; i++) {
      const from = start + Math.floor(random() * 3 * 365 * 1440) * 60_000;
      const minutes = 1 + Math.floor(random() * 2 * DAY);
      let t = from;
      let counted = 0;
      while (counted < minutes) {
        if (isWorkingMinute(t)) counted += 1;
        t += 60_000;
      }
      expect(local(cal.addWorkingMinutes(from, minutes)), `${local(from)} + ${minutes}`).toBe(local(t));
    }
  });
});

describe('custom working hours and offset', () => {
  it('counts a working day as the configured hours', () => {
    const short = new WorkingCalendar(data, { periods: [[480, 720]] });
    expect(short.minutesPerDay).toBe(240);
    expect(local(short.addWorkingMinutes(at('2025-03-12 11:00'), toWorkingMinutes(1, 'day', short)))).toBe(
      '2025-03-13 11:00',
    );
  });

  it('applies the UTC offset it is given', () => {
    const utc = new WorkingCalendar({ holidays: [], workdays: [] }, DEFAULT_WORKING_HOURS, 0);
    expect(utc.nextWorkingInstant(Date.parse('2025-03-12T07:00:00Z'))).toBe(Date.parse('2025-03-12T08:30:00Z'));
  });

  it.each([
    [[]],
    [[[600, 540]]],
    [
      [
        [540, 720],
        [700, 1000],
      ],
    ],
    [
      [
        [840, 1050],
        [510, 720],
      ],
    ],
    [[[1000, 1500]]],
  ] as Array<[Array<[number, number]>]>)('rejects periods %j', (periods) => {
    expect(() => new WorkingCalendar(data, { periods })).toThrow(RangeError);
  });

  it('rejects a date listed both as holiday and workday, and malformed dates', () => {
    expect(() => new WorkingCalendar({ holidays: ['2025-10-11'], workdays: ['2025-10-11'] })).toThrow(RangeError);
    expect(() => new WorkingCalendar({ holidays: ['2025/10/01'], workdays: [] })).toThrow(RangeError);
  });
});

describe('toWorkingMinutes', () => {
  it.each([
    [90, 'minute', 90],
    [4, 'hour', 240],
    [1, 'day', 420],
    [1.5, 'day', 630],
  ] as Array<[number, DurationUnit, number]>)('%s %s → %s working minutes', (amount, unit, expected) => {
    expect(toWorkingMinutes(amount, unit, cal)).toBe(expected);
  });
});
