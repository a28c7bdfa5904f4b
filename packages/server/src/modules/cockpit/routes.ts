/** The cockpit over HTTP: the first screen's figures, the heat layer, the district boards, and a rebuild of the rollups. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { route } from '../../platform/http.ts';
import type { Services } from '../../services.ts';
import { BoardIn, BoardsOut, HeatOut, Overview, Points, Rebuilt, WidgetOut } from './cockpit-schemas.ts';

export function cockpitRoutes(app: FastifyInstance, s: Services): void {
  route(app, {
    method: 'GET',
    url: '/api/v1/cockpit/overview',
    permission: 'case.read',
    summary: 'Open cases by state and light, today by channel, 30-day trends, top categories, hotspots (the district, or the caller’s street)',
    tags: ['cockpit'],
    response: Overview,
    handler: async ({ principal }) => s.cockpit.overview(principal),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/cockpit/points',
    permission: 'case.read',
    summary: 'Open cases with a place and their light now, for the cockpit map (the district, or the caller’s street)',
    tags: ['cockpit'],
    query: z.object({ limit: z.coerce.number().int().min(1).max(50_000).default(20_000) }),
    response: Points,
    handler: async ({ principal, query }) => s.cockpit.points(principal, query.limit),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/cockpit/heat',
    permission: 'case.read',
    summary: 'Open cases counted per H3 hexagon (with how many are red) and each cell’s outline, for the heat layer',
    tags: ['cockpit'],
    query: z.object({ resolution: z.coerce.number().int().min(6).max(10).default(8) }),
    response: HeatOut,
    handler: async ({ principal, query }) => s.cockpit.heat(principal, query.resolution),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/cockpit/boards',
    permission: 'case.read',
    summary: 'The district boards (专题看板) with the widgets the caller may read',
    tags: ['cockpit'],
    response: BoardsOut,
    handler: async ({ principal }) => s.boards.boards(principal),
  });
  route(app, {
    method: 'PUT',
    url: '/api/v1/cockpit/boards',
    permission: 'org.write',
    summary: 'Replace the district boards; `boards: null` goes back to the shipped ones. Sources and chart types are checked against the catalogue',
    tags: ['cockpit'],
    body: z.object({ boards: z.array(BoardIn).max(20).nullable() }),
    response: BoardsOut,
    handler: async ({ principal, body }) => s.boards.save(principal, body.boards),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/cockpit/boards/:code/data',
    permission: 'case.read',
    summary: 'Every widget of one board with its data (series, table or value), or the error of the one source that failed',
    tags: ['cockpit'],
    params: z.object({ code: z.string() }),
    response: z.object({ code: z.string(), at: z.string(), widgets: z.array(WidgetOut) }),
    handler: async ({ principal, params }) => s.boards.data(principal, params.code),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/cockpit/rebuild',
    permission: 'org.write',
    summary: 'Recompute the cockpit rollups from the cases (after an upgrade or a restore); run it while the worker is idle',
    tags: ['cockpit'],
    response: Rebuilt,
    handler: async ({ principal }) => s.cockpit.rebuild(principal.districtId, principal),
  });
}
