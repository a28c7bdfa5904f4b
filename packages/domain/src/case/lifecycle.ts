/**
 * The one transition table of the case closed loop (DOMAIN.md §3). Every state × action × role
 * decision in OneGrid comes from here: services call `decide`, the API reports `allowedActions`,
 * the console shows only those buttons.
 *
 * Who may act depends on the role and on the actor's relation to the case:
 * - `centre`: the actor's unit is the district centre (or below it);
 * - `lead`: the case's lead unit is the actor's unit or below it;
 * - `cohandler`: a co-handling unit of the case is the actor's unit or below it;
 * - `area`: the case lies inside the actor's unit (a street, community or grid);
 * - `any`: the actor can see the case at all.
 */
import type { Role } from '../access/roles.ts';

export const STATES = [
  'REPORTED',
  'ACCEPTED',
  'REGISTERED',
  'DISPATCHED',
  'HANDLING',
  'HANDLED',
  'CHECKING',
  'CHECKED',
  'CLOSED',
  'EVALUATED',
  'REJECTED',
  'MERGED',
  'VOIDED',
] as const;
export type CaseState = (typeof STATES)[number];

export const TERMINAL_STATES: ReadonlySet<CaseState> = new Set(['REJECTED', 'MERGED', 'VOIDED', 'EVALUATED']);
/** States in which work is still owed (lights and timers apply). */
export const OPEN_STATES: ReadonlySet<CaseState> = new Set([
  'REPORTED',
  'ACCEPTED',
  'REGISTERED',
  'DISPATCHED',
  'HANDLING',
  'HANDLED',
  'CHECKING',
  'CHECKED',
]);

export const ACTIONS = [
  'accept',
  'reject',
  'merge',
  'unmerge',
  'register',
  'void',
  'dispatch',
  'sign',
  'return',
  'report_handled',
  'check',
  'check_pass',
  'check_fail',
  'close',
  'visit',
  'postpone_request',
  'postpone_approve',
  'postpone_deny',
  'suspend',
  'resume',
  'supervise',
  'comment',
  'escalate',
  'add_cohandler',
] as const;
export type CaseAction = (typeof ACTIONS)[number];

export type Relation = 'centre' | 'lead' | 'cohandler' | 'area' | 'any';
type Grant = readonly [Role, Relation];

/** Conditions on the case's flags, beyond its state. */
type Guard = 'not_suspended' | 'suspended' | 'postponement_pending' | 'no_postponement_pending';

interface Rule {
  from: readonly CaseState[];
  /** null: a side action, the state does not change. */
  to: CaseState | null;
  who: readonly Grant[];
  guards: readonly Guard[];
}

const CENTRE_INTAKE: Grant[] = [
  ['intake', 'centre'],
  ['shift_leader', 'centre'],
];
const APPROVERS: Grant[] = [
  ['dispatcher', 'centre'],
  ['shift_leader', 'centre'],
];
const LEAD_HANDLERS: Grant[] = [
  ['handler', 'lead'],
  ['dispatcher', 'lead'],
];
const CHECKERS: Grant[] = [
  ['grid_worker', 'area'],
  ['supervisor', 'centre'],
  ['shift_leader', 'centre'],
];
const IN_PROGRESS: CaseState[] = ['REGISTERED', 'DISPATCHED', 'HANDLING', 'HANDLED', 'CHECKING'];
const EVERY_ROLE_THAT_SEES: Grant[] = (
  ['intake', 'shift_leader', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'leader'] as const
).map((r) => [r, 'any'] as const);

const NS: Guard[] = ['not_suspended'];

