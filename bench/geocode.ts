/**
 * Geocoding benchmark: AreaIndex.locate() over lattice grids covering a box around central
 * Chongqing (lng 106.45–106.85, lat 29.55–29.72), against a brute-force scan of the same polygons.
 *
 * Options: --sizes=10000,100000  --calls=2000000  --brute-points=20000  --seed=42
 * The brute-force scan costs O(points × polygons), so layers above 10,000 polygons scan
 * proportionally fewer points (2,000 at 100k): the points/s ratio is unaffected.
 */
import type { Polygon } from '../packages/domain/src/geo/geometry.ts';
import { geometryAreaM2 } from '../packages/domain/src/geo/geometry.ts';
import type { IndexedArea } from '../packages/domain/src/geo/grid-index.ts';
import { AreaIndex } from '../packages/domain/src/geo/grid-index.ts';
import { flattenGeometry, packedPolygonContains } from '../packages/domain/src/geo/point-in-polygon.ts';

const BOX = { minLng: 106.45, maxLng: 106.85, minLat: 29.55, maxLat: 29.72 } as const;
const BATCH = 1000;

function option(args: string[], name: string, fallback: string): string {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : hit.slice(name.length + 3);
}

function positiveInt(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${text}".`);
  return n;
}

/** mulberry32: tiny seeded PRNG so runs are comparable. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface LatticeArea extends IndexedArea {
  geometry: Polygon;
}

/** About `target` cells that are roughly square on the ground (a degree of lng is shorter here). */
function lattice(target: number): { areas: LatticeArea[]; cols: number; rows: number } {
  const midLat = ((BOX.minLat + BOX.maxLat) / 2) * (Math.PI / 180);
  const aspect = ((BOX.maxLng - BOX.minLng) * Math.cos(midLat)) / (BOX.maxLat - BOX.minLat);
  const cols = Math.max(1, Math.round(Math.sqrt(target * aspect)));
  const rows = Math.max(1, Math.round(target / cols));
  const dx = (BOX.maxLng - BOX.minLng) / cols;
  const dy = (BOX.maxLat - BOX.minLat) / rows;
  const areas: LatticeArea[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // Computed from the indices (not accumulated) so neighbours share bit-identical edges.
      const x0 = BOX.minLng + c * dx;
      const x1 = BOX.minLng + (c + 1) * dx;
      const y0 = BOX.minLat + r * dy;
      const y1 = BOX.minLat + (r + 1) * dy;
      const geometry: Polygon = {
        type: 'Polygon',
        coordinates: [
          [
            [x0, y0],
            [x1, y0],
            [x1, y1],
            [x0, y1],
            [x0, y0],
          ],
        ],
      };
      areas.push({ id: `G${String(r).padStart(4, '0')}${String(c).padStart(4, '0')}`, geometry });
    }
  }
  return { areas, cols, rows };
}

/** Points over the box plus a 5 % margin, so some calls miss every area. */
function points(n: number, next: () => number): Float64Array {
  const w = BOX.maxLng - BOX.minLng;
  const h = BOX.maxLat - BOX.minLat;
  const out = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[2 * i] = BOX.minLng - 0.05 * w + next() * 1.1 * w;
    out[2 * i + 1] = BOX.minLat - 0.05 * h + next() * 1.1 * h;
  }
  return out;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function rssMb(): number {
  // maxRSS is in kilobytes.
  return process.resourceUsage().maxRSS / 1024;
}

interface Packed {
  coords: Float64Array;
  ringStart: Uint32Array;
  /** Area a has rings areaRing[a] … areaRing[a + 1] - 1. */
  areaRing: Uint32Array;
  areaM2: Float64Array;
}

/** Lattice areas are single Polygons, so an area is one run of rings. */
function packAll(areas: LatticeArea[]): Packed {
  const rings = areas.flatMap((a) => flattenGeometry(a.geometry).flat());
  const ringStart = new Uint32Array(rings.length + 1);
  let total = 0;
  rings.forEach((r, k) => {
    ringStart[k] = total;
    total += r.length;
  });
  ringStart[rings.length] = total;
  const coords = new Float64Array(total);
  rings.forEach((r, k) => {
    coords.set(r, ringStart[k] as number);
  });
  const areaRing = new Uint32Array(areas.length + 1);
  let k = 0;
  areas.forEach((a, i) => {
    areaRing[i] = k;
    k += a.geometry.coordinates.length;
  });
  areaRing[areas.length] = k;
  return { coords, ringStart, areaRing, areaM2: Float64Array.from(areas, (a) => geometryAreaM2(a.geometry)) };
}

