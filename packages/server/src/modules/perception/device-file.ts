/**
 * Device import files: CSV with the header code,type,name,lng,lat[,component][,unit] or a GeoJSON
 * FeatureCollection of points with those properties. This checks each row's shape; the service
 * checks it against the district (place, component, owning unit, codes already taken).
 */
import { type DeviceTypeCode, DEVICE_TYPES, isDeviceType } from '@onegrid/domain/perception/device-types';
import { validLngLat } from '@onegrid/domain/geo/geometry';
import { type FileProblem, parsePointFile } from '../../platform/data-file.ts';

export const DEVICE_COLUMNS = ['code', 'type', 'name', 'lng', 'lat'] as const;
export const OPTIONAL_COLUMNS = ['component', 'unit'] as const;

export type DeviceProblem = FileProblem;

export interface DeviceDraft {
  where: { line: number } | { index: number };
  code: string;
  type: DeviceTypeCode;
  name: string;
  lng: number;
  lat: number;
  component: string | null;
  unit: string | null;
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

function draftOf(raw: Record<string, unknown>, where: DeviceDraft['where']): DeviceDraft | string {
  const reasons: string[] = [];
  const code = text(raw.code);
  // Device codes travel in MQTT topics: no "/", "+", "#" or spaces.
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(code)) reasons.push(`code "${code}" must be 1–64 letters, digits or _ . : -`);
  const type = text(raw.type);
  if (!isDeviceType(type)) reasons.push(`type "${type}" is not one of ${Object.keys(DEVICE_TYPES).join(', ')}`);
  const name = text(raw.name);
  if (!name || name.length > 100) reasons.push('name: 1–100 characters');
  const lng = text(raw.lng) === '' ? Number.NaN : Number(text(raw.lng));
  const lat = text(raw.lat) === '' ? Number.NaN : Number(text(raw.lat));
  if (!validLngLat(lng, lat)) reasons.push(`lng, lat (${text(raw.lng) || 'empty'}, ${text(raw.lat) || 'empty'}) are not a longitude and latitude`);
  const component = text(raw.component) || null;
  if (component && !/^\d{5}$/.test(component)) reasons.push(`component "${component}" is not a five-digit GB/T 47678.5 component code`);
  if (reasons.length) return reasons.join('; ');
  return { where, code, type: type as DeviceTypeCode, name, lng, lat, component, unit: text(raw.unit) || null };
}

/** CSV text or a GeoJSON FeatureCollection (object or text) → drafts and every problem found. */
export function parseDeviceFile(file: unknown): { drafts: DeviceDraft[]; problems: DeviceProblem[] } {
  return parsePointFile(file, { required: DEVICE_COLUMNS, optional: OPTIONAL_COLUMNS }, draftOf);
}
