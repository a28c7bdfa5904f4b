/** Evaluation over HTTP: results and rankings, drill-down, .xlsx/CSV bulletins, schemes, the three indices. */
import { OBJECT_TYPES } from '@onegrid/domain/evaluation/scheme';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { route } from '../../platform/http.ts';
import type { Services } from '../../services.ts';
import { Drill, IndexInputs, Indices, IssuedCards, Results, SchemeWithVersions } from './evaluation-schemas.ts';
import { bulletinXlsx, resultsCsv } from './bulletin.ts';

const period = z.string().min(4).max(40).describe('2024-03-05, 2024-W10, 2024-03, 2024Q1, 2024 or 2024-03-01..2024-03-15');
const version = z.coerce.number().int().min(0).optional().describe('scheme version; the latest when omitted, 0 the built-in default');
const mapping = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rate') }),
  z.object({ kind: z.literal('inverse_rate') }),
  z.object({ kind: z.literal('relative') }),
  z.object({ kind: z.literal('linear'), worst: z.number(), best: z.number() }),
]);
const id = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower-case letters, digits and _');
const scheme = z.object({
  name: z.string().min(1).max(200),
  indicators: z
    .array(
      z.object({
        id,
        zh: z.string().min(1).max(100),
        en: z.string().min(1).max(100),
        formula: z.string().min(1).max(500),
        format: z.enum(['percent', 'hours', 'number']),
        definition: z.string().max(1000).optional(),
      }),
    )
    .min(1)
    .max(200),
  composites: z
    .array(
      z.object({
        id,
        zh: z.string().min(1).max(100),
        en: z.string().min(1).max(100),
        objectType: z.enum(OBJECT_TYPES),
        role: z.string().optional(),
        items: z.array(z.object({ indicator: z.string(), weight: z.number(), mapping })).max(20),
      }),
    )
    .max(50),
  grades: z.array(z.object({ grade: z.string().min(1).max(8), min: z.number() })).min(1).max(10),
  redList: z.number().int().min(0).max(50),
  blackList: z.number().int().min(0).max(50),
  indices: z
    .array(
      z.object({
        id: z.enum(['development', 'service', 'governance']),
        zh: z.string().min(1),
        en: z.string().min(1),
        components: z
          .array(z.object({ source: z.enum(['indicator', 'input']), code: z.string(), zh: z.string().min(1), en: z.string().min(1), weight: z.number(), mapping }))
          .max(30),
      }),
    )
    .max(3),
});
const resultsQuery = z.object({
  period,
  objectType: z.enum(OBJECT_TYPES).default('street'),
  version,
  limit: z.coerce.number().int().min(1).max(20_000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
});

export function evaluationRoutes(app: FastifyInstance, s: Services): void {
  route(app, {
    method: 'GET',
    url: '/api/v1/evaluation/results',
    permission: 'evaluation.read',
    summary: 'Counts, indicators, composite scores, grades, ranks and change for every object of a type in a period (your subtree only)',
    tags: ['evaluation'],
    query: resultsQuery,
    response: Results,
    handler: async ({ principal, query }) => s.evaluation.results(principal, query),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/evaluation/export',
    permission: 'evaluation.read',
    summary: 'The results as an .xlsx bulletin (通报) or CSV',
    tags: ['evaluation'],
    query: resultsQuery.omit({ limit: true, offset: true }).extend({ format: z.enum(['xlsx', 'csv']).default('xlsx') }),
    produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'],
    handler: async ({ principal, query, reply }) => {
      const r = await s.evaluation.results(principal, { ...query, limit: 1_000_000, offset: 0 });
      const name = `evaluation-${query.objectType}-${r.period.label.replace(/[^0-9A-Za-z-]/g, '_')}`;
      if (query.format === 'csv') {
        return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(resultsCsv(r));
      }
      const [{ scheme }, district] = await Promise.all([s.evaluation.scheme(principal.districtId, r.scheme.version), s.org.districtById(principal.districtId)]);
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${name}.xlsx"`)
        .send(await bulletinXlsx(r, scheme, district?.name ?? ''));
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/evaluation/drill',
    permission: 'evaluation.read',
    summary: 'The cases behind one figure (a count or an indicator) of one object in a period',
    tags: ['evaluation'],
    query: z.object({
      period,
      object: z.string().min(1).max(80).describe('district, street:<id>, community:<id>, grid:<id>, department:<id>, post:<role>, person:<userId>'),
      figure: z.string().min(1).max(64),
      version,
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
    response: Drill,
    handler: async ({ principal, query }) => s.evaluation.drill(principal, query),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/evaluation/scheme',
    permission: 'evaluation.read',
    summary: 'The evaluation scheme (latest, or a version) and the list of versions',
    tags: ['evaluation'],
    query: z.object({ version }),
    response: SchemeWithVersions,
    handler: async ({ principal, query }) => ({
      ...(await s.evaluation.scheme(principal.districtId, query.version)),
      versions: await s.evaluation.versions(principal.districtId),
    }),
  });
  route(app, {
    method: 'PUT',
    url: '/api/v1/evaluation/scheme',
    permission: 'evaluation.manage',
    summary: 'Save a new version of the scheme (indicators, composites, weights, grades, indices); old versions stay. With baseVersion, refused (SCHEME_CONFLICT) if another version was saved since',
    tags: ['evaluation'],
    body: scheme.extend({ baseVersion: z.number().int().min(0).optional().describe('the version you edited; 0 for the built-in default') }),
    successStatus: 201,
    response: z.object({ version: z.number().int() }),
    handler: async ({ principal, body: { baseVersion, ...body } }) => s.evaluation.saveScheme(principal, body, baseVersion),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/evaluation/cards',
    permission: 'evaluation.manage',
    summary: 'Issue supervision yellow/red cards from a finished period’s department and street indicators (idempotent)',
    tags: ['evaluation'],
    body: z.object({ period }),
    response: IssuedCards,
    handler: async ({ principal, body }) => s.evaluation.issueCards(principal, body.period),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/indices',
    permission: 'evaluation.read',
    summary: 'Development, service and governance indices per month, with their components',
    tags: ['evaluation'],
    query: z.object({ from: z.string().regex(/^\d{4}-\d{2}$/, 'a month, 2024-01'), to: z.string().regex(/^\d{4}-\d{2}$/, 'a month, 2024-12'), version }),
    response: Indices,
    handler: async ({ principal, query }) => s.evaluation.indices(principal, query),
  });
  route(app, {
    method: 'PUT',
    url: '/api/v1/indices/inputs/:period',
    permission: 'evaluation.manage',
    summary: 'Enter the monthly figures the indices take from outside (GDP growth, alarm response …)',
    tags: ['evaluation'],
    params: z.object({ period: z.string().regex(/^\d{4}-\d{2}$/, 'a month, 2024-03') }),
    body: z.object({ values: z.record(z.string(), z.number().finite()) }),
    response: IndexInputs,
    handler: async ({ principal, params, body }) => s.evaluation.setInputs(principal, params.period, body.values),
  });
}
