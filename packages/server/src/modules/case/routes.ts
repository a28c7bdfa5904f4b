import { ACTIONS, STATES } from '@onegrid/domain/case/lifecycle';
import { URGENCIES } from '@onegrid/domain/case/sla';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { route } from '../../platform/http.ts';
import { itemsOf } from '../../platform/schemas.ts';
import type { Services } from '../../services.ts';
import { CaseDetailSchema, CaseEventSchema, CasePage, IntakeDecisions, RoutingStat } from './case-schemas.ts';
import { CHANNELS } from './case-service.ts';

const CategoryRef = z.object({ kind: z.enum(['component', 'matter']), code: z.string().regex(/^[0-9A-Za-z]{2,12}$/, 'a category code such as 06010') });
const Id = z.string().min(1).max(64);
const Photos = z.array(Id).max(20);

const Location = z.object({
  lng: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  crs: z.enum(['gcj02', 'wgs84']).default('gcj02').describe('datum of lng/lat: GCJ-02 (Chinese map apps, the default) or WGS-84 (GPS); stored as GCJ-02'),
});

export const CreateCase = z.object({
  channel: z.enum(CHANNELS),
  description: z.string().trim().min(1, 'describe the problem').max(4000),
  location: Location
    .optional()
    .describe('omit only when an address is given: the gazetteer places it, or a person does'),
  address: z.string().max(500).optional(),
  category: CategoryRef.optional(),
  urgency: z.enum(URGENCIES).optional(),
  reporter: z.object({ name: z.string().max(100).optional(), phone: z.string().regex(/^[0-9+\-() ]{3,30}$/, 'a phone number').optional() }).optional(),
  photos: Photos.optional(),
}).refine((b) => b.location !== undefined || !!b.address?.trim(), {
  path: ['location'],
  message: 'give a point, or at least an address that the gazetteer or a person can place',
});

export const ActionBody = z.object({
  version: z.number().int().min(1),
  reason: z.string().max(2000).optional(),
  note: z.string().max(4000).optional(),
  photos: Photos.optional(),
  category: CategoryRef.optional(),
  urgency: z.enum(URGENCIES).optional(),
  leadUnitId: Id.optional(),
  cohandlerUnitIds: z.array(Id).max(20).optional(),
  masterCaseId: Id.optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  satisfaction: z.enum(['satisfied', 'basically_satisfied', 'unsatisfied']).optional(),
  resolved: z.boolean().optional(),
  location: Location.optional().describe('accept and register only: place or move the case (e.g. a hotline report that had only an address)'),
  address: z.string().max(500).optional().describe('accept and register only: correct the address text'),
});

const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(values)));

const ListQuery = z.object({
  state: csv(STATES).optional(),
  category: z
    .string()
    .regex(/^(component|matter):[0-9A-Za-z]+$/, 'kind:code, e.g. matter:06010')
    .transform((s) => {
      const [kind = '', code = ''] = s.split(':');
      return { kind, code };
    })
    .optional(),
  unit: Id.optional(),
  area: Id.optional(),
  channel: z.enum(CHANNELS).optional(),
  light: z.enum(['green', 'yellow', 'red']).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  q: z.string().max(100).optional(),
  supervised: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  sort: z.enum(['created_desc', 'created_asc', 'deadline_asc', 'updated_desc']).default('created_desc'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
});

const IdParams = z.object({ id: Id });

export function caseRoutes(app: FastifyInstance, s: Services): void {
  route(app, {
    method: 'POST',
    url: '/api/v1/cases',
    permission: 'case.create',
    summary: 'Report a case (上报). An Idempotency-Key header makes a retried POST return the first case.',
    tags: ['cases'],
    body: CreateCase,
    headers: z.object({ 'idempotency-key': z.string().max(200).optional() }),
    successStatus: 201,
    response: CaseDetailSchema,
    handler: async ({ body, principal, req, reply }) => {
      const key = req.headers['idempotency-key'];
      const { view, replayed } = await s.intake.report(principal, body, typeof key === 'string' && key ? key : undefined);
      if (replayed) reply.header('idempotent-replayed', 'true');
      return view;
    },
  });

  route(app, {
    method: 'GET',
    url: '/api/v1/cases',
    permission: 'case.read',
    summary: 'List the cases visible to the caller, filtered and cursor-paginated',
    tags: ['cases'],
    query: ListQuery,
    response: CasePage,
    handler: async ({ query, principal }) =>
      s.cases.list(principal, {
        states: query.state,
        category: query.category,
        leadUnitId: query.unit,
        areaUnitId: query.area,
        channel: query.channel,
        light: query.light,
        from: query.from ? Date.parse(query.from) : undefined,
        to: query.to ? Date.parse(query.to) : undefined,
        text: query.q,
        supervised: query.supervised,
        sort: query.sort,
        cursor: query.cursor,
        limit: query.limit,
      }),
  });

  route(app, {
    method: 'GET',
    url: '/api/v1/cases/:id',
    permission: 'case.read',
    summary: 'One case with its deadlines, light and the actions the caller may take now',
    tags: ['cases'],
    params: IdParams,
    response: CaseDetailSchema,
    handler: async ({ params, principal }) => s.cases.get(principal, params.id),
  });

  route(app, {
    method: 'GET',
    url: '/api/v1/cases/:id/intake',
    permission: 'case.read',
    summary: 'What intake decided when the case was reported: location, category suggestions, duplicates, repeat, routing',
    tags: ['cases', 'intake'],
    params: IdParams,
    response: IntakeDecisions,
    handler: async ({ params, principal }) => ({ intake: await s.intake.decisions(principal, params.id) }),
  });

  route(app, {
    method: 'GET',
    url: '/api/v1/intake/routing-stats',
    permission: 'taxonomy.read',
    summary: 'Dispatches per routing rule and lead unit with their return rate, so a bad rule shows up',
    tags: ['intake'],
    query: z.object({ days: z.coerce.number().int().min(1).max(3650).default(90) }),
    response: itemsOf(RoutingStat),
    handler: async ({ principal, query }) => ({ items: await s.intake.routingStats(principal, s.clock.now() - query.days * 86400_000) }),
  });

  route(app, {
    method: 'GET',
    url: '/api/v1/cases/:id/events',
    permission: 'case.read',
    summary: "The case's append-only event log",
    tags: ['cases'],
    params: IdParams,
    response: itemsOf(CaseEventSchema),
    handler: async ({ params, principal }) => ({ items: await s.cases.events(principal, params.id) }),
  });

  route(app, {
    method: 'POST',
    url: '/api/v1/cases/:id/actions/:action',
    permission: 'case.act',
    summary: 'Take an action on a case; body.version must be the version you read',
    tags: ['cases'],
    params: z.object({ id: Id, action: z.enum(ACTIONS) }),
    body: ActionBody,
    response: CaseDetailSchema,
    handler: async ({ params, body, principal }) => s.cases.act(principal, params.id, params.action, body),
  });
}
