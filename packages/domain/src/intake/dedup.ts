/**
 * Duplicate scoring (重复件识别): how likely a new report describes the same problem as an open
 * case nearby. The score blends distance, time, category and text; every part is returned so the
 * decision can be recorded and explained.
 */
import { bigrams, dice } from '../text/similarity.ts';

export interface DedupSubject {
  lng: number;
  lat: number;
  at: number;
  category: { kind: string; code: string } | null;
  text: string;
}

export interface DedupParams {
  radiusM: number;
  windowMs: number;
  /** At or above: merge automatically. */
  autoThreshold: number;
  /** At or above (and below auto): show the operator side by side. */
  reviewThreshold: number;
}

/**
 * Thresholds chosen on the training split of data/intake/dedup-pairs.jsonl (test/intake/dedup.test.ts
 * reports both splits): auto sits clear of every non-duplicate there, because a wrong merge hides a
 * real problem; review is low because a duplicate missed costs only a second dispatch, and a
 * non-duplicate shown costs an operator one glance.
 */
export const DEFAULT_DEDUP: DedupParams = { radiusM: 100, windowMs: 72 * 3600_000, autoThreshold: 0.775, reviewThreshold: 0.475 };

/**
 * Weights sum to 1, fitted with the thresholds above. Distance leads: two people's words for one
 * pothole share few character bigrams (Dice 0.1–0.5), while grid-worker and 12345 templates give two
 * different problems a street apart 0.8, so text can confirm a close match but not make a far one.
 * Time weighs little because the window already bounds it and re-reports a day or two later are common.
 */
const W = { distance: 0.55, time: 0.05, category: 0.2, text: 0.2 };

export interface DedupScore {
  score: number;
  distanceM: number;
  parts: { distance: number; time: number; category: number; text: number };
}

/** Radius of the sphere haversineM measures on, in metres (the IUGG mean Earth radius). */
export const EARTH_RADIUS_M = 6_371_008.8;

export function haversineM(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const r = Math.PI / 180;
  const dLat = (lat2 - lat1) * r;
  const dLng = (lng2 - lng1) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Same code 1, same major class 0.6 (related), one side unknown 0.5, otherwise 0. */
export function categoryAffinity(a: DedupSubject['category'], b: DedupSubject['category']): number {
  if (!a || !b) return 0.5;
  if (a.code === b.code) return 1;
  return a.code.slice(0, 2) === b.code.slice(0, 2) ? 0.6 : 0;
}

export function scoreDuplicate(n: DedupSubject, c: DedupSubject, p: DedupParams, textGrams?: Set<string>): DedupScore {
  const distanceM = haversineM(n.lng, n.lat, c.lng, c.lat);
  const parts = {
    distance: Math.max(0, 1 - distanceM / p.radiusM),
    time: Math.max(0, 1 - Math.abs(n.at - c.at) / p.windowMs),
    category: categoryAffinity(n.category, c.category),
    text: dice(textGrams ?? bigrams(n.text), bigrams(c.text)),
  };
  const inRange = distanceM <= p.radiusM && Math.abs(n.at - c.at) <= p.windowMs && parts.category > 0;
  const score = inRange ? W.distance * parts.distance + W.time * parts.time + W.category * parts.category + W.text * parts.text : 0;
  return { score: Math.round(score * 1000) / 1000, distanceM: Math.round(distanceM), parts };
}

export type DedupVerdict = 'auto_merge' | 'review' | 'distinct';

export function verdict(score: number, p: DedupParams): DedupVerdict {
  if (score >= p.autoThreshold) return 'auto_merge';
  if (score >= p.reviewThreshold) return 'review';
  return 'distinct';
}

/** Cell key of a ~cellM square lattice, so candidate search is an index lookup of a few cells. */
export function cellOf(lng: number, lat: number, cellM = 250): { x: number; y: number; key: number } {
  const x = Math.floor((lng * 111_320 * Math.cos((30 * Math.PI) / 180)) / cellM);
  const y = Math.floor((lat * 110_574) / cellM);
  return { x, y, key: cellKey(x, y) };
}

export function cellKey(x: number, y: number): number {
  // x and y stay well inside ±2^20 for any point on Earth at 250 m cells, so the key is exact.
  return (x + 1_048_576) * 2_097_152 + (y + 1_048_576);
}

export interface LngLatBox {
  minLng: number;
  maxLng: number;
  minLat: number;
  maxLat: number;
}

/**
 * The smallest lng/lat box holding every point within radiusM of (lng, lat) on haversineM's
 * sphere: latitude moves at most d = radiusM / R radians, and longitude at most asin(sin d / cos lat)
 * (the cap's tangent meridians), which is a little more than d / cos lat. Not for caps that reach a
 * pole or cross the antimeridian.
 */
export function radiusBox(lng: number, lat: number, radiusM: number): LngLatBox {
  const deg = 180 / Math.PI;
  const d = radiusM / EARTH_RADIUS_M;
  // 1e-9° (0.1 mm) of slack absorbs rounding, so a point exactly on the rim stays inside.
  const dLat = d * deg + 1e-9;
  const dLng = Math.asin(Math.min(1, Math.sin(d) / Math.cos(lat / deg))) * deg + 1e-9;
  return { minLng: lng - dLng, maxLng: lng + dLng, minLat: lat - dLat, maxLat: lat + dLat };
}

/** The keys of every cell that radiusBox overlaps: each point within radiusM lies in one of them. */
export function neighbourKeys(lng: number, lat: number, radiusM: number, cellM = 250): number[] {
  const b = radiusBox(lng, lat, radiusM);
  const lo = cellOf(b.minLng, b.minLat, cellM);
  const hi = cellOf(b.maxLng, b.maxLat, cellM);
  const keys: number[] = [];
  for (let x = lo.x; x <= hi.x; x++) for (let y = lo.y; y <= hi.y; y++) keys.push(cellKey(x, y));
  return keys;
}

/** Where to look for cases within radiusM of a point: cells and box for the index, the point to rank by distance. */
export interface SearchArea {
  lng: number;
  lat: number;
  cells: number[];
  box: LngLatBox;
  /** Degrees of longitude times this are comparable with degrees of latitude near the point. */
  lngScale: number;
  /** planarDeg2 of every point within the radius is at most this (the radius in degrees, squared, with 2 % to spare). */
  maxDeg2: number;
}

export function searchArea(lng: number, lat: number, radiusM: number, cellM = 250): SearchArea {
  const rDeg = (radiusM / EARTH_RADIUS_M) * (180 / Math.PI);
  return {
    lng,
    lat,
    cells: neighbourKeys(lng, lat, radiusM, cellM),
    box: radiusBox(lng, lat, radiusM),
    lngScale: Math.cos((lat * Math.PI) / 180),
    // The flat-earth distance below differs from haversine's by under 0.1 % within a few kilometres
    // below 60° of latitude; the 2 % margin keeps it a superset of the circle.
    maxDeg2: rDeg * rDeg * 1.02,
  };
}

/**
 * Squared flat-earth distance from the area's point, in degrees of latitude: what SQL can compute
 * on the index's lng and lat to skip the box's corners without reading the table.
 */
export function planarDeg2(a: SearchArea, lng: number, lat: number): number {
  const dx = (lng - a.lng) * a.lngScale;
  const dy = lat - a.lat;
  return dx * dx + dy * dy;
}
