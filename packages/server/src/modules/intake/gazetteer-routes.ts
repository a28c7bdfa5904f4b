/** Address text → point (GET /intake/geocode) and the gazetteer import behind it. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { route } from '../../platform/http.ts';
import type { Services } from '../../services.ts';

const unitIds = z.object({ street: z.string().nullable(), community: z.string().nullable(), grid: z.string().nullable() });
const candidate = z.object({
  id: z.string(),
  kind: z.enum(['road', 'door', 'poi', 'area']),
  name: z.string(),
  lng: z.number(),
  lat: z.number(),
  confidence: z.number().min(0).max(1),
  reason: z.string(),
  unitIds,
});

export function gazetteerRoutes(app: FastifyInstance, s: Services): void {
  route(app, {
    method: 'GET',
    url: '/api/v1/intake/geocode',
    permission: 'case.create',
    summary: 'Address text → point through the gazetteer (GCJ-02); below the threshold a person picks from the candidates',
    tags: ['intake'],
    query: z.object({ q: z.string().trim().min(1).max(200).describe('address text, e.g. 建新北路12号附近') }),
    response: z.object({
      query: z.object({ core: z.string(), place: z.string(), road: z.string().nullable(), number: z.string().nullable(), qualifier: z.string().nullable() }),
      best: candidate.nullable(),
      candidates: z.array(candidate),
      needsConfirmation: z.boolean(),
      threshold: z.number(),
    }),
    handler: async ({ principal, query }) => s.gazetteer.geocode(principal.districtId, query.q),
  });
  app.register(async (scoped) => {
    // A district's door plates run to hundreds of thousands of rows: far beyond an ordinary body.
    const limit = s.config.maxUploadBytes * 5;
    scoped.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: limit }, (_req, body, done) => {
      done(null, body);
    });
    scoped.addContentTypeParser(['application/json', 'application/geo+json'], { parseAs: 'string', bodyLimit: limit }, (_req, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        const e = Object.assign(new Error('invalid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
        done(e, undefined);
      }
    });
    route(scoped, {
      method: 'POST',
      url: '/api/v1/intake/gazetteer/import',
      permission: 'org.write',
      summary: 'Import gazetteer entries: CSV (kind,name,aliases,road,number,lng,lat; aliases "|"-separated) or a GeoJSON FeatureCollection of points; any bad row imports nothing',
      tags: ['intake'],
      query: z.object({ replace: z.enum(['true', 'false']).default('false').describe('true: swap the district\'s whole gazetteer') }),
      body: z.unknown(),
      response: z.object({ imported: z.number().int(), replaced: z.number().int() }),
      handler: async ({ principal, body, query }) =>
        s.gazetteer.importFile(principal.districtId, body, undefined, { replace: query.replace === 'true', source: 'api' }),
    });
  });
}
