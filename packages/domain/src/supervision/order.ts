/**
 * The supervision order (督办单) lifecycle in one table: open → responded → closed, or
 * open → escalated (no response by the deadline) → responded → closed. Closing the subject case
 * closes the order from any state but closed.
 */
export const ORDER_STATUSES = ['open', 'escalated', 'responded', 'closed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_SOURCES = ['manual', 'overdue', 'target_report_overdue', 'card'] as const;
export type OrderSource = (typeof ORDER_SOURCES)[number];

export type OrderAction = 'escalate' | 'respond' | 'close' | 'close_with_subject';

const TABLE: Record<OrderAction, { from: readonly OrderStatus[]; to: OrderStatus }> = {
  escalate: { from: ['open'], to: 'escalated' },
  respond: { from: ['open', 'escalated'], to: 'responded' },
  close: { from: ['responded'], to: 'closed' },
  close_with_subject: { from: ['open', 'escalated', 'responded'], to: 'closed' },
};

export type OrderDecision = { ok: true; to: OrderStatus; from: readonly OrderStatus[] } | { ok: false; code: 'ORDER_NOT_OPEN' | 'ORDER_NOT_RESPONDED'; reason: string };

export function decideOrder(action: OrderAction, status: OrderStatus): OrderDecision {
  const t = TABLE[action];
  if (t.from.includes(status)) return { ok: true, to: t.to, from: t.from };
  if (action === 'close' && (status === 'open' || status === 'escalated')) {
    return { ok: false, code: 'ORDER_NOT_RESPONDED', reason: 'the responsible unit has not responded yet; close the order after reviewing its response' };
  }
  return { ok: false, code: 'ORDER_NOT_OPEN', reason: `the order is ${status}; "${action}" is possible only when it is ${t.from.join(' or ')}` };
}

/** Past its response deadline without a response. */
export function isOverdue(status: OrderStatus, deadlineAt: number, now: number): boolean {
  return status === 'escalated' || (status === 'open' && now >= deadlineAt);
}
