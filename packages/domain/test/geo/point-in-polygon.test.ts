import { describe, expect, it } from 'vitest';
import type { AreaGeometry, Ring } from '../../src/geo/geometry.ts';
import {
  flattenGeometry,
  flattenRing,
  geometryContains,
  partsContain,
  ringContains,
} from '../../src/geo/point-in-polygon.ts';

function rect(x0: number, y0: number, x1: number, y1: number): Ring {
  return [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ];
}

const reversed = (r: Ring): Ring => [...r].reverse();

/** A U opening north: 3 wide, 3 tall, notch x 1…2, y 1…3. */
const U: Ring = [
  [0, 0],
  [3, 0],
  [3, 3],
  [2, 3],
  [2, 1],
  [1, 1],
  [1, 3],
  [0, 3],
  [0, 0],
];

type Case = [name: string, g: AreaGeometry, x: number, y: number, inside: boolean];

const square: AreaGeometry = { type: 'Polygon', coordinates: [rect(0, 0, 1, 1)] };
const squareCw: AreaGeometry = { type: 'Polygon', coordinates: [reversed(rect(0, 0, 1, 1))] };
const concave: AreaGeometry = { type: 'Polygon', coordinates: [U] };
const holed: AreaGeometry = { type: 'Polygon', coordinates: [rect(0, 0, 4, 4), rect(1, 1, 3, 3)] };
const multi: AreaGeometry = {
  type: 'MultiPolygon',
  coordinates: [[rect(0, 0, 1, 1)], [rect(5, 5, 6, 7), rect(5.4, 5.4, 5.6, 5.6)]],
};

describe('point in polygon', () => {
  const cases: Case[] = [
    ['square: centre', square, 0.5, 0.5, true],
    ['square: outside east', square, 1.5, 0.5, false],
    ['square: outside, level with a vertex', square, -1, 1, false],
    ['clockwise square: centre', squareCw, 0.5, 0.5, true],
    ['concave: left arm', concave, 0.5, 2.5, true],
    ['concave: right arm', concave, 2.5, 2.5, true],
    ['concave: base', concave, 1.5, 0.5, true],
    ['concave: in the notch', concave, 1.5, 2, false],
    ['concave: ray passes both arms', concave, -1, 2, false],
    ['hole: in the ring', holed, 0.5, 2, true],
    ['hole: in the hole', holed, 2, 2, false],
    ['hole: on the hole west edge (belongs to the hole side, east)', holed, 1, 2, false],
    ['hole: on the hole east edge (belongs to the ring side, east)', holed, 3, 2, true],
    ['multipolygon: first part', multi, 0.5, 0.5, true],
    ['multipolygon: second part', multi, 5.2, 6.5, true],
    ['multipolygon: hole of the second part', multi, 5.5, 5.5, false],
    ['multipolygon: between parts', multi, 3, 3, false],
  ];
  it.each(cases)('%s', (_name, g, x, y, inside) => {
    expect(geometryContains(g, x, y)).toBe(inside);
  });
});

describe('boundary rule: closed on the south and west, open on the north and east', () => {
  const cases: Array<[string, number, number, boolean]> = [
    ['west edge', 0, 0.5, true],
    ['east edge', 1, 0.5, false],
    ['south edge', 0.5, 0, true],
    ['north edge', 0.5, 1, false],
    ['south-west vertex', 0, 0, true],
    ['south-east vertex', 1, 0, false],
    ['north-west vertex', 0, 1, false],
    ['north-east vertex', 1, 1, false],
  ];
  it.each(cases)('%s', (_name, x, y, inside) => {
    // Same answer whichever way the ring is wound or where it starts.
    for (const ring of [
      rect(0, 0, 1, 1),
      reversed(rect(0, 0, 1, 1)),
      [
        [1, 1],
        [0, 1],
        [0, 0],
        [1, 0],
        [1, 1],
      ] as Ring,
    ]) {
      const flat = flattenRing(ring);
      expect(ringContains(flat, 0, flat.length, x, y)).toBe(inside);
    }
  });
});

/** How many of the polygons contain the point (each given as flat parts). */
function owners(polys: AreaGeometry[], x: number, y: number): number[] {
  const flat = polys.map(flattenGeometry);
  return flat.flatMap((parts, i) => (partsContain(parts, x, y) ? [i] : []));
}

describe('a point on a shared boundary belongs to exactly one polygon', () => {
  // Geographic coordinates, so edges are not exactly representable decimals; neighbours share them bit for bit.
  const xs = [106.5, 106.51, 106.52];
  const ys = [29.6, 29.61, 29.62];
  const sq = (i: number, j: number): AreaGeometry => ({
    type: 'Polygon',
    coordinates: [rect(xs[i] as number, ys[j] as number, xs[i + 1] as number, ys[j + 1] as number)],
  });
  const [sw, se, nw, ne] = [sq(0, 0), sq(1, 0), sq(0, 1), sq(1, 1)] as [
    AreaGeometry,
    AreaGeometry,
    AreaGeometry,
    AreaGeometry,
  ];
  const all = [sw, se, nw, ne];

  it.each([
    ['vertical shared edge → east square', 106.51, 29.605, [1]],
    ['horizontal shared edge → north square', 106.505, 29.61, [2]],
    ['vertex shared by four squares → north-east square', 106.51, 29.61, [3]],
    ['interior of the north-east square', 106.515, 29.615, [3]],
  ] as Array<[string, number, number, number[]]>)('%s', (_name, x, y, expected) => {
    expect(owners(all, x, y)).toEqual(expected);
  });

  it('holds along a slanted shared edge, both ring orientations (east side wins)', () => {
    const a: [number, number] = [106.5, 29.6];
    const b: [number, number] = [106.53, 29.67];
    const upperLeft: AreaGeometry = { type: 'Polygon', coordinates: [[a, b, [106.5, 29.67], a]] };
    const lowerRight: AreaGeometry = { type: 'Polygon', coordinates: [reversed([a, [106.53, 29.6], b, a])] };
    for (let k = 0; k <= 100; k++) {
      const t = k / 100;
      const x = a[0] + t * (b[0] - a[0]);
      const y = a[1] + t * (b[1] - a[1]);
      // Whether the rounded point lies exactly on the edge or an ulp off, exactly one side takes it (the top vertex is open).
      if (k < 100) expect(owners([upperLeft, lowerRight], x, y)).toHaveLength(1);
    }
    expect(owners([upperLeft, lowerRight], 106.515, 29.635)).toHaveLength(1);
    // Exactly on the line through the shared edge at its lower vertex: the south-west vertex of the lower-right triangle.
    expect(owners([upperLeft, lowerRight], a[0], a[1])).toEqual([1]);
  });
});

describe('flattenRing', () => {
  it('drops the closing repeat and keeps an open ring whole', () => {
    expect([...flattenRing(rect(0, 0, 1, 1))]).toEqual([0, 0, 1, 0, 1, 1, 0, 1]);
    expect([
      ...flattenRing([
        [0, 0],
        [1, 0],
        [1, 1],
      ]),
    ]).toEqual([0, 0, 1, 0, 1, 1]);
  });
});
