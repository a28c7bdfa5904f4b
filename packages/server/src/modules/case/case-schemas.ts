/** Response schemas of the case views (case-view.ts), shared by every route that returns a case. */
import { ACTIONS, STATES } from '@onegrid/domain/case/lifecycle';
import { STAGES, URGENCIES } from '@onegrid/domain/case/sla';
import { z } from 'zod';
import { IsoTime, UnitRef, UserRef } from '../../platform/schemas.ts';
import { CHANNELS } from './case-service.ts';

export const LightSchema = z.enum(['green', 'yellow', 'red']);

export const CaseViewSchema = z.object({
  id: z.string(),
  number: z.string(),
  state: z.enum(STATES),
  version: z.number().int(),
  channel: z.enum(CHANNELS),
  description: z.string(),
  location: z.object({ lng: z.number(), lat: z.number() }).nullable().describe('GCJ-02'),
  repeatOf: z.string().nullable().describe('the closed case this one repeats'),
  address: z.string().nullable(),
  category: z.object({ kind: z.enum(['component', 'matter']), code: z.string(), name: z.string().nullable() }).nullable(),
  urgency: z.enum(URGENCIES),
  reporter: z.object({ name: z.string().nullable(), phone: z.string().nullable().describe('masked unless you may see contacts') }).nullable(),
  area: z.object({
    street: UnitRef.nullable(),
    community: UnitRef.nullable(),
    grid: UnitRef.nullable(),
    socialGrid: UnitRef.nullable(),
    outsideJurisdiction: z.boolean(),
  }),
  leadUnit: UnitRef.nullable(),
  cohandlers: z.array(UnitRef),
  stage: z.enum(STAGES).nullable(),
  stageStartedAt: IsoTime.nullable(),
  warnAt: IsoTime.nullable(),
  deadlineAt: IsoTime.nullable(),
  light: LightSchema.nullable().describe('null while suspended or without a clock'),
  remainingWorkingMinutes: z.number().nullable(),
  suspended: z.boolean(),
  supervised: z.boolean(),
  escalated: z.boolean(),
  postponement: z.object({ pending: z.boolean(), until: IsoTime.nullable(), reason: z.string().nullable() }).nullable(),
  reworkCount: z.number().int(),
  returnCount: z.number().int(),
  postponeCount: z.number().int(),
  mergedInto: z.string().nullable(),
  satisfaction: z.enum(['satisfied', 'basically_satisfied', 'unsatisfied']).nullable(),
  resolved: z.boolean().nullable(),
  photos: z.array(z.string()).describe('file ids'),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  closedAt: IsoTime.nullable(),
  allowedActions: z.array(z.enum(ACTIONS)).optional().describe('what the caller may do now (single-case reads and actions)'),
});

/** A single case as its own read, report and actions answer it: always with what the caller may do now. */
export const CaseDetailSchema = CaseViewSchema.extend({ allowedActions: z.array(z.enum(ACTIONS)) });

export const CasePage = z.object({ items: z.array(CaseViewSchema), nextCursor: z.string().nullable() });

export const CaseEventSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  action: z.string(),
  from: z.enum(STATES).nullable(),
  to: z.enum(STATES),
  at: IsoTime,
  actor: UserRef.nullable(),
  unit: UnitRef.nullable(),
  reason: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
});

/** An open case intake found near a new report, and how alike the two are. */
const DedupCandidate = z.looseObject({ caseId: z.string(), number: z.string(), score: z.number(), distanceM: z.number() });
/** The dedup step is spelled out because the console shows its candidates; other steps vary by step. */
const DedupDecision = z.looseObject({ step: z.literal('dedup'), outcome: z.string(), candidates: z.array(DedupCandidate) });
const OtherDecision = z.looseObject({ step: z.string(), outcome: z.string() });

/** What intake recorded at report time; null for cases reported before intake kept its decisions. */
export const IntakeDecisions = z.object({
  intake: z
    .looseObject({
      decisions: z.array(z.union([DedupDecision, OtherDecision])),
      categoryConfidence: z.number().optional(),
    })
    .nullable(),
});

export const RoutingStat = z.object({
  rule: z.string(),
  unitId: z.string(),
  unitName: z.string().nullable(),
  dispatched: z.number().int(),
  returned: z.number().int(),
  returnRate: z.number(),
});
