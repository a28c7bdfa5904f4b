/** The heat layer's hexagons as GeoJSON, each filled by its share of the busiest cell's cases. */
export interface HexCell {
  h3: string;
  n: number;
  red: number;
  ring: number[][];
}

/** Five steps from pale to deep; the step is the cell's count relative to the busiest cell. */
export const HEAT_STEPS = ['#fff1b8', '#ffd666', '#ffa940', '#fa541c', '#a8071a'] as const;

export function hexFeatures(cells: readonly HexCell[]) {
  const max = cells.reduce((m, c) => Math.max(m, c.n), 0);
  return {
    type: 'FeatureCollection' as const,
    features: cells.map((c) => ({
      type: 'Feature' as const,
      properties: { h3: c.h3, n: c.n, red: c.red, color: HEAT_STEPS[Math.min(HEAT_STEPS.length - 1, Math.floor((c.n / max) * HEAT_STEPS.length))] as string },
      geometry: { type: 'Polygon' as const, coordinates: [c.ring] },
    })),
  };
}
