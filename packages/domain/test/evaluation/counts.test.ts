/**
 * The counting rules of evaluation on hand-built event logs: period edges, rework, postponement,
 * suspension, overdue across a period edge, attribution — and a published figure (天门 911 / 972
 * = 93.72 %) reproduced from 972 synthetic cases.
 */
import { describe, expect, it } from 'vitest';
import { COUNT_INDEX, COUNTS, type CountId, type FoldEvent, foldCase } from '../../src/evaluation/counts.ts';
import { DEFAULT_SCHEME } from '../../src/evaluation/default-scheme.ts';
import { compile, indicatorValues } from '../../src/evaluation/scheme.ts';

const H = 3_600_000;
const T0 = Date.parse('2024-03-01T00:00:00+08:00');
const T1 = Date.parse('2024-04-01T00:00:00+08:00');

/** Events from `[action, to, hoursAfterT0, actor?, payload?]`. */
function log(...steps: Array<[string, string, number, string?, object?]>): FoldEvent[] {
  return steps.map(([action, to, h, actor, payload]) => ({ action, to, at: T0 + h * H, actor: actor ?? null, payload: JSON.stringify(payload ?? {}) }));
}

const LOOP = (lead = 'cgj', start = 1): Array<[string, string, number, string?, object?]> => [
  ['report', 'REPORTED', start, 'g1'],
  ['accept', 'ACCEPTED', start + 1, 'in1'],
  ['register', 'REGISTERED', start + 2, 'sl1'],
  ['dispatch', 'DISPATCHED', start + 3, 'ds1', { leadUnitId: lead }],
  ['sign', 'HANDLING', start + 4, 'h1'],
  ['report_handled', 'HANDLED', start + 10, 'h1'],
  ['check', 'CHECKING', start + 11, 'g1'],
  ['check_pass', 'CHECKED', start + 12, 'g1'],
  ['close', 'CLOSED', start + 13, 'sl1'],
];

type Counted = Partial<Record<CountId, number>> & { byLead: Record<string, Partial<Record<CountId, number>>>; byPerson: Record<string, Partial<Record<CountId, number>>> };

function count(events: FoldEvent[], channel = 'patrol', start = T0, end = T1): Counted {
  const out: Counted = { byLead: {}, byPerson: {} };
  foldCase(channel, events, start, end, (i, amount, lead, person) => {
    const id = COUNTS[i]?.id as CountId;
    out[id] = (out[id] ?? 0) + amount;
    if (lead) out.byLead[lead] = { ...out.byLead[lead], [id]: (out.byLead[lead]?.[id] ?? 0) + amount };
    if (person) out.byPerson[person] = { ...out.byPerson[person], [id]: (out.byPerson[person]?.[id] ?? 0) + amount };
  });
  return out;
}

