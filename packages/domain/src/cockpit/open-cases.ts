/**
 * How one case event moves the cockpit's live counts of open cases by state and light, from the
 * case's previous (state, light) alone: a new stage starts green (its timers are armed again), a
 * warning turns it yellow, an overdue red, an approved postponement green again; a case leaving
 * the open states drops out. States without a clock (CHECKED) have light "none".
 */
import { type CaseAction, type CaseState, OPEN_STATES } from '../case/lifecycle.ts';
import { stageOf, startsNewStage } from '../case/sla.ts';

export type LiveLight = 'green' | 'yellow' | 'red' | 'none';
export interface LiveStatus {
  state: CaseState;
  light: LiveLight;
}

const baseLight = (state: CaseState): LiveLight => (stageOf(state) ? 'green' : 'none');

/**
 * The status after an event, or null when the case is no longer open. `action` is the case
 * action, or `sla_warning` / `sla_overdue` for the timers; `prev` is null for a new report.
 */
export function nextStatus(prev: LiveStatus | null, action: CaseAction | 'reported' | 'sla_warning' | 'sla_overdue' | string, to: CaseState): LiveStatus | null {
  if (!OPEN_STATES.has(to)) return null;
  if (!prev) return { state: to, light: baseLight(to) };
  if (action === 'sla_warning') return { state: to, light: prev.light === 'red' ? 'red' : 'yellow' };
  if (action === 'sla_overdue') return { state: to, light: 'red' };
  if (action === 'postpone_approve') return { state: to, light: baseLight(to) };
  if (prev.state !== to || action === 'check_fail') {
    return { state: to, light: startsNewStage(prev.state, to, action as CaseAction) || !stageOf(to) ? baseLight(to) : prev.light };
  }
  return prev;
}
