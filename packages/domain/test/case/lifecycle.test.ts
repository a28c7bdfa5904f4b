/**
 * The transition table, exhaustively: every state × action × role is allowed (with the right
 * target state) or refused with the right code. The expectations restate DOMAIN.md §3 as a
 * plain list, independent of how lifecycle.ts is organised.
 */
import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/access/roles.ts';
import { ACTIONS, type CaseAction, type CaseState, decide, type Relation, STATES, allowedActions } from '../../src/case/lifecycle.ts';

const ALL_REL = new Set<Relation>(['centre', 'lead', 'cohandler', 'area', 'any']);
const OPEN = ['REGISTERED', 'DISPATCHED', 'HANDLING', 'HANDLED', 'CHECKING'] as const;

interface Expect {
  from: CaseState[];
  to: CaseState | 'same';
  roles: Role[];
}

const SPEC: Record<CaseAction, Expect> = {
  accept: { from: ['REPORTED'], to: 'ACCEPTED', roles: ['intake', 'shift_leader'] },
  reject: { from: ['REPORTED'], to: 'REJECTED', roles: ['intake', 'shift_leader'] },
  merge: { from: ['REPORTED', 'ACCEPTED'], to: 'MERGED', roles: ['intake', 'shift_leader'] },
  unmerge: { from: ['MERGED'], to: 'REPORTED', roles: ['intake', 'shift_leader'] },
  register: { from: ['ACCEPTED'], to: 'REGISTERED', roles: ['intake', 'shift_leader'] },
  void: { from: ['ACCEPTED', 'REGISTERED'], to: 'VOIDED', roles: ['dispatcher', 'shift_leader'] },
  dispatch: { from: ['REGISTERED'], to: 'DISPATCHED', roles: ['dispatcher', 'shift_leader'] },
  sign: { from: ['DISPATCHED'], to: 'HANDLING', roles: ['handler', 'dispatcher'] },
  return: { from: ['DISPATCHED', 'HANDLING'], to: 'REGISTERED', roles: ['handler', 'dispatcher'] },
  report_handled: { from: ['HANDLING'], to: 'HANDLED', roles: ['handler', 'dispatcher'] },
  check: { from: ['HANDLED'], to: 'CHECKING', roles: ['grid_worker', 'supervisor', 'shift_leader', 'intake'] },
  check_pass: { from: ['CHECKING'], to: 'CHECKED', roles: ['grid_worker', 'supervisor', 'shift_leader'] },
  check_fail: { from: ['CHECKING'], to: 'HANDLING', roles: ['grid_worker', 'supervisor', 'shift_leader'] },
  close: { from: ['CHECKED'], to: 'CLOSED', roles: ['shift_leader'] },
  visit: { from: ['CLOSED'], to: 'EVALUATED', roles: ['intake', 'shift_leader'] },
  postpone_request: { from: ['DISPATCHED', 'HANDLING'], to: 'same', roles: ['handler', 'dispatcher'] },
  postpone_approve: { from: ['DISPATCHED', 'HANDLING'], to: 'same', roles: ['dispatcher', 'shift_leader'] },
  postpone_deny: { from: ['DISPATCHED', 'HANDLING'], to: 'same', roles: ['dispatcher', 'shift_leader'] },
  suspend: { from: [...OPEN], to: 'same', roles: ['dispatcher', 'shift_leader'] },
  resume: { from: [...OPEN], to: 'same', roles: ['dispatcher', 'shift_leader'] },
  supervise: { from: [...OPEN, 'CHECKED'], to: 'same', roles: ['supervisor', 'shift_leader', 'leader'] },
  comment: { from: [...STATES], to: 'same', roles: ['intake', 'shift_leader', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'leader'] },
  escalate: { from: ['DISPATCHED', 'HANDLING'], to: 'same', roles: ['handler', 'dispatcher'] },
  add_cohandler: { from: ['DISPATCHED', 'HANDLING'], to: 'same', roles: ['dispatcher', 'shift_leader'] },
};

/** Flags that satisfy each action's own precondition, so the state and role are what is tested. */
function flagsFor(action: CaseAction, state: CaseState) {
  return {
    state,
    suspended: action === 'resume',
    postponementPending: action === 'postpone_approve' || action === 'postpone_deny',
  };
}