describe('evaluation counts from the event log', () => {
  it('counts one whole loop in time, with attribution to lead unit and persons', () => {
    const c = count(log(...LOOP()));
    expect(c).toMatchObject({ reported: 1, reported_valid: 1, accepted: 1, accepted_on_time: 1, registered: 1, registered_on_time: 1, dispatched: 1, dispatched_on_time: 1 });
    expect(c).toMatchObject({ signed: 1, signed_on_time: 1, handled: 1, handled_on_time: 1, due_to_handle: 1, checked: 1, checked_on_time: 1 });
    expect(c).toMatchObject({ closed: 1, closed_on_time: 1, due_to_close: 1, handle_minutes: 7 * 60, close_minutes: 13 * 60 });
    expect(c.reworked).toBeUndefined();
    expect(c.byLead.cgj).toMatchObject({ dispatched: 1, handled: 1, closed: 1, closed_on_time: 1 });
    expect(c.byPerson.g1).toMatchObject({ reported: 1, reported_valid: 1, checked: 1 });
    expect(c.byPerson.ds1).toMatchObject({ dispatched: 1, dispatched_on_time: 1 });
    expect(c.byPerson.sl1).toMatchObject({ registered: 1, closed: 1, closed_on_time: 1 });
  });

  it('an event at the period end belongs to the next period, one at the start to this one', () => {
    const edge = (T1 - T0) / H;
    const events = log(['report', 'REPORTED', 0, 'g1'], ['accept', 'ACCEPTED', edge, 'in1']);
    expect(count(events)).toMatchObject({ reported: 1 });
    expect(count(events).accepted).toBeUndefined();
    expect(count(events, 'patrol', T1, T1 + 30 * 24 * H)).toMatchObject({ accepted: 1, reported_valid: 1 });
    expect(count(events, 'patrol', T1, T1 + 30 * 24 * H).reported).toBeUndefined();
  });

  it('an overdue case counts against the period it went overdue in and, closed late, in the next', () => {
    const edge = (T1 - T0) / H;
    const events = log(
      ['report', 'REPORTED', 1],
      ['accept', 'ACCEPTED', 2],
      ['register', 'REGISTERED', 3],
      ['dispatch', 'DISPATCHED', 4, 'ds1', { leadUnitId: 'slj' }],
      ['sign', 'HANDLING', 5],
      ['sla_overdue', 'HANDLING', edge - 10],
      ['report_handled', 'HANDLED', edge + 5],
      ['check', 'CHECKING', edge + 6],
      ['check_pass', 'CHECKED', edge + 7],
      ['close', 'CLOSED', edge + 8, 'sl1'],
    );
    const march = count(events);
    expect(march).toMatchObject({ due_to_close: 1, due_to_handle: 1 });
    expect(march.closed).toBeUndefined();
    const april = count(events, 'patrol', T1, T1 + 30 * 24 * H);
    expect(april).toMatchObject({ closed: 1, due_to_close: 1, handled: 1 });
    expect(april.closed_on_time).toBeUndefined();
    expect(april.handled_on_time).toBeUndefined();
  });

  it('rework restarts the handling clock but the close is late if any handling was overdue', () => {
    const events = log(
      ...LOOP('cgj').slice(0, 8).map((s): [string, string, number, string?, object?] => (s[0] === 'check_pass' ? ['check_fail', 'HANDLING', 12, 'g1'] : s)),
      ['sla_overdue', 'HANDLING', 20],
      ['report_handled', 'HANDLED', 30, 'h1'],
      ['check', 'CHECKING', 31, 'g1'],
      ['check_pass', 'CHECKED', 32, 'g1'],
      ['close', 'CLOSED', 33, 'sl1'],
    );
    const c = count(events);
    expect(c).toMatchObject({ reworked: 1, handled: 2, handled_on_time: 1, checked: 2, closed: 1, due_to_close: 1 });
    expect(c.closed_on_time).toBeUndefined();
    expect(c.handle_minutes).toBe(7 * 60 + 18 * 60);
  });

  it('an approved postponement keeps the case in time (the timers moved); a suspension at the end is counted for the net rate', () => {
    const postponed = log(...LOOP().slice(0, 5), ['postpone_request', 'HANDLING', 6], ['postpone_approve', 'HANDLING', 7], ...LOOP().slice(5));
    expect(count(postponed)).toMatchObject({ postponed: 1, closed: 1, closed_on_time: 1 });
    const suspended = log(...LOOP().slice(0, 5), ['suspend', 'HANDLING', 6], ['sla_overdue', 'HANDLING', 3]);
    expect(count(suspended)).toMatchObject({ suspended: 1, suspended_at_end: 1, due_to_close: 1 });
    const resumed = log(...LOOP().slice(0, 5), ['suspend', 'HANDLING', 6], ['resume', 'HANDLING', 8]);
    expect(count(resumed).suspended_at_end).toBeUndefined();
  });

  it('a return is charged to the unit that returned it and to the dispatcher', () => {
    const c = count(
      log(
        ...LOOP().slice(0, 4),
        ['return', 'REGISTERED', 5, 'h2'],
        ['sla_overdue', 'REGISTERED', 6],
        ['dispatch', 'DISPATCHED', 7, 'ds2', { leadUnitId: 'jtj' }],
      ),
    );
    expect(c.byLead.cgj).toMatchObject({ dispatched: 1, returned: 1 });
    expect(c.byLead.jtj).toMatchObject({ dispatched: 1 });
    expect(c.byLead.jtj?.dispatched_on_time).toBeUndefined();
    expect(c.byPerson.ds1).toMatchObject({ returned: 1, dispatched: 1 });
  });

  it('reads the lead unit of a dispatch from any payload shape, and none from a null one', () => {
    const dispatchWith = (payload: string) =>
      count([...log(...LOOP().slice(0, 3)), { action: 'dispatch', to: 'DISPATCHED', at: T0 + 4 * H, actor: 'ds1', payload }]).byLead;
    expect(dispatchWith('{"leadUnitId":"cgj","mode":"down"}').cgj).toMatchObject({ dispatched: 1 });
    expect(dispatchWith('{"mode":"down","leadUnitId":"jtj"}').jtj).toMatchObject({ dispatched: 1 });
    expect(dispatchWith('{ "leadUnitId": "slj" }').slj).toMatchObject({ dispatched: 1 });
    expect(dispatchWith('{"leadUnitId":"a\\"b"}')['a"b']).toMatchObject({ dispatched: 1 });
    expect(Object.keys(dispatchWith('{"leadUnitId":null}'))).toEqual([]);
  });

  it('hotline three rates, public first reports and repeat problems', () => {
    const visit = (satisfaction: string, resolved: boolean): [string, string, number, string?, object?] => ['visit', 'EVALUATED', 20, 'in1', { satisfaction, resolved }];
    const a = count(log(...LOOP(), visit('basically_satisfied', true)), 'hotline');
    expect(a).toMatchObject({ hotline_dispatched: 1, hotline_signed_on_time: 1, hotline_visited: 1, hotline_resolved: 1, hotline_satisfied: 1, reported_public: 1 });
    const b = count(log(...LOOP(), visit('unsatisfied', false)), 'patrol');
    expect(b).toMatchObject({ visited: 1 });
    expect(b.satisfied).toBeUndefined();
    expect(b.reported_public).toBeUndefined();
    expect(b.hotline_visited).toBeUndefined();
    expect(count(log(['report', 'REPORTED', 1, 'c1', { repeatOf: 'x' }]))).toMatchObject({ repeat_reported: 1 });
  });

  it('reproduces the published 天门 figure: 911 of 972 cases closed on time = 93.72 %', () => {
    const totals = new Float64Array(COUNTS.length);
    for (let i = 0; i < 972; i++) {
      const late = i >= 911;
      const events = log(...LOOP('cgj', i % 200).slice(0, 5), ...(late ? [['sla_overdue', 'HANDLING', (i % 200) + 8] as [string, string, number]] : []), ...LOOP('cgj', i % 200).slice(5));
      foldCase('patrol', events, T0, T1, (k, amount) => {
        totals[k] = (totals[k] as number) + amount;
      });
    }
    const v = indicatorValues(compile(DEFAULT_SCHEME), (name) => totals[COUNT_INDEX[name as CountId]]);
    expect(totals[COUNT_INDEX.closed_on_time]).toBe(911);
    expect(totals[COUNT_INDEX.due_to_close]).toBe(972);
    expect(((v.closed_on_time_rate as number) * 100).toFixed(2)).toBe('93.72');
    expect(v.close_rate).toBe(1);
  });
});
