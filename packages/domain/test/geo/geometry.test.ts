import { describe, expect, it } from 'vitest';
import {
  type AreaGeometry,
  bbox,
  centroid,
  geometryAreaM2,
  type Polygon,
  ringArea,
  validateGeometry,
  validLngLat,
} from '../../src/geo/geometry.ts';

function rect(x0: number, y0: number, x1: number, y1: number): [number, number][] {
  return [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ];
}

describe('validateGeometry rejects broken input with a reason saying what to fix', () => {
  const cases: Array<{ name: string; input: unknown; reason: RegExp }> = [
    {
      name: 'unclosed ring with 2 points',
      input: {
        type: 'Polygon',
        coordinates: [
          [
            [106.5, 29.6],
            [106.51, 29.61],
          ],
        ],
      },
      reason: /ring 0: a ring needs at least 4 positions/,
    },
    {
      name: 'NaN coordinate',
      input: {
        type: 'Polygon',
        coordinates: [
          [
            [106.5, Number.NaN],
            [106.51, 29.6],
            [106.51, 29.61],
            [106.5, 29.6],
          ],
        ],
      },
      reason: /position 0: longitude and latitude must be finite numbers/,
    },
    {
      name: 'Infinity coordinate',
      input: {
        type: 'Polygon',
        coordinates: [
          [
            [106.5, 29.6],
            [Number.POSITIVE_INFINITY, 29.6],
            [106.51, 29.61],
            [106.5, 29.6],
          ],
        ],
      },
      reason: /position 1: .*finite numbers/,
    },
    {
      name: 'latitude 95',
      input: { type: 'Polygon', coordinates: [rect(106.5, 29.6, 106.51, 95)] },
      reason: /position 2: latitude 95 is outside \[-90, 90\]; check the order is \[lng, lat\]/,
    },
    {
      name: 'longitude 181',
      input: { type: 'Polygon', coordinates: [rect(179.5, 29.6, 181, 29.7)] },
      reason: /longitude 181 is outside \[-180, 180\]/,
    },
    {
      name: 'unknown type',
      input: { type: 'Point', coordinates: [106.5, 29.6] },
      reason: /Geometry type "Point" is not supported; use Polygon or MultiPolygon/,
    },
    {
      name: 'missing type',
      input: { coordinates: [rect(0, 0, 1, 1)] },
      reason: /Geometry type missing is not supported/,
    },
    {
      name: 'empty Polygon coordinates',
      input: { type: 'Polygon', coordinates: [] },
      reason: /^Polygon: the polygon has no rings/,
    },
    {
      name: 'empty MultiPolygon coordinates',
      input: { type: 'MultiPolygon', coordinates: [] },
      reason: /MultiPolygon has no polygons/,
    },
    { name: 'empty ring', input: { type: 'Polygon', coordinates: [[]] }, reason: /ring 0: the ring is empty/ },
    { name: 'no coordinates', input: { type: 'Polygon' }, reason: /The Polygon has no coordinates array/ },
    { name: 'not an object', input: 'POLYGON((0 0, 1 0, 1 1, 0 0))', reason: /must be a GeoJSON object/ },
    { name: 'null', input: null, reason: /must be a GeoJSON object/ },
    {
      name: 'coordinates as strings',
      input: {
        type: 'Polygon',
        coordinates: [
          [
            ['106.5', '29.6'],
            [106.51, 29.6],
            [106.51, 29.61],
            [106.5, 29.6],
          ],
        ],
      },
      reason: /not strings/,
    },
    {
      name: 'position with 4 numbers',
      input: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0, 0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      reason: /2 or 3 numbers \[lng, lat\], got 4/,
    },
    {
      name: 'position not an array',
      input: { type: 'Polygon', coordinates: [[{ lng: 0, lat: 0 }, [1, 0], [1, 1], [0, 0]]] },
      reason: /position 0: a position must be an array/,
    },
    {
      name: 'collinear ring',
      input: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 1],
            [2, 2],
            [0, 0],
          ],
        ],
      },
      reason: /encloses no area/,
    },
    {
      name: 'ring of one repeated point',
      input: {
        type: 'Polygon',
        coordinates: [
          [
            [1, 1],
            [1, 1],
            [1, 1],
            [1, 1],
          ],
        ],
      },
      reason: /encloses no area/,
    },
    {
      name: 'Polygon given MultiPolygon nesting',
      input: { type: 'Polygon', coordinates: [[rect(0, 0, 1, 1)]] },
      reason: /position 0: a position must hold 2 or 3 numbers/,
    },
    {
      name: 'bad hole in the second polygon of a MultiPolygon',
      input: {
        type: 'MultiPolygon',
        coordinates: [
          [rect(0, 0, 1, 1)],
          [
            rect(2, 0, 3, 1),
            [
              [2.2, 0.2],
              [2.4, 0.2],
            ],
          ],
        ],
      },
      reason: /^MultiPolygon, polygon 1, ring 1: a ring needs at least 4 positions/,
    },
    {
      name: 'MultiPolygon polygon not an array',
      input: { type: 'MultiPolygon', coordinates: [[rect(0, 0, 1, 1)], 7] },
      reason: /polygon 1: a polygon must be an array of rings/,
    },
  ];
  it.each(cases)('$name', ({ input, reason }) => {
    const v = validateGeometry(input);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toMatch(reason);
  });
});

