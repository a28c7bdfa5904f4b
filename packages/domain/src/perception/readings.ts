/**
 * Validation of one telemetry message against its device's type. A message is
 * `{ at, values: { <measurement>: number | boolean | label | { value, unit } } }`; it is accepted
 * whole or rejected whole with one reason code, which the ingest counts and shows.
 */
import { type DeviceTypeCode, measurementOf } from './device-types.ts';

export const REJECT_REASONS = [
  /** Not JSON, not an object, no values, a value that is not a number/boolean/label, a bad time. */
  'malformed',
  /** No device with that code in the district (or no such district on MQTT). */
  'unknown_device',
  /** The device's type has no such measurement. */
  'unknown_measurement',
  /** A unit was given and it is not the measurement's unit. */
  'wrong_unit',
  /** The value lies outside what the sensor can physically report. */
  'out_of_range',
  /** Time stamped further in the future than the allowed clock skew. */
  'future_time',
  /** Older than the raw-reading retention: it could not be kept anyway. */
  'too_old',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface Values {
  [measurement: string]: number;
}

export type Checked = { ok: true; at: number; values: Values } | { ok: false; reason: RejectReason; detail: string };

export interface TimeWindow {
  now: number;
  maxFutureMs: number;
  maxAgeMs: number;
}

const bad = (reason: RejectReason, detail: string): Checked => ({ ok: false, reason, detail });

/** ISO 8601 text or epoch milliseconds → epoch ms; anything else → NaN. */
export function parseTime(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : Number.NaN;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return Date.parse(v);
  return Number.NaN;
}

export function checkReading(type: DeviceTypeCode, message: unknown, w: TimeWindow): Checked {
  if (!message || typeof message !== 'object' || Array.isArray(message)) return bad('malformed', 'a reading is a JSON object');
  const m = message as { at?: unknown; values?: unknown };
  const at = m.at === undefined ? w.now : parseTime(m.at);
  if (Number.isNaN(at)) return bad('malformed', 'at: an ISO 8601 time or epoch milliseconds');
  if (at > w.now + w.maxFutureMs) return bad('future_time', `at ${new Date(at).toISOString()} is in the future`);
  if (at < w.now - w.maxAgeMs) return bad('too_old', `at ${new Date(at).toISOString()} is older than the retention`);
  if (!m.values || typeof m.values !== 'object' || Array.isArray(m.values)) return bad('malformed', 'values: an object of measurement → value');
  const values: Values = {};
  const entries = Object.entries(m.values as Record<string, unknown>);
  if (entries.length === 0) return bad('malformed', 'values: at least one measurement');
  for (const [name, raw] of entries) {
    const spec = measurementOf(type, name);
    if (!spec) return bad('unknown_measurement', `${type} has no measurement "${name}"`);
    let v = raw;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as { value?: unknown; unit?: unknown };
      if (o.unit !== undefined && o.unit !== spec.unit && !spec.aliases?.includes(String(o.unit))) {
        return bad('wrong_unit', `${name} is measured in ${spec.unit}, not ${String(o.unit)}`);
      }
      v = o.value;
    }
    let n: number;
    if (typeof v === 'boolean' && (spec.boolean || spec.labels)) n = v ? 1 : 0;
    else if (typeof v === 'string' && spec.labels) {
      n = spec.labels.indexOf(v);
      if (n < 0) return bad('out_of_range', `${name} "${v}" is not one of ${spec.labels.join(', ')}`);
    } else if (typeof v === 'number' && Number.isFinite(v)) n = v;
    else return bad('malformed', `${name}: a number${spec.labels ? ' or a label' : ''}${spec.boolean ? ' or a boolean' : ''}`);
    if (n < spec.min || n > spec.max) return bad('out_of_range', `${name} ${n} lies outside [${spec.min}, ${spec.max}] ${spec.unit}`);
    if ((spec.labels || spec.boolean) && !Number.isInteger(n)) return bad('out_of_range', `${name} ${n} is not a whole code`);
    values[name] = n;
  }
  return { ok: true, at, values };
}
