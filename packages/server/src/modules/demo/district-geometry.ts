/**
 * Deterministic demonstration geometry for a district: management unit grids (万米单元网格) on a
 * square lattice inside the real district outline, grouped into towns/streets, communities and
 * social governance grids. Only the outline is real; every polygon produced here is invented
 * (see data/demo/jiangbei/NOTICE.md) and must be labelled as demonstration geometry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom as mulberry32 } from '@onegrid/domain/random';

export type DemoAreaKind = 'street' | 'town' | 'community' | 'village' | 'grid' | 'social_grid';

export interface DemoArea {
  code: string;
  name: string;
  kind: DemoAreaKind;
  parentCode: string;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] };
}

export interface DemoGeometryInput {
  /** MultiPolygon coordinates [lng, lat] of the district outline. */
  outline: number[][][][];
  /** seed = approximate real centre [lng, lat] of the town/street. */
  towns: { code: string; name: string; kind: 'street' | 'town'; seed: [number, number] }[];
  communities: { code: string; name: string; townCode: string; kind: 'community' | 'village' }[];
  /** Management grid cell edge in metres; by default chosen so that ~10,000 cells cover the outline. */
  cellMeters?: number;
  /** [min, max] social grids per community, default [2, 4]. */
  socialGridsPerCommunity?: [number, number];
  /** PRNG seed; the same input and seed always give identical output. */
  seed?: number;
}

export interface DemoGeometry {
  towns: DemoArea[];
  communities: DemoArea[];
  grids: DemoArea[];
  socialGrids: DemoArea[];
}

/** Approximate real centres (GCJ-02 [lng, lat]) of Jiangbei's 12 towns/streets, placed inside the outline. */
export const JIANGBEI_TOWN_SEEDS: Record<string, [number, number]> = {
  '500105001': [106.538, 29.566], // 华新街街道: 嘉陵江 north bank, 黄花园大桥 to 北城天街
  '500105002': [106.574, 29.572], // 江北城街道: 江北嘴, the confluence
  '500105003': [106.47, 29.598], // 石马河街道: north-west, towards the 渝北 border
  '500105004': [106.495, 29.572], // 大石坝街道: 嘉陵江 north bank west of 观音桥, 石门大桥
  '500105005': [106.612, 29.626], // 寸滩街道: apex of the 长江 bend, 寸滩港
  '500105006': [106.534, 29.575], // 观音桥街道: the commercial centre
  '500105007': [106.569, 29.59], // 五里店街道: 五里店 interchange
  '500105008': [106.672, 29.578], // 郭家沱街道: 长江 north bank by 铜锣峡
  '500105009': [106.682, 29.616], // 铁山坪街道: forest park on the 铜锣山 ridge
  '500105100': [106.795, 29.648], // 鱼嘴镇: far east, 长江 bank
  '500105101': [106.735, 29.66], // 复盛镇: north-east
  '500105102': [106.862, 29.625], // 五宝镇: eastern tip
};

/** 150 m cells give ~9,900 grids over Jiangbei's ~223 km² outline. */
export const JIANGBEI_CELL_METERS = 150;

const METRES_PER_DEGREE = (Math.PI / 180) * 6_371_008.8;
const TARGET_CELLS = 10_000;
const LLOYD_ROUNDS = 8;
const DEFAULT_SEED = 0x5eed;
const COORD_SCALE = 1e7;

/** The lattice: kept cells (centre inside the outline) indexed 0..n-1, j counted from the south. */
interface Lattice {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  nx: number;
  ny: number;
  ci: Int32Array;
  cj: Int32Array;
  /** lattice position j*nx+i → kept index, or -1. */
  kept: Int32Array;
  lng: Float64Array;
  lat: Float64Array;
}

interface Seed {
  cell: number;
  x: number;
  y: number;
}