export const TRANSITIONS: Readonly<Record<CaseAction, Rule>> = {
  accept: { from: ['REPORTED'], to: 'ACCEPTED', who: CENTRE_INTAKE, guards: [] },
  reject: { from: ['REPORTED'], to: 'REJECTED', who: CENTRE_INTAKE, guards: [] },
  merge: { from: ['REPORTED', 'ACCEPTED'], to: 'MERGED', who: CENTRE_INTAKE, guards: [] },
  // Undoes a wrong merge (automatic ones above all): the report is taken in again from the start.
  unmerge: { from: ['MERGED'], to: 'REPORTED', who: CENTRE_INTAKE, guards: [] },
  register: { from: ['ACCEPTED'], to: 'REGISTERED', who: CENTRE_INTAKE, guards: [] },
  void: { from: ['ACCEPTED', 'REGISTERED'], to: 'VOIDED', who: APPROVERS, guards: NS },
  // 横向分拨 from the centre, or 纵向交办 by a town/street dispatcher inside its own area.
  dispatch: {
    from: ['REGISTERED'],
    to: 'DISPATCHED',
    who: [...APPROVERS, ['dispatcher', 'area']],
    guards: NS,
  },
  sign: { from: ['DISPATCHED'], to: 'HANDLING', who: LEAD_HANDLERS, guards: NS },
  return: { from: ['DISPATCHED', 'HANDLING'], to: 'REGISTERED', who: LEAD_HANDLERS, guards: NS },
  report_handled: { from: ['HANDLING'], to: 'HANDLED', who: LEAD_HANDLERS, guards: NS },
  check: {
    from: ['HANDLED'],
    to: 'CHECKING',
    who: [...CHECKERS, ['intake', 'centre']],
    guards: NS,
  },
  check_pass: { from: ['CHECKING'], to: 'CHECKED', who: CHECKERS, guards: NS },
  check_fail: { from: ['CHECKING'], to: 'HANDLING', who: CHECKERS, guards: NS },
  close: { from: ['CHECKED'], to: 'CLOSED', who: [['shift_leader', 'centre']], guards: [] },
  visit: { from: ['CLOSED'], to: 'EVALUATED', who: CENTRE_INTAKE, guards: [] },
  postpone_request: {
    from: ['DISPATCHED', 'HANDLING'],
    to: null,
    who: LEAD_HANDLERS,
    guards: ['not_suspended', 'no_postponement_pending'],
  },
  postpone_approve: {
    from: ['DISPATCHED', 'HANDLING'],
    to: null,
    who: APPROVERS,
    guards: ['postponement_pending'],
  },
  postpone_deny: {
    from: ['DISPATCHED', 'HANDLING'],
    to: null,
    who: APPROVERS,
    guards: ['postponement_pending'],
  },
  suspend: { from: IN_PROGRESS, to: null, who: APPROVERS, guards: NS },
  resume: { from: IN_PROGRESS, to: null, who: APPROVERS, guards: ['suspended'] },
  supervise: {
    from: ['REGISTERED', 'DISPATCHED', 'HANDLING', 'HANDLED', 'CHECKING', 'CHECKED'],
    to: null,
    who: [
      ['supervisor', 'centre'],
      ['shift_leader', 'centre'],
      ['leader', 'any'],
    ],
    guards: [],
  },
  comment: { from: STATES, to: null, who: EVERY_ROLE_THAT_SEES, guards: [] },
  escalate: { from: ['DISPATCHED', 'HANDLING'], to: null, who: LEAD_HANDLERS, guards: NS },
  add_cohandler: {
    from: ['DISPATCHED', 'HANDLING'],
    to: null,
    who: [...APPROVERS, ['dispatcher', 'lead']],
    guards: NS,
  },
};

export interface ActorContext {
  roles: readonly Role[];
  relations: ReadonlySet<Relation>;
}

export interface CaseFlags {
  state: CaseState;
  suspended: boolean;
  postponementPending: boolean;
}

export type Decision =
  | { ok: true; to: CaseState; stateChanges: boolean }
  | { ok: false; code: 'CASE_INVALID_ACTION' | 'CASE_ACTION_FORBIDDEN'; reason: string };

function guardHolds(g: Guard, c: CaseFlags): boolean {
  switch (g) {
    case 'not_suspended':
      return !c.suspended;
    case 'suspended':
      return c.suspended;
    case 'postponement_pending':
      return c.postponementPending;
    case 'no_postponement_pending':
      return !c.postponementPending;
  }
}

const GUARD_REASON: Record<Guard, string> = {
  not_suspended: 'the case is suspended (挂账); resume it first',
  suspended: 'the case is not suspended',
  postponement_pending: 'no postponement request is pending',
  no_postponement_pending: 'a postponement request is already pending',
};

export function actorMay(rule: Rule, actor: ActorContext): boolean {
  return rule.who.some(([role, rel]) => actor.roles.includes(role) && (rel === 'any' || actor.relations.has(rel)));
}

/**
 * State and flags first (409: the action makes no sense now, whoever asks), then the actor (403).
 * This order means a handler who asks for an impossible action learns it is impossible, not that
 * it lacks rights.
 */
export function decide(action: CaseAction, c: CaseFlags, actor: ActorContext): Decision {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(c.state)) {
    return { ok: false, code: 'CASE_INVALID_ACTION', reason: `"${action}" is not possible in state ${c.state}` };
  }
  const failed = rule.guards.find((g) => !guardHolds(g, c));
  if (failed) return { ok: false, code: 'CASE_INVALID_ACTION', reason: GUARD_REASON[failed] };
  if (!actorMay(rule, actor)) {
    return { ok: false, code: 'CASE_ACTION_FORBIDDEN', reason: `your roles do not allow "${action}" on this case` };
  }
  return { ok: true, to: rule.to ?? c.state, stateChanges: rule.to !== null };
}

export function allowedActions(c: CaseFlags, actor: ActorContext): CaseAction[] {
  return ACTIONS.filter((a) => decide(a, c, actor).ok);
}

export function isCaseAction(s: string): s is CaseAction {
  return (ACTIONS as readonly string[]).includes(s);
}
