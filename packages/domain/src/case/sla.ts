/**
 * SLA arithmetic: which stage a state belongs to, when a stage's clock starts again, and the
 * deadline, warning instant and light of a stage, all in working time.
 */
import type { TimeBasis } from '../time/time-basis.ts';
import { type DurationUnit, toWorkingMinutes } from '../time/working-calendar.ts';
import type { CaseAction, CaseState } from './lifecycle.ts';

export const STAGES = ['accept', 'register', 'dispatch', 'handle', 'check'] as const;
export type Stage = (typeof STAGES)[number];

export const URGENCIES = ['normal', 'urgent', 'emergency'] as const;
export type Urgency = (typeof URGENCIES)[number];

export interface StageLimit {
  amount: number;
  unit: DurationUnit;
}
export type StageLimits = Record<Stage, StageLimit>;

const STAGE_OF: Partial<Record<CaseState, Stage>> = {
  REPORTED: 'accept',
  ACCEPTED: 'register',
  REGISTERED: 'dispatch',
  DISPATCHED: 'handle',
  HANDLING: 'handle',
  HANDLED: 'check',
  CHECKING: 'check',
};

export function stageOf(state: CaseState): Stage | null {
  return STAGE_OF[state] ?? null;
}

/** A rework (check_fail) restarts the handle clock even though the stage name is the same. */
export function startsNewStage(from: CaseState, to: CaseState, action: CaseAction): boolean {
  const next = stageOf(to);
  return next !== null && (next !== stageOf(from) || action === 'check_fail');
}

export type Light = 'green' | 'yellow' | 'red';

export interface StageClock {
  deadlineAt: number;
  warnAt: number;
}

/** warnRatio: the share of the working limit after which the light turns yellow (default 0.8). */
export function stageClock(cal: TimeBasis, startMs: number, limitMinutes: number, warnRatio: number): StageClock {
  return {
    deadlineAt: cal.addWorkingMinutes(startMs, limitMinutes),
    warnAt: cal.addWorkingMinutes(startMs, Math.floor(limitMinutes * warnRatio)),
  };
}

export function limitMinutes(limit: StageLimit, cal: TimeBasis): number {
  return toWorkingMinutes(limit.amount, limit.unit, cal);
}

export function lightAt(now: number, clock: StageClock | null): Light | null {
  if (!clock) return null;
  if (now >= clock.deadlineAt) return 'red';
  if (now >= clock.warnAt) return 'yellow';
  return 'green';
}
