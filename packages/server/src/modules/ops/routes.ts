/** Health, readiness, Prometheus metrics and the working-calendar settings. */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import { DomainError } from '@onegrid/domain/errors';
import { URGENCIES } from '@onegrid/domain/case/sla';
import { DEFAULT_WORKING_HOURS, WorkingCalendar } from '@onegrid/domain/time/working-calendar';
import { route } from '../../platform/http.ts';
import { IsoDay, Ok } from '../../platform/schemas.ts';
import { StageLimitsSchema } from '../taxonomy/taxonomy-schemas.ts';
import { type DistrictSettings, districtHolidays } from '../sla/calendar-service.ts';
import type { Services } from '../../services.ts';

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a local date YYYY-MM-DD');
const Period = z.tuple([z.number(), z.number()]).describe('[start, end) in minutes after local midnight');
/** The district's stored settings; other modules keep their own keys here too. */
const CalendarSettings = z.looseObject({
  workingHours: z.array(Period).optional(),
  warnRatio: z.number().optional(),
  defaultLimits: StageLimitsSchema.optional(),
  naturalTimeUrgencies: z.array(z.enum(URGENCIES)).optional(),
  holidays: z.array(z.string()).optional(),
  workdays: z.array(z.string()).optional(),
});

export function opsRoutes(app: FastifyInstance, s: Services): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'onegrid_' });
  const duration = new Histogram({
    name: 'onegrid_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const errors = new Counter({ name: 'onegrid_http_errors_total', help: 'HTTP 4xx/5xx answers by code', labelNames: ['status'], registers: [registry] });
  new Gauge({
    name: 'onegrid_outbox_pending',
    help: 'Outbox messages not yet processed',
    registers: [registry],
    async collect() {
      const r = await s.store.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('processed_at', 'is', null)
        .executeTakeFirstOrThrow();
      this.set(Number(r.n));
    },
  });
  new Gauge({
    name: 'onegrid_timers_due',
    help: 'SLA timers due but not yet fired',
    registers: [registry],
    async collect() {
      const r = await s.store.db
        .selectFrom('case_timers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('fired_at', 'is', null)
        .where('cancelled_at', 'is', null)
        .where('due_at', '<=', s.clock.now())
        .executeTakeFirstOrThrow();
      this.set(Number(r.n));
    },
  });
  app.addHook('onResponse', async (req, reply) => {
    const routeUrl = req.routeOptions.url ?? 'unmatched';
    duration.observe({ method: req.method, route: routeUrl, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 400) errors.inc({ status: String(reply.statusCode) });
  });

  route(app, {
    method: 'GET',
    url: '/healthz',
    permission: 'public',
    summary: 'Liveness: the process answers',
    tags: ['ops'],
    response: Ok,
    handler: async () => ({ ok: true }),
  });
  route(app, {
    method: 'GET',
    url: '/readyz',
    permission: 'public',
    summary: 'Readiness: the database answers',
    tags: ['ops'],
    response: z.object({ ok: z.boolean(), store: z.enum(['sqlite', 'postgres']) }),
    handler: async ({ reply }) => {
      try {
        await sql`select 1`.execute(s.store.db);
        return { ok: true, store: s.store.dialect };
      } catch {
        reply.status(503);
        return { ok: false, store: s.store.dialect };
      }
    },
  });
  route(app, {
    method: 'GET',
    url: '/metrics',
    permission: 'public',
    summary: 'Prometheus metrics',
    tags: ['ops'],
    produces: 'text/plain',
    handler: async ({ reply }) => reply.header('content-type', registry.contentType).send(await registry.metrics()),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/settings/calendar',
    permission: 'taxonomy.read',
    summary: 'Working hours, warning ratio and the holiday calendar in force',
    tags: ['settings'],
    response: z.object({
      settings: CalendarSettings,
      minutesPerDay: z.number(),
      warnRatio: z.number(),
      workingHours: z.array(Period),
      holidays: z.array(IsoDay),
      workdays: z.array(IsoDay),
    }),
    handler: async ({ principal }) => {
      const d = await s.org.districtById(principal.districtId);
      const dc = await s.calendars.forDistrict(principal.districtId);
      const settings = JSON.parse(d?.settings ?? '{}') as DistrictSettings;
      const { holidays, workdays } = districtHolidays(settings);
      return {
        settings,
        minutesPerDay: dc.calendar.minutesPerDay,
        warnRatio: dc.warnRatio,
        workingHours: settings.workingHours ?? DEFAULT_WORKING_HOURS.periods,
        holidays,
        workdays,
      };
    },
  });
  route(app, {
    method: 'PUT',
    url: '/api/v1/settings/calendar',
    permission: 'taxonomy.write',
    summary: "Set working hours (minutes after local midnight), the yellow-light ratio and the district's own holidays and make-up working days; omitted fields keep their value",
    tags: ['settings'],
    body: z.object({
      workingHours: z.array(z.tuple([z.number().int().min(0).max(1440), z.number().int().min(0).max(1440)])).min(1).max(6).optional(),
      warnRatio: z.number().gt(0).lt(1).optional(),
      holidays: z.array(LocalDate).max(366).optional(),
      workdays: z.array(LocalDate).max(366).optional(),
    }),
    response: z.object({ settings: CalendarSettings }),
    handler: async ({ principal, body }) => {
      const current = JSON.parse((await s.org.districtById(principal.districtId))?.settings ?? '{}') as DistrictSettings;
      const days = { holidays: body.holidays ?? current.holidays ?? [], workdays: body.workdays ?? current.workdays ?? [] };
      const both = days.holidays.find((x) => days.workdays.includes(x));
      if (both) throw new DomainError('VALIDATION_FAILED', `body.holidays: ${both} is also listed as a working day; keep it in one list`);
      try {
        new WorkingCalendar(districtHolidays(days), { periods: body.workingHours ?? current.workingHours ?? DEFAULT_WORKING_HOURS.periods });
      } catch (e) {
        throw new DomainError('VALIDATION_FAILED', `body: ${(e as Error).message}`);
      }
      const patch = {
        ...(body.workingHours ? { workingHours: body.workingHours } : {}),
        ...(body.warnRatio !== undefined ? { warnRatio: body.warnRatio } : {}),
        ...(body.holidays ? { holidays: [...new Set(body.holidays)].sort() } : {}),
        ...(body.workdays ? { workdays: [...new Set(body.workdays)].sort() } : {}),
      };
      // Every process's calendar follows the settings text (CalendarService), this one at once.
      const settings = await s.org.updateSettings(principal.districtId, patch, { by: principal, action: 'settings.calendar', summary: patch });
      return { settings };
    },
  });
}
