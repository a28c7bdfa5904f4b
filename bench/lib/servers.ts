/**
 * The HTTP servers under load: the real OneGrid app, and the bare-Fastify baseline that does
 * only what any JSON endpoint must (accept the connection, parse the body, answer 201), so the
 * ratio between them is what OneGrid itself costs.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from '../../packages/server/src/app.ts';
import type { Services } from '../../packages/server/src/services.ts';

export interface Running {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

async function listen(app: FastifyInstance): Promise<Running> {
  // Port 0: the OS picks a free one, so parallel runs and a developer's server never clash.
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: address, app, close: () => app.close() };
}

/** The real application, built exactly as `onegrid start` builds it (logger off, as benches print their own). */
export async function startApp(s: Services): Promise<Running> {
  return listen(await buildApp(s, { logger: false }));
}

/**
 * Bare Fastify on the same routes: the default JSON parser reads the body, the handler echoes
 * a small object. Same body limit as the app, so the parsing work is identical.
 */
export async function startBare(bodyLimit: number): Promise<Running> {
  const app = Fastify({ logger: false, bodyLimit });
  let n = 0;
  const handler = async (req: { body: unknown }, reply: { status(code: number): unknown }) => {
    n++;
    reply.status(201);
    return { id: n, received: typeof req.body === 'object' && req.body !== null };
  };
  app.post('/api/v1/cases', handler);
  app.post('/api/v1/cases/:id/actions/:action', handler);
  app.get('/api/v1/cases', async () => ({ items: [], nextCursor: null }));
  return listen(app);
}
