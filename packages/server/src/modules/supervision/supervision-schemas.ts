/** Response schemas of supervision orders (督办), their history, cards and settings (supervision-view.ts). */
import { ORDER_SOURCES, ORDER_STATUSES } from '@onegrid/domain/supervision/order';
import { z } from 'zod';
import { IsoTime, UserRef } from '../../platform/schemas.ts';

/** Supervision names units without their kind. */
export const OrderUnitRef = z.object({ id: z.string(), code: z.string().nullable(), name: z.string().nullable() });

export const OrderSchema = z.object({
  id: z.string(),
  number: z.string(),
  subject: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('case'), caseId: z.string(), caseNumber: z.string().nullable() }),
    z.object({ kind: z.literal('unit'), unitId: z.string() }),
    z.object({ kind: z.literal('target'), targetId: z.string(), unitId: z.string() }),
  ]),
  unit: OrderUnitRef,
  source: z.enum(ORDER_SOURCES),
  reason: z.string(),
  issuedBy: UserRef.nullable().describe('null when the system issued it'),
  issuedAt: IsoTime,
  deadlineAt: IsoTime,
  status: z.enum(ORDER_STATUSES),
  overdue: z.boolean(),
  version: z.number().int(),
  escalatedAt: IsoTime.nullable(),
  escalatedTo: OrderUnitRef.nullable(),
  response: z.object({ text: z.string(), fileIds: z.array(z.string()), by: UserRef.nullable(), at: IsoTime }).nullable(),
  closedAt: IsoTime.nullable(),
  closedBy: UserRef.nullable(),
  closeNote: z.string().nullable(),
});

export const OrderWithHistory = OrderSchema.extend({
  history: z.array(
    z.object({
      action: z.enum(['issued', 'escalated', 'responded', 'closed']),
      at: IsoTime,
      actor: UserRef.nullable(),
      note: z.string().nullable(),
      payload: z.record(z.string(), z.unknown()),
    }),
  ),
});

export const OrderPage = z.object({ items: z.array(OrderSchema), nextCursor: z.string().nullable() });

export const CardSchema = z.object({
  id: z.string(),
  unit: OrderUnitRef,
  period: z.string(),
  indicator: z.string(),
  colour: z.enum(['yellow', 'red']),
  value: z.number(),
  threshold: z.number(),
  orderId: z.string().nullable().describe('the supervision order a red card raised'),
  issuedAt: IsoTime,
  updatedAt: IsoTime,
});

export const SupervisionSettingsSchema = z.object({
  responseWorkingHours: z.number(),
  cards: z.array(
    z.union([
      z.object({ indicator: z.string(), yellowBelow: z.number(), redBelow: z.number() }),
      z.object({ indicator: z.string(), yellowAbove: z.number(), redAbove: z.number() }),
    ]),
  ),
});
