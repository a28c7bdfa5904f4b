/**
 * The demo district's sensor fleet (感知设备) and its alarm rules: water-level sensors at
 * waterlogging points (积水点), manhole-cover sensors on covers of several kinds, waste-bin fill,
 * street lights, air quality and noise, each at a point inside a demo grid cell and owned by a
 * plausible unit. Placement is seeded, so every seeded demo has the same fleet.
 */
import { type AreaGeometry, bbox } from '@onegrid/domain/geo/geometry';
import { geometryContains } from '@onegrid/domain/geo/point-in-polygon';
import type { DeviceTypeCode } from '@onegrid/domain/perception/device-types';
import type { Services } from '../../services.ts';
import type { RuleInput } from '../perception/rule-service.ts';
import type { DemoArea, DemoGeometry } from './district-geometry.ts';

/** How many devices of each kind, and the share placed in the urban streets rather than the rural towns. */
const FLEET: Array<{ type: DeviceTypeCode; prefix: string; count: number; urban: number }> = [
  { type: 'water_level', prefix: 'WL', count: 40, urban: 0.85 },
  { type: 'manhole_cover', prefix: 'MC', count: 120, urban: 0.8 },
  { type: 'waste_bin', prefix: 'WB', count: 100, urban: 0.7 },
  { type: 'street_light', prefix: 'SL', count: 80, urban: 0.75 },
  { type: 'air_quality', prefix: 'AQ', count: 12, urban: 0.6 },
  { type: 'noise', prefix: 'NZ', count: 12, urban: 0.9 },
];

/** Cover kinds (GB/T 47678.5 component) with their weight and owner: utilities own their own covers. */
const COVERS: Array<{ component: string; name: string; weight: number; owner: string }> = [
  { component: '01003', name: '雨水井盖', weight: 35, owner: 'cgj' },
  { component: '01002', name: '污水井盖', weight: 25, owner: 'cgj' },
  { component: '01001', name: '供水井盖', weight: 15, owner: 'gs' },
  { component: '01005', name: '电力井盖', weight: 10, owner: 'gdj' },
  { component: '01011', name: '燃气井盖', weight: 8, owner: 'rq' },
  { component: '01007', name: '通信井盖', weight: 7, owner: 'tx' },
];

/** The rules a district would start with; thresholds follow common municipal practice. */
export const DEMO_SENSOR_RULES: RuleInput[] = [
  {
    code: 'WL-HIGH',
    name: '积水点水位超限',
    deviceType: 'water_level',
    condition: { kind: 'threshold', measurement: 'currentLevel', direction: 'above', raise: 0.3, clear: 0.15 },
    forMinutes: 5,
    clearMinutes: 10,
    category: { kind: 'matter', code: '01004' },
    urgency: 'urgent',
    // Severe waterlogging is dispatched at once (sensor triggers → case), no operator in between.
    autoReport: true,
  },
  {
    code: 'WL-RAIN-RISING',
    name: '强降雨且水位持续上涨',
    deviceType: 'water_level',
    condition: {
      kind: 'all',
      of: [
        { kind: 'threshold', measurement: 'precipitation', direction: 'above', raise: 30, clear: 15 },
        { kind: 'rate', measurement: 'currentLevel', direction: 'rising', raise: 0.01, clear: 0 },
      ],
    },
    forMinutes: 0,
    clearMinutes: 5,
    category: { kind: 'matter', code: '01004' },
    urgency: 'urgent',
  },
  {
    code: 'WL-OFFLINE',
    name: '积水点监测离线',
    deviceType: 'water_level',
    condition: { kind: 'offline', minutes: 180 },
  },
  {
    code: 'MC-OPEN',
    name: '井盖开启',
    deviceType: 'manhole_cover',
    condition: { kind: 'threshold', measurement: 'open', direction: 'above', raise: 1, clear: 0 },
    clearMinutes: 2,
    urgency: 'urgent',
    // An open cover is a fall hazard: report it as a case without waiting for an operator.
    autoReport: true,
  },
  {
    code: 'MC-TILT',
    name: '井盖倾斜',
    deviceType: 'manhole_cover',
    condition: { kind: 'threshold', measurement: 'tiltAngle', direction: 'above', raise: 15, clear: 5 },
    forMinutes: 2,
    clearMinutes: 5,
  },
  {
    code: 'WB-FULL',
    name: '垃圾箱满溢',
    deviceType: 'waste_bin',
    condition: { kind: 'threshold', measurement: 'fillingLevel', direction: 'above', raise: 0.9, clear: 0.6 },
    forMinutes: 10,
  },
  {
    code: 'SL-FAULT',
    name: '路灯故障',
    deviceType: 'street_light',
    condition: { kind: 'threshold', measurement: 'status', direction: 'above', raise: 1, clear: 0 },
    forMinutes: 15,
  },
  {
    code: 'AQ-PM25',
    name: 'PM2.5 重度污染',
    deviceType: 'air_quality',
    condition: { kind: 'threshold', measurement: 'pm25', direction: 'above', raise: 150, clear: 115 },
    forMinutes: 60,
    clearMinutes: 30,
  },
  {
    code: 'NZ-LOUD',
    name: '噪声超标',
    deviceType: 'noise',
    condition: { kind: 'threshold', measurement: 'LAeq', direction: 'above', raise: 70, clear: 65 },
    forMinutes: 30,
    clearMinutes: 10,
    category: { kind: 'matter', code: '06028' },
  },
];

