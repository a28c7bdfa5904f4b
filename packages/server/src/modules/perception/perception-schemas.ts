/** Response schemas of telemetry ingest, devices, readings, rules and alarms. */
import { URGENCIES } from '@onegrid/domain/case/sla';
import { DEVICE_TYPES } from '@onegrid/domain/perception/device-types';
import { REJECT_REASONS } from '@onegrid/domain/perception/readings';
import { z } from 'zod';
import { IsoTime } from '../../platform/schemas.ts';
import { DEVICE_STATES } from './device-service.ts';

const DeviceTypeCode = z.enum(Object.keys(DEVICE_TYPES) as [keyof typeof DEVICE_TYPES, ...Array<keyof typeof DEVICE_TYPES>]);
const RejectReason = z.enum(REJECT_REASONS);
const Values = z.record(z.string(), z.number()).describe('measurement → value');

export const IngestResult = z.object({
  accepted: z.number().int(),
  rejected: z.number().int(),
  late: z.number().int(),
  errors: z.array(z.object({ index: z.number().int(), reason: RejectReason, detail: z.string() })),
});

export const TelemetryStatus = z.object({
  accepted: z.number(),
  rejected: z.number(),
  rejectedByReason: z.record(RejectReason, z.number()),
  sources: z.record(z.string(), z.object({ accepted: z.number(), rejected: z.number(), rejectedByReason: z.record(z.string(), z.number()) })),
  ruleStates: z.record(z.string(), z.number()),
  retentionDays: z.number(),
  mqtt: z.looseObject({ enabled: z.boolean() }),
});

export const DeviceTypeSchema = z.object({
  code: DeviceTypeCode,
  name: z.string(),
  fiware: z.string().nullable(),
  defaultComponent: z.string().nullable(),
  measurements: z.record(
    z.string(),
    z.object({ unit: z.string(), aliases: z.array(z.string()).optional(), min: z.number(), max: z.number(), labels: z.array(z.string()).optional(), boolean: z.literal(true).optional() }),
  ),
});

export const DeviceSchema = z.object({
  id: z.string(),
  districtId: z.string(),
  code: z.string(),
  type: DeviceTypeCode,
  name: z.string(),
  lng: z.number(),
  lat: z.number(),
  componentCode: z.string().nullable(),
  unitId: z.string().nullable(),
  createdAt: IsoTime,
  latest: z.record(z.string(), z.object({ value: z.number(), at: IsoTime })),
  lastSeenAt: IsoTime.nullable(),
  state: z.enum(DEVICE_STATES),
});

export const Reading = z.object({ at: IsoTime, value: z.number() });
export const Rollup = z.object({ start: IsoTime, end: IsoTime, min: z.number(), max: z.number(), avg: z.number(), count: z.number().int() });

const Leaf = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('threshold'), measurement: z.string(), direction: z.enum(['above', 'below']), raise: z.number(), clear: z.number() }),
  z.object({ kind: z.literal('rate'), measurement: z.string(), direction: z.enum(['rising', 'falling']), raise: z.number(), clear: z.number() }),
  z.object({ kind: z.literal('offline'), minutes: z.number() }),
]);

export const RuleSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  deviceType: DeviceTypeCode,
  condition: z.union([Leaf, z.object({ kind: z.literal('all'), of: z.tuple([Leaf, Leaf]) })]),
  forMinutes: z.number(),
  clearMinutes: z.number(),
  category: z.object({ kind: z.string(), code: z.string() }).nullable(),
  urgency: z.enum(URGENCIES),
  active: z.boolean(),
  autoReport: z.boolean(),
});

export const AlarmSchema = z.object({
  id: z.string(),
  status: z.enum(['raised', 'acknowledged', 'cleared']),
  device: z.object({ id: z.string(), code: z.string(), name: z.string(), type: z.string(), lng: z.number(), lat: z.number() }),
  rule: z.object({ id: z.string(), code: z.string(), name: z.string() }),
  raisedAt: IsoTime,
  raisedValues: Values,
  acknowledgedAt: IsoTime.nullable(),
  acknowledgedBy: z.string().nullable().describe('user id'),
  caseId: z.string().nullable(),
  clearedAt: IsoTime.nullable(),
  clearedValues: Values.nullable(),
});
