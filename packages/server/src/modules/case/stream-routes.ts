/**
 * Live case events as Server-Sent Events, for wall screens and integrations that want changes as
 * they happen. Each message is an outbox message after the worker processed it; a user receives
 * only messages about cases in its scope. In this process only: a scaled-out deployment relays
 * the bus between instances (see README, production).
 */
import type { FastifyInstance } from 'fastify';
import { route } from '../../platform/http.ts';
import type { Services } from '../../services.ts';

const HEARTBEAT_MS = 15_000;

export function streamRoutes(app: FastifyInstance, s: Services): void {
  route(app, {
    method: 'GET',
    url: '/api/v1/stream',
    permission: 'case.read',
    summary: 'Server-Sent Events: case.* messages for cases in your scope (event = topic, data = JSON)',
    tags: ['cases'],
    produces: 'text/event-stream',
    handler: async ({ principal: p, req, reply }) => {
      const dir = await s.org.directory(p.districtId);
      const inScope = (payload: Record<string, unknown>) =>
        p.districtWide || ['streetId', 'communityId', 'leadUnitId'].some((k) => dir.isWithin(payload[k] as string | undefined, p.unitId));
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      reply.raw.write(`retry: 3000\n: connected\n\n`);
      const off = s.bus.subscribe((m) => {
        if (m.districtId !== p.districtId || !inScope(m.payload)) return;
        reply.raw.write(`id: ${m.id}\nevent: ${m.topic}\ndata: ${JSON.stringify({ ...m.payload, at: new Date(m.at).toISOString() })}\n\n`);
      });
      const beat = setInterval(() => reply.raw.write(': heartbeat\n\n'), HEARTBEAT_MS);
      req.raw.on('close', () => {
        clearInterval(beat);
        off();
      });
    },
  });
}
