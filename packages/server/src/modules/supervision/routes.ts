import { ORDER_SOURCES, ORDER_STATUSES } from '@onegrid/domain/supervision/order';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { route } from '../../platform/http.ts';
import { itemsOf } from '../../platform/schemas.ts';
import type { Services } from '../../services.ts';
import { CardSchema, OrderPage, OrderSchema, OrderWithHistory, SupervisionSettingsSchema } from './supervision-schemas.ts';

const id = z.string().min(1).max(100);

const subject = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('case'), caseId: id }),
  z.object({ kind: z.literal('unit'), unitId: id }),
  z.object({ kind: z.literal('target'), targetId: id, unitId: id }),
]);

const issueBody = z.object({
  subject,
  reason: z.string().trim().min(1, 'say why the unit is supervised (督办事由)').max(2000),
});

const listQuery = z.object({
  status: z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(ORDER_STATUSES)))
    .optional(),
  source: z.enum(ORDER_SOURCES).optional(),
  unitId: id.optional(),
  caseId: id.optional(),
  issuedFrom: z.iso.datetime({ offset: true }).optional(),
  issuedTo: z.iso.datetime({ offset: true }).optional(),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  before: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const threshold = z.union([
  z.object({ indicator: z.string().min(1).max(100), yellowBelow: z.number(), redBelow: z.number() }).strict(),
  z.object({ indicator: z.string().min(1).max(100), yellowAbove: z.number(), redAbove: z.number() }).strict(),
]);

const settingsBody = z
  .object({
    responseWorkingHours: z.number().positive().max(2000).optional(),
    cards: z.array(threshold).max(100).optional(),
  })
  .strict();

export function supervisionRoutes(app: FastifyInstance, s: Services): void {
  route(app, {
    method: 'POST',
    url: '/api/v1/supervision/orders',
    permission: 'supervision.issue',
    summary: 'Issue a supervision order (督办单) for a case (its lead unit), a unit, or a work-report target',
    tags: ['supervision'],
    successStatus: 201,
    body: issueBody,
    response: OrderSchema,
    handler: async ({ principal, body }) => s.supervision.issueAs(principal, body),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/supervision/orders',
    permission: 'supervision.read',
    summary: 'The supervision ledger (督办台账) of your unit subtree; status is a comma list, newest first',
    tags: ['supervision'],
    query: listQuery,
    response: OrderPage,
    handler: async ({ principal, query }) =>
      s.supervision.list(principal, {
        ...query,
        statuses: query.status,
        issuedFrom: query.issuedFrom ? Date.parse(query.issuedFrom) : undefined,
        issuedTo: query.issuedTo ? Date.parse(query.issuedTo) : undefined,
      }),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/supervision/orders/:id',
    permission: 'supervision.read',
    summary: 'One supervision order with its history (issued, escalated, responded, closed)',
    tags: ['supervision'],
    params: z.object({ id }),
    response: OrderWithHistory,
    handler: async ({ principal, params }) => s.supervision.get(principal, params.id),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/supervision/orders/:id/respond',
    permission: 'supervision.respond',
    summary: 'Respond (回复) as the responsible unit: what was done, with optional files from POST /api/v1/files',
    tags: ['supervision'],
    params: z.object({ id }),
    body: z.object({
      text: z.string().trim().min(1, 'write the response').max(5000),
      fileIds: z.array(id).max(20).optional(),
      version: z.number().int().positive().optional(),
    }),
    response: OrderSchema,
    handler: async ({ principal, params, body }) => s.supervision.respond(principal, params.id, body),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/supervision/orders/:id/close',
    permission: 'supervision.issue',
    summary: 'Close (办结) a responded order after reviewing the response',
    tags: ['supervision'],
    params: z.object({ id }),
    body: z.object({ note: z.string().max(2000).optional(), version: z.number().int().positive().optional() }),
    response: OrderSchema,
    handler: async ({ principal, params, body }) => s.supervision.close(principal, params.id, body),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/supervision/cards',
    permission: 'supervision.read',
    summary: 'Yellow and red cards (黄牌/红牌) of one evaluation period for your unit subtree',
    tags: ['supervision'],
    query: z.object({ period: z.string().trim().min(1, 'name the period, e.g. 2026-03').max(40) }),
    response: itemsOf(CardSchema),
    handler: async ({ principal, query }) => ({ items: await s.supervision.cards(principal, query.period) }),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/settings/supervision',
    permission: 'evaluation.manage',
    summary: 'Supervision settings in force: response deadline (working hours) and card thresholds per indicator',
    tags: ['settings'],
    response: SupervisionSettingsSchema,
    handler: async ({ principal }) => s.supervision.settings(principal.districtId),
  });
  route(app, {
    method: 'PUT',
    url: '/api/v1/settings/supervision',
    permission: 'evaluation.manage',
    summary: 'Change supervision settings; omitted fields keep their value, a cards list replaces the old one',
    tags: ['settings'],
    body: settingsBody,
    response: SupervisionSettingsSchema,
    handler: async ({ principal, body }) => s.supervision.updateSettings(principal, body),
  });
}
