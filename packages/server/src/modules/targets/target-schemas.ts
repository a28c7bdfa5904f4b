/** Response schemas of work-report targets, their progress and board, and reviews (target-view.ts). */
import { ACCRUALS, CADENCES, DIRECTIONS, TARGET_KINDS, TARGET_STATUSES } from '@onegrid/domain/targets/kinds';
import { z } from 'zod';
import { IsoTime } from '../../platform/schemas.ts';

/** Targets name units with code and name ('' when the unit is gone). */
export const TargetUnitRef = z.object({ id: z.string(), code: z.string(), name: z.string() });
const Status = z.enum(TARGET_STATUSES);
const Day = z.string().describe('a date, YYYY-MM-DD');

export const StatusSchema = z.object({
  status: Status,
  asOf: IsoTime,
  elapsed: z.number().describe("fraction of the target's time elapsed, 0..1"),
  expected: z.number().nullable(),
  actual: z.number().nullable(),
  latestPeriod: z.string().nullable(),
  overdue: z.array(z.object({ period: z.string(), dueAt: IsoTime })).describe('lead-unit reports due and missing'),
});

export const TargetSchema = z.object({
  id: z.string(),
  year: z.number().int(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  category: z.string(),
  kind: z.enum(TARGET_KINDS),
  metric: z.string().nullable(),
  unitOfMeasure: z.string().nullable(),
  direction: z.enum(DIRECTIONS).nullable(),
  accrual: z.enum(ACCRUALS).nullable(),
  baseline: z.object({ value: z.number(), year: z.number().int().nullable() }).nullable(),
  targetValue: z.number().nullable(),
  targetLevel: z.number().nullable().describe('growth targets with a baseline: the level the growth leads to'),
  tolerance: z.number(),
  milestones: z.array(z.object({ code: z.string(), name: z.string(), due: Day })),
  graceDays: z.number().int(),
  deadline: Day,
  cadence: z.enum(CADENCES),
  leadUnit: TargetUnitRef,
  coUnits: z.array(TargetUnitRef),
  sourceQuote: z.string().nullable(),
  note: z.string().nullable(),
  version: z.number().int(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  status: StatusSchema,
});

export const ProgressSchema = z.object({
  id: z.string(),
  period: z.string(),
  unit: TargetUnitRef,
  value: z.number().nullable(),
  milestonesDone: z.array(z.string()),
  narrative: z.string(),
  attachments: z.array(z.string()).describe('file ids'),
  reportedBy: z.string().nullable().describe('user id'),
  reportedAt: IsoTime,
  current: z.boolean().describe('false once a later report of the same unit and period replaced it'),
  supersededAt: IsoTime.nullable(),
});

export const TargetWithProgress = TargetSchema.extend({ progress: z.array(ProgressSchema) });

export const Reported = z.object({ report: ProgressSchema, status: StatusSchema });

const StatusCounts = z.object(Object.fromEntries(TARGET_STATUSES.map((k) => [k, z.number().int()])) as Record<(typeof TARGET_STATUSES)[number], z.ZodNumber>);

export const Board = z.object({
  asOf: IsoTime,
  total: z.number().int(),
  byStatus: StatusCounts,
  byCategory: z.array(StatusCounts.extend({ category: z.string(), total: z.number().int() })),
  attention: z.array(
    z.object({
      id: z.string(),
      code: z.string(),
      name: z.string(),
      category: z.string(),
      status: Status,
      leadUnit: TargetUnitRef,
      expected: z.number().nullable(),
      actual: z.number().nullable(),
      unitOfMeasure: z.string().nullable(),
    }),
  ),
  overdueByUnit: z.array(
    z.object({
      unit: TargetUnitRef,
      count: z.number().int(),
      items: z.array(z.object({ targetId: z.string(), code: z.string(), name: z.string(), period: z.string(), dueAt: IsoTime })),
    }),
  ),
});

export const ReviewSchema = z.object({
  id: z.string(),
  subject: z.object({ kind: z.enum(['case', 'alarm']), id: z.string() }),
  authorId: z.string(),
  version: z.number().int(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  title: z.string(),
  whatHappened: z.string(),
  timeline: z.array(z.object({ at: IsoTime, what: z.string() })),
  cause: z.string(),
  changes: z.string(),
});
