/** Response schemas of evaluation results, drill-down, the scheme and the indices. */
import { OBJECT_TYPES } from '@onegrid/domain/evaluation/scheme';
import { z } from 'zod';
import { IsoTime } from '../../platform/schemas.ts';
import { CaseViewSchema } from '../case/case-schemas.ts';
import { CardSchema } from '../supervision/supervision-schemas.ts';

const ObjectType = z.enum(OBJECT_TYPES);
const ObjectKey = z.string().describe('district, street:<id>, community:<id>, grid:<id>, department:<id>, post:<role>, person:<userId>');

export const Results = z.object({
  period: z.object({ label: z.string(), kind: z.string(), start: IsoTime, end: IsoTime, closed: z.boolean() }),
  previous: z.string().describe('label of the period compared with'),
  scheme: z.object({ version: z.number().int(), name: z.string() }),
  objectType: ObjectType,
  composites: z.array(z.object({ id: z.string(), zh: z.string(), en: z.string(), role: z.string().nullable() })),
  indicators: z.array(z.object({ id: z.string(), zh: z.string(), en: z.string(), format: z.string(), formula: z.string(), definition: z.string().nullable() })),
  redList: z.record(z.string(), z.array(ObjectKey)).describe('per composite: the best objects'),
  blackList: z.record(z.string(), z.array(ObjectKey)).describe('per composite: the worst objects'),
  total: z.number().int(),
  rows: z.array(
    z.object({
      object: z.object({ type: ObjectType, id: z.string(), key: ObjectKey, name: z.string() }),
      counts: z.record(z.string(), z.number()),
      indicators: z.record(z.string(), z.number().nullable()),
      scores: z.record(
        z.string(),
        z.object({ score: z.number().nullable(), grade: z.string().nullable(), rank: z.number().nullable(), previousScore: z.number().nullable(), change: z.number().nullable() }),
      ),
    }),
  ),
});

export const Drill = z.object({
  period: z.string(),
  object: z.object({ key: ObjectKey, type: ObjectType, id: z.string(), name: z.string() }),
  figure: z.string(),
  counts: z.record(z.string(), z.object({ total: z.number(), cases: z.number() })),
  totalCases: z.number().int(),
  items: z.array(CaseViewSchema),
});

const Mapping = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rate') }),
  z.object({ kind: z.literal('inverse_rate') }),
  z.object({ kind: z.literal('relative') }),
  z.object({ kind: z.literal('linear'), worst: z.number(), best: z.number() }),
]);
const IndexId = z.enum(['development', 'service', 'governance']);

export const SchemeSchema = z.object({
  name: z.string(),
  indicators: z.array(
    z.object({ id: z.string(), zh: z.string(), en: z.string(), formula: z.string(), format: z.enum(['percent', 'hours', 'number']), definition: z.string().optional() }),
  ),
  composites: z.array(
    z.object({
      id: z.string(),
      zh: z.string(),
      en: z.string(),
      objectType: ObjectType,
      role: z.string().optional(),
      items: z.array(z.object({ indicator: z.string(), weight: z.number(), mapping: Mapping })),
    }),
  ),
  grades: z.array(z.object({ grade: z.string(), min: z.number() })),
  redList: z.number().int(),
  blackList: z.number().int(),
  indices: z.array(
    z.object({
      id: IndexId,
      zh: z.string(),
      en: z.string(),
      components: z.array(
        z.object({ source: z.enum(['indicator', 'input']), code: z.string(), zh: z.string(), en: z.string(), weight: z.number(), mapping: Mapping }),
      ),
    }),
  ),
});

export const SchemeWithVersions = z.object({
  version: z.number().int().describe('0: the built-in default'),
  scheme: SchemeSchema,
  createdAt: IsoTime.nullable(),
  versions: z.array(z.object({ version: z.number().int(), createdBy: z.string().nullable(), createdAt: IsoTime.nullable() })),
});

export const IssuedCards = z.object({ period: z.string(), cards: z.array(CardSchema) });

export const Indices = z.object({
  scheme: z.object({ version: z.number().int(), name: z.string() }),
  months: z.array(
    z.object({
      period: z.string(),
      indices: z.array(
        z.object({
          id: IndexId,
          zh: z.string(),
          en: z.string(),
          value: z.number().nullable(),
          components: z.array(
            z.object({
              code: z.string(),
              source: z.enum(['indicator', 'input']),
              zh: z.string(),
              en: z.string(),
              weight: z.number(),
              value: z.number().nullable(),
              score: z.number().nullable(),
            }),
          ),
        }),
      ),
    }),
  ),
});

export const IndexInputs = z.object({ period: z.string(), values: z.record(z.string(), z.number()) });