export function generateDemoGeometry(input: DemoGeometryInput): DemoGeometry {
  const [minSocial, maxSocial] = input.socialGridsPerCommunity ?? [2, 4];
  if (!(minSocial >= 1 && maxSocial >= minSocial && maxSocial <= 99)) {
    throw new Error(`socialGridsPerCommunity must satisfy 1 ≤ min ≤ max ≤ 99, got [${minSocial}, ${maxSocial}]`);
  }
  if (input.towns.length === 0) throw new Error('at least one town is required');
  const rng = mulberry32(input.seed ?? DEFAULT_SEED);
  const cellMeters = input.cellMeters ?? defaultCellMeters(input.outline);
  const lat = buildLattice(input.outline, cellMeters);
  const n = lat.ci.length;
  const seeds = placeTownSeeds(
    lat,
    input.towns.map((t) => t.seed),
  );
  const townOf = partition(lat, allCells(n), seeds);

  const townIndex = new Map(input.towns.map((t, k) => [t.code, k]));
  const byTown: number[][] = input.towns.map(() => []);
  for (let c = 0; c < n; c++) byTown[townOf[c] as number]?.push(c);
  const communitiesByTown: number[][] = input.towns.map(() => []);
  input.communities.forEach((cm, k) => {
    const t = townIndex.get(cm.townCode);
    if (t === undefined) throw new Error(`community ${cm.code} refers to unknown town ${cm.townCode}`);
    communitiesByTown[t]?.push(k);
  });

  const communityCells: number[][] = input.communities.map(() => []);
  input.towns.forEach((town, t) => {
    const cells = byTown[t] ?? [];
    const members = communitiesByTown[t] ?? [];
    if (members.length === 0) return;
    if (members.length > cells.length) {
      throw new Error(
        `town ${town.code} has ${cells.length} cells for ${members.length} communities; use smaller cells`,
      );
    }
    const groups = splitCells(lat, cells, members.length, rng);
    members.forEach((cm, g) => {
      communityCells[cm] = groups[g] ?? [];
    });
  });

  const tracer = new Tracer(lat);
  const towns: DemoArea[] = input.towns.map((t, k) => ({
    code: t.code,
    name: t.name,
    kind: t.kind,
    parentCode: t.code.slice(0, 6),
    geometry: tracer.union(byTown[k] ?? []),
  }));
  const communities: DemoArea[] = [];
  const grids: DemoArea[] = [];
  const socialGrids: DemoArea[] = [];
  input.communities.forEach((cm, k) => {
    const cells = communityCells[k] ?? [];
    const label = shortName(cm.name);
    communities.push({
      code: cm.code,
      name: cm.name,
      kind: cm.kind,
      parentCode: cm.townCode,
      geometry: tracer.union(cells),
    });
    grids.push(...communityGrids(lat, cm.code, label, cells));
    const count = Math.min(cells.length, minSocial + Math.floor(rng() * (maxSocial - minSocial + 1)));
    splitCells(lat, cells, count, rng).forEach((group, g) => {
      socialGrids.push({
        code: `${cm.code}S${String(g + 1).padStart(2, '0')}`,
        name: `${label}第${g + 1}网格`,
        kind: 'social_grid',
        parentCode: cm.code,
        geometry: tracer.union(group),
      });
    });
  });
  return { towns, communities, grids, socialGrids };
}

