/**
 * Locate benchmark: AreaIndex.locate() (point → management grid / social grid / community /
 * town-street) on one core, against a brute-force scan and PostGIS ST_Contains over the same
 * polygons.
 *
 * Layers: the Jiangbei demo district as `onegrid start --demo` seeds it (9,903 grids, 412 social
 * grids, 132 communities, 12 towns/streets), with points drawn inside the district outline; and
 * a synthetic layer of irregular polygons (holes filled by islands or by exclave parts of
 * MultiPolygons) with points drawn over its box.
 *
 * Options: --calls 2000000 (timed locate() calls per layer)  --synthetic 100000 (polygons)
 *   --brute-points 20000 (at 10k polygons, fewer in proportion above)  --postgis-points 20000
 *   --postgis-batch 1000  --postgis-single 2000  --no-postgis  --only demo|synthetic  --seed 42
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Box } from './lib/district.ts';
import { geometryAreaM2 } from '../packages/domain/src/geo/geometry.ts';
import { AreaIndex, type IndexedArea } from '../packages/domain/src/geo/grid-index.ts';
import { flattenGeometry, packedPolygonContains } from '../packages/domain/src/geo/point-in-polygon.ts';
import { loadJiangbeiDemoGeometry } from '../packages/server/src/modules/demo/district-geometry.ts';
import { dataFile } from '../packages/server/src/platform/paths.ts';
import { Args } from './lib/args.ts';
import { PostgisBench, type PostgisRun } from './lib/postgis-locate.ts';
import { rng } from './lib/random.ts';
import { type Latency, latencyOf, mb, Report, RssSampler, rate, round } from './lib/report.ts';
import { syntheticLayer } from './lib/synthetic-areas.ts';

const TARGET_POINTS_PER_S = 1_000_000;
/** Points per timed batch: the unit of the p50/p99 figures. */
const BATCH = 1000;
const WARMUP = 200_000;
/** The synthetic layer's box: central Chongqing, about 38 × 19 km. */
const SYNTHETIC_BOX: Box = { minLng: 106.45, maxLng: 106.85, minLat: 29.55, maxLat: 29.72 };

interface Options {
  calls: number;
  synthetic: number;
  brutePoints: number;
  postgisPoints: number;
  postgisBatch: number;
  postgisSingle: number;
  seed: number;
}

// The index's own footprint needs a collection before and after building it.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapAndBuffers(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function built(areas: IndexedArea[]): { index: AreaIndex; buildMs: number; indexMb: number } {
  const before = heapAndBuffers();
  const t0 = performance.now();
  const index = new AreaIndex(areas);
  const buildMs = performance.now() - t0;
  return { index, buildMs, indexMb: mb(heapAndBuffers() - before) };
}

/** Uniform points over a box, kept only when `keep` accepts them. */
function points(n: number, box: Box, seed: number, keep: (x: number, y: number) => boolean = () => true): Float64Array {
  const next = rng(seed);
  const out = new Float64Array(n * 2);
  for (let i = 0; i < n; ) {
    const x = box.minLng + next() * (box.maxLng - box.minLng);
    const y = box.minLat + next() * (box.maxLat - box.minLat);
    if (!keep(x, y)) continue;
    out[2 * i] = x;
    out[2 * i + 1] = y;
    i++;
  }
  return out;
}

interface Timed {
  pointsPerS: number;
  nsPerPoint: number;
  /** Per batch of BATCH points, µs. */
  batchUs: Latency;
  hitPct: number;
  peakRssMb: number;
}

/** Times locate() over `pts` (after a warm-up on `warm`), layer by layer for each point. */
function timeLocate(indexes: AreaIndex[], pts: Float64Array, warm: Float64Array): Timed {
  const calls = pts.length / 2;
  for (let i = 0; i < warm.length / 2; i++) {
    for (const index of indexes) index.locate(warm[2 * i] as number, warm[2 * i + 1] as number);
  }
  const rss = new RssSampler().start();
  let hits = 0;
  const batches = Math.floor(calls / BATCH);
  const us = new Float64Array(batches);
  const t0 = process.hrtime.bigint();
  for (let b = 0; b < batches; b++) {
    const bs = process.hrtime.bigint();
    const end = (b + 1) * BATCH;
    for (let i = b * BATCH; i < end; i++) {
      const x = pts[2 * i] as number;
      const y = pts[2 * i + 1] as number;
      for (let l = 0; l < indexes.length; l++) if ((indexes[l] as AreaIndex).locate(x, y) !== null) hits++;
    }
    us[b] = Number(process.hrtime.bigint() - bs) / 1e3;
  }
  const ns = Number(process.hrtime.bigint() - t0);
  const done = batches * BATCH;
  return {
    pointsPerS: done / (ns / 1e9),
    nsPerPoint: ns / done,
    batchUs: latencyOf(us),
    hitPct: (100 * hits) / (done * indexes.length),
    peakRssMb: mb(rss.stop()),
  };
}

