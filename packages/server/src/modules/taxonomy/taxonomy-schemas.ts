/** Response schemas of categories, stage limits and the responsibility matrix. */
import { STAGES, URGENCIES } from '@onegrid/domain/case/sla';
import { z } from 'zod';
import { IsoTime } from '../../platform/schemas.ts';

export const LimitSchema = z.object({ amount: z.number(), unit: z.enum(['minute', 'hour', 'day']) });
export const StageLimitsSchema = z.object(Object.fromEntries(STAGES.map((st) => [st, LimitSchema])) as Record<(typeof STAGES)[number], typeof LimitSchema>);

export const CategorySchema = z.object({
  kind: z.enum(['component', 'matter']),
  code: z.string(),
  majorCode: z.string(),
  majorName: z.string(),
  name: z.string(),
  standard: z.string(),
  local: z.boolean(),
  defaultUrgency: z.enum(URGENCIES),
  limits: z.object({ normal: StageLimitsSchema, urgent: StageLimitsSchema, emergency: StageLimitsSchema }),
  registerCondition: z.string().nullable(),
  closeCondition: z.string().nullable(),
  responsible: z.string().nullable(),
  autoDispatch: z.boolean(),
  dedupRadiusM: z.number(),
  active: z.boolean(),
});

const RuleUnitRef = z.object({ id: z.string(), code: z.string().nullable(), name: z.string().nullable() });

/** A matrix rule: the category, the area it covers and the unit that handles it there. */
export const ResponsibilityRuleSchema = z.object({
  id: z.string(),
  category: z.object({ kind: z.enum(['component', 'matter']), code: z.string(), name: z.string().nullable() }),
  area: RuleUnitRef.nullable().describe('null: the whole district'),
  unit: RuleUnitRef,
  createdAt: IsoTime,
});
