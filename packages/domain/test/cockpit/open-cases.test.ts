/** How case events move a case's live (state, light) in the cockpit's counts. */
import { describe, expect, it } from 'vitest';
import { type LiveStatus, nextStatus } from '../../src/cockpit/open-cases.ts';

const s = (state: string, light: LiveStatus['light']) => ({ state, light }) as LiveStatus;

describe('live status of an open case', () => {
  it.each([
    ['a new report is green', null, 'reported', 'REPORTED', s('REPORTED', 'green')],
    ['a warning turns it yellow', s('DISPATCHED', 'green'), 'sla_warning', 'DISPATCHED', s('DISPATCHED', 'yellow')],
    ['a warning never turns red back to yellow', s('DISPATCHED', 'red'), 'sla_warning', 'DISPATCHED', s('DISPATCHED', 'red')],
    ['overdue turns it red', s('HANDLING', 'yellow'), 'sla_overdue', 'HANDLING', s('HANDLING', 'red')],
    ['signing stays in the handle stage, so red stays red', s('DISPATCHED', 'red'), 'sign', 'HANDLING', s('HANDLING', 'red')],
    ['a new stage starts green', s('REGISTERED', 'red'), 'dispatch', 'DISPATCHED', s('DISPATCHED', 'green')],
    ['a rework restarts the handle clock', s('CHECKING', 'red'), 'check_fail', 'HANDLING', s('HANDLING', 'green')],
    ['an approved postponement is green again', s('HANDLING', 'red'), 'postpone_approve', 'HANDLING', s('HANDLING', 'green')],
    ['a state without a clock has no light', s('CHECKING', 'yellow'), 'check_pass', 'CHECKED', s('CHECKED', 'none')],
    ['a comment changes nothing', s('HANDLING', 'yellow'), 'comment', 'HANDLING', s('HANDLING', 'yellow')],
    ['closing leaves the open counts', s('CHECKED', 'none'), 'close', 'CLOSED', null],
    ['a merge leaves them too', s('REPORTED', 'green'), 'merge', 'MERGED', null],
    ['an unmerge comes back green', null, 'unmerge', 'REPORTED', s('REPORTED', 'green')],
  ] as const)('%s', (_name, prev, action, to, want) => {
    expect(nextStatus(prev, action, to)).toEqual(want);
  });
});
