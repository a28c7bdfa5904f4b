/**
 * Point-in-polygon on flat rings (Float64Array x0,y0,x1,y1,… without the closing repeat), by
 * crossing number: a ray from the point towards +x, parity of the edges it crosses.
 *
 * Boundary rule (half-open, deterministic): an edge crosses the ray when exactly one of its
 * endpoints lies strictly north of the point (so an upward edge includes its start and excludes
 * its end) and the crossing lies strictly east of the point. The effect is that a point on a boundary belongs to
 * the area just EAST of it, and on an east–west edge to the area just NORTH of it; a vertex
 * shared by four grid squares belongs to the north-east one. So a point on an edge shared by two
 * adjacent areas is in exactly one of them, and the outer boundary of a district is closed on
 * its south and west sides and open on its north and east sides.
 *
 * Each edge is evaluated from its lower endpoint whichever way the ring walks it, so the two
 * polygons sharing an edge compute bit-identical tests. For axis-parallel edges the test is
 * exact; for slanted ones it is consistent between the neighbours.
 */
import type { AreaGeometry, Ring } from './geometry.ts';
import { polygonsOf } from './geometry.ts';

/** A polygon as flat rings: outer ring first, then holes. */
export type FlatPolygon = Float64Array[];

export function flattenRing(ring: Ring): Float64Array {
  const first = ring[0];
  const last = ring[ring.length - 1];
  const n =
    first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1]
      ? ring.length - 1
      : ring.length;
  const out = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const p = ring[i] as [number, number];
    out[2 * i] = p[0];
    out[2 * i + 1] = p[1];
  }
  return out;
}

export function flattenGeometry(g: AreaGeometry): FlatPolygon[] {
  return polygonsOf(g).map((rings) => rings.map(flattenRing));
}

/**
 * Whether (x, y) is inside the ring stored in c[start, end) (element indices, end exclusive),
 * under the half-open rule above.
 */
export function ringContains(c: Float64Array, start: number, end: number, x: number, y: number): boolean {
  let inside = false;
  let xj = c[end - 2] as number;
  let yj = c[end - 1] as number;
  for (let i = start; i < end; i += 2) {
    const xi = c[i] as number;
    const yi = c[i + 1] as number;
    if (yi > y !== yj > y) {
      // Cross product of (lower→upper endpoint) and (lower endpoint→point): > 0 when the edge is east.
      const cross = yi < yj ? (xj - xi) * (y - yi) - (x - xi) * (yj - yi) : (xi - xj) * (y - yj) - (x - xj) * (yi - yj);
      if (cross > 0) inside = !inside;
    }
    xj = xi;
    yj = yi;
  }
  return inside;
}

/** Even–odd over the outer ring and its holes: a point in a hole is outside. */
export function polygonContains(rings: FlatPolygon, x: number, y: number): boolean {
  let inside = false;
  for (const r of rings) if (ringContains(r, 0, r.length, x, y)) inside = !inside;
  return inside;
}

/** Any part of a multipolygon (parts are tested separately, so overlapping parts do not cancel). */
export function partsContain(parts: FlatPolygon[], x: number, y: number): boolean {
  for (const p of parts) if (polygonContains(p, x, y)) return true;
  return false;
}

/**
 * Packed form used by indexes: rings r0…r1-1 of one polygon, ring k occupying
 * coords[ringStart[k], ringStart[k + 1]).
 */
export function packedPolygonContains(
  coords: Float64Array,
  ringStart: Uint32Array,
  r0: number,
  r1: number,
  x: number,
  y: number,
): boolean {
  let inside = false;
  for (let k = r0; k < r1; k++) {
    if (ringContains(coords, ringStart[k] as number, ringStart[k + 1] as number, x, y)) inside = !inside;
  }
  return inside;
}

/** Convenience for one-off checks; flattens on every call, so prefer the flat forms in loops. */
export function geometryContains(g: AreaGeometry, x: number, y: number): boolean {
  return partsContain(flattenGeometry(g), x, y);
}
