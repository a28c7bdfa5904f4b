/**
 * What an SLA clock counts in. Most limits run on working time (a WorkingCalendar); emergencies
 * run on natural time, because a gas leak reported at 22:00 cannot wait for the office to open.
 */
export interface TimeBasis {
  readonly minutesPerDay: number;
  addWorkingMinutes(fromMs: number, minutes: number): number;
  workingMinutesBetween(fromMs: number, toMs: number): number;
}

export const NATURAL_TIME: TimeBasis = {
  minutesPerDay: 1440,
  addWorkingMinutes: (fromMs, minutes) => fromMs + Math.round(minutes * 60_000),
  workingMinutesBetween: (fromMs, toMs) => (toMs - fromMs) / 60_000 || 0,
};
