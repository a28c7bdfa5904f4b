/** Response schemas of category suggestions, the classifier models and the intake settings. */
import { z } from 'zod';
import { IsoTime } from '../../platform/schemas.ts';

export const Suggestions = z.object({
  modelVersion: z.string(),
  suggestions: z.array(z.object({ kind: z.enum(['component', 'matter']), code: z.string(), name: z.string().nullable(), p: z.number().describe('calibrated probability') })),
});

export const ModelSchema = z.object({
  id: z.string().nullable().describe('null for the shipped base model'),
  version: z.string(),
  createdAt: IsoTime,
  examples: z.number().int(),
  metrics: z.object({
    heldOut: z.object({ n: z.number(), top1: z.number(), top3: z.number(), meanConfidence: z.number(), ece: z.number() }),
    confusion: z.array(z.object({ actual: z.string(), predicted: z.string(), count: z.number() })),
    labels: z.number(),
    features: z.number(),
    temperature: z.number(),
    corpusExamples: z.number(),
    confirmedCases: z.number(),
    trainMs: z.number(),
  }),
  active: z.boolean(),
});

export const Models = z.object({ activeVersion: z.string(), base: ModelSchema, items: z.array(ModelSchema) });

const DedupOverride = z.object({ radiusM: z.number().optional(), windowMs: z.number().optional(), autoThreshold: z.number().optional(), reviewThreshold: z.number().optional() });

export const IntakeSettingsSchema = z.object({
  automation: z.boolean(),
  classifyThreshold: z.number(),
  autoDispatchThreshold: z.number(),
  repeatDays: z.number(),
  geocodeThreshold: z.number(),
  dedup: z.object({
    windowMs: z.number(),
    autoThreshold: z.number(),
    reviewThreshold: z.number(),
    byCategory: z.record(z.string(), DedupOverride).describe('keyed by "kind:code"'),
  }),
});
