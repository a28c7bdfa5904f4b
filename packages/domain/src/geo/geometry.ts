/**
 * GeoJSON area geometries (Polygon, MultiPolygon) in WGS84 [lng, lat]: validation of untrusted
 * input, bounding boxes, approximate areas in square metres and label centroids.
 */

/** [lng, lat]; an optional altitude is accepted on input and dropped by validation. */
export type Position = [number, number];
/** A closed ring: the last position repeats the first. */
export type Ring = Position[];

export interface Polygon {
  type: 'Polygon';
  /** Outer ring first, then holes. */
  coordinates: Ring[];
}

export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: Ring[][];
}

export type AreaGeometry = Polygon | MultiPolygon;

/** [minLng, minLat, maxLng, maxLat] */
export type BBox = [number, number, number, number];

export type GeometryValidation = { ok: true; geometry: AreaGeometry } | { ok: false; reason: string };

/** Mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_M = 6_371_008.8;
const M_PER_DEG = (Math.PI * EARTH_RADIUS_M) / 180;
const RAD = Math.PI / 180;

export function validLngLat(lng: number, lat: number): boolean {
  return Number.isFinite(lng) && Number.isFinite(lat) && lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90;
}

class Invalid extends Error {}

/** Where validation is; the message is only formatted on failure (imports hold 100k positions). */
interface At {
  type: 'Polygon' | 'MultiPolygon';
  polygon: number;
  ring: number;
  position: number;
}

function fail(at: At | null, what: string): never {
  if (at === null) throw new Invalid(what);
  const parts: string[] = [at.type];
  if (at.type === 'MultiPolygon' && at.polygon >= 0) parts.push(`polygon ${at.polygon}`);
  if (at.ring >= 0) parts.push(`ring ${at.ring}`);
  if (at.position >= 0) parts.push(`position ${at.position}`);
  throw new Invalid(`${parts.join(', ')}: ${what}`);
}

function checkPosition(p: unknown, at: At): Position {
  if (!Array.isArray(p)) fail(at, 'a position must be an array [lng, lat].');
  if (p.length < 2 || p.length > 3) fail(at, `a position must hold 2 or 3 numbers [lng, lat], got ${p.length}.`);
  const lng: unknown = p[0];
  const lat: unknown = p[1];
  if (typeof lng !== 'number' || typeof lat !== 'number' || !Number.isFinite(lng) || !Number.isFinite(lat)) {
    fail(at, 'longitude and latitude must be finite numbers (not strings, NaN or Infinity).');
  }
  if (p.length === 3 && (typeof p[2] !== 'number' || !Number.isFinite(p[2]))) {
    fail(at, 'the altitude, when present, must be a finite number.');
  }
  if (lng < -180 || lng > 180) fail(at, `longitude ${lng} is outside [-180, 180].`);
  if (lat < -90 || lat > 90) fail(at, `latitude ${lat} is outside [-90, 90]; check the order is [lng, lat].`);
  return [lng, lat];
}

/** Twice the signed planar area in degree units (positive when counter-clockwise). */
function ringShoelace2(ring: Ring): number {
  const first = ring[0];
  if (first === undefined) return 0;
  // Relative to the first vertex: absolute degrees would cancel most significant digits away.
  const [x0, y0] = first;
  let s = 0;
  for (let i = 1; i + 1 < ring.length; i++) {
    const a = ring[i] as Position;
    const b = ring[i + 1] as Position;
    s += (a[0] - x0) * (b[1] - y0) - (b[0] - x0) * (a[1] - y0);
  }
  return s;
}

function checkRing(r: unknown, at: At): Ring {
  at.position = -1;
  if (!Array.isArray(r)) fail(at, 'a ring must be an array of positions.');
  if (r.length === 0) fail(at, 'the ring is empty; it needs at least 3 distinct positions.');
  const ring: Ring = [];
  for (let i = 0; i < r.length; i++) {
    at.position = i;
    ring.push(checkPosition(r[i], at));
  }
  at.position = -1;
  const first = ring[0] as Position;
  const last = ring[ring.length - 1] as Position;
  // An open ring is closed for the caller, since repeating the first position is all that is missing.
  if (first[0] !== last[0] || first[1] !== last[1]) ring.push([first[0], first[1]]);
  if (ring.length < 4) {
    fail(at, `a ring needs at least 4 positions (3 distinct + the closing one), got ${ring.length} after closing.`);
  }
  if (ringShoelace2(ring) === 0) fail(at, 'the ring encloses no area (all positions are on one line or repeated).');
  return ring;
}