describe('transition table: every state × action × role', () => {
  const rows = STATES.flatMap((state) => ACTIONS.flatMap((action) => ROLES.map((role) => ({ state, action, role }))));
  it(`covers ${STATES.length} × ${ACTIONS.length} × ${ROLES.length} = ${rows.length} combinations`, () => {
    expect(rows).toHaveLength(13 * 24 * 9);
  });
  it.each(rows)('$state × $action × $role', ({ state, action, role }) => {
    const spec = SPEC[action];
    const d = decide(action, flagsFor(action, state), { roles: [role], relations: ALL_REL });
    if (!spec.from.includes(state)) {
      expect(d).toMatchObject({ ok: false, code: 'CASE_INVALID_ACTION' });
    } else if (!spec.roles.includes(role)) {
      expect(d).toMatchObject({ ok: false, code: 'CASE_ACTION_FORBIDDEN' });
    } else {
      expect(d).toMatchObject({ ok: true, to: spec.to === 'same' ? state : spec.to });
    }
  });
});

describe('relations and guards', () => {
  const flags = (state: CaseState, extra: Partial<{ suspended: boolean; postponementPending: boolean }> = {}) => ({
    state,
    suspended: false,
    postponementPending: false,
    ...extra,
  });
  const actor = (roles: Role[], ...rel: Relation[]) => ({ roles, relations: new Set<Relation>(['any', ...rel]) });

  it('a handler acts only on cases led by its unit', () => {
    expect(decide('sign', flags('DISPATCHED'), actor(['handler'])).ok).toBe(false);
    expect(decide('sign', flags('DISPATCHED'), actor(['handler'], 'cohandler')).ok).toBe(false);
    expect(decide('sign', flags('DISPATCHED'), actor(['handler'], 'lead')).ok).toBe(true);
  });
  it('a grid worker checks only inside its area; centre roles need the centre', () => {
    expect(decide('check', flags('HANDLED'), actor(['grid_worker'])).ok).toBe(false);
    expect(decide('check', flags('HANDLED'), actor(['grid_worker'], 'area')).ok).toBe(true);
    expect(decide('accept', flags('REPORTED'), actor(['intake'], 'area')).ok).toBe(false);
    expect(decide('close', flags('CHECKED'), actor(['shift_leader'], 'lead')).ok).toBe(false);
  });
  it('a town/street dispatcher dispatches inside its area but cannot approve postponements', () => {
    expect(decide('dispatch', flags('REGISTERED'), actor(['dispatcher'], 'area')).ok).toBe(true);
    expect(decide('postpone_approve', flags('HANDLING', { postponementPending: true }), actor(['dispatcher'], 'area')).ok).toBe(false);
  });
  it('suspension blocks the flow until resume, but supervision and comments go on', () => {
    const s = flags('HANDLING', { suspended: true });
    const a = actor(['handler', 'dispatcher', 'shift_leader', 'supervisor'], 'lead', 'centre');
    expect(decide('report_handled', s, a)).toMatchObject({ ok: false, code: 'CASE_INVALID_ACTION' });
    expect(decide('suspend', s, a).ok).toBe(false);
    expect(allowedActions(s, a).sort()).toEqual(['comment', 'resume', 'supervise'].sort());
    expect(decide('resume', flags('HANDLING'), a).ok).toBe(false);
  });
  it('a postponement request must be pending before it can be decided, and only one at a time', () => {
    const a = actor(['handler', 'dispatcher'], 'lead', 'centre');
    expect(decide('postpone_approve', flags('HANDLING'), a)).toMatchObject({ ok: false, code: 'CASE_INVALID_ACTION' });
    expect(decide('postpone_request', flags('HANDLING', { postponementPending: true }), a).ok).toBe(false);
    expect(decide('postpone_request', flags('HANDLING'), a).ok).toBe(true);
  });
  it('admins manage the system but take no case action', () => {
    for (const state of STATES) expect(allowedActions(flags(state), actor(['admin'], 'centre', 'lead', 'area'))).toEqual([]);
  });
  it('terminal states allow only comments, and a merge can be undone', () => {
    const a = actor([...ROLES], 'centre', 'lead', 'cohandler', 'area');
    for (const state of ['REJECTED', 'VOIDED', 'EVALUATED'] as const) expect(allowedActions(flags(state), a)).toEqual(['comment']);
    expect(allowedActions(flags('MERGED'), a)).toEqual(['unmerge', 'comment']);
  });
});