describe('validateGeometry accepts and normalises', () => {
  it('closes an open ring (closable) and keeps a closed one as is', () => {
    const v = validateGeometry({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
        ],
      ],
    });
    expect(v).toEqual({
      ok: true,
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
    });
    const closed = validateGeometry({ type: 'Polygon', coordinates: [rect(0, 0, 1, 1)] });
    expect(closed.ok && closed.geometry.coordinates).toEqual([rect(0, 0, 1, 1)]);
  });

  it('drops altitudes and returns a copy, not the input', () => {
    const input = {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [0, 0, 5],
            [1, 0, 5],
            [1, 1, 5],
            [0, 0, 5],
          ],
        ],
      ],
    };
    const v = validateGeometry(input);
    expect(v).toEqual({
      ok: true,
      geometry: {
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 0],
            ],
          ],
        ],
      },
    });
    expect(v.ok && v.geometry).not.toBe(input);
  });

  it('accepts holes and the extreme valid coordinates', () => {
    expect(validateGeometry({ type: 'Polygon', coordinates: [rect(0, 0, 4, 4), rect(1, 1, 2, 2)] }).ok).toBe(true);
    expect(validateGeometry({ type: 'Polygon', coordinates: [rect(-180, -90, 180, 90)] }).ok).toBe(true);
  });
});

describe('validLngLat', () => {
  it.each([
    [106.5, 29.6, true],
    [-180, -90, true],
    [180, 90, true],
    [180.0001, 0, false],
    [0, -90.0001, false],
    [Number.NaN, 0, false],
    [0, Number.POSITIVE_INFINITY, false],
  ])('(%s, %s) → %s', (lng, lat, ok) => {
    expect(validLngLat(lng, lat)).toBe(ok);
  });
});

describe('bbox', () => {
  it('covers every part of a MultiPolygon', () => {
    const g: AreaGeometry = {
      type: 'MultiPolygon',
      coordinates: [[rect(106.5, 29.6, 106.51, 29.61)], [rect(106.6, 29.55, 106.62, 29.58)]],
    };
    expect(bbox(g)).toEqual([106.5, 29.55, 106.62, 29.61]);
  });
});

describe('area', () => {
  // 0.01° of latitude ≈ 1,112 m everywhere; 0.01° of longitude at 29.6° ≈ 967 m.
  const square: Polygon = { type: 'Polygon', coordinates: [rect(106.5, 29.595, 106.51, 29.605)] };
  const expected = 1112 * 967;

  it('of a 0.01° × 0.01° square at 29.6° N is about 1,112 m × 967 m (within 1 %)', () => {
    expect(Math.abs(geometryAreaM2(square) - expected) / expected).toBeLessThan(0.01);
    expect(Math.abs(ringArea(square.coordinates[0] ?? [], 29.6) - expected) / expected).toBeLessThan(0.01);
  });

  it('does not depend on ring orientation', () => {
    const cw: Polygon = { type: 'Polygon', coordinates: [[...rect(106.5, 29.595, 106.51, 29.605)].reverse()] };
    expect(geometryAreaM2(cw)).toBeCloseTo(geometryAreaM2(square), 3);
  });

  it('subtracts holes (whatever their winding) and adds MultiPolygon parts', () => {
    const holed: Polygon = { type: 'Polygon', coordinates: [rect(0, 0, 0.02, 0.02), rect(0.005, 0.005, 0.015, 0.015)] };
    const holedCw: Polygon = {
      type: 'Polygon',
      coordinates: [rect(0, 0, 0.02, 0.02), [...rect(0.005, 0.005, 0.015, 0.015)].reverse()],
    };
    const full: Polygon = { type: 'Polygon', coordinates: [rect(0, 0, 0.02, 0.02)] };
    expect(geometryAreaM2(holed) / geometryAreaM2(full)).toBeCloseTo(0.75, 6);
    expect(geometryAreaM2(holedCw) / geometryAreaM2(full)).toBeCloseTo(0.75, 6);
    const two: AreaGeometry = {
      type: 'MultiPolygon',
      coordinates: [[rect(0, 0, 0.01, 0.01)], [rect(0.05, 0, 0.06, 0.01)]],
    };
    const one: Polygon = { type: 'Polygon', coordinates: [rect(0, 0, 0.01, 0.01)] };
    expect(geometryAreaM2(two) / geometryAreaM2(one)).toBeCloseTo(2, 4);
  });
});

describe('centroid', () => {
  it('of a square is its centre', () => {
    const [x, y] = centroid({ type: 'Polygon', coordinates: [rect(106.5, 29.6, 106.52, 29.62)] });
    expect(x).toBeCloseTo(106.51, 12);
    expect(y).toBeCloseTo(29.61, 12);
  });

  it('is area-weighted for an L shape', () => {
    // Unit squares with centres (0.5, 0.5), (1.5, 0.5), (0.5, 1.5): centroid (5/6, 5/6).
    const l: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [2, 0],
          [2, 1],
          [1, 1],
          [1, 2],
          [0, 2],
          [0, 0],
        ],
      ],
    };
    const [x, y] = centroid(l);
    expect(x).toBeCloseTo(5 / 6, 12);
    expect(y).toBeCloseTo(5 / 6, 12);
  });

  it('moves away from a hole and weighs MultiPolygon parts by area', () => {
    // 4×4 square with the 2×2 hole in its left half: mass is pulled to the right.
    const [hx] = centroid({ type: 'Polygon', coordinates: [rect(0, 0, 4, 4), rect(0.5, 1, 2.5, 3)] });
    expect(hx).toBeCloseTo((16 * 2 - 4 * 1.5) / 12, 12);
    const [mx, my] = centroid({ type: 'MultiPolygon', coordinates: [[rect(0, 0, 1, 1)], [rect(10, 0, 13, 1)]] });
    expect(mx).toBeCloseTo((1 * 0.5 + 3 * 11.5) / 4, 12);
    expect(my).toBeCloseTo(0.5, 12);
  });
});