/** Rank of each area in (area m², id) order: the overlap rule of AreaIndex. */
function ranks(areas: IndexedArea[]): Uint32Array {
  const m2 = areas.map((a) => geometryAreaM2(a.geometry));
  const order = areas.map((_, i) => i);
  order.sort((a, b) => {
    const d = (m2[a] as number) - (m2[b] as number);
    if (d !== 0) return d;
    const ia = (areas[a] as IndexedArea).id;
    const ib = (areas[b] as IndexedArea).id;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  const rank = new Uint32Array(areas.length);
  order.forEach((area, r) => {
    rank[area] = r;
  });
  return rank;
}

/** Every polygon packed flat, with its bbox: the scan differs from the index only in having no index. */
class BruteForce {
  private readonly box: Float64Array;
  private readonly partArea: Uint32Array;
  /** Part p has rings partRing[p] … partRing[p + 1] - 1. */
  private readonly partRing: Uint32Array;
  private readonly ringStart: Uint32Array;
  private readonly coords: Float64Array;

  constructor(
    areas: IndexedArea[],
    private readonly rank: Uint32Array,
  ) {
    const parts = areas.flatMap((a, i) => flattenGeometry(a.geometry).map((rings) => ({ area: i, rings })));
    this.box = new Float64Array(parts.length * 4);
    this.partArea = Uint32Array.from(parts, (p) => p.area);
    this.partRing = new Uint32Array(parts.length + 1);
    const rings = parts.flatMap((p) => p.rings);
    this.ringStart = new Uint32Array(rings.length + 1);
    let k = 0;
    let total = 0;
    parts.forEach((p, i) => {
      this.partRing[i] = k;
      k += p.rings.length;
      const outer = p.rings[0] as Float64Array;
      let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
      for (let j = 0; j < outer.length; j += 2) {
        x0 = Math.min(x0, outer[j] as number);
        x1 = Math.max(x1, outer[j] as number);
        y0 = Math.min(y0, outer[j + 1] as number);
        y1 = Math.max(y1, outer[j + 1] as number);
      }
      this.box.set([x0, y0, x1, y1], 4 * i);
    });
    this.partRing[parts.length] = k;
    rings.forEach((r, i) => {
      this.ringStart[i] = total;
      total += r.length;
    });
    this.ringStart[rings.length] = total;
    this.coords = new Float64Array(total);
    rings.forEach((r, i) => {
      this.coords.set(r, this.ringStart[i] as number);
    });
  }

  /** Area number containing (x, y), lowest rank on overlap, or -1. */
  locate(x: number, y: number): number {
    const box = this.box;
    let best = -1;
    for (let p = 0; p < this.partArea.length; p++) {
      if (x < (box[4 * p] as number) || y < (box[4 * p + 1] as number) || x > (box[4 * p + 2] as number) || y > (box[4 * p + 3] as number)) continue;
      const a = this.partArea[p] as number;
      if (best >= 0 && (this.rank[a] as number) >= (this.rank[best] as number)) continue;
      if (packedPolygonContains(this.coords, this.ringStart, this.partRing[p] as number, this.partRing[p + 1] as number, x, y)) best = a;
    }
    return best;
  }
}

function differing(index: AreaIndex, areas: IndexedArea[], pts: Float64Array, found: Int32Array): number {
  let n = 0;
  for (let i = 0; i < found.length; i++) {
    const f = found[i] as number;
    if (index.locate(pts[2 * i] as number, pts[2 * i + 1] as number) !== (f < 0 ? null : (areas[f] as IndexedArea).id)) n++;
  }
  return n;
}

const us = (l: Latency) => `p50 ${l.p50.toFixed(1)} µs, p99 ${l.p99.toFixed(1)} µs`;
const msl = (l: Latency) => `p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms`;
const x = (a: number, b: number) => `${a / b >= 100 ? rate(a / b) : round(a / b, 1)}×`;

/**
 * The baselines for one layer: a brute-force scan and (when a session is open) PostGIS, both
 * checked answer by answer against the index.
 */
async function baselines(
  report: Report,
  key: string,
  areas: IndexedArea[],
  index: AreaIndex,
  indexRate: number,
  box: Box,
  keep: (x: number, y: number) => boolean,
  o: Options,
  postgis: PostgisBench | null,
): Promise<Record<string, unknown>> {
  const rank = ranks(areas);
  const brute = new BruteForce(areas, rank);
  // The scan costs O(points × polygons): larger layers scan proportionally fewer points.
  const n = Math.max(100, Math.min(o.brutePoints, Math.round((o.brutePoints * 10_000) / areas.length)));
  const bpts = points(n, box, o.seed + 3, keep);
  const found = new Int32Array(n);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) found[i] = brute.locate(bpts[2 * i] as number, bpts[2 * i + 1] as number);
  const bruteRate = n / ((performance.now() - t0) / 1e3);
  const bruteDiff = differing(index, areas, bpts, found);
  report.kv(`${key}: brute-force scan (bbox + PIP)`, `${rate(bruteRate)} points/s over ${rate(n)} points; answers differing from the index: ${bruteDiff}`);
  report.kv(`${key}: index / brute force`, x(indexRate, bruteRate));
  const out: Record<string, unknown> = { brute: { points: n, pointsPerS: round(bruteRate), differing: bruteDiff }, indexOverBrute: round(indexRate / bruteRate, 1) };
  if (!postgis) return out;

  const load = await postgis.load(areas, rank);
  report.kv(`${key}: PostGIS load · GiST index`, `${rate(load.loadMs)} ms · ${rate(load.indexMs)} ms; invalid geometries ${load.invalid}`);
  report.kv(`${key}: PostGIS plan (one point)`, load.plan);
  const ppts = points(o.postgisPoints, box, o.seed + 4, keep);
  await postgis.batched(points(Math.min(o.postgisPoints, 5 * o.postgisBatch), box, o.seed + 5, keep), o.postgisBatch);
  const batched = await postgis.batched(ppts, o.postgisBatch);
  const single = await postgis.single(ppts.subarray(0, 2 * Math.min(o.postgisSingle, o.postgisPoints)));
  const line = (what: string, r: PostgisRun, per: string) => {
    const diff = differing(index, areas, ppts, r.found);
    report.kv(`${key}: PostGIS ST_Contains, ${what}`, `${rate(r.pointsPerS)} points/s over ${rate(r.points)} points; per ${per} ${msl(r.latencyMs)}; differing: ${diff}`);
    report.kv(`${key}: index / PostGIS (${what})`, x(indexRate, r.pointsPerS));
    return { points: r.points, pointsPerS: round(r.pointsPerS), latencyMs: r.latencyMs, differing: diff, indexOverPostgis: round(indexRate / r.pointsPerS, 1) };
  };
  out.postgis = {
    version: postgis.version,
    loadMs: round(load.loadMs),
    gistMs: round(load.indexMs),
    invalid: load.invalid,
    plan: load.plan,
    batched: { batch: o.postgisBatch, ...line(`batches of ${o.postgisBatch}`, batched, 'batch') },
    single: line('one point per query', single, 'query'),
  };
  return out;
}

function verdict(pointsPerS: number): string {
  return pointsPerS >= TARGET_POINTS_PER_S ? 'meets ≥ 1,000,000/s' : `MISSES ≥ 1,000,000/s (${round(pointsPerS / TARGET_POINTS_PER_S, 2)})`;
}

function timedLine(report: Report, label: string, t: Timed, extra = ''): void {
  report.kv(
    label,
    `${rate(t.pointsPerS)} points/s (${t.nsPerPoint.toFixed(0)} ns/point); batch of ${BATCH}: ${us(t.batchUs)}; hit ${t.hitPct.toFixed(1)} %; peak RSS ${t.peakRssMb} MB${extra}`,
  );
}

async function demoPass(report: Report, o: Options, postgis: PostgisBench | null): Promise<void> {
  const t0 = performance.now();
  const geo = loadJiangbeiDemoGeometry(dataFile('demo', 'jiangbei'));
  const genMs = performance.now() - t0;
  const layer = (list: typeof geo.grids): IndexedArea[] => list.map((a) => ({ id: a.code, geometry: a.geometry as IndexedArea['geometry'] }));
  const layers = { grid: layer(geo.grids), social_grid: layer(geo.socialGrids), community: layer(geo.communities), street: layer(geo.towns) };
  report.line(`demo district (Jiangbei, seeded geometry, generated in ${rate(genMs)} ms)`);
  const idx = Object.fromEntries(Object.entries(layers).map(([k, areas]) => [k, built(areas)])) as Record<keyof typeof layers, ReturnType<typeof built>>;
  const streets = idx.street.index;
  const ext = { minLng: Infinity, minLat: Infinity, maxLng: -Infinity, maxLat: -Infinity };
  for (const a of layers.street) {
    const polys = a.geometry.type === 'Polygon' ? [a.geometry.coordinates] : a.geometry.coordinates;
    for (const [lng, lat] of polys.flatMap((p) => p[0] ?? [])) {
      ext.minLng = Math.min(ext.minLng, lng);
      ext.maxLng = Math.max(ext.maxLng, lng);
      ext.minLat = Math.min(ext.minLat, lat);
      ext.maxLat = Math.max(ext.maxLat, lat);
    }
  }
  // Reports come from inside the district: points outside every town/street are redrawn.
  const inside = (lng: number, lat: number) => streets.locate(lng, lat) !== null;
  const pts = points(o.calls, ext, o.seed, inside);
  const warm = points(WARMUP, ext, o.seed + 1, inside);
  const result: Record<string, unknown> = { genMs: round(genMs) };
  for (const [name, b] of Object.entries(idx)) {
    const t = timeLocate([b.index], pts, warm);
    timedLine(report, `demo ${name} (${rate(b.index.size)} polygons)`, t, `; build ${rate(b.buildMs)} ms, index ${b.indexMb} MB`);
    result[name] = { polygons: b.index.size, buildMs: round(b.buildMs), indexMb: b.indexMb, ...t };
  }
  const all = timeLocate(Object.values(idx).map((b) => b.index), pts, warm);
  timedLine(report, 'demo all four layers per point', all);
  result.allFour = all;
  const grid = result.grid as Timed;
  report.kv('demo grid: verdict', verdict(grid.pointsPerS));
  Object.assign(grid, await baselines(report, 'demo grid', layers.grid, idx.grid.index, grid.pointsPerS, ext, inside, o, postgis));
  report.set('demo', result);
}

async function syntheticPass(report: Report, o: Options, postgis: PostgisBench | null): Promise<void> {
  const t0 = performance.now();
  const s = syntheticLayer(o.synthetic, SYNTHETIC_BOX, o.seed + 7);
  const genMs = performance.now() - t0;
  report.line(
    `synthetic layer: ${rate(s.areas.length)} areas (${s.cols}×${s.rows} irregular cells, ${rate(s.holes)} with a hole, ${rate(s.multiPolygons)} MultiPolygons), ${rate(s.vertices)} vertices (${round(s.vertices / s.areas.length, 1)}/area), generated in ${rate(genMs)} ms`,
  );
  const b = built(s.areas);
  const pts = points(o.calls, s.box, o.seed);
  const warm = points(WARMUP, s.box, o.seed + 1);
  const t = timeLocate([b.index], pts, warm);
  timedLine(report, `synthetic (${rate(b.index.size)} areas)`, t, `; build ${rate(b.buildMs)} ms, index ${b.indexMb} MB`);
  report.kv('synthetic: verdict', verdict(t.pointsPerS));
  const base = await baselines(report, 'synthetic', s.areas, b.index, t.pointsPerS, s.box, () => true, o, postgis);
  report.set('synthetic', {
    areas: s.areas.length,
    holes: s.holes,
    multiPolygons: s.multiPolygons,
    vertices: s.vertices,
    genMs: round(genMs),
    buildMs: round(b.buildMs),
    indexMb: b.indexMb,
    ...t,
    ...base,
  });
}

export async function run(argv: string[]): Promise<void> {
  const args = new Args(argv);
  const o: Options = {
    calls: args.int('calls', 2_000_000, BATCH),
    synthetic: args.int('synthetic', 100_000),
    brutePoints: args.int('brute-points', 20_000),
    postgisPoints: args.int('postgis-points', 20_000),
    postgisBatch: args.int('postgis-batch', 1000),
    postgisSingle: args.int('postgis-single', 2000),
    seed: args.int('seed', 42),
  };
  const noPostgis = args.flag('no-postgis');
  const only = args.choice('only', ['all', 'demo', 'synthetic'] as const, 'all');
  args.done();
  const report = new Report('geocode', { ...o, only, postgis: !noPostgis });
  let postgis: PostgisBench | null = null;
  if (noPostgis) {
    report.line('note: PostGIS baseline skipped (--no-postgis)');
  } else {
    const opened = await PostgisBench.open();
    if (typeof opened === 'string') report.line(`note: PostGIS baseline skipped: ${opened}`);
    else postgis = opened;
  }
  report.set('postgisVersion', postgis?.version ?? null);
  try {
    if (only !== 'synthetic') await demoPass(report, o, postgis);
    if (only !== 'demo') await syntheticPass(report, o, postgis);
  } finally {
    await postgis?.close();
  }
  report.finish();
}