function bruteForce(f: Packed, areas: IndexedArea[], x: number, y: number): number {
  let hit = -1;
  for (let a = 0; a < areas.length; a++) {
    if (!packedPolygonContains(f.coords, f.ringStart, f.areaRing[a] as number, f.areaRing[a + 1] as number, x, y))
      continue;
    const m = f.areaM2[a] as number;
    const h = hit < 0 ? Infinity : (f.areaM2[hit] as number);
    if (m < h || (m === h && (areas[a] as IndexedArea).id < (areas[hit] as IndexedArea).id)) hit = a;
  }
  return hit;
}

function pass(target: number, calls: number, bruteBudget: number, seed: number): void {
  const t0 = process.hrtime.bigint();
  const { areas, cols, rows } = lattice(target);
  const t1 = process.hrtime.bigint();
  const index = new AreaIndex(areas);
  const t2 = process.hrtime.bigint();
  console.log(
    `geocode: ${fmt(index.size)} polygons (${cols}×${rows} lattice); generate ${(Number(t1 - t0) / 1e6).toFixed(0)} ms, build index ${(Number(t2 - t1) / 1e6).toFixed(0)} ms`,
  );

  // Warm-up on other points, so the timed loop runs optimised code without pre-touched data.
  const warm = points(200_000, rng(seed + 2));
  let hits = 0;
  for (let i = 0; i < 200_000; i++) {
    if (index.locate(warm[2 * i] as number, warm[2 * i + 1] as number) !== null) hits++;
  }
  const pts = points(calls, rng(seed));
  hits = 0;
  const batches = Math.floor(calls / BATCH);
  const batchUs = new Float64Array(batches);
  const start = process.hrtime.bigint();
  for (let b = 0; b < batches; b++) {
    const bs = process.hrtime.bigint();
    const end = (b + 1) * BATCH;
    for (let i = b * BATCH; i < end; i++) {
      if (index.locate(pts[2 * i] as number, pts[2 * i + 1] as number) !== null) hits++;
    }
    batchUs[b] = Number(process.hrtime.bigint() - bs) / 1e3;
  }
  const totalNs = Number(process.hrtime.bigint() - start);
  const done = batches * BATCH;
  const rate = done / (totalNs / 1e9);
  batchUs.sort();
  console.log(
    `geocode:   index locate: ${fmt(done)} points in ${(totalNs / 1e6).toFixed(0)} ms = ${fmt(rate)} points/s (${(totalNs / done).toFixed(0)} ns/point), ${((100 * hits) / done).toFixed(1)} % hit`,
  );
  console.log(
    `geocode:   batch of ${BATCH}: p50 ${percentile(batchUs, 0.5).toFixed(1)} µs, p99 ${percentile(batchUs, 0.99).toFixed(1)} µs; peak RSS ${rssMb().toFixed(0)} MB`,
  );

  // Baseline: test every polygon, packed flat like the index's (so only the index differs), with
  // the same smallest-area-then-id rule for overlaps.
  const flat = packAll(areas);
  const brutePoints = Math.max(100, Math.min(bruteBudget, Math.round((bruteBudget * 10_000) / target)));
  const bpts = points(brutePoints, rng(seed + 1));
  const found = new Int32Array(brutePoints);
  const bStart = process.hrtime.bigint();
  for (let i = 0; i < brutePoints; i++)
    found[i] = bruteForce(flat, areas, bpts[2 * i] as number, bpts[2 * i + 1] as number);
  const bNs = Number(process.hrtime.bigint() - bStart);
  let mismatches = 0;
  for (let i = 0; i < brutePoints; i++) {
    const f = found[i] as number;
    const want = f < 0 ? null : (areas[f] as IndexedArea).id;
    if (index.locate(bpts[2 * i] as number, bpts[2 * i + 1] as number) !== want) mismatches++;
  }
  const bRate = brutePoints / (bNs / 1e9);
  console.log(
    `geocode:   brute-force scan: ${fmt(brutePoints)} points in ${(bNs / 1e6).toFixed(0)} ms = ${fmt(bRate)} points/s`,
  );
  console.log(
    `geocode:   index / brute force = ${fmt(rate / bRate)}×; answers differing from brute force: ${mismatches}`,
  );
}

export async function run(args: string[]): Promise<void> {
  const sizes = option(args, 'sizes', '10000,100000')
    .split(',')
    .map((s) => positiveInt(s, 'sizes'));
  const calls = positiveInt(option(args, 'calls', '2000000'), 'calls');
  if (calls < BATCH) throw new Error(`--calls must be at least ${BATCH} (one timed batch).`);
  const brutePoints = positiveInt(option(args, 'brute-points', '20000'), 'brute-points');
  const seed = positiveInt(option(args, 'seed', '42'), 'seed');
  console.log(
    `geocode: node ${process.version}, ${fmt(calls)} locate() calls per pass, ${fmt(brutePoints)} brute-force points at 10k polygons, seed ${seed}`,
  );
  for (const size of sizes) pass(size, calls, brutePoints, seed);
}
