/**
 * Response schemas are the API's documented shapes (OpenAPI → the console's types). With
 * ONEGRID_CHECK_RESPONSES=1, which vitest.config.ts sets for every test, route() parses each
 * handler's result with its schema, so the whole suite checks every schema it reaches.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/db/store.ts';
import { installErrorHandler } from '../../src/platform/errors.ts';
import { route } from '../../src/platform/http.ts';
import { IsoTime } from '../../src/platform/schemas.ts';
import { createServices } from '../../src/services.ts';

describe('response schemas', () => {
  it('are checked in this test run', () => {
    expect(process.env.ONEGRID_CHECK_RESPONSES).toBe('1');
  });

  it('a handler whose result drifts from its schema fails with INTERNAL naming the route and the first bad field', async () => {
    const app = Fastify();
    installErrorHandler(app);
    const response = z.object({ items: z.array(z.object({ id: z.string(), at: IsoTime })) });
    const spec = { permission: 'public' as const, summary: 'test', tags: ['test'], response };
    route(app, { ...spec, method: 'GET', url: '/fits', handler: async () => ({ items: [{ id: 'a', at: new Date(0) }] }) });
    route(app, { ...spec, method: 'GET', url: '/drifts', handler: async () => ({ items: [{ id: 'a', at: '2026-01-01T00:00:00.000Z' }, { id: 'b', at: 1_700_000_000_000 }] }) });
    try {
      const fits = await app.inject({ method: 'GET', url: '/fits' });
      expect(fits.statusCode, fits.body).toBe(200);
      const drifts = await app.inject({ method: 'GET', url: '/drifts' });
      expect(drifts.statusCode).toBe(500);
      const body = drifts.json() as { error: { code: string; message: string } };
      expect(body.error.code).toBe('INTERNAL');
      expect(body.error.message).toContain('GET /drifts');
      expect(body.error.message).toContain('response.items.1.at');
    } finally {
      await app.close();
    }
  });

  describe('of the real app', () => {
    let doc: { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>> };
    let close: () => Promise<void>;
    beforeAll(async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onegrid-responses-'));
      const s = await createServices(loadConfig({ ONEGRID_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), { store: openStore({ sqliteFile: ':memory:' }) });
      const app = await buildApp(s);
      await app.ready();
      doc = app.swagger() as typeof doc;
      close = async () => {
        await app.close();
        await s.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      };
    });
    afterAll(() => close?.());

    it('every route documents its success body: a JSON schema, or the content type of a file or stream', () => {
      const undocumented: string[] = [];
      for (const [p, ops] of Object.entries(doc.paths)) {
        // Swagger UI and the console's page are served by plugins, not declared through route().
        if (p.startsWith('/docs') || p === '/') continue;
        for (const [method, op] of Object.entries(ops)) {
          const ok = Object.entries(op.responses ?? {}).some(([status, r]) => status.startsWith('2') && r.content && Object.keys(r.content).length > 0);
          if (!ok) undocumented.push(`${method.toUpperCase()} ${p}`);
        }
      }
      expect(undocumented).toEqual([]);
    });
  });
});
