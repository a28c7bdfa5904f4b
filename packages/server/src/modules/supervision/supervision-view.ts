/** How supervision orders, their history and cards look in the API. */
import { isOverdue, type OrderSource, type OrderStatus } from '@onegrid/domain/supervision/order';
import type { SupervisionCardRow, SupervisionOrderEventRow, SupervisionOrderRow } from '../../db/schema.ts';
import { iso } from '../case/case-view.ts';
import type { Directory } from '../org/directory.ts';

export type OrderSubject = { kind: 'case'; caseId: string } | { kind: 'unit'; unitId: string } | { kind: 'target'; targetId: string; unitId: string };

export interface UnitRef {
  id: string;
  code: string | null;
  name: string | null;
}
export interface UserRef {
  id: string;
  name: string | null;
}

export interface SupervisionOrderView {
  id: string;
  number: string;
  subject: { kind: 'case'; caseId: string; caseNumber: string | null } | { kind: 'unit'; unitId: string } | { kind: 'target'; targetId: string; unitId: string };
  unit: UnitRef;
  source: OrderSource;
  reason: string;
  issuedBy: UserRef | null;
  issuedAt: string;
  deadlineAt: string;
  status: OrderStatus;
  overdue: boolean;
  version: number;
  escalatedAt: string | null;
  escalatedTo: UnitRef | null;
  response: { text: string; fileIds: string[]; by: UserRef | null; at: string } | null;
  closedAt: string | null;
  closedBy: UserRef | null;
  closeNote: string | null;
}

export interface OrderHistoryEntry {
  action: SupervisionOrderEventRow['action'];
  at: string;
  actor: UserRef | null;
  note: string | null;
  payload: Record<string, unknown>;
}

export interface ViewContext {
  dir: Directory;
  now: number;
  userName(id: string): string | null;
}

export function unitRef(dir: Directory, id: string): UnitRef {
  const u = dir.unit(id);
  return { id, code: u?.code ?? null, name: u?.name ?? null };
}

const userRef = (ctx: ViewContext, id: string | null): UserRef | null => (id ? { id, name: ctx.userName(id) } : null);

export function orderView(o: SupervisionOrderRow, ctx: ViewContext): SupervisionOrderView {
  const subject: SupervisionOrderView['subject'] =
    o.subject_kind === 'case'
      ? { kind: 'case', caseId: o.case_id as string, caseNumber: o.case_number }
      : o.subject_kind === 'target'
        ? { kind: 'target', targetId: o.target_id as string, unitId: o.unit_id }
        : { kind: 'unit', unitId: o.unit_id };
  return {
    id: o.id,
    number: o.number,
    subject,
    unit: unitRef(ctx.dir, o.unit_id),
    source: o.source,
    reason: o.reason,
    issuedBy: userRef(ctx, o.issued_by),
    issuedAt: iso(o.issued_at) as string,
    deadlineAt: iso(o.deadline_at) as string,
    status: o.status,
    overdue: isOverdue(o.status, o.deadline_at, ctx.now),
    version: o.version,
    escalatedAt: iso(o.escalated_at),
    escalatedTo: o.escalated_to_unit_id ? unitRef(ctx.dir, o.escalated_to_unit_id) : null,
    response:
      o.responded_at !== null
        ? { text: o.response_text ?? '', fileIds: JSON.parse(o.response_files ?? '[]') as string[], by: userRef(ctx, o.responded_by), at: iso(o.responded_at) as string }
        : null,
    closedAt: iso(o.closed_at),
    closedBy: userRef(ctx, o.closed_by),
    closeNote: o.close_note,
  };
}

export function historyView(e: SupervisionOrderEventRow, ctx: ViewContext): OrderHistoryEntry {
  return { action: e.action, at: iso(e.at) as string, actor: userRef(ctx, e.actor_user_id), note: e.note, payload: JSON.parse(e.payload) as Record<string, unknown> };
}

export function cardView(c: SupervisionCardRow, dir: Directory) {
  return {
    id: c.id,
    unit: unitRef(dir, c.unit_id),
    period: c.period,
    indicator: c.indicator,
    colour: c.colour,
    value: c.value,
    threshold: c.threshold,
    orderId: c.order_id,
    issuedAt: iso(c.issued_at) as string,
    updatedAt: iso(c.updated_at) as string,
  };
}
export type CardView = ReturnType<typeof cardView>;
