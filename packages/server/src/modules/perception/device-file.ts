/**
 * Device import files: CSV with the header code,type,name,lng,lat[,component][,unit] or a GeoJSON
 * FeatureCollection of points with those properties. This checks each row's shape; the service
 * checks it against the district (place, component, owning unit, codes already taken).
 */
import { type DeviceTypeCode, DEVICE_TYPES, isDeviceType } from '@onegrid/domain/perception/device-types';
import { validLngLat } from '@onegrid/domain/geo/geometry';
import { type FileProblem, parseCsv, readDataFile } from '../../platform/data-file.ts';

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
  const doc = readDataFile(file);
  if ('problem' in doc) return { drafts: [], problems: [doc.problem] };
  return 'csv' in doc ? parseCsvDevices(doc.csv) : parseGeoJsonDevices(doc.json);
}

function parseCsvDevices(csv: string): { drafts: DeviceDraft[]; problems: DeviceProblem[] } {
  const { records, problem } = parseCsv(csv);
  const problems: DeviceProblem[] = problem ? [problem] : [];
  const [header, ...rows] = records;
  const expected = [...DEVICE_COLUMNS, ...OPTIONAL_COLUMNS].join(',');
  if (!header) return { drafts: [], problems: [{ line: 1, reason: `the file is empty; expected the header ${expected}` }] };
  const columns = header.fields.map((f) => f.trim().toLowerCase());
  const missing = DEVICE_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length) return { drafts: [], problems: [{ line: header.line, reason: `the header lacks ${missing.join(', ')}; expected ${expected}` }] };
  const drafts: DeviceDraft[] = [];
  for (const r of rows) {
    if (r.fields.length !== columns.length) {
      problems.push({ line: r.line, reason: `${r.fields.length} fields where the header has ${columns.length}` });
      continue;
    }
    const raw = Object.fromEntries(columns.map((c, i) => [c, r.fields[i]]));
    const d = draftOf(raw, { line: r.line });
    if (typeof d === 'string') problems.push({ line: r.line, reason: d });
    else drafts.push(d);
  }
  return { drafts, problems };
}

function parseGeoJsonDevices(doc: unknown): { drafts: DeviceDraft[]; problems: DeviceProblem[] } {
  const d = doc as { type?: unknown; features?: unknown } | null;
  if (!d || typeof d !== 'object' || d.type !== 'FeatureCollection' || !Array.isArray(d.features)) {
    return { drafts: [], problems: [{ index: -1, reason: `the file is neither CSV (${DEVICE_COLUMNS.join(',')},…) nor a GeoJSON FeatureCollection of points` }] };
  }
  const drafts: DeviceDraft[] = [];
  const problems: DeviceProblem[] = [];
  (d.features as unknown[]).forEach((f, index) => {
    const feature = f as { type?: unknown; properties?: Record<string, unknown> | null; geometry?: { type?: unknown; coordinates?: unknown } | null };
    const coords = feature?.geometry?.coordinates;
    if (feature?.type !== 'Feature' || feature.geometry?.type !== 'Point' || !Array.isArray(coords)) {
      problems.push({ index, reason: 'not a GeoJSON Feature with a Point geometry' });
      return;
    }
    const draft = draftOf({ ...(feature.properties ?? {}), lng: coords[0], lat: coords[1] }, { index });
    if (typeof draft === 'string') problems.push({ index, reason: draft });
    else drafts.push(draft);
  });
  return { drafts, problems };
}