function prng(seed: number) {
  let a = seed >>> 0 || 1;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Feature {
  type: 'Feature';
  properties: { code: string; type: DeviceTypeCode; name: string; component: string | null; unit: string };
  geometry: { type: 'Point'; coordinates: [number, number] };
}

/** The fleet as a GeoJSON FeatureCollection of device import rows (pure: same geometry and seed, same fleet). */
export function demoFleet(geo: DemoGeometry, seed = 4): { type: 'FeatureCollection'; features: Feature[] } {
  const rnd = prng(seed);
  const towns = new Map(geo.towns.map((t) => [t.code, t]));
  const communities = new Map(geo.communities.map((c) => [c.code, c]));
  const townOf = (grid: DemoArea) => towns.get(communities.get(grid.parentCode)?.parentCode ?? '');
  const urban = geo.grids.filter((g) => townOf(g)?.kind === 'street');
  const rural = geo.grids.filter((g) => townOf(g)?.kind === 'town');
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const place = (share: number): { grid: DemoArea; lng: number; lat: number } => {
    for (;;) {
      const grid = pick(rural.length && rnd() >= share ? rural : urban);
      const g = grid.geometry as AreaGeometry;
      const [minX, minY, maxX, maxY] = bbox(g);
      // Edge cells are clipped by the outline: a few tries, then another cell.
      for (let i = 0; i < 8; i++) {
        const lng = Number((minX + rnd() * (maxX - minX)).toFixed(6));
        const lat = Number((minY + rnd() * (maxY - minY)).toFixed(6));
        if (geometryContains(g, lng, lat)) return { grid, lng, lat };
      }
    }
  };
  const coverWeights = COVERS.reduce((a, c) => a + c.weight, 0);
  const cover = () => {
    let r = rnd() * coverWeights;
    for (const c of COVERS) {
      r -= c.weight;
      if (r <= 0) return c;
    }
    return COVERS[0] as (typeof COVERS)[number];
  };
  const features: Feature[] = [];
  for (const f of FLEET) {
    for (let i = 1; i <= f.count; i++) {
      const { grid, lng, lat } = place(f.urban);
      const town = townOf(grid);
      const where = `${town?.name ?? ''}${(communities.get(grid.parentCode)?.name ?? '').replace(/居民委员会|村民委员会/, '')}`;
      const code = `${f.prefix}-${String(i).padStart(3, '0')}`;
      const c = f.type === 'manhole_cover' ? cover() : null;
      const [name, component, unit] = ((): [string, string | null, string] => {
        switch (f.type) {
          case 'water_level':
            return [`${where}积水点${i}号水位计`, null, 'slj'];
          case 'manhole_cover':
            return [`${where}${c?.name}${i}号`, c?.component ?? null, c?.owner ?? 'cgj'];
          case 'waste_bin':
            // Bins are emptied by the street or town itself (属地).
            return [`${where}垃圾箱${i}号`, '03005', town?.code ?? 'cgj'];
          case 'street_light':
            return [`${where}路灯${i}号`, '01037', 'cgj'];
          case 'noise':
            return [`${where}噪声监测点${i}号`, null, 'sthjj'];
          default:
            return [`${where}空气质量监测站${i}号`, null, 'sthjj'];
        }
      })();
      features.push({ type: 'Feature', properties: { code, type: f.type, name, component, unit }, geometry: { type: 'Point', coordinates: [lng, lat] } });
    }
  }
  return { type: 'FeatureCollection', features };
}

export async function seedSensors(s: Services, districtId: string, geo: DemoGeometry): Promise<{ devices: number; rules: number }> {
  const { imported } = await s.devices.importFile(districtId, demoFleet(geo));
  for (const r of DEMO_SENSOR_RULES) await s.rules.create(districtId, r);
  return { devices: imported, rules: DEMO_SENSOR_RULES.length };
}
