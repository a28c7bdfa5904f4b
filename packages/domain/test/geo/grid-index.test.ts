import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/errors.ts';
import { geometryAreaM2, type Polygon, type Ring } from '../../src/geo/geometry.ts';
import { AreaIndex, type IndexedArea } from '../../src/geo/grid-index.ts';
import { geometryContains } from '../../src/geo/point-in-polygon.ts';
import { seededRandom as rng } from '../../src/random.ts';

function rect(x0: number, y0: number, x1: number, y1: number): Ring {
  return [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ];
}

function box(id: string, x0: number, y0: number, x1: number, y1: number): IndexedArea {
  return { id, geometry: { type: 'Polygon', coordinates: [rect(x0, y0, x1, y1)] } };
}


/** The definition the index must match: every area tested, smallest area wins, then lowest id. */
function naive(areas: IndexedArea[], x: number, y: number): string | null {
  let best: { id: string; m2: number } | null = null;
  for (const a of areas) {
    if (!geometryContains(a.geometry, x, y)) continue;
    const m2 = geometryAreaM2(a.geometry);
    if (best === null || m2 < best.m2 || (m2 === best.m2 && a.id < best.id)) best = { id: a.id, m2 };
  }
  return best?.id ?? null;
}

// A district in miniature: 2×2 grid squares of 0.01°, a U-shaped grid, a holed grid with an island, a two-part grid.
const X = [106.5, 106.51, 106.52];
const Y = [29.6, 29.61, 29.62];
const layer: IndexedArea[] = [
  box('SW', X[0] as number, Y[0] as number, X[1] as number, Y[1] as number),
  box('SE', X[1] as number, Y[0] as number, X[2] as number, Y[1] as number),
  box('NW', X[0] as number, Y[1] as number, X[1] as number, Y[2] as number),
  box('NE', X[1] as number, Y[1] as number, X[2] as number, Y[2] as number),
  {
    id: 'U',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [106.6, 29.6],
          [106.63, 29.6],
          [106.63, 29.63],
          [106.62, 29.63],
          [106.62, 29.61],
          [106.61, 29.61],
          [106.61, 29.63],
          [106.6, 29.63],
          [106.6, 29.6],
        ],
      ],
    },
  },
  {
    id: 'DONUT',
    geometry: { type: 'Polygon', coordinates: [rect(106.7, 29.6, 106.74, 29.64), rect(106.71, 29.61, 106.73, 29.63)] },
  },
  box('ISLAND', 106.715, 29.615, 106.725, 29.625),
  {
    id: 'TWO',
    geometry: {
      type: 'MultiPolygon',
      coordinates: [[rect(106.8, 29.6, 106.81, 29.61)], [rect(106.85, 29.65, 106.86, 29.66)]],
    },
  },
];

