/**
 * Working calendars per district: China's shipped holiday data plus the district's own working
 * hours (districts.settings.workingHours) and warning ratio.
 */
import fs from 'node:fs';
import { type StageClock, type StageLimits, type Stage, type Urgency, limitMinutes, stageClock } from '@onegrid/domain/case/sla';
import { NATURAL_TIME, type TimeBasis } from '@onegrid/domain/time/time-basis';
import { type HolidayData, WorkingCalendar, type WorkingHours } from '@onegrid/domain/time/working-calendar';
import type { OrgService } from '../org/org-service.ts';
import { dataFile } from '../../platform/paths.ts';

export interface DistrictSettings {
  workingHours?: Array<[number, number]>;
  warnRatio?: number;
  /** Stage limits used while a case has no category yet. */
  defaultLimits?: StageLimits;
  /** Urgencies whose limits run on natural time, day and night (default: emergency). */
  naturalTimeUrgencies?: Urgency[];
  /** The district's own days off (local holidays) and working days; each overrides the shipped data. */
  holidays?: string[];
  workdays?: string[];
}

export const FALLBACK_LIMITS: StageLimits = {
  accept: { amount: 1, unit: 'hour' },
  register: { amount: 1, unit: 'hour' },
  dispatch: { amount: 2, unit: 'hour' },
  handle: { amount: 2, unit: 'day' },
  check: { amount: 1, unit: 'day' },
};

let holidays: HolidayData | null = null;
export function shippedHolidays(): HolidayData {
  holidays ??= JSON.parse(fs.readFileSync(dataFile('calendar', 'cn-2024-2026.json'), 'utf8')) as HolidayData;
  return holidays;
}

/** Shipped dates with the district's own on top: a date the district lists wins over the shipped list. */
export function districtHolidays(s: Pick<DistrictSettings, 'holidays' | 'workdays'>): HolidayData {
  const base = shippedHolidays();
  const own = { holidays: new Set(s.holidays ?? []), workdays: new Set(s.workdays ?? []) };
  return {
    holidays: [...new Set([...base.holidays.filter((d) => !own.workdays.has(d)), ...own.holidays])].sort(),
    workdays: [...new Set([...base.workdays.filter((d) => !own.holidays.has(d)), ...own.workdays])].sort(),
  };
}

export interface DistrictClock {
  calendar: WorkingCalendar;
  warnRatio: number;
  defaultLimits: StageLimits;
  /** The time a case of this urgency is counted in. */
  basis(urgency: string): TimeBasis;
}

/**
 * Each district's working time, rebuilt whenever its settings text changes. The settings come
 * through the org service's short-lived district cache, so a calendar changed in one process
 * (the API) reaches every other (the worker's timers) within seconds, without a restart.
 */
export class CalendarService {
  private readonly cache = new Map<string, { settings: string; clock: DistrictClock }>();

  constructor(
    private readonly org: OrgService,
    private readonly defaultWarnRatio: number,
  ) {}

  async forDistrict(districtId: string): Promise<DistrictClock> {
    const settings = (await this.org.districtById(districtId))?.settings ?? '{}';
    const hit = this.cache.get(districtId);
    if (hit && hit.settings === settings) return hit.clock;
    const clock = this.build(settings);
    this.cache.set(districtId, { settings, clock });
    return clock;
  }

  private build(text: string): DistrictClock {
    const s = JSON.parse(text) as DistrictSettings;
    const hours: WorkingHours | undefined = s.workingHours ? { periods: s.workingHours } : undefined;
    const calendar = new WorkingCalendar(districtHolidays(s), hours);
    const natural = new Set<string>(s.naturalTimeUrgencies ?? ['emergency']);
    return {
      calendar,
      warnRatio: s.warnRatio ?? this.defaultWarnRatio,
      defaultLimits: s.defaultLimits ?? FALLBACK_LIMITS,
      basis: (urgency) => (natural.has(urgency) ? NATURAL_TIME : calendar),
    };
  }
}

export interface StageStart extends StageClock {
  stage: Stage;
  limitMin: number;
}

export function startStage(dc: DistrictClock, urgency: string, stage: Stage, limits: StageLimits, now: number): StageStart {
  const basis = dc.basis(urgency);
  const limitMin = limitMinutes(limits[stage], basis);
  return { stage, limitMin, ...stageClock(basis, now, limitMin, dc.warnRatio) };
}

/** Warning instant for a clock that has `remaining` working minutes left of a `limit`. */
export function resumedClock(dc: DistrictClock, urgency: string, now: number, remainingMin: number, limitMin: number): StageClock {
  const basis = dc.basis(urgency);
  const deadlineAt = basis.addWorkingMinutes(now, Math.max(0, remainingMin));
  const warnLeft = remainingMin - limitMin * (1 - dc.warnRatio);
  return { deadlineAt, warnAt: warnLeft > 0 ? basis.addWorkingMinutes(now, warnLeft) : Math.min(now, deadlineAt) };
}