/** Reads outline.geojson, towns.json and communities.json from `dir` (the data/demo/jiangbei folder). */
export function loadJiangbeiDemoGeometry(dir: string, seed?: number): DemoGeometry {
  const outline = JSON.parse(readFileSync(join(dir, 'outline.geojson'), 'utf8')) as {
    features: { geometry: { type: string; coordinates: unknown } }[];
  };
  const multi: number[][][][] = [];
  for (const f of outline.features) {
    if (f.geometry.type === 'Polygon') multi.push(f.geometry.coordinates as number[][][]);
    else if (f.geometry.type === 'MultiPolygon') multi.push(...(f.geometry.coordinates as number[][][][]));
    else throw new Error(`outline.geojson: unsupported geometry ${f.geometry.type}`);
  }
  const towns = JSON.parse(readFileSync(join(dir, 'towns.json'), 'utf8')) as DemoGeometryInput['towns'];
  const communities = JSON.parse(
    readFileSync(join(dir, 'communities.json'), 'utf8'),
  ) as DemoGeometryInput['communities'];
  return generateDemoGeometry({
    outline: multi,
    towns: towns.map((t) => {
      const s = JIANGBEI_TOWN_SEEDS[t.code];
      if (!s) throw new Error(`no seed for town ${t.code} ${t.name}`);
      return { code: t.code, name: t.name, kind: t.kind, seed: s };
    }),
    communities: communities.map((c) => ({ code: c.code, name: c.name, townCode: c.townCode, kind: c.kind })),
    cellMeters: JIANGBEI_CELL_METERS,
    ...(seed === undefined ? {} : { seed }),
  });
}

/** Cell edge giving about TARGET_CELLS cells: sqrt(area / TARGET_CELLS). */
export function defaultCellMeters(outline: number[][][][]): number {
  const { minY, maxY } = bounds(outline);
  const kx = METRES_PER_DEGREE * Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  let area = 0;
  // Orientation-agnostic: the first ring of each polygon adds, the others (holes) subtract.
  for (const poly of outline) {
    poly.forEach((ring, k) => {
      area += (k === 0 ? 1 : -1) * Math.abs(ringArea(ring));
    });
  }
  return Math.sqrt((area * kx * METRES_PER_DEGREE) / TARGET_CELLS);
}

/** Signed shoelace area in degrees², relative to the first vertex to avoid cancellation; closes open rings. */
function ringArea(ring: number[][]): number {
  const [ox = 0, oy = 0] = ring[0] ?? [];
  let a = 0;
  for (let k = 0; k < ring.length; k++) {
    const [px = 0, py = 0] = ring[k] ?? [];
    const [qx = 0, qy = 0] = ring[(k + 1) % ring.length] ?? [];
    a += (px - ox) * (qy - oy) - (qx - ox) * (py - oy);
  }
  return a / 2;
}

function bounds(outline: number[][][][]) {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const poly of outline)
    for (const ring of poly)
      for (const p of ring) {
        const x = p[0] as number;
        const y = p[1] as number;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
  if (!(minX < maxX && minY < maxY)) throw new Error('outline is empty or degenerate');
  return { minX, minY, maxX, maxY };
}

function buildLattice(outline: number[][][][], cellMeters: number): Lattice {
  if (!(cellMeters > 0)) throw new Error(`cellMeters must be positive, got ${cellMeters}`);
  const { minX, minY, maxX, maxY } = bounds(outline);
  const dy = cellMeters / METRES_PER_DEGREE;
  const dx = dy / Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const nx = Math.ceil((maxX - minX) / dx);
  const ny = Math.ceil((maxY - minY) / dy);
  const kept = new Int32Array(nx * ny).fill(-1);
  const ci: number[] = [];
  const cj: number[] = [];
  const edges: number[] = [];
  for (const poly of outline)
    for (const ring of poly)
      for (let k = 0; k + 1 < ring.length; k++)
        edges.push(...(ring[k] as number[]).slice(0, 2), ...(ring[k + 1] as number[]).slice(0, 2));
  // Scanline even-odd fill at each row's centre latitude: exact "centre inside" without per-cell tests.
  const xs: number[] = [];
  for (let j = 0; j < ny; j++) {
    const y = minY + (j + 0.5) * dy;
    xs.length = 0;
    for (let e = 0; e < edges.length; e += 4) {
      const x1 = edges[e] as number;
      const y1 = edges[e + 1] as number;
      const x2 = edges[e + 2] as number;
      const y2 = edges[e + 3] as number;
      if (y1 > y !== y2 > y) xs.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(0, Math.ceil(((xs[k] as number) - minX) / dx - 0.5));
      const to = Math.min(nx - 1, Math.floor(((xs[k + 1] as number) - minX) / dx - 0.5));
      for (let i = from; i <= to; i++) {
        if (kept[j * nx + i] === -1) {
          kept[j * nx + i] = ci.length;
          ci.push(i);
          cj.push(j);
        }
      }
    }
  }
  if (ci.length === 0) throw new Error('no lattice cell centre falls inside the outline; use smaller cells');
  const round = (v: number) => Math.round(v * COORD_SCALE) / COORD_SCALE;
  return {
    x0: minX,
    y0: minY,
    dx,
    dy,
    nx,
    ny,
    ci: Int32Array.from(ci),
    cj: Int32Array.from(cj),
    kept,
    lng: Float64Array.from({ length: nx + 1 }, (_, i) => round(minX + i * dx)),
    lat: Float64Array.from({ length: ny + 1 }, (_, j) => round(minY + j * dy)),
  };
}