function checkPolygonRings(rings: unknown, at: At): Ring[] {
  at.ring = -1;
  if (!Array.isArray(rings)) fail(at, 'a polygon must be an array of rings.');
  if (rings.length === 0) fail(at, 'the polygon has no rings; give at least the outer ring.');
  const out: Ring[] = [];
  for (let i = 0; i < rings.length; i++) {
    at.ring = i;
    out.push(checkRing(rings[i], at));
  }
  return out;
}

/**
 * Checks untrusted input (an imported GeoJSON geometry) and returns a normalised copy: rings
 * closed, positions reduced to [lng, lat]. The reason names the first problem and where it is.
 */
export function validateGeometry(g: unknown): GeometryValidation {
  try {
    if (typeof g !== 'object' || g === null || Array.isArray(g)) {
      fail(null, 'The geometry must be a GeoJSON object with "type" and "coordinates".');
    }
    const { type, coordinates } = g as { type?: unknown; coordinates?: unknown };
    if (type !== 'Polygon' && type !== 'MultiPolygon') {
      const got = typeof type === 'string' ? `"${type}"` : 'missing';
      fail(null, `Geometry type ${got} is not supported; use Polygon or MultiPolygon.`);
    }
    if (!Array.isArray(coordinates)) fail(null, `The ${type} has no coordinates array.`);
    const at: At = { type, polygon: -1, ring: -1, position: -1 };
    if (type === 'Polygon') return { ok: true, geometry: { type, coordinates: checkPolygonRings(coordinates, at) } };
    if (coordinates.length === 0) fail(null, 'The MultiPolygon has no polygons; give at least one.');
    const polygons: Ring[][] = [];
    for (let i = 0; i < coordinates.length; i++) {
      at.polygon = i;
      polygons.push(checkPolygonRings(coordinates[i], at));
    }
    return { ok: true, geometry: { type, coordinates: polygons } };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, reason: e.message };
    throw e;
  }
}

/** The polygons of a geometry, each as [outer, ...holes]. */
export function polygonsOf(g: AreaGeometry): Ring[][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

export function bbox(g: AreaGeometry): BBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const poly of polygonsOf(g)) {
    // Holes lie inside their outer ring, so the outer rings bound the geometry.
    for (const [x, y] of poly[0] ?? []) {
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}

/**
 * Unsigned area of one ring in m², projecting equirectangularly at refLat (degrees): accurate
 * to well under 1 % for district-sized shapes.
 */
export function ringArea(ring: Ring, refLat: number): number {
  return Math.abs(ringShoelace2(ring) / 2) * M_PER_DEG * M_PER_DEG * Math.cos(refLat * RAD);
}

/**
 * Doubled area (degree units, holes subtracted) and area-weighted centroid of the geometry. A
 * degenerate geometry (holes cancelling the outer ring) falls back to the outer vertices' mean.
 */
function moments(g: AreaGeometry): { area2: number; centroid: Position } {
  const polys = polygonsOf(g);
  // Relative to one vertex, as in ringShoelace2, to keep the products' precision.
  const [ox, oy] = polys[0]?.[0]?.[0] ?? [0, 0];
  let area2 = 0;
  let mx = 0;
  let my = 0;
  let vx = 0;
  let vy = 0;
  let vn = 0;
  for (const poly of polys) {
    poly.forEach((ring, k) => {
      let a = 0;
      let rx = 0;
      let ry = 0;
      for (let i = 0; i + 1 < ring.length; i++) {
        const [ax, ay] = ring[i] as Position;
        const [bx, by] = ring[i + 1] as Position;
        const x0 = ax - ox;
        const y0 = ay - oy;
        const x1 = bx - ox;
        const y1 = by - oy;
        const c = x0 * y1 - x1 * y0;
        a += c;
        rx += (x0 + x1) * c;
        ry += (y0 + y1) * c;
        if (k === 0) {
          vx += x0;
          vy += y0;
          vn++;
        }
      }
      // Outer rings add and holes subtract whatever their winding order.
      const sign = (k === 0) === a >= 0 ? 1 : -1;
      area2 += sign * a;
      mx += sign * rx;
      my += sign * ry;
    });
  }
  if (area2 === 0) return { area2: 0, centroid: vn === 0 ? [ox, oy] : [ox + vx / vn, oy + vy / vn] };
  return { area2, centroid: [ox + mx / (3 * area2), oy + my / (3 * area2)] };
}

/** Area-weighted centroid [lng, lat] (for labels; may fall outside a concave shape). */
export function centroid(g: AreaGeometry): Position {
  return moments(g).centroid;
}

/** Approximate area in m² (holes subtracted), projected at the centroid latitude. */
export function geometryAreaM2(g: AreaGeometry): number {
  const m = moments(g);
  return Math.abs(m.area2 / 2) * M_PER_DEG * M_PER_DEG * Math.cos(m.centroid[1] * RAD);
}
