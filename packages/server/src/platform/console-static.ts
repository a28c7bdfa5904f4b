/**
 * Serves the built console (packages/console/dist) at `/`: hashed assets under /assets/ cached for
 * a year, index.html never cached, so a new build is picked up on reload. Nothing here needs a
 * session: the console signs in through the API. Absent a build, `/` says how to make one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const CONSOLE_DIST = path.resolve(fileURLToPath(new URL('../../../console/dist/', import.meta.url)));

export async function serveConsole(app: FastifyInstance, dist = CONSOLE_DIST): Promise<void> {
  await app.register(async (site) => {
    // Every route must declare a permission; the console's files are public by nature.
    site.addHook('onRoute', (r) => {
      r.config = { ...(r.config as object), permission: 'public' };
    });
    if (!fs.existsSync(path.join(dist, 'index.html'))) {
      site.get('/', async (_req, reply) =>
        reply.type('text/plain; charset=utf-8').send('The console is not built: run `npm run build -w @onegrid/console` (npm start does it for you).\n'),
      );
      return;
    }
    // Hash routes (#/cases/…) mean the page itself is only ever `/`; everything else is an asset.
    const index = fs.readFileSync(path.join(dist, 'index.html'));
    site.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index));
    await site.register(fastifyStatic, {
      root: path.join(dist, 'assets'),
      prefix: '/assets/',
      index: false,
      maxAge: '365d',
      immutable: true,
    });
  });
}
