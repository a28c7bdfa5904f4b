/** Perception over HTTP: telemetry ingest and status, devices, rules and alarms. */
import { URGENCIES } from '@onegrid/domain/case/sla';
import { DomainError } from '@onegrid/domain/errors';
import { DEVICE_TYPES } from '@onegrid/domain/perception/device-types';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { route } from '../../platform/http.ts';
import type { Services } from '../../services.ts';
import { itemsOf } from '../../platform/schemas.ts';
import { AlarmSchema, DeviceSchema, DeviceTypeSchema, IngestResult, Reading, Rollup, RuleSchema, TelemetryStatus } from './perception-schemas.ts';
import { DEVICE_STATES } from './device-service.ts';
import type { Incoming } from './telemetry-service.ts';

const MAX_BATCH = 10_000;
const JSON_LINES = ['application/x-ndjson', 'application/jsonl', 'application/json-lines', 'application/jsonlines'];

const deviceType = z.enum(Object.keys(DEVICE_TYPES) as [keyof typeof DEVICE_TYPES, ...Array<keyof typeof DEVICE_TYPES>]);
const band = { raise: z.number(), clear: z.number() };
const leaf = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('threshold'), measurement: z.string().min(1), direction: z.enum(['above', 'below']), ...band }),
  z.object({ kind: z.literal('rate'), measurement: z.string().min(1), direction: z.enum(['rising', 'falling']), ...band }),
  z.object({ kind: z.literal('offline'), minutes: z.number().positive() }),
]);
const condition = z.union([leaf, z.object({ kind: z.literal('all'), of: z.tuple([leaf, leaf]) })]);
const ruleBody = z.object({
  code: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, '1–64 letters, digits or _ . -'),
  name: z.string().min(1).max(100),
  deviceType,
  condition,
  forMinutes: z.number().min(0).max(7 * 24 * 60).default(0).describe('the condition must hold this long before an alarm'),
  clearMinutes: z.number().min(0).max(7 * 24 * 60).default(0).describe('…and be false this long before it clears'),
  category: z.object({ kind: z.enum(['component', 'matter']), code: z.string() }).nullable().optional(),
  urgency: z.enum(URGENCIES).optional(),
  active: z.boolean().optional(),
  autoReport: z.boolean().default(false).describe('report a raised alarm as a case at once, without waiting for acknowledgement'),
});
const alarmStatus = z.enum(['raised', 'acknowledged', 'cleared']);

/** A telemetry body (JSON batch or JSON lines, as text) → messages; an unreadable line is one malformed message. */
function messagesOf(contentType: string, text: string): Incoming[] | null {
  const asItem = (m: unknown): Incoming => {
    const o = m as { device?: unknown } | null;
    return { device: o && typeof o === 'object' ? o.device : undefined, message: m };
  };
  if (JSON_LINES.some((t) => contentType.startsWith(t))) {
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l, i) => {
        try {
          return asItem(JSON.parse(l));
        } catch {
          return { error: `line ${i + 1} is not JSON` };
        }
      });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  const list = Array.isArray(doc) ? doc : (doc as { readings?: unknown } | null)?.readings;
  if (!Array.isArray(list)) throw new DomainError('VALIDATION_FAILED', 'body: a JSON array of readings, {"readings": [...]}, or JSON lines (application/x-ndjson)');
  return list.map(asItem);
}

