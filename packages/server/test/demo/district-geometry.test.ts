import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoArea,
  type DemoGeometry,
  type DemoGeometryInput,
  generateDemoGeometry,
  JIANGBEI_TOWN_SEEDS,
  loadJiangbeiDemoGeometry,
} from '../../src/modules/demo/district-geometry.ts';

const JIANGBEI_DIR = fileURLToPath(new URL('../../../../data/demo/jiangbei/', import.meta.url));

type Ring = number[][];
type Poly = Ring[];

function polygons(a: DemoArea): Poly[] {
  return a.geometry.type === 'Polygon' ? [a.geometry.coordinates as Poly] : (a.geometry.coordinates as Poly[]);
}

/** Signed shoelace area relative to a fixed origin, so that lng ≈ 106 does not swamp tiny cells. */
function ringArea(r: Ring, ox: number, oy: number): number {
  let a = 0;
  for (let k = 0; k + 1 < r.length; k++) {
    const p = r[k] as number[];
    const q = r[k + 1] as number[];
    a += ((p[0] as number) - ox) * ((q[1] as number) - oy) - ((q[0] as number) - ox) * ((p[1] as number) - oy);
  }
  return a / 2;
}

function areaOf(a: DemoArea, ox: number, oy: number): number {
  return polygons(a).reduce((s, p) => s + p.reduce((t, r) => t + ringArea(r, ox, oy), 0), 0);
}