/** Seeds snap to their own cell, or to the nearest free kept cell when outside the outline or taken. */
function placeTownSeeds(lat: Lattice, points: [number, number][]): Seed[] {
  const taken = new Set<number>();
  return points.map(([lng, la]) => {
    const x = (lng - lat.x0) / lat.dx;
    const y = (la - lat.y0) / lat.dy;
    const i = Math.floor(x);
    const j = Math.floor(y);
    const own = i >= 0 && i < lat.nx && j >= 0 && j < lat.ny ? (lat.kept[j * lat.nx + i] as number) : -1;
    if (own >= 0 && !taken.has(own)) {
      taken.add(own);
      return { cell: own, x, y };
    }
    let best = -1;
    let bestD = Infinity;
    for (let c = 0; c < lat.ci.length; c++) {
      if (taken.has(c)) continue;
      const d = ((lat.ci[c] as number) + 0.5 - x) ** 2 + ((lat.cj[c] as number) + 0.5 - y) ** 2;
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    if (best < 0) throw new Error('more town seeds than lattice cells');
    taken.add(best);
    return cellSeed(lat, best);
  });
}

function cellSeed(lat: Lattice, cell: number): Seed {
  return { cell, x: (lat.ci[cell] as number) + 0.5, y: (lat.cj[cell] as number) + 0.5 };
}

function allCells(n: number): number[] {
  return Array.from({ length: n }, (_, k) => k);
}

/**
 * Voronoi-like partition of `cells` among seeds, grown over 4-adjacency so that every region is
 * connected: a cell is claimed by the first seed whose flood reaches it, ordered by the distance
 * from that seed. Pieces no flood can reach go to the nearest seed. Returns the seed index per cell
 * (indexed by kept cell; -2 outside `cells`).
 */
function partition(lat: Lattice, cells: number[], seeds: Seed[]): Int32Array {
  const n = lat.ci.length;
  const label = new Int32Array(n).fill(-2);
  for (const c of cells) label[c] = -1;
  const heap = new MinHeap();
  const claim = (c: number, s: number) => {
    label[c] = s;
    const seed = seeds[s] as Seed;
    const i = lat.ci[c] as number;
    const j = lat.cj[c] as number;
    for (const [ni, nj] of [
      [i + 1, j],
      [i - 1, j],
      [i, j + 1],
      [i, j - 1],
    ] as const) {
      if (ni < 0 || nj < 0 || ni >= lat.nx || nj >= lat.ny) continue;
      const nb = lat.kept[nj * lat.nx + ni] as number;
      if (nb >= 0 && label[nb] === -1) heap.push((ni + 0.5 - seed.x) ** 2 + (nj + 0.5 - seed.y) ** 2, nb, s);
    }
  };
  const flood = () => {
    while (heap.size > 0) {
      const [c, s] = heap.pop();
      if (label[c] === -1) claim(c, s);
    }
  };
  // Every seed owns its own cell before any flood starts, so each region is non-empty.
  seeds.forEach((s, k) => {
    if (label[s.cell] !== -1) throw new Error('seed cell outside the partitioned set or shared by two seeds');
    label[s.cell] = k;
  });
  seeds.forEach((s, k) => {
    label[s.cell] = -1;
    claim(s.cell, k);
  });
  flood();
  for (;;) {
    let best = -1;
    let bestS = -1;
    let bestD = Infinity;
    for (const c of cells) {
      if (label[c] !== -1) continue;
      seeds.forEach((s, k) => {
        const d = ((lat.ci[c] as number) + 0.5 - s.x) ** 2 + ((lat.cj[c] as number) + 0.5 - s.y) ** 2;
        if (d < bestD) {
          bestD = d;
          best = c;
          bestS = k;
        }
      });
    }
    if (best < 0) return label;
    claim(best, bestS);
    flood();
  }
}

/**
 * Splits `cells` into k compact groups: farthest-point seeds (the first one drawn from the PRNG), a
 * few Lloyd rounds, then groups ordered by their seed north→south, west→east. Seeds only sit on
 * pieces big enough for a whole group, so a stray fragment of the lattice joins a neighbouring
 * group instead of becoming a group of two cells.
 */
function splitCells(lat: Lattice, cells: number[], k: number, rng: () => number): number[][] {
  if (k <= 1 || cells.length <= 1) return [cells.slice()];
  let eligible = pieces(lat, cells)
    .filter((p) => p.length >= Math.floor(cells.length / k))
    .flat();
  if (eligible.length < k) eligible = cells;
  const m = eligible.length;
  const picked: number[] = [eligible[Math.floor(rng() * m)] as number];
  const minD = new Float64Array(m).fill(Infinity);
  while (picked.length < k) {
    const last = picked[picked.length - 1] as number;
    let best = -1;
    let bestD = -1;
    for (let p = 0; p < m; p++) {
      const c = eligible[p] as number;
      const d =
        ((lat.ci[c] as number) - (lat.ci[last] as number)) ** 2 +
        ((lat.cj[c] as number) - (lat.cj[last] as number)) ** 2;
      if (d < (minD[p] as number)) minD[p] = d;
      if ((minD[p] as number) > bestD) {
        bestD = minD[p] as number;
        best = c;
      }
    }
    picked.push(best);
  }
  let seeds = picked.map((c) => cellSeed(lat, c));
  let label = partition(lat, cells, seeds);
  for (let round = 0; round < LLOYD_ROUNDS; round++) {
    const next = recentre(lat, cells, eligible, label, seeds.length);
    if (next.every((c, g) => c === seeds[g]?.cell)) break;
    seeds = next.map((c) => cellSeed(lat, c));
    label = partition(lat, cells, seeds);
  }
  const order = seeds
    .map((_, g) => g)
    .sort((a, b) => compareReading(lat, (seeds[a] as Seed).cell, (seeds[b] as Seed).cell));
  const rank = new Int32Array(k);
  order.forEach((g, r) => {
    rank[g] = r;
  });
  const groups: number[][] = Array.from({ length: k }, () => []);
  for (const c of cells) groups[rank[label[c] as number] as number]?.push(c);
  return groups;
}

/** The eligible cell of each group nearest the group's centroid (a Lloyd step kept on the lattice). */
function recentre(lat: Lattice, cells: number[], eligible: number[], label: Int32Array, k: number): number[] {
  const sx = new Float64Array(k);
  const sy = new Float64Array(k);
  const cnt = new Float64Array(k);
  for (const c of cells) {
    const g = label[c] as number;
    sx[g] = (sx[g] as number) + (lat.ci[c] as number);
    sy[g] = (sy[g] as number) + (lat.cj[c] as number);
    cnt[g] = (cnt[g] as number) + 1;
  }
  const best = new Int32Array(k).fill(-1);
  const bestD = new Float64Array(k).fill(Infinity);
  for (const c of eligible) {
    const g = label[c] as number;
    const d =
      ((lat.ci[c] as number) - (sx[g] as number) / (cnt[g] as number)) ** 2 +
      ((lat.cj[c] as number) - (sy[g] as number) / (cnt[g] as number)) ** 2;
    if (d < (bestD[g] as number)) {
      bestD[g] = d;
      best[g] = c;
    }
  }
  return Array.from(best);
}

/** 4-connected pieces of a cell set. */
function pieces(lat: Lattice, cells: number[]): number[][] {
  const state = new Map<number, boolean>(cells.map((c) => [c, false]));
  const out: number[][] = [];
  for (const start of cells) {
    if (state.get(start)) continue;
    state.set(start, true);
    const piece = [start];
    for (let h = 0; h < piece.length; h++) {
      const c = piece[h] as number;
      const i = lat.ci[c] as number;
      const j = lat.cj[c] as number;
      for (const [ni, nj] of [
        [i + 1, j],
        [i - 1, j],
        [i, j + 1],
        [i, j - 1],
      ] as const) {
        if (ni < 0 || nj < 0 || ni >= lat.nx || nj >= lat.ny) continue;
        const nb = lat.kept[nj * lat.nx + ni] as number;
        if (state.get(nb) === false) {
          state.set(nb, true);
          piece.push(nb);
        }
      }
    }
    out.push(piece);
  }
  return out;
}

/** North→south, then west→east: the order grid sequence numbers follow. */
function compareReading(lat: Lattice, a: number, b: number): number {
  return (lat.cj[b] as number) - (lat.cj[a] as number) || (lat.ci[a] as number) - (lat.ci[b] as number);
}

function communityGrids(lat: Lattice, communityCode: string, label: string, cells: number[]): DemoArea[] {
  if (cells.length > 999)
    throw new Error(`community ${communityCode} has ${cells.length} cells; grid sequence is 3 digits`);
  const sorted = cells.slice().sort((a, b) => compareReading(lat, a, b));
  return sorted.map((c, k) => {
    const i = lat.ci[c] as number;
    const j = lat.cj[c] as number;
    const w = lat.lng[i] as number;
    const e = lat.lng[i + 1] as number;
    const s = lat.lat[j] as number;
    const nn = lat.lat[j + 1] as number;
    const seq = String(k + 1).padStart(3, '0');
    return {
      code: `${communityCode}${seq}`,
      name: `${label}单元网格${seq}`,
      kind: 'grid',
      parentCode: communityCode,
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [w, s],
            [e, s],
            [e, nn],
            [w, nn],
            [w, s],
          ],
        ],
      },
    };
  });
}

