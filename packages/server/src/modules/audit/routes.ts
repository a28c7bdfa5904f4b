import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { route } from '../../platform/http.ts';
import { IsoTime } from '../../platform/schemas.ts';
import type { Services } from '../../services.ts';
import { AUDIT_ACTION_NAMES, SUBJECT_KINDS } from './audit-actions.ts';

const AuditEntrySchema = z.object({
  id: z.string(),
  at: IsoTime,
  actorUserId: z.string().nullable(),
  actorUsername: z.string(),
  action: z.enum(AUDIT_ACTION_NAMES),
  subjectKind: z.enum(SUBJECT_KINDS),
  subjectId: z.string(),
  summary: z.record(z.string(), z.unknown()),
});
const AuditPage = z.object({ items: z.array(AuditEntrySchema), nextCursor: z.string().nullable() });

export function auditRoutes(app: FastifyInstance, s: Services): void {
  route(app, {
    method: 'GET',
    url: '/api/v1/audit',
    permission: 'audit.read',
    summary: 'The audit log (操作日志) of administrative changes in the district, newest first; page on with before=nextCursor',
    tags: ['audit'],
    query: z.object({
      action: z.enum(AUDIT_ACTION_NAMES).optional(),
      subjectKind: z.enum(SUBJECT_KINDS).optional(),
      subjectId: z.string().max(100).optional(),
      actor: z.string().max(100).optional().describe('a username or user id'),
      from: IsoTime.optional(),
      to: IsoTime.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50),
      before: z.string().max(100).optional(),
    }),
    response: AuditPage,
    handler: async ({ principal, query }) => s.audit.list(principal, query),
  });
}
