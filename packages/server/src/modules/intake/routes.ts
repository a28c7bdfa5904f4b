/** Intake routes: category suggestions, the district's models, and the intake automation settings. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DEFAULT_DEDUP } from '@onegrid/domain/intake/dedup';
import { DomainError } from '@onegrid/domain/errors';
import { route } from '../../platform/http.ts';
import type { Services } from '../../services.ts';
import { IntakeSettingsSchema, Models, ModelSchema, Suggestions } from './intake-schemas.ts';
import { DEFAULT_GEOCODE_THRESHOLD } from './gazetteer-service.ts';
import { INTAKE_DEFAULTS, type IntakeSettings } from './intake-service.ts';

const probability = z.number().min(0).max(1);
const dedupThresholds = {
  windowMs: z.number().int().min(60_000).max(90 * 86400_000).optional(),
  autoThreshold: probability.optional(),
  reviewThreshold: probability.optional(),
};
const intakeSettings = z
  .object({
    automation: z.boolean().optional(),
    classifyThreshold: probability.optional(),
    autoDispatchThreshold: probability.optional(),
    repeatDays: z.number().int().min(1).max(365).optional(),
    geocodeThreshold: z.number().gt(0).max(1).optional(),
    dedup: z
      .object({
        ...dedupThresholds,
        byCategory: z.record(z.string().regex(/^[a-z]+:[0-9A-Za-z]+$/, 'keys are "kind:code", e.g. "matter:06010"'), z.object({ ...dedupThresholds, radiusM: z.number().min(5).max(2000).optional() }).strict()).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** What a district runs with: its own values over the defaults. */
function effective(all: Record<string, unknown>) {
  const own = (all.intake ?? {}) as IntakeSettings;
  return {
    automation: own.automation ?? false,
    classifyThreshold: own.classifyThreshold ?? INTAKE_DEFAULTS.classifyThreshold,
    autoDispatchThreshold: own.autoDispatchThreshold ?? INTAKE_DEFAULTS.autoDispatchThreshold,
    repeatDays: own.repeatDays ?? INTAKE_DEFAULTS.repeatDays,
    geocodeThreshold: typeof all.geocodeThreshold === 'number' ? all.geocodeThreshold : DEFAULT_GEOCODE_THRESHOLD,
    dedup: {
      windowMs: own.dedup?.windowMs ?? DEFAULT_DEDUP.windowMs,
      autoThreshold: own.dedup?.autoThreshold ?? DEFAULT_DEDUP.autoThreshold,
      reviewThreshold: own.dedup?.reviewThreshold ?? DEFAULT_DEDUP.reviewThreshold,
      byCategory: own.dedup?.byCategory ?? {},
    },
  };
}

export function intakeRoutes(app: FastifyInstance, s: Services): void {
  route(app, {
    method: 'POST',
    url: '/api/v1/intake/classify',
    permission: 'case.create',
    summary: "Top-3 categories for a description, with calibrated probabilities and the model version that made them",
    tags: ['intake'],
    body: z.object({ text: z.string().max(5000) }),
    response: Suggestions,
    handler: async ({ principal, body }) => s.classifier.suggest(principal.districtId, body.text),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/intake/models',
    permission: 'taxonomy.read',
    summary: "The district's classifier models (newest first) with held-out metrics, the base model and the active version",
    tags: ['intake'],
    response: Models,
    handler: async ({ principal }) => s.classifier.models(principal.districtId),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/intake/models/retrain',
    permission: 'taxonomy.write',
    summary: 'Retrain from the shipped corpus plus cases whose category a person confirmed; the new model becomes active',
    tags: ['intake'],
    successStatus: 201,
    response: ModelSchema,
    handler: async ({ principal }) => s.classifier.retrain(principal.districtId, principal),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/settings/intake',
    permission: 'taxonomy.read',
    summary: 'Intake automation in force: automatic dispatch on/off and the classify, dispatch, geocode and dedup thresholds',
    tags: ['settings'],
    response: IntakeSettingsSchema,
    handler: async ({ principal }) => {
      const d = await s.org.districtById(principal.districtId);
      return effective(JSON.parse(d?.settings ?? '{}'));
    },
  });
  route(app, {
    method: 'PUT',
    url: '/api/v1/settings/intake',
    permission: 'taxonomy.write',
    summary: 'Change intake automation; omitted fields keep their value, per-category dedup entries replace the old ones',
    tags: ['settings'],
    body: intakeSettings,
    response: IntakeSettingsSchema,
    handler: async ({ principal, body }) => {
      const { geocodeThreshold, dedup, ...rest } = body;
      const d = await s.org.districtById(principal.districtId);
      const all = JSON.parse(d?.settings ?? '{}') as Record<string, unknown>;
      const own = (all.intake ?? {}) as IntakeSettings;
      const auto = dedup?.autoThreshold ?? own.dedup?.autoThreshold ?? DEFAULT_DEDUP.autoThreshold;
      const review = dedup?.reviewThreshold ?? own.dedup?.reviewThreshold ?? DEFAULT_DEDUP.reviewThreshold;
      if (review > auto) throw new DomainError('VALIDATION_FAILED', `body.dedup: reviewThreshold (${review}) must not exceed autoThreshold (${auto})`);
      const intake = { ...own, ...rest, ...(dedup ? { dedup: { ...own.dedup, ...dedup } } : {}) };
      const saved = await s.org.updateSettings(principal.districtId, { intake, ...(geocodeThreshold !== undefined ? { geocodeThreshold } : {}) }, { by: principal, action: 'settings.intake', summary: body });
      return effective(saved);
    },
  });
}