/** "桥北社区居民委员会" → "桥北社区", "上坪村村民委员会" → "上坪村". */
function shortName(name: string): string {
  return name.replace(/(居民委员会|村民委员会|居委会|村委会)$/, '') || name;
}

/** E, N, W, S unit steps; a left turn is dir+1. */
const STEP_X = [1, 0, -1, 0] as const;
const STEP_Y = [0, 1, 0, -1] as const;

/**
 * Exact union of lattice cells by boundary tracing. Each cell contributes its four CCW edges; an
 * edge shared with another member cell cancels against its reverse, so only edges facing a
 * non-member remain. These are chained into rings turning left first, which keeps cells that only
 * touch at a corner in separate rings; a ring that still revisits a vertex is split there.
 */
class Tracer {
  private readonly member: Uint8Array;
  /** (vertex * 4 + dir) → 1 when that boundary edge exists in the current trace. */
  private readonly out: Uint8Array;
  private readonly vw: number;

  constructor(private readonly lat: Lattice) {
    this.member = new Uint8Array(lat.ci.length);
    this.vw = lat.nx + 1;
    this.out = new Uint8Array((lat.nx + 1) * (lat.ny + 1) * 4);
  }

  union(cells: number[]): DemoArea['geometry'] {
    if (cells.length === 0) throw new Error('cannot trace an empty cell set');
    const { lat, member, out, vw } = this;
    for (const c of cells) member[c] = 1;
    const isMember = (i: number, j: number) => {
      if (i < 0 || j < 0 || i >= lat.nx || j >= lat.ny) return false;
      const k = lat.kept[j * lat.nx + i] as number;
      return k >= 0 && member[k] === 1;
    };
    const starts: number[] = [];
    const add = (i: number, j: number, dir: number) => {
      const key = (j * vw + i) * 4 + dir;
      out[key] = 1;
      starts.push(key);
    };
    for (const c of cells) {
      const i = lat.ci[c] as number;
      const j = lat.cj[c] as number;
      if (!isMember(i, j - 1)) add(i, j, 0);
      if (!isMember(i + 1, j)) add(i + 1, j, 1);
      if (!isMember(i, j + 1)) add(i + 1, j + 1, 2);
      if (!isMember(i - 1, j)) add(i, j + 1, 3);
    }
    const loops: number[][] = [];
    for (const start of starts) {
      if (out[start] !== 1) continue;
      const walk: number[] = [];
      let key = start;
      do {
        out[key] = 2;
        const v = key >> 2;
        const dir = key & 3;
        walk.push(v);
        const nv = v + (STEP_Y[dir] as number) * vw + (STEP_X[dir] as number);
        const next = [(dir + 1) & 3, dir, (dir + 3) & 3]
          .map((d) => nv * 4 + d)
          .find((k2) => (out[k2] ?? 0) !== 0);
        if (next === undefined) throw new Error('boundary trace broke: open ring');
        key = next;
      } while (key !== start);
      loops.push(...splitAtRepeats(walk));
    }
    for (const key of starts) out[key] = 0;
    for (const c of cells) member[c] = 0;
    return this.assemble(loops.map((l) => dropCollinear(l, vw)));
  }

