import { describe, expect, it } from 'vitest';
import { decideOrder, isOverdue, ORDER_STATUSES, type OrderAction, type OrderStatus } from '../../src/supervision/order.ts';

// DOMAIN: open → responded → closed; open → escalated → responded → closed; the subject closing closes any non-closed order.
const ALLOWED: Record<OrderAction, Partial<Record<OrderStatus, OrderStatus>>> = {
  escalate: { open: 'escalated' },
  respond: { open: 'responded', escalated: 'responded' },
  close: { responded: 'closed' },
  close_with_subject: { open: 'closed', escalated: 'closed', responded: 'closed' },
};

describe('decideOrder', () => {
  for (const [action, to] of Object.entries(ALLOWED) as Array<[OrderAction, Partial<Record<OrderStatus, OrderStatus>>]>) {
    for (const status of ORDER_STATUSES) {
      it(`${action} from ${status}`, () => {
        const d = decideOrder(action, status);
        if (to[status]) expect(d).toMatchObject({ ok: true, to: to[status] });
        else expect(d).toMatchObject({ ok: false, code: action === 'close' && status !== 'closed' ? 'ORDER_NOT_RESPONDED' : 'ORDER_NOT_OPEN' });
      });
    }
  }
});

describe('isOverdue', () => {
  it.each([
    ['open', 100, 99, false],
    ['open', 100, 100, true],
    ['escalated', 100, 50, true],
    ['responded', 100, 200, false],
    ['closed', 100, 200, false],
  ] as const)('%s due %i at %i → %s', (status, due, now, want) => {
    expect(isOverdue(status, due, now)).toBe(want);
  });
});
