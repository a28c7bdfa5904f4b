import { STAGES, URGENCIES } from '@onegrid/domain/case/sla';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { route } from '../../platform/http.ts';
import { itemsOf, Ok } from '../../platform/schemas.ts';
import type { Services } from '../../services.ts';
import { CategorySchema, ResponsibilityRuleSchema } from './taxonomy-schemas.ts';

const Limit = z.object({ amount: z.number().positive().max(10000), unit: z.enum(['minute', 'hour', 'day']) });
const StageLimits = z.object(Object.fromEntries(STAGES.map((st) => [st, Limit])) as Record<(typeof STAGES)[number], typeof Limit>);
const Limits = z.object({ normal: StageLimits, urgent: StageLimits, emergency: StageLimits });
const Kind = z.enum(['component', 'matter']);

export function taxonomyRoutes(app: FastifyInstance, s: Services): void {
  route(app, {
    method: 'GET',
    url: '/api/v1/categories',
    permission: 'taxonomy.read',
    summary: 'Categories: GB/T 47678.5-2026 components and matters plus local extensions, with limits and conditions',
    tags: ['taxonomy'],
    query: z.object({ kind: Kind.optional(), q: z.string().max(50).optional() }),
    response: itemsOf(CategorySchema),
    handler: async ({ principal, query }) => ({ items: await s.taxonomy.list(principal.districtId, query) }),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/categories',
    permission: 'taxonomy.write',
    summary: 'Add a local (扩展) category',
    tags: ['taxonomy'],
    successStatus: 201,
    body: z.object({
      kind: Kind,
      code: z.string().regex(/^[0-9]{2}[0-9A-Z]{3,6}$/, '2-digit major class followed by 3–6 digits or capitals, e.g. 06901'),
      majorCode: z.string().regex(/^[0-9]{2}$/),
      majorName: z.string().min(1).max(50),
      name: z.string().min(1).max(100),
      defaultUrgency: z.enum(URGENCIES).default('normal'),
      limits: Limits,
      registerCondition: z.string().max(1000).nullable().default(null),
      closeCondition: z.string().max(1000).nullable().default(null),
      responsible: z.string().max(40).nullable().default('street'),
      autoDispatch: z.boolean().default(false),
      dedupRadiusM: z.number().int().min(10).max(5000).default(100),
    }),
    response: CategorySchema,
    handler: async ({ principal, body }) => s.taxonomy.createLocal(principal.districtId, body, principal),
  });
  route(app, {
    method: 'PATCH',
    url: '/api/v1/categories/:kind/:code',
    permission: 'taxonomy.write',
    summary: "Change a category's limits, conditions, urgency, responsible unit or status",
    tags: ['taxonomy'],
    params: z.object({ kind: Kind, code: z.string() }),
    body: z.object({
      limits: Limits.optional(),
      defaultUrgency: z.enum(URGENCIES).optional(),
      registerCondition: z.string().max(1000).nullable().optional(),
      closeCondition: z.string().max(1000).nullable().optional(),
      responsible: z.string().max(40).nullable().optional(),
      autoDispatch: z.boolean().optional(),
      dedupRadiusM: z.number().int().min(10).max(5000).optional(),
      active: z.boolean().optional(),
    }),
    response: CategorySchema,
    handler: async ({ principal, params, body }) => s.taxonomy.update(principal.districtId, params.kind, params.code, body, principal),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/responsibility-rules',
    permission: 'taxonomy.read',
    summary: 'The responsibility matrix: category × area → responsible unit',
    tags: ['taxonomy'],
    response: itemsOf(ResponsibilityRuleSchema),
    handler: async ({ principal }) => ({ items: await s.taxonomy.rules(principal.districtId) }),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/responsibility-rules',
    permission: 'taxonomy.write',
    summary: 'Add matrix rules (areaUnitId null = the whole district)',
    tags: ['taxonomy'],
    successStatus: 201,
    body: z.object({
      rules: z
        .array(z.object({ categoryKind: Kind, categoryCode: z.string(), areaUnitId: z.string().nullable().default(null), unitId: z.string() }))
        .min(1)
        .max(5000),
    }),
    response: itemsOf(ResponsibilityRuleSchema),
    handler: async ({ principal, body }) => ({ items: await s.taxonomy.addRules(principal.districtId, body.rules, principal) }),
  });
  route(app, {
    method: 'PATCH',
    url: '/api/v1/responsibility-rules/:id',
    permission: 'taxonomy.write',
    summary: "Change a matrix rule's category, area (null = the whole district) or responsible unit",
    tags: ['taxonomy'],
    params: z.object({ id: z.string() }),
    body: z.object({ categoryKind: Kind.optional(), categoryCode: z.string().optional(), areaUnitId: z.string().nullable().optional(), unitId: z.string().optional() }),
    response: ResponsibilityRuleSchema,
    handler: async ({ principal, params, body }) => s.taxonomy.updateRule(principal.districtId, params.id, body, principal),
  });
  route(app, {
    method: 'DELETE',
    url: '/api/v1/responsibility-rules/:id',
    permission: 'taxonomy.write',
    summary: 'Remove a matrix rule',
    tags: ['taxonomy'],
    params: z.object({ id: z.string() }),
    response: Ok,
    handler: async ({ principal, params }) => {
      await s.taxonomy.deleteRule(principal.districtId, params.id, principal);
      return { ok: true };
    },
  });
}