  /** Outer rings are CCW (positive area), holes CW; each hole goes to the smallest outer around it. */
  private assemble(loops: number[][]): DemoArea['geometry'] {
    const vw = this.vw;
    const outers: { ring: number[]; area: number; holes: number[][] }[] = [];
    const holes: number[][] = [];
    for (const l of loops) {
      const a = latticeArea(l, vw);
      if (a > 0) outers.push({ ring: l, area: a, holes: [] });
      else holes.push(l);
    }
    outers.sort((p, q) => q.area - p.area || (p.ring[0] as number) - (q.ring[0] as number));
    for (const h of holes) {
      const parent = outers.length === 1 ? outers[0] : smallestContaining(outers, h, vw);
      if (!parent) throw new Error('boundary trace produced a hole outside every outer ring');
      parent.holes.push(h);
    }
    const polys = outers.map((o) => [o.ring, ...o.holes].map((r) => this.toCoords(r)));
    return polys.length === 1
      ? { type: 'Polygon', coordinates: polys[0] as number[][][] }
      : { type: 'MultiPolygon', coordinates: polys };
  }

  private toCoords(ring: number[]): number[][] {
    const coords = ring.map((v) => [
      this.lat.lng[v % this.vw] as number,
      this.lat.lat[Math.floor(v / this.vw)] as number,
    ]);
    coords.push((coords[0] as number[]).slice());
    return coords;
  }
}

