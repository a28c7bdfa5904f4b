/** Response schemas of the inbox and the webhooks. */
import { z } from 'zod';
import { IsoTime } from '../../platform/schemas.ts';

export const NotificationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  caseId: z.string().nullable(),
  title: z.string(),
  body: z.string().nullable(),
  createdAt: IsoTime,
  readAt: IsoTime.nullable(),
});

export const Inbox = z.object({ items: z.array(NotificationSchema), unread: z.number().int(), nextCursor: z.string().nullable() });

export const WebhookSchema = z.object({ id: z.string(), url: z.string(), topics: z.array(z.string()), active: z.boolean(), createdAt: IsoTime });

export const NewWebhook = WebhookSchema.extend({ secret: z.string().describe('the signing secret, shown once') });

export const DeliverySchema = z.object({
  id: z.string(),
  topic: z.string(),
  attempts: z.number().int(),
  deliveredAt: IsoTime.nullable(),
  failedAt: IsoTime.nullable(),
  nextAttemptAt: IsoTime.nullable(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
});
