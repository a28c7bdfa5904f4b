/** Response schemas of categories, stage limits and the responsibility matrix. */
import { STAGES, URGENCIES } from '@onegrid/domain/case/sla';
import { z } from 'zod';

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

/** A matrix rule as stored (snake_case, created_at in epoch milliseconds). */
export const ResponsibilityRuleSchema = z.object({
  id: z.string(),
  district_id: z.string(),
  category_kind: z.enum(['component', 'matter']),
  category_code: z.string(),
  area_unit_id: z.string().nullable().describe('null: the whole district'),
  unit_id: z.string(),
  created_at: z.number(),
});