/** Splits a closed vertex walk into simple loops wherever it revisits a vertex. */
function splitAtRepeats(walk: number[]): number[][] {
  const loops: number[][] = [];
  const stack: number[] = [];
  const at = new Map<number, number>();
  for (const v of walk) {
    const p = at.get(v);
    if (p === undefined) {
      at.set(v, stack.length);
      stack.push(v);
      continue;
    }
    const loop = stack.splice(p + 1);
    for (const u of loop) at.delete(u);
    loops.push([v, ...loop]);
  }
  loops.push(stack);
  return loops;
}

function dropCollinear(ring: number[], vw: number): number[] {
  const dirOf = (a: number, b: number) => {
    const d = b - a;
    return d === 1 ? 0 : d === vw ? 1 : d === -1 ? 2 : 3;
  };
  const n = ring.length;
  return ring.filter((v, k) => dirOf(ring[(k + n - 1) % n] as number, v) !== dirOf(v, ring[(k + 1) % n] as number));
}

/** Twice the signed area in lattice units (exact integers). */
function latticeArea(ring: number[], vw: number): number {
  let a = 0;
  for (let k = 0; k < ring.length; k++) {
    const p = ring[k] as number;
    const q = ring[(k + 1) % ring.length] as number;
    a += (p % vw) * Math.floor(q / vw) - (q % vw) * Math.floor(p / vw);
  }
  return a;
}