describe('AreaIndex.locate', () => {
  const index = new AreaIndex(layer);
  const cases: Array<[string, number, number, string | null]> = [
    ['square interior', 106.505, 29.605, 'SW'],
    ['vertical shared edge SW|SE → east (SE)', 106.51, 29.605, 'SE'],
    ['vertical shared edge NW|NE → east (NE)', 106.51, 29.615, 'NE'],
    ['horizontal shared edge SW/NW → north (NW)', 106.505, 29.61, 'NW'],
    ['horizontal shared edge SE/NE → north (NE)', 106.515, 29.61, 'NE'],
    ['vertex shared by four squares → north-east (NE)', 106.51, 29.61, 'NE'],
    ['outer west edge is closed', 106.5, 29.605, 'SW'],
    ['outer south-west corner is closed', 106.5, 29.6, 'SW'],
    ['outer east edge is open', 106.52, 29.605, null],
    ['outer north edge is open', 106.505, 29.62, null],
    ['concave: arm', 106.605, 29.625, 'U'],
    ['concave: notch', 106.615, 29.62, null],
    ['concave: base', 106.615, 29.605, 'U'],
    ['hole: ring', 106.705, 29.62, 'DONUT'],
    ['hole: between ring and island', 106.712, 29.62, null],
    ['hole: island inside the hole', 106.72, 29.62, 'ISLAND'],
    ['multipolygon: first part', 106.805, 29.605, 'TWO'],
    ['multipolygon: second part', 106.855, 29.655, 'TWO'],
    ['multipolygon: inside its bbox, between parts', 106.83, 29.63, null],
    ['outside everything, inside the layer extent', 106.55, 29.63, null],
    ['outside the layer extent', 107.5, 29.6, null],
    ['far outside', -74, 40.7, null],
  ];
  it.each(cases)('%s', (_name, x, y, expected) => {
    expect(index.locate(x, y)).toBe(expected);
    expect(naive(layer, x, y)).toBe(expected);
  });

  it('returns null for non-finite input', () => {
    for (const [x, y] of [
      [Number.NaN, 29.605],
      [106.505, Number.NaN],
      [Number.POSITIVE_INFINITY, 29.6],
      [106.5, Number.NEGATIVE_INFINITY],
    ] as const) {
      expect(index.locate(x, y)).toBeNull();
    }
  });

  it('reports its size and answers on an empty layer', () => {
    expect(index.size).toBe(layer.length);
    const empty = new AreaIndex([]);
    expect(empty.size).toBe(0);
    expect(empty.locate(106.5, 29.6)).toBeNull();
  });
});

describe('overlapping areas', () => {
  it('gives the point to the smallest area, whatever the input order', () => {
    const district = box('district', 106.0, 29.0, 107.0, 30.0);
    const street = box('street', 106.4, 29.5, 106.6, 29.7);
    const grid = box('grid', 106.5, 29.6, 106.51, 29.61);
    for (const areas of [
      [district, street, grid],
      [grid, district, street],
      [street, grid, district],
    ]) {
      const index = new AreaIndex(areas);
      expect(index.locate(106.505, 29.605)).toBe('grid');
      expect(index.locate(106.45, 29.6)).toBe('street');
      expect(index.locate(106.9, 29.9)).toBe('district');
      expect(index.locate(107.1, 29.9)).toBeNull();
    }
  });

  it('breaks exact area ties by id, independent of input order', () => {
    const a = box('b-grid', 106.5, 29.6, 106.51, 29.61);
    const b = box('a-grid', 106.5, 29.6, 106.51, 29.61);
    expect(new AreaIndex([a, b]).locate(106.505, 29.605)).toBe('a-grid');
    expect(new AreaIndex([b, a]).locate(106.505, 29.605)).toBe('a-grid');
  });
});

describe('construction refuses bad layers', () => {
  it('names the area with an invalid geometry and says what is wrong', () => {
    const bad = {
      id: 'G-7',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [106.5, 95],
            [106.6, 29.6],
            [106.6, 29.7],
            [106.5, 95],
          ],
        ],
      },
    } as unknown as IndexedArea;
    expect(() => new AreaIndex([layer[0] as IndexedArea, bad])).toThrow(
      /Area "G-7" has an invalid geometry: .*latitude 95/,
    );
    try {
      new AreaIndex([bad]);
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('VALIDATION_FAILED');
    }
  });

  it('refuses duplicate and empty ids', () => {
    expect(() => new AreaIndex([box('G1', 0, 0, 1, 1), box('G1', 1, 0, 2, 1)])).toThrow(/"G1" appears twice/);
    expect(() => new AreaIndex([box('', 0, 0, 1, 1)])).toThrow(/non-empty string id/);
  });

  it('accepts open rings, closing them', () => {
    const open: IndexedArea = {
      id: 'open',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      },
    };
    expect(new AreaIndex([open]).locate(0.5, 0.5)).toBe('open');
  });
});

