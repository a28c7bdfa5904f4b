import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { route } from '../../platform/http.ts';
import { itemsOf, Ok } from '../../platform/schemas.ts';
import type { Services } from '../../services.ts';
import { DeliverySchema, Inbox, NewWebhook, WebhookSchema } from './notify-schemas.ts';

export function notifyRoutes(app: FastifyInstance, s: Services): void {
  route(app, {
    method: 'GET',
    url: '/api/v1/notifications',
    permission: 'notification.read',
    summary: 'Your inbox: dispatched to you, returned, overdue, supervised…',
    tags: ['notifications'],
    query: z.object({
      unread: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
      before: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
    response: Inbox,
    handler: async ({ principal, query }) => s.notify.inbox(principal, query),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/notifications/read',
    permission: 'notification.read',
    summary: 'Mark notifications read (ids, or all)',
    tags: ['notifications'],
    body: z.object({ ids: z.array(z.string()).max(500).optional(), all: z.boolean().optional() }),
    response: z.object({ updated: z.number().int() }),
    handler: async ({ principal, body }) => ({ updated: await s.notify.markRead(principal, body.all ? 'all' : (body.ids ?? [])) }),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/webhooks',
    permission: 'integration.manage',
    summary: 'Registered webhooks',
    tags: ['integration'],
    response: itemsOf(WebhookSchema),
    handler: async ({ principal }) => ({ items: await s.notify.listWebhooks(principal) }),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/webhooks',
    permission: 'integration.manage',
    summary: 'Register a webhook; the signing secret is returned once',
    tags: ['integration'],
    successStatus: 201,
    body: z.object({ url: z.url(), topics: z.array(z.string().regex(/^(\*|[a-z_]+\.(\*|[a-z_]+))$/, 'e.g. case.* or case.dispatch')).min(1).default(['case.*']) }),
    response: NewWebhook,
    handler: async ({ principal, body }) => s.notify.createWebhook(principal, body),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/webhooks/:id/:verb',
    permission: 'integration.manage',
    summary: 'Pause (disable) or resume (enable) a webhook',
    tags: ['integration'],
    params: z.object({ id: z.string(), verb: z.enum(['enable', 'disable']) }),
    response: Ok,
    handler: async ({ principal, params }) => {
      await s.notify.setWebhookActive(principal, params.id, params.verb === 'enable');
      return { ok: true };
    },
  });
  route(app, {
    method: 'DELETE',
    url: '/api/v1/webhooks/:id',
    permission: 'integration.manage',
    summary: 'Remove a webhook and its delivery log',
    tags: ['integration'],
    params: z.object({ id: z.string() }),
    response: Ok,
    handler: async ({ principal, params }) => {
      await s.notify.deleteWebhook(principal, params.id);
      return { ok: true };
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/webhooks/:id/deliveries',
    permission: 'integration.manage',
    summary: 'Recent deliveries with attempts and errors',
    tags: ['integration'],
    params: z.object({ id: z.string() }),
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
    response: itemsOf(DeliverySchema),
    handler: async ({ principal, params, query }) => ({ items: await s.notify.deliveries(principal, params.id, query.limit) }),
  });
}