export function perceptionRoutes(app: FastifyInstance, s: Services): void {
  app.register(async (scoped) => {
    // Bodies are parsed in the handler so that a bad line is counted instead of failing the batch.
    const limit = s.config.maxUploadBytes;
    scoped.addContentTypeParser(['application/json', ...JSON_LINES, 'text/csv', 'text/plain', 'application/geo+json'], { parseAs: 'string', bodyLimit: limit }, (_req, body, done) => {
      done(null, body);
    });
    route(scoped, {
      method: 'POST',
      url: '/api/v1/telemetry',
      permission: 'telemetry.ingest',
      summary: `Ingest sensor readings: a JSON array (or {"readings": [...]}) or JSON lines of {device, at, values}; up to ${MAX_BATCH} per request. Bad readings are rejected one by one with a reason and counted`,
      tags: ['perception'],
      body: z.string(),
      response: IngestResult,
      handler: async ({ principal, body, req }) => {
        const items = messagesOf(String(req.headers['content-type'] ?? 'application/json'), body);
        if (items === null) {
          await s.telemetry.ingest(principal.districtId, 'http', [{ error: 'the body is not JSON' }]);
          throw new DomainError('INVALID_JSON', 'the request body is not valid JSON; send a JSON array or JSON lines');
        }
        if (items.length > MAX_BATCH) throw new DomainError('PAYLOAD_TOO_LARGE', `at most ${MAX_BATCH} readings per request; split the batch`);
        return s.telemetry.ingest(principal.districtId, 'http', items);
      },
    });
    route(scoped, {
      method: 'POST',
      url: '/api/v1/perception/devices/import',
      permission: 'perception.manage',
      summary: 'Import devices: CSV (code,type,name,lng,lat[,component][,unit]) or a GeoJSON FeatureCollection of points; any bad row imports nothing',
      tags: ['perception'],
      body: z.unknown(),
      response: z.object({ imported: z.number().int() }),
      handler: async ({ principal, body }) => s.devices.importFile(principal.districtId, body, undefined, principal),
    });
  });

  route(app, {
    method: 'GET',
    url: '/api/v1/telemetry/status',
    permission: 'perception.read',
    summary: 'Ingest counters (accepted, rejected by reason, per source), rule states and the MQTT connection',
    tags: ['perception'],
    response: TelemetryStatus,
    handler: async ({ principal }) => s.telemetry.status(principal.districtId),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/perception/device-types',
    permission: 'perception.read',
    summary: 'Device types with their measurements, units and ranges',
    tags: ['perception'],
    response: itemsOf(DeviceTypeSchema),
    handler: async () => ({ items: Object.entries(DEVICE_TYPES).map(([code, t]) => ({ code, ...t })) }),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/perception/devices',
    permission: 'perception.read',
    summary: 'Devices of the district with their latest value per measurement, when last heard and their state (online, offline: silent too long, alarm: an alarm not cleared)',
    tags: ['perception'],
    query: z.object({ type: deviceType.optional(), state: z.enum(DEVICE_STATES).optional() }),
    response: itemsOf(DeviceSchema),
    handler: async ({ principal, query }) => ({ items: await s.devices.list(principal.districtId, query) }),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/perception/devices/:code/readings',
    permission: 'perception.read',
    summary: 'Raw readings of one measurement of a device since a time (within the retention)',
    tags: ['perception'],
    params: z.object({ code: z.string() }),
    query: z.object({ measurement: z.string().min(1), since: z.iso.datetime().optional(), limit: z.coerce.number().int().min(1).max(10_000).default(1000) }),
    response: itemsOf(Reading),
    handler: async ({ principal, params, query }) => {
      const since = query.since ? Date.parse(query.since) : s.clock.now() - 86_400_000;
      return { items: await s.telemetry.readings(principal.districtId, params.code, query.measurement, since, query.limit) };
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/perception/devices/:code/rollups',
    permission: 'perception.read',
    summary: 'Minute or hour rollups (min, max, avg, count) of one measurement of a device, for charts',
    tags: ['perception'],
    params: z.object({ code: z.string() }),
    query: z.object({
      measurement: z.string().min(1),
      bucket: z.enum(['minute', 'hour']).default('hour'),
      since: z.iso.datetime().optional(),
      until: z.iso.datetime().optional(),
      limit: z.coerce.number().int().min(1).max(10_000).default(2000),
    }),
    response: itemsOf(Rollup),
    handler: async ({ principal, params, query }) => {
      const until = query.until ? Date.parse(query.until) : s.clock.now() + 3_600_000;
      const since = query.since ? Date.parse(query.since) : until - (query.bucket === 'hour' ? 7 * 86_400_000 : 86_400_000);
      return { items: await s.rollups.series(principal.districtId, params.code, query.measurement, query.bucket, since, until, query.limit) };
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/perception/rules',
    permission: 'perception.read',
    summary: 'Alarm rules of the district',
    tags: ['perception'],
    response: itemsOf(RuleSchema),
    handler: async ({ principal }) => ({ items: await s.rules.list(principal.districtId) }),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/perception/rules',
    permission: 'perception.manage',
    summary: 'Create an alarm rule: threshold with hysteresis, rate of change, offline, or the AND of two; forMinutes sustains, clearMinutes debounces; autoReport makes each alarm a case at once',
    tags: ['perception'],
    successStatus: 201,
    body: ruleBody,
    response: RuleSchema,
    handler: async ({ principal, body }) => s.rules.create(principal.districtId, body, principal),
  });
  route(app, {
    method: 'PUT',
    url: '/api/v1/perception/rules/:id',
    permission: 'perception.manage',
    summary: 'Replace an alarm rule (its device type stays)',
    tags: ['perception'],
    params: z.object({ id: z.string() }),
    body: ruleBody,
    response: RuleSchema,
    handler: async ({ principal, params, body }) => s.rules.update(principal.districtId, params.id, body, principal),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/perception/alarms',
    permission: 'perception.read',
    summary: 'Alarms, newest first; status is a comma-separated list (default: raised,acknowledged)',
    tags: ['perception'],
    query: z.object({
      status: z
        .string()
        .default('raised,acknowledged')
        .transform((v) => v.split(',').filter(Boolean))
        .pipe(z.array(alarmStatus)),
      deviceId: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(200),
    }),
    response: itemsOf(AlarmSchema),
    handler: async ({ principal, query }) => ({ items: await s.alarms.list(principal, query) }),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/perception/alarms/:id',
    permission: 'perception.read',
    summary: 'One alarm',
    tags: ['perception'],
    params: z.object({ id: z.string() }),
    response: AlarmSchema,
    handler: async ({ principal, params }) => s.alarms.get(principal, params.id),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/perception/alarms/:id/acknowledge',
    permission: 'alarm.act',
    summary: "Acknowledge a raised alarm: it becomes a case (channel sensor) reported by the district's system user, or joins the open case of the same device and rule",
    tags: ['perception'],
    params: z.object({ id: z.string() }),
    response: AlarmSchema,
    handler: async ({ principal, params }) => s.alarms.acknowledge(principal, params.id),
  });
}