function smallestContaining<T extends { ring: number[]; area: number }>(
  outers: T[],
  hole: number[],
  vw: number,
): T | undefined {
  // The cell right of the hole's first edge lies inside the hole; half-integer coordinates never hit a lattice vertex.
  const a = hole[0] as number;
  const b = hole[1] as number;
  const ex = Math.sign((b % vw) - (a % vw));
  const ey = Math.sign(Math.floor(b / vw) - Math.floor(a / vw));
  const px = (a % vw) + ex * 0.5 + ey * 0.5;
  const py = Math.floor(a / vw) + ey * 0.5 - ex * 0.5;
  let found: T | undefined;
  for (const o of outers) {
    if ((found === undefined || o.area < found.area) && insideLatticeRing(o.ring, vw, px, py)) found = o;
  }
  return found;
}

function insideLatticeRing(ring: number[], vw: number, px: number, py: number): boolean {
  let inside = false;
  for (let k = 0, l = ring.length - 1; k < ring.length; l = k++) {
    const xk = (ring[k] as number) % vw;
    const yk = Math.floor((ring[k] as number) / vw);
    const xl = (ring[l] as number) % vw;
    const yl = Math.floor((ring[l] as number) / vw);
    if (yk > py !== yl > py && px < ((xl - xk) * (py - yk)) / (yl - yk) + xk) inside = !inside;
  }
  return inside;
}

/** Binary min-heap of (key, cell, label) triples in flat arrays. */
class MinHeap {
  private keys: number[] = [];
  private cells: number[] = [];
  private labels: number[] = [];
  size = 0;

  push(key: number, cell: number, label: number): void {
    let k = this.size++;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if ((this.keys[p] as number) <= key) break;
      this.keys[k] = this.keys[p] as number;
      this.cells[k] = this.cells[p] as number;
      this.labels[k] = this.labels[p] as number;
      k = p;
    }
    this.keys[k] = key;
    this.cells[k] = cell;
    this.labels[k] = label;
  }

  pop(): [number, number] {
    const top: [number, number] = [this.cells[0] as number, this.labels[0] as number];
    const n = --this.size;
    const key = this.keys[n] as number;
    const cell = this.cells[n] as number;
    const label = this.labels[n] as number;
    let k = 0;
    for (;;) {
      let c = 2 * k + 1;
      if (c >= n) break;
      if (c + 1 < n && (this.keys[c + 1] as number) < (this.keys[c] as number)) c++;
      if ((this.keys[c] as number) >= key) break;
      this.keys[k] = this.keys[c] as number;
      this.cells[k] = this.cells[c] as number;
      this.labels[k] = this.labels[c] as number;
      k = c;
    }
    this.keys[k] = key;
    this.cells[k] = cell;
    this.labels[k] = label;
    return top;
  }
}

