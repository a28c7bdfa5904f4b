import { toStored } from '@onegrid/domain/geo/coords';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { route } from '../../platform/http.ts';
import { itemsOf } from '../../platform/schemas.ts';
import type { Services } from '../../services.ts';
import { AreaCollection, LocateResult, UnitSchema, UnitWithGeometry } from './org-schemas.ts';
import { UNIT_KINDS } from './unit-kinds.ts';

export function orgRoutes(app: FastifyInstance, s: Services): void {
  route(app, {
    method: 'GET',
    url: '/api/v1/units',
    permission: 'org.read',
    summary: 'Units of the district (centre, departments, towns/streets, communities, grids)',
    tags: ['organisation'],
    query: z.object({
      kind: z.enum(UNIT_KINDS).optional(),
      parentId: z.string().optional().describe('a unit id, or "root"'),
      q: z.string().max(50).optional(),
      limit: z.coerce.number().int().min(1).max(20000).default(1000),
    }),
    response: itemsOf(UnitSchema),
    handler: async ({ principal, query }) => ({ items: await s.org.listUnits(principal.districtId, query) }),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/areas',
    permission: 'org.read',
    summary: 'Area polygons of one level as a GeoJSON FeatureCollection (GCJ-02) for maps',
    tags: ['organisation'],
    query: z.object({ level: z.enum(['street', 'community', 'grid']).default('street') }),
    response: AreaCollection,
    handler: async ({ principal, query }) =>
      s.org.areas(principal.districtId, { street: ['street', 'town'], community: ['community', 'village'], grid: ['grid'] }[query.level]),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/units/:id',
    permission: 'org.read',
    summary: 'One unit with its geometry (GeoJSON, GCJ-02)',
    tags: ['organisation'],
    params: z.object({ id: z.string() }),
    response: UnitWithGeometry,
    handler: async ({ principal, params }) => s.org.unit(principal.districtId, params.id),
  });
  route(app, {
    method: 'PATCH',
    url: '/api/v1/units/:id',
    permission: 'org.write',
    summary: "Rename a unit (Chinese and English name); code, kind and parent stay as imported",
    tags: ['organisation'],
    params: z.object({ id: z.string() }),
    body: z.object({ name: z.string().trim().min(1).max(100).optional(), nameEn: z.string().trim().max(100).nullable().optional() }),
    response: UnitSchema,
    handler: async ({ principal, params, body }) => s.org.renameUnit(principal, params.id, body),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/locate',
    permission: 'org.read',
    summary: 'Which town/street, community and grids contain a point',
    tags: ['organisation'],
    query: z.object({
      lng: z.coerce.number().min(-180).max(180),
      lat: z.coerce.number().min(-90).max(90),
      crs: z.enum(['gcj02', 'wgs84']).default('gcj02'),
    }),
    response: LocateResult,
    handler: async ({ principal, query }) => {
      const [lng, lat] = toStored(query.lng, query.lat, query.crs);
      return { lng, lat, ...(await s.org.directory(principal.districtId)).locate(lng, lat) };
    },
  });
  app.register(async (scoped) => {
    // GeoJSON of thousands of grids is far larger than an ordinary JSON body.
    scoped.addContentTypeParser(['application/json', 'application/geo+json'], { parseAs: 'string', bodyLimit: s.config.maxUploadBytes * 5 }, (_req, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        const e = Object.assign(new Error('invalid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
        done(e, undefined);
      }
    });
    route(scoped, {
      method: 'POST',
      url: '/api/v1/units/import',
      permission: 'org.write',
      summary: 'Import units/grids from a GeoJSON FeatureCollection; any bad feature imports nothing',
      tags: ['organisation'],
      body: z.unknown(),
      response: z.object({ imported: z.number().int() }),
      handler: async ({ principal, body }) => s.org.importUnits(principal.districtId, body, undefined, principal),
    });
  });
}
