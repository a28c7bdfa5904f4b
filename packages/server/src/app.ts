/**
 * The HTTP application: plugins, authentication, the error handler and every module's routes.
 * Building it has no side effects beyond the services handed in, so tests build many.
 */
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authRoutes } from './modules/auth/routes.ts';
import { auditRoutes } from './modules/audit/routes.ts';
import { caseRoutes } from './modules/case/routes.ts';
import { streamRoutes } from './modules/case/stream-routes.ts';
import { fileRoutes } from './modules/files/routes.ts';
import { gazetteerRoutes } from './modules/intake/gazetteer-routes.ts';
import { intakeRoutes } from './modules/intake/routes.ts';
import { notifyRoutes } from './modules/notify/routes.ts';
import { opsRoutes } from './modules/ops/routes.ts';
import { orgRoutes } from './modules/org/routes.ts';
import { perceptionRoutes } from './modules/perception/routes.ts';
import { evaluationRoutes } from './modules/evaluation/routes.ts';
import { cockpitRoutes } from './modules/cockpit/routes.ts';
import { supervisionRoutes } from './modules/supervision/routes.ts';
import { targetRoutes } from './modules/targets/routes.ts';
import { taxonomyRoutes } from './modules/taxonomy/routes.ts';
import { installErrorHandler } from './platform/errors.ts';
import { serveConsole } from './platform/console-static.ts';
import { route } from './platform/http.ts';
import type { Services } from './services.ts';

export async function buildApp(s: Services, opts: { logger?: boolean | object } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: s.config.maxBodyBytes,
    trustProxy: true,
    ajv: { customOptions: { strict: false } },
  });
  // Schemas are documentation only: zod validates in route(), JSON.stringify serializes.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandler(app);
  app.decorateRequest('principal', null);

  await app.register(multipart, { limits: { fileSize: s.config.maxUploadBytes, files: 1, fields: 10 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'OneGrid API', version: '1', description: 'OneGrid 一网统管: the case closed loop of a district city-operations centre. Times are ISO 8601 UTC; coordinates GCJ-02.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });

  app.addHook('onRequest', async (req) => {
    const h = req.headers.authorization;
    if (h?.startsWith('Bearer ')) req.principal = await s.auth.authenticate(h.slice(7).trim());
  });

  authRoutes(app, s);
  auditRoutes(app, s);
  orgRoutes(app, s);
  taxonomyRoutes(app, s);
  caseRoutes(app, s);
  streamRoutes(app, s);
  fileRoutes(app, s);
  notifyRoutes(app, s);
  opsRoutes(app, s);
  intakeRoutes(app, s);
  gazetteerRoutes(app, s);
  perceptionRoutes(app, s);
  evaluationRoutes(app, s);
  cockpitRoutes(app, s);
  supervisionRoutes(app, s);
  targetRoutes(app, s);

  route(app, {
    method: 'GET',
    url: '/api/v1/openapi.json',
    permission: 'public',
    summary: 'This API as OpenAPI 3',
    tags: ['ops'],
    response: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }).describe('an OpenAPI 3 document'),
    handler: async () => app.swagger(),
  });
  await serveConsole(app);
  await app.register(async (docs) => {
    docs.addHook('onRoute', (r) => {
      r.config = { ...(r.config as object), permission: 'public' };
    });
    await docs.register(swaggerUi, { routePrefix: '/docs' });
  });
  return app;
}
