/** The cockpit over HTTP: the first screen's figures, and a rebuild of the rollups. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { route } from '../../platform/http.ts';
import type { Services } from '../../services.ts';

export function cockpitRoutes(app: FastifyInstance, s: Services): void {
  route(app, {
    method: 'GET',
    url: '/api/v1/cockpit/overview',
    permission: 'case.read',
    summary: 'Open cases by state and light, today by channel, 30-day trends, top categories, hotspots (the district, or the caller’s street)',
    tags: ['cockpit'],
    handler: async ({ principal }) => s.cockpit.overview(principal),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/cockpit/points',
    permission: 'case.read',
    summary: 'Open cases with a place and their light now, for the cockpit map (the district, or the caller’s street)',
    tags: ['cockpit'],
    query: z.object({ limit: z.coerce.number().int().min(1).max(50_000).default(20_000) }),
    handler: async ({ principal, query }) => s.cockpit.points(principal, query.limit),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/cockpit/rebuild',
    permission: 'org.write',
    summary: 'Recompute the cockpit rollups from the cases (after an upgrade or a restore); run it while the worker is idle',
    tags: ['cockpit'],
    handler: async ({ principal }) => s.cockpit.rebuild(principal.districtId),
  });
}