function bbox(r: Ring): [number, number, number, number] {
  const xs = r.map((p) => p[0] as number);
  const ys = r.map((p) => p[1] as number);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** Even-odd point in ring. */
function inRing(r: Ring, x: number, y: number): boolean {
  let inside = false;
  for (let k = 0, l = r.length - 1; k < r.length; l = k++) {
    const [xk, yk] = r[k] as [number, number];
    const [xl, yl] = r[l] as [number, number];
    if (yk > y !== yl > y && x < ((xl - xk) * (y - yk)) / (yl - yk) + xk) inside = !inside;
  }
  return inside;
}

/** Inside a polygon = inside its outer ring and in none of its own holes, so a misplaced hole shows up. */
function inArea(a: DemoArea, x: number, y: number): boolean {
  return polygons(a).some((p) => inRing(p[0] as Ring, x, y) && !p.slice(1).some((h) => inRing(h, x, y)));
}

function rngFrom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** A point strictly inside a grid cell, away from its edges. */
function pointIn(grid: DemoArea, rnd: () => number): [number, number] {
  const r = (grid.geometry.coordinates as Poly)[0] as Ring;
  const [w, s] = r[0] as [number, number];
  const [e, n] = r[2] as [number, number];
  return [w + (0.05 + 0.9 * rnd()) * (e - w), s + (0.05 + 0.9 * rnd()) * (n - s)];
}

/** Registers the structural checks; `get` is read inside each test so data loaded in beforeAll works. */
function checkStructure(
  get: () => DemoGeometry,
  input: { towns: { code: string }[]; communities: { code: string; townCode: string }[] },
) {
  const origin = () => (((get().grids[0] as DemoArea).geometry.coordinates as Poly)[0] as Ring)[0] as [number, number];

  it('keeps every town and community, each with at least one grid', () => {
    const geo = get();
    expect(geo.towns.map((t) => t.code)).toEqual(input.towns.map((t) => t.code));
    expect(geo.communities.map((c) => c.code)).toEqual(input.communities.map((c) => c.code));
    const perCommunity = new Map<string, number>();
    for (const g of geo.grids) perCommunity.set(g.parentCode, (perCommunity.get(g.parentCode) ?? 0) + 1);
    for (const c of input.communities) expect(perCommunity.get(c.code) ?? 0).toBeGreaterThan(0);
  });

  it('codes grids with 15 unique digits under their community, numbered north→south, west→east', () => {
    const geo = get();
    const codes = new Set(geo.grids.map((g) => g.code));
    expect(codes.size).toBe(geo.grids.length);
    const byCommunity = new Map<string, DemoArea[]>();
    for (const g of geo.grids) {
      expect(g.code).toMatch(/^\d{15}$/);
      expect(g.code.slice(0, 12)).toBe(g.parentCode);
      expect(g.kind).toBe('grid');
      byCommunity.set(g.parentCode, [...(byCommunity.get(g.parentCode) ?? []), g]);
    }
    for (const list of byCommunity.values()) {
      const corner = (g: DemoArea) => ((g.geometry.coordinates as Poly)[0] as Ring)[0] as [number, number];
      const expected = list.slice().sort((a, b) => corner(b)[1] - corner(a)[1] || corner(a)[0] - corner(b)[0]);
      expect(list.map((g) => g.code)).toEqual(
        expected.map((_, k) => `${list[0]?.parentCode}${String(k + 1).padStart(3, '0')}`),
      );
      expect(list.map((g) => g.code)).toEqual(expected.map((g) => g.code));
    }
  });

  it('gives each community 2–4 social grids coded <community>S<nn>', () => {
    const geo = get();
    const per = new Map<string, number>();
    for (const s of geo.socialGrids) {
      expect(s.code).toMatch(/^\d{12}S\d{2}$/);
      expect(s.code.slice(0, 12)).toBe(s.parentCode);
      per.set(s.parentCode, (per.get(s.parentCode) ?? 0) + 1);
    }
    const gridsPer = new Map<string, number>();
    for (const g of geo.grids) gridsPer.set(g.parentCode, (gridsPer.get(g.parentCode) ?? 0) + 1);
    for (const c of input.communities) {
      const n = per.get(c.code) ?? 0;
      expect(n).toBeGreaterThanOrEqual(Math.min(2, gridsPer.get(c.code) ?? 0));
      expect(n).toBeLessThanOrEqual(4);
    }
  });

  it('traces closed, simple rings: outer CCW, holes CW', () => {
    const geo = get();
    const [ox, oy] = origin();
    for (const a of [...geo.towns, ...geo.communities, ...geo.socialGrids, ...geo.grids]) {
      for (const p of polygons(a)) {
        p.forEach((r, k) => {
          expect(r.length).toBeGreaterThanOrEqual(5);
          expect(r[r.length - 1]).toEqual(r[0]);
          expect(new Set(r.slice(0, -1).map((v) => v.join())).size).toBe(r.length - 1);
          expect(Math.sign(ringArea(r, ox, oy))).toBe(k === 0 ? 1 : -1);
        });
        // A hole handed to the wrong outer ring would stick out of that ring's bounding box.
        const [ow, os, oe, on] = bbox(p[0] as Ring);
        for (const h of p.slice(1)) {
          const [hw, hs, he, hn] = bbox(h);
          expect(hw >= ow && hs >= os && he <= oe && hn <= on).toBe(true);
        }
      }
    }
  });

  it('adds up areas: grids = communities = towns = social grids, per parent too', () => {
    const geo = get();
    const [ox, oy] = origin();
    const gridTotal = geo.grids.reduce((s, g) => s + areaOf(g, ox, oy), 0);
    const sum = (list: DemoArea[]) => list.reduce((s, a) => s + areaOf(a, ox, oy), 0);
    expect(Math.abs(sum(geo.communities) - gridTotal) / gridTotal).toBeLessThan(1e-9);
    expect(Math.abs(sum(geo.towns) - gridTotal) / gridTotal).toBeLessThan(1e-9);
    expect(Math.abs(sum(geo.socialGrids) - gridTotal) / gridTotal).toBeLessThan(1e-9);
    const gridsOf = new Map<string, number>();
    for (const g of geo.grids) gridsOf.set(g.parentCode, (gridsOf.get(g.parentCode) ?? 0) + areaOf(g, ox, oy));
    for (const c of geo.communities) {
      const own = gridsOf.get(c.code) ?? 0;
      expect(Math.abs(areaOf(c, ox, oy) - own) / own).toBeLessThan(1e-9);
    }
  });

  it('puts points of every grid inside exactly one community and one town: its own', () => {
    const geo = get();
    const rnd = rngFrom(7);
    const community = new Map(geo.communities.map((c) => [c.code, c]));
    const town = new Map(geo.towns.map((t) => [t.code, t]));
    const step = Math.max(1, Math.floor(geo.grids.length / 1500));
    for (let k = 0; k < geo.grids.length; k += step) {
      const g = geo.grids[k] as DemoArea;
      const cm = community.get(g.parentCode) as DemoArea;
      const [x, y] = pointIn(g, rnd);
      expect(inArea(cm, x, y)).toBe(true);
      expect(inArea(town.get(cm.parentCode) as DemoArea, x, y)).toBe(true);
      expect(geo.communities.filter((c) => inArea(c, x, y)).length).toBe(1);
      expect(geo.towns.filter((t) => inArea(t, x, y)).length).toBe(1);
      expect(geo.socialGrids.filter((s) => inArea(s, x, y)).map((s) => s.parentCode)).toEqual([cm.code]);
    }
  });
}

/**
 * ~8.7 km × 6.7 km rectangle with a lake in it, and an island with its own pond to the east: the
 * island joins a community of the east town, whose smaller outer ring must then carry the pond.
 */
const SYNTHETIC: DemoGeometryInput = {
  outline: [
    [
      [
        [120.0, 30.0],
        [120.09, 30.0],
        [120.09, 30.06],
        [120.0, 30.06],
        [120.0, 30.0],
      ],
      [
        [120.02, 30.02],
        [120.02, 30.035],
        [120.035, 30.035],
        [120.035, 30.02],
        [120.02, 30.02],
      ],
    ],
    [
      [
        [120.1, 30.015],
        [120.125, 30.015],
        [120.125, 30.04],
        [120.1, 30.04],
        [120.1, 30.015],
      ],
      [
        [120.108, 30.022],
        [120.108, 30.031],
        [120.116, 30.031],
        [120.116, 30.022],
        [120.108, 30.022],
      ],
    ],
  ],
  towns: [
    { code: '330101001', name: '湖畔街道', kind: 'street', seed: [120.015, 30.028] },
    { code: '330101002', name: '东城街道', kind: 'street', seed: [120.07, 30.045] },
    // Deliberately outside the outline: the generator must nudge it onto the nearest cell.
    { code: '330101100', name: '南岭镇', kind: 'town', seed: [120.06, 29.99] },
  ],
  communities: [
    { code: '330101001001', name: '湖滨社区居民委员会', townCode: '330101001', kind: 'community' },
    { code: '330101001002', name: '柳岸社区居民委员会', townCode: '330101001', kind: 'community' },
    { code: '330101001003', name: '荷塘社区居民委员会', townCode: '330101001', kind: 'community' },
    { code: '330101002001', name: '东门社区居民委员会', townCode: '330101002', kind: 'community' },
    { code: '330101002002', name: '新桥社区居民委员会', townCode: '330101002', kind: 'community' },
    { code: '330101100200', name: '岭下村村民委员会', townCode: '330101100', kind: 'village' },
    { code: '330101100201', name: '石坎村村民委员会', townCode: '330101100', kind: 'village' },
  ],
  cellMeters: 250,
  seed: 42,
};

describe('generateDemoGeometry on a synthetic outline with a hole', () => {
  const geo = generateDemoGeometry(SYNTHETIC);

  it('is deterministic for a seed and changes with it', () => {
    expect(JSON.stringify(generateDemoGeometry(SYNTHETIC))).toBe(JSON.stringify(geo));
    const other = generateDemoGeometry({ ...SYNTHETIC, seed: 43 });
    expect(other.grids.length).toBe(geo.grids.length);
    expect(JSON.stringify(other.socialGrids)).not.toBe(JSON.stringify(geo.socialGrids));
  });

  it('keeps only cells whose centre lies in the outline, none in the lake', () => {
    const lake = (x: number, y: number) => x > 120.02 && x < 120.035 && y > 30.02 && y < 30.035;
    for (const g of geo.grids) {
      const r = (g.geometry.coordinates as Poly)[0] as Ring;
      const cx = ((r[0]?.[0] as number) + (r[2]?.[0] as number)) / 2;
      const cy = ((r[0]?.[1] as number) + (r[2]?.[1] as number)) / 2;
      expect(lake(cx, cy)).toBe(false);
    }
    // 250 m cells over ~61 km² of land: about 980 cells.
    expect(geo.grids.length).toBeGreaterThan(930);
    expect(geo.grids.length).toBeLessThan(1030);
    for (const t of geo.towns) expect(inArea(t, 120.0275, 30.0275)).toBe(false);
  });

  it('traces the lake as a hole of the town around it', () => {
    const lakeside = geo.towns[0] as DemoArea;
    expect(polygons(lakeside).some((p) => p.length > 1)).toBe(true);
  });

  it('gives the island, pond included, to the nearest town and one of its communities', () => {
    const east = geo.towns[1] as DemoArea;
    expect(east.geometry.type).toBe('MultiPolygon');
    expect(inArea(east, 120.102, 30.017)).toBe(true);
    const islanders = geo.communities.filter((c) => inArea(c, 120.102, 30.017));
    expect(islanders).toHaveLength(1);
    const island = islanders[0] as DemoArea;
    expect(island.geometry.type).toBe('MultiPolygon');
    expect(polygons(island).filter((p) => p.length > 1)).toHaveLength(1);
    for (const a of [...geo.towns, ...geo.communities, ...geo.socialGrids])
      expect(inArea(a, 120.112, 30.0265)).toBe(false);
  });

  it('gives the town whose seed is off the outline its own cells in one piece', () => {
    const south = geo.towns[2] as DemoArea;
    expect(south.geometry.type).toBe('Polygon');
    expect(geo.grids.some((g) => g.code.startsWith('330101100'))).toBe(true);
  });

  checkStructure(() => geo, SYNTHETIC);
});

/**
 * An outline made of lattice cells, each drawn as a square shrunk to 80 % around the cell centre so
 * that the generator's lattice (origin at the bbox corner) lands exactly on the intended cells.
 */
function cellOutline(cells: [number, number][], cellMeters: number, lng0: number, lat0: number): number[][][][] {
  const maxJ = Math.max(...cells.map(([, j]) => j));
  const dy = cellMeters / ((Math.PI / 180) * 6_371_008.8);
  const dx = dy / Math.cos(((lat0 + ((maxJ + 1) / 2) * dy) * Math.PI) / 180);
  return cells.map(([i, j]) => {
    const w = lng0 + (i + 0.1) * dx;
    const s = lat0 + (j + 0.1) * dy;
    const e = lng0 + (i + 0.9) * dx;
    const n = lat0 + (j + 0.9) * dy;
    return [
      [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
        [w, s],
      ],
    ];
  });
}

describe('generateDemoGeometry on cells that touch only at corners', () => {
  // West: a 3×3 block without its centre and north-east corner, so the centre "hole" touches the
  // outside at one vertex. East: two cells touching diagonally.
  const west: [number, number][] = [
    [0, 0],
    [1, 0],
    [2, 0],
    [0, 1],
    [2, 1],
    [0, 2],
    [1, 2],
  ];
  const east: [number, number][] = [
    [5, 1],
    [6, 2],
  ];
  const outline = cellOutline([...west, ...east], 100, 114, 22);
  const geo = generateDemoGeometry({
    outline,
    towns: [
      { code: '440101001', name: '西街道', kind: 'street', seed: [114.0015, 22.0015] },
      { code: '440101002', name: '东街道', kind: 'street', seed: [114.006, 22.002] },
    ],
    communities: [
      { code: '440101001001', name: '西社区居民委员会', townCode: '440101001', kind: 'community' },
      { code: '440101002001', name: '东社区居民委员会', townCode: '440101002', kind: 'community' },
    ],
    cellMeters: 100,
  });

  it('lands on the intended cells', () => {
    expect(geo.grids.filter((g) => g.parentCode === '440101001001')).toHaveLength(7);
    expect(geo.grids.filter((g) => g.parentCode === '440101002001')).toHaveLength(2);
  });

  it('splits a ring pinched at a vertex into an outer ring and a hole touching it', () => {
    const w = geo.towns[0] as DemoArea;
    expect(w.geometry.type).toBe('Polygon');
    expect(polygons(w)[0]).toHaveLength(2);
  });

  it('keeps cells touching only at a corner as separate polygons', () => {
    const e = geo.towns[1] as DemoArea;
    expect(e.geometry.type).toBe('MultiPolygon');
    expect(polygons(e).map((p) => p.length)).toEqual([1, 1]);
  });

  checkStructure(() => geo, {
    towns: [{ code: '440101001' }, { code: '440101002' }],
    communities: [
      { code: '440101001001', townCode: '440101001' },
      { code: '440101002001', townCode: '440101002' },
    ],
  });
});

describe('loadJiangbeiDemoGeometry', () => {
  const towns = JSON.parse(readFileSync(`${JIANGBEI_DIR}towns.json`, 'utf8')) as { code: string }[];
  const communities = JSON.parse(readFileSync(`${JIANGBEI_DIR}communities.json`, 'utf8')) as {
    code: string;
    townCode: string;
  }[];
  const outline = JSON.parse(readFileSync(`${JIANGBEI_DIR}outline.geojson`, 'utf8')) as {
    features: { geometry: { coordinates: Ring[] } }[];
  };
  let geo: DemoGeometry;
  let ms = 0;

  beforeAll(() => {
    const t0 = performance.now();
    geo = loadJiangbeiDemoGeometry(JIANGBEI_DIR);
    ms = performance.now() - t0;
  });

  it('reads the real reference data: 12 towns, 132 communities', () => {
    expect(towns).toHaveLength(12);
    expect(communities).toHaveLength(132);
    for (const c of communities) expect(c.code.startsWith(c.townCode)).toBe(true);
  });

  it('places every town seed inside the outline', () => {
    const ring = outline.features[0]?.geometry.coordinates[0] as Ring;
    for (const t of towns) {
      const s = JIANGBEI_TOWN_SEEDS[t.code] as [number, number];
      expect(inRing(ring, s[0], s[1])).toBe(true);
    }
  });

  it('generates 9,000–11,000 grids under 3 s, deterministically', () => {
    expect(geo.towns).toHaveLength(12);
    expect(geo.communities).toHaveLength(132);
    expect(geo.grids.length).toBeGreaterThanOrEqual(9000);
    expect(geo.grids.length).toBeLessThanOrEqual(11000);
    expect(ms).toBeLessThan(3000);
    for (const g of geo.grids) expect(g.code.startsWith('500105')).toBe(true);
    expect(JSON.stringify(loadJiangbeiDemoGeometry(JIANGBEI_DIR))).toBe(JSON.stringify(geo));
  });

  it('keeps most towns and all communities in one piece', () => {
    expect(geo.towns.filter((t) => t.geometry.type === 'MultiPolygon').length).toBeLessThanOrEqual(2);
    expect(geo.communities.filter((c) => c.geometry.type === 'MultiPolygon').length).toBeLessThanOrEqual(3);
  });

  checkStructure(() => geo, { towns, communities });
});
