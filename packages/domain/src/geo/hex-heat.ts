/**
 * Open cases folded into H3 hexagons for the cockpit's heat layer: each cell carries how many
 * cases fall in it and how many of them are red, with its outline for drawing. Resolution 8
 * (~0.7 km²) suits a district; 9 a street.
 */
import { cellToBoundary, latLngToCell } from 'h3-js';

export interface HeatCell {
  h3: string;
  n: number;
  red: number;
  /** Closed ring of [lng, lat]. */
  ring: Array<[number, number]>;
}

export function hexHeat(points: Iterable<{ lng: number; lat: number; red: boolean }>, resolution: number): HeatCell[] {
  const cells = new Map<string, { n: number; red: number }>();
  for (const p of points) {
    const h = latLngToCell(p.lat, p.lng, resolution);
    const c = cells.get(h) ?? { n: 0, red: 0 };
    c.n++;
    if (p.red) c.red++;
    cells.set(h, c);
  }
  return [...cells.entries()]
    .map(([h3, c]) => {
      const ring = cellToBoundary(h3, true) as Array<[number, number]>;
      return { h3, ...c, ring };
    })
    .sort((a, b) => b.n - a.n || (a.h3 < b.h3 ? -1 : 1));
}
