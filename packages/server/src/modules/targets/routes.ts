/** Work-report targets (目标任务督办) and reviews (复盘) over HTTP. */
import { TARGET_STATUSES } from '@onegrid/domain/targets/kinds';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { route } from '../../platform/http.ts';
import type { Services } from '../../services.ts';
import { itemsOf } from '../../platform/schemas.ts';
import { Board, Reported, ReviewSchema, TargetSchema, TargetWithProgress } from './target-schemas.ts';
import { targetInputSchema } from './target-input.ts';

const asOf = z.iso
  .datetime({ offset: true })
  .or(z.string().regex(/^\d{4}-\d{2}-\d{2}$/))
  .optional()
  .describe('judge status as of this time (default now); a date means its end, district time')
  .transform((v) => (v === undefined ? undefined : v.length === 10 ? Date.parse(`${v}T23:59:59.999+08:00`) : Date.parse(v)));
const year = z.coerce.number().int().min(2000).max(2100).optional();
const idParam = z.object({ id: z.string() });
const progressBody = z.object({
  period: z.string().min(1).describe('2024-03 (monthly) or 2024Q1 (quarterly)'),
  value: z.number().nullish().describe("an indicator's value to date; a task's percent complete"),
  milestonesDone: z.array(z.string()).max(50).optional(),
  narrative: z.string().max(5000).default(''),
  attachments: z.array(z.string()).max(20).optional().describe('file ids from POST /api/v1/files'),
  unitId: z.string().optional().describe('report for this lead/co-unit (id or code); default your own'),
});
const reviewBody = z.object({
  title: z.string().min(1).max(200),
  whatHappened: z.string().min(1).max(10_000),
  timeline: z.array(z.object({ at: z.iso.datetime({ offset: true }), what: z.string().min(1).max(1000) })).max(200).default([]),
  cause: z.string().max(10_000).default(''),
  changes: z.string().max(10_000).default('').describe('what we change so it does not happen again'),
});
const subjectKind = z.enum(['case', 'alarm']);

export function targetRoutes(app: FastifyInstance, s: Services): void {
  route(app, {
    method: 'GET',
    url: '/api/v1/targets',
    permission: 'target.read',
    summary: 'Targets and tasks the caller may see, each with its status (on_track, at_risk, behind, achieved) as of now or asOf',
    tags: ['targets'],
    query: z.object({ year, category: z.string().optional(), status: z.enum(TARGET_STATUSES).optional(), asOf }),
    response: itemsOf(TargetSchema),
    handler: async ({ principal, query }) => ({ items: await s.targets.list(principal, query) }),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/targets/board',
    permission: 'target.read',
    summary: "The leaders' board: counts by status and category, targets behind or at risk, overdue reports by unit",
    tags: ['targets'],
    query: z.object({ year, asOf }),
    response: Board,
    handler: async ({ principal, query }) => s.targets.board(principal, query),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/targets/:id',
    permission: 'target.read',
    summary: 'One target with its status and every progress report (corrections keep the reports they replaced)',
    tags: ['targets'],
    params: idParam,
    query: z.object({ asOf }),
    response: TargetWithProgress,
    handler: async ({ principal, params, query }) => s.targets.get(principal, params.id, query.asOf),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/targets',
    permission: 'target.manage',
    summary: 'Create a target: an indicator (direction at_least / at_most / growth_pct, targetValue) or a task (milestones)',
    tags: ['targets'],
    successStatus: 201,
    body: targetInputSchema,
    response: TargetSchema,
    handler: async ({ principal, body }) => s.targets.create(principal, body),
  });
  route(app, {
    method: 'PUT',
    url: '/api/v1/targets/:id',
    permission: 'target.manage',
    summary: 'Replace a target (year and code stay); send the version you read',
    tags: ['targets'],
    params: idParam,
    body: targetInputSchema.extend({ version: z.number().int().positive() }),
    response: TargetSchema,
    handler: async ({ principal, params, body }) => s.targets.update(principal, params.id, body),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/targets/:id/progress',
    permission: 'target.report',
    summary: 'Report progress for a period, as the lead unit or a co-unit; reporting the same period again corrects it (history kept)',
    tags: ['targets'],
    successStatus: 201,
    params: idParam,
    body: progressBody,
    response: Reported,
    handler: async ({ principal, params, body }) => s.targets.report(principal, params.id, body),
  });
  app.register(async (scoped) => {
    scoped.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: s.config.maxUploadBytes }, (_req, body, done) => {
      done(null, body);
    });
    route(scoped, {
      method: 'POST',
      url: '/api/v1/targets/import',
      permission: 'target.manage',
      summary: 'Import targets: a JSON array (or {"targets": [...]}) of target bodies, or CSV (year,code,name,category,kind,lead_unit,…); existing year+code are replaced; any bad item imports nothing',
      tags: ['targets'],
      body: z.unknown(),
      response: z.object({ created: z.number().int(), updated: z.number().int() }),
      handler: async ({ principal, body }) => s.targets.importFile(principal, body),
    });
  });

  route(app, {
    method: 'GET',
    url: '/api/v1/reviews',
    permission: 'review.read',
    summary: 'Reviews (复盘), newest first; filter by subject (a case or an alarm)',
    tags: ['targets'],
    query: z.object({ subjectKind: subjectKind.optional(), subjectId: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
    response: itemsOf(ReviewSchema),
    handler: async ({ principal, query }) => ({ items: await s.reviews.list(principal, query) }),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/reviews/:id',
    permission: 'review.read',
    summary: 'One review',
    tags: ['targets'],
    params: idParam,
    response: ReviewSchema,
    handler: async ({ principal, params }) => s.reviews.get(principal, params.id),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/reviews',
    permission: 'review.write',
    summary: 'Write a review of a closed case or an acknowledged/cleared alarm: what happened, timeline, cause, what we change',
    tags: ['targets'],
    successStatus: 201,
    body: reviewBody.extend({ subject: z.object({ kind: subjectKind, id: z.string().min(1) }) }),
    response: ReviewSchema,
    handler: async ({ principal, body }) => {
      const { subject, ...input } = body;
      return s.reviews.create(principal, subject, input);
    },
  });
  route(app, {
    method: 'PUT',
    url: '/api/v1/reviews/:id',
    permission: 'review.write',
    summary: 'Replace a review (author or district centre); send the version you read',
    tags: ['targets'],
    params: idParam,
    body: reviewBody.extend({ version: z.number().int().positive() }),
    response: ReviewSchema,
    handler: async ({ principal, params, body }) => s.reviews.update(principal, params.id, body),
  });
}