describe('randomised cross-checks against a naive scan', () => {
  it('400 lattice squares, 10,000 random points (a quarter of them exactly on grid lines)', () => {
    // 20×20 squares of 0.01° with corners computed from indices, as an importer would store them.
    const n = 20;
    const step = 0.01;
    const x0 = 106.45;
    const y0 = 29.55;
    const xAt = (i: number): number => x0 + i * step;
    const yAt = (j: number): number => y0 + j * step;
    const areas: IndexedArea[] = [];
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) areas.push(box(`G${j}-${i}`, xAt(i), yAt(j), xAt(i + 1), yAt(j + 1)));
    const index = new AreaIndex(areas);
    const next = rng(7);
    let hits = 0;
    for (let k = 0; k < 10_000; k++) {
      // Span slightly beyond the lattice; snap some coordinates onto grid lines and vertices.
      let x = xAt(-1) + next() * (n + 2) * step;
      let y = yAt(-1) + next() * (n + 2) * step;
      if (k % 8 === 0) x = xAt(Math.floor(next() * (n + 1)));
      if (k % 8 === 1) y = yAt(Math.floor(next() * (n + 1)));
      if (k % 8 === 2) {
        x = xAt(Math.floor(next() * (n + 1)));
        y = yAt(Math.floor(next() * (n + 1)));
      }
      const got = index.locate(x, y);
      expect(got, `(${x}, ${y})`).toBe(naive(areas, x, y));
      // Inside the lattice a point has exactly one owner, boundaries included.
      const inLattice = x >= xAt(0) && x < xAt(n) && y >= yAt(0) && y < yAt(n);
      if (inLattice) {
        expect(got, `(${x}, ${y})`).not.toBeNull();
        hits++;
      }
      expect(areas.filter((a) => geometryContains(a.geometry, x, y)).length).toBe(got === null ? 0 : 1);
    }
    expect(hits).toBeGreaterThan(7_000);
  });

  it('integer lattice: the owner is (floor(x), floor(y)), i.e. the east/north side wins on lines', () => {
    const n = 12;
    const areas: IndexedArea[] = [];
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) areas.push(box(`${i},${j}`, i, j, i + 1, j + 1));
    const index = new AreaIndex(areas);
    const next = rng(11);
    for (let k = 0; k < 5_000; k++) {
      const x = k % 3 === 0 ? Math.floor(next() * n) : next() * n;
      const y = k % 4 === 0 ? Math.floor(next() * n) : next() * n;
      expect(index.locate(x, y)).toBe(`${Math.floor(x)},${Math.floor(y)}`);
    }
  });

  /** Rectangles of up to maxW × maxH over the box, plus 80 tiny squares packed in its south-west corner. */
  function rectangles(next: () => number, count: number, maxW: number, maxH: number): IndexedArea[] {
    const areas: IndexedArea[] = [];
    for (let k = 0; k < count; k++) {
      const w = 0.001 + next() * maxW;
      const h = 0.001 + next() * maxH;
      const x = 106.45 + next() * (0.4 - w);
      const y = 29.55 + next() * (0.17 - h);
      areas.push(box(`R${k}`, x, y, x + w, y + h));
    }
    for (let k = 0; k < 80; k++) {
      const x = 106.45 + (k % 10) * 0.0004;
      const y = 29.55 + Math.floor(k / 10) * 0.0004;
      areas.push(box(`C${k}`, x, y, x + 0.0004, y + 0.0004));
    }
    return areas;
  }

  function crossCheck(areas: IndexedArea[], next: () => number): void {
    const index = new AreaIndex(areas);
    for (let k = 0; k < 3_000; k++) {
      const cluster = k % 3 === 0;
      const x = cluster ? 106.45 + next() * 0.005 : 106.44 + next() * 0.42;
      const y = cluster ? 29.55 + next() * 0.004 : 29.54 + next() * 0.19;
      expect(index.locate(x, y), `(${x}, ${y})`).toBe(naive(areas, x, y));
    }
  }

  it('small rectangles, one whole-box area and a cluster too crowded for one directory cell', () => {
    const next = rng(3);
    crossCheck([...rectangles(next, 150, 0.02, 0.01), box('WHOLE', 106.45, 29.55, 106.85, 29.72)], next);
  });

  it('a layer so overlapping that only the R-tree answers', () => {
    const next = rng(4);
    const areas = rectangles(next, 150, 0.2, 0.1);
    // 40 copies (distinct ids, equal areas) of one whole-box rectangle: every cell is shared by all of them.
    for (let k = 0; k < 40; k++) areas.push(box(`W${String(39 - k).padStart(2, '0')}`, 106.45, 29.55, 106.85, 29.72));
    crossCheck(areas, next);
  });

  it('random concave and holed polygons', () => {
    const next = rng(5);
    const areas: IndexedArea[] = [];
    for (let k = 0; k < 60; k++) {
      // A star-shaped (concave) ring around a centre, sometimes with a square hole at the centre.
      const cx = 106.5 + next() * 0.3;
      const cy = 29.6 + next() * 0.1;
      const spikes = 5 + Math.floor(next() * 6);
      const outer: [number, number][] = [];
      for (let s = 0; s < spikes * 2; s++) {
        const r = (s % 2 === 0 ? 0.02 : 0.008) * (0.5 + next());
        const t = (Math.PI * s) / spikes;
        outer.push([cx + r * Math.cos(t), cy + r * Math.sin(t)]);
      }
      outer.push(outer[0] as [number, number]);
      const geometry: Polygon = {
        type: 'Polygon',
        coordinates: k % 2 === 0 ? [outer, rect(cx - 0.002, cy - 0.002, cx + 0.002, cy + 0.002)] : [outer],
      };
      areas.push({ id: `S${k}`, geometry });
    }
    const index = new AreaIndex(areas);
    for (let k = 0; k < 5_000; k++) {
      const x = 106.47 + next() * 0.36;
      const y = 29.57 + next() * 0.16;
      expect(index.locate(x, y), `(${x}, ${y})`).toBe(naive(areas, x, y));
    }
  });

  it('irregular partition with a holed cell and its island: vertices, edges and points 1e-12…1e-8° off them', () => {
    // Jittered 8×8 lattice whose neighbours share bit-identical corners, so every point has one owner.
    const next = rng(11);
    const n = 8;
    const step = 0.01;
    const corner: [number, number][][] = [];
    for (let j = 0; j <= n; j++) {
      corner.push([]);
      for (let i = 0; i <= n; i++) {
        const jx = i === 0 || i === n ? 0 : (next() - 0.5) * 0.3;
        const jy = j === 0 || j === n ? 0 : (next() - 0.5) * 0.3;
        (corner[j] as [number, number][]).push([106.5 + (i + jx) * step, 29.6 + (j + jy) * step]);
      }
    }
    const at = (i: number, j: number) => (corner[j] as [number, number][])[i] as [number, number];
    const areas: IndexedArea[] = [];
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const outer: Ring = [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1), at(i, j)];
        areas.push({ id: `C${j}${i}`, geometry: { type: 'Polygon', coordinates: [outer] } });
      }
    }
    const hole = rect(106.5335, 29.6335, 106.5365, 29.6365);
    (areas[3 * n + 3] as { geometry: Polygon }).geometry.coordinates.push(hole);
    areas.push({ id: 'ISLAND', geometry: { type: 'Polygon', coordinates: [hole] } });
    const index = new AreaIndex(areas);
    const probes: [number, number][] = [];
    for (const a of areas) {
      for (const ring of (a.geometry as Polygon).coordinates) {
        for (let k = 0; k + 1 < ring.length; k++) {
          const [x0, y0] = ring[k] as [number, number];
          const [x1, y1] = ring[k + 1] as [number, number];
          probes.push([x0, y0], [x0 + (x1 - x0) * next(), y0 + (y1 - y0) * next()]);
          for (const d of [1e-12, 1e-10, 1e-8]) {
            probes.push([x0 + d, y0], [x0 - d, y0], [x0, y0 + d], [x0, y0 - d], [(x0 + x1) / 2 + d, (y0 + y1) / 2 - d]);
          }
        }
      }
    }
    for (let k = 0; k < 5_000; k++) probes.push([106.499 + next() * 0.082, 29.599 + next() * 0.082]);
    for (const [x, y] of probes) expect(index.locate(x, y), `(${x}, ${y})`).toBe(naive(areas, x, y));
  });
});
