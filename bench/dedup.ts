/**
 * Dedup candidate-search benchmark: intakeRepository.openNearby (the query intake runs for every
 * located report) over 1,000,000 open cases in an in-memory SQLite store.
 *
 *   npm run bench -- dedup [--cases 1000000] [--searches 5000] [--radius 100] [--seed 7]
 *                          [--max-seconds 10] [--rebuild] [--file /tmp/onegrid-bench-dedup-1m.sqlite]
 *
 * Data: one district, --cases open cases spread uniformly over the Jiangbei box (lng 106.45–106.89,
 * lat 29.55–29.68, ~610 km², so ~1,600 cases/km² at a million), created over the last 72 h, with
 * `cell` from cellOf exactly as intake stores it. Rows are written straight through Kysely in
 * transactions of 5,000 (multi-row INSERTs), with values only for the NOT NULL columns plus what
 * the search reads. Building takes about a minute, so the store is also written to --file
 * (VACUUM INTO) and later runs deserialize that file into memory; --rebuild makes it again.
 *
 * Every phase times searches at the same uniformly random points, one at a time, after 200
 * warm-up calls, and prints its plan (EXPLAIN QUERY PLAN):
 * 1. openNearby as shipped: a fresh store has no planner statistics (the app never runs ANALYZE).
 *    Cut at --max-seconds when it is slow.
 * 2. openNearby after ANALYZE: the same code path, --searches calls: p50/p99, searches/s, peak RSS.
 * 3. Proposed: openNearby's query plus the radius's lng/lat box, with an index on
 *    (district_id, cell, lng, lat) so the box is tested in the index and only cases inside it
 *    are read from the table.
 * Baselines, the same search as a lng/lat bounding box without the cell, both cut at
 * --max-seconds: (a) on the schema as it is (no index on lng/lat, so the window is scanned) and
 * (b) with a B-tree on (district_id, lng, lat). Exactness of phases 2 and 3 on 200 points: every
 * open case within the radius, found from all open cases read once and sorted by longitude (no
 * index involved), must be among the candidates. Target (issue 3): p99 ≤ 1 ms.
 * Latency is wall-clock and so includes waiting for a busy CPU; CPU time per search is printed
 * beside it, and the report's calibration loop says how busy the machine was.
 */
import fs from 'node:fs';
import { OPEN_STATES } from '@onegrid/domain/case/lifecycle';
import { cellOf, haversineM, neighbourKeys } from '@onegrid/domain/intake/dedup';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, SqliteDialect } from 'kysely';
import { migrateToLatest } from '../packages/server/src/db/migrate.ts';
import type { CaseRow, DB } from '../packages/server/src/db/schema.ts';
import { openStore, type Store } from '../packages/server/src/db/store.ts';
import { intakeRepository, type NearbyCase } from '../packages/server/src/modules/intake/intake-repository.ts';
import { Args } from './lib/args.ts';
import { type Latency, latencyOf, mb, ms, rate, Report, round, RssSampler } from './lib/report.ts';
import { rng, uuidv7At, weighted } from './lib/random.ts';

const BOX = { minLng: 106.45, maxLng: 106.89, minLat: 29.55, maxLat: 29.68 } as const;
const WINDOW_MS = 72 * 3600_000;
const DISTRICT_ID = 'bench-dedup';
const ROWS_PER_TRANSACTION = 5_000;
/** 25 bound values a row; SQLite allows 32,766 a statement. */
const ROWS_PER_STATEMENT = 1_000;
const WARMUP = 200;
const LIMIT = 200;
const EXACTNESS_POINTS = 200;
const TARGET_P99_MS = 1;
const DATASET_VERSION = 1;
/** Metres per degree of latitude on haversineM's sphere. */
const M_PER_DEG = (Math.PI / 180) * 6_371_008.8;
const NEARBY = ['id', 'number', 'state', 'lng', 'lat', 'category_kind', 'category_code', 'description', 'created_at', 'closed_at'] as const;

const OPEN = [...OPEN_STATES];
// Open states by how long cases sit in them: most open cases are being handled.
const STATE = weighted<string>([
  ['REPORTED', 4],
  ['ACCEPTED', 3],
  ['REGISTERED', 3],
  ['DISPATCHED', 10],
  ['HANDLING', 55],
  ['HANDLED', 10],
  ['CHECKING', 10],
  ['CHECKED', 5],
]);
const TOPICS = [
  ['matter', '06013', '道路破损', '路面坑槽一处，约1㎡'],
  ['matter', '06010', '暴露垃圾', '暴露垃圾约2平方米'],
  ['matter', '09006', '占道经营', '流动摊贩占道经营，影响通行'],
  ['matter', '01002', '污水井盖异常', '污水井盖破损，已设置警示'],
  ['matter', '01037', '路灯异常', '路灯不亮3盏'],
  ['matter', '09009', '机动车乱停放', '机动车乱停放5辆，占用人行道'],
  ['matter', '06028', '噪声扰民', '市民来电反映：夜间噪音很大，影响休息。诉求：处理。'],
  ['matter', '06042', '垃圾站(箱)满溢', '垃圾桶满溢，周边散落垃圾'],
] as const;

interface Meta {
  version: number;
  cases: number;
  seed: number;
  now: number;
  generatedAt: string;
  generationSeconds: number;
}

/** One candidate search at a point, on the given Kysely (a capturing one for the plan). */
type Search = (q: Kysely<DB>, lng: number, lat: number) => Promise<NearbyCase[]>;

interface Phase {
  name: string;
  latency: Latency;
  perSecond: number;
  /** CPU time (user + system) per search: unlike wall-clock latency, unaffected by waiting for a shared CPU. */
  cpuMs: number;
  cut: boolean;
  meanCandidates: number;
  hitLimitShare: number;
  peakRssMb: number;
  plan: string[];
  exact?: { withinRadius: number; missing: number };
}

/** Records queries while armed, so the exact SQL of a search can be explained. */
class Capture implements KyselyPlugin {
  armed = false;
  queries: PluginTransformQueryArgs[] = [];
  transformQuery(args: PluginTransformQueryArgs) {
    if (this.armed) this.queries.push(args);
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs) {
    return args.result;
  }
}

export async function run(argv: string[]): Promise<void> {
  const a = new Args(argv);
  const cases = a.int('cases', 1_000_000);
  const searches = a.int('searches', 5_000);
  const radiusM = a.int('radius', 100);
  const seed = a.int('seed', 7);
  const maxSeconds = a.int('max-seconds', 10);
  const rebuild = a.flag('rebuild');
  const file = a.string('file', '/tmp/onegrid-bench-dedup-1m.sqlite');
  a.done();

  const report = new Report('dedup', { cases, searches, radiusM, limit: LIMIT, store: 'sqlite :memory:' });

  // Reuse the cached store when it matches; otherwise build it in memory and cache it.
  let meta = rebuild ? null : readCachedMeta(file, cases, seed);
  let store: Store;
  if (meta) {
    const t0 = performance.now();
    store = openFromFile(file);
    report.kv('data set reused', `${rate(meta.cases)} cases generated ${meta.generatedAt}, loaded into memory in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } else {
    store = openStore({ sqliteFile: ':memory:' });
    await migrateToLatest(store);
    meta = await generate(store.db, cases, seed, report);
    fs.rmSync(file, { force: true });
    await store.db.executeQuery(CompiledQuery.raw(`vacuum into '${file.replaceAll("'", "''")}'`));
    report.kv('data set generated', `${rate(meta.cases)} cases in ${meta.generationSeconds} s (cached in ${file}; --rebuild to regenerate)`);
  }
  try {
    const db = store.db;
    // "Now" is when the data was generated, so the 72 h window covers it as built.
    const since = meta.now - WINDOW_MS;
    const next = rng(seed * 7919 + 1);
    const point = (): [number, number] => [BOX.minLng + (BOX.maxLng - BOX.minLng) * next(), BOX.minLat + (BOX.maxLat - BOX.minLat) * next()];
    const points = Array.from({ length: searches }, point);
    const warm = Array.from({ length: WARMUP }, point);
    const measure = (name: string, search: Search, opts: { cap?: boolean } = {}) =>
      timePhase(db, name, search, points, warm, opts.cap ? maxSeconds : Number.POSITIVE_INFINITY);
    const show = (p: Phase) => {
      report.line('');
      report.kv(
        p.name,
        `p50 ${ms(p.latency.p50)}  p99 ${ms(p.latency.p99)}  max ${ms(p.latency.max)}  ${rate(p.perSecond)} searches/s  (${rate(p.latency.samples)} searches${p.cut ? `, cut at ${maxSeconds} s` : ''})  ${p.latency.p99 <= TARGET_P99_MS ? 'meets' : 'MISSES'} p99 ≤ ${TARGET_P99_MS} ms`,
      );
      report.kv('  CPU per search, candidates', `${ms(p.cpuMs)} CPU; mean ${p.meanCandidates} candidates, ${round(p.hitLimitShare * 100, 1)} % hit LIMIT ${LIMIT}; peak RSS ${p.peakRssMb} MB`);
      if (p.exact) report.kv(`  open cases within ${radiusM} m (${EXACTNESS_POINTS} points)`, `${p.exact.withinRadius}, ${p.exact.missing} of them not among the candidates`);
      for (const line of p.plan) report.line(`      | ${line}`);
    };

    const shipped: Search = (q, lng, lat) => intakeRepository.openNearby(q, DISTRICT_ID, neighbourKeys(lng, lat, radiusM), since, OPEN, LIMIT);
    const proposed: Search = (q, lng, lat) => cellAndBox(q, lng, lat, radiusM, since);
    const box: Search = (q, lng, lat) => bbox(q, lng, lat, radiusM, since);
    const shippedPhase = await measure('1. openNearby as shipped (no planner statistics)', shipped, { cap: true });
    show(shippedPhase);

    let t0 = performance.now();
    await db.executeQuery(CompiledQuery.raw('analyze'));
    report.line('');
    report.kv('ANALYZE', `${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const analyzed = await measure('2. openNearby after ANALYZE', shipped);

    const scan = await measure('baseline a: lng/lat box, schema as is (no lng/lat index)', box, { cap: true });

    t0 = performance.now();
    await db.executeQuery(CompiledQuery.raw('create index bench_cases_lng_lat on cases (district_id, lng, lat)'));
    await db.executeQuery(CompiledQuery.raw('analyze bench_cases_lng_lat'));
    const lngLatSeconds = (performance.now() - t0) / 1000;
    const lngLat = await measure('baseline b: lng/lat box, index (district_id, lng, lat)', box, { cap: true });
    await db.executeQuery(CompiledQuery.raw('drop index bench_cases_lng_lat'));

    t0 = performance.now();
    await db.executeQuery(CompiledQuery.raw('create index bench_cases_cell_box on cases (district_id, cell, lng, lat)'));
    await db.executeQuery(CompiledQuery.raw('analyze bench_cases_cell_box'));
    const cellBoxSeconds = (performance.now() - t0) / 1000;
    const fix = await measure('3. proposed: cells + lng/lat box, index (district_id, cell, lng, lat)', proposed);

    // Last, as it holds every open case in memory: the exact answer, from no index at all.
    const truth = await openCasesByLng(db, since);
    analyzed.exact = await exactness(db, shipped, truth, points.slice(0, EXACTNESS_POINTS), radiusM);
    fix.exact = await exactness(db, proposed, truth, points.slice(0, EXACTNESS_POINTS), radiusM);
    await db.executeQuery(CompiledQuery.raw('drop index bench_cases_cell_box'));

    const phases = [shippedPhase, analyzed, fix, scan, lngLat];
    for (const p of phases.slice(1)) show(p);
    report.line('');
    report.kv(`index builds (${rate(cases)} rows)`, `(district_id, cell, lng, lat) ${cellBoxSeconds.toFixed(1)} s; (district_id, lng, lat) ${lngLatSeconds.toFixed(1)} s`);
    const x = (base: Latency, l: Latency, k: 'p50' | 'p99') => `${round(base[k] / l[k], base[k] / l[k] < 10 ? 2 : 0)}×`;
    report.kv('baseline a (scan) ÷ search, p50', `shipped ${x(scan.latency, shippedPhase.latency, 'p50')}, after ANALYZE ${x(scan.latency, analyzed.latency, 'p50')}, proposed ${x(scan.latency, fix.latency, 'p50')}`);
    report.kv('baseline b (lng/lat index) ÷ search, p50 / p99', `after ANALYZE ${x(lngLat.latency, analyzed.latency, 'p50')} / ${x(lngLat.latency, analyzed.latency, 'p99')}, proposed ${x(lngLat.latency, fix.latency, 'p50')} / ${x(lngLat.latency, fix.latency, 'p99')}`);
    report.set('dataset', meta);
    report.set(
      'phases',
      phases.map((p) => ({
        name: p.name,
        p50Ms: round(p.latency.p50, 4),
        p90Ms: round(p.latency.p90, 4),
        p99Ms: round(p.latency.p99, 4),
        maxMs: round(p.latency.max, 3),
        samples: p.latency.samples,
        searchesPerS: round(p.perSecond, 0),
        cpuMsPerSearch: round(p.cpuMs, 4),
        cut: p.cut,
        meanCandidates: p.meanCandidates,
        hitLimitShare: round(p.hitLimitShare, 4),
        peakRssMb: p.peakRssMb,
        meetsP99: p.latency.p99 <= TARGET_P99_MS,
        exact: p.exact ?? null,
        plan: p.plan,
      })),
    );
    report.set('indexBuildSeconds', { cellLngLat: round(cellBoxSeconds, 1), lngLat: round(lngLatSeconds, 1) });
    report.finish();
  } finally {
    await store.close();
  }
}

async function timePhase(db: Kysely<DB>, name: string, search: Search, points: Array<[number, number]>, warm: Array<[number, number]>, maxSeconds: number): Promise<Phase> {
  const plan = await planOf(db, search, points[0] as [number, number]);
  // A phase cut by time gets a fifth of that time to warm up; a slow one needs little warming.
  const deadline = performance.now() + (maxSeconds * 1000) / 5;
  for (const [lng, lat] of warm) {
    await search(db, lng, lat);
    if (performance.now() > deadline) break;
  }
  const rss = new RssSampler().start(10);
  const times: number[] = [];
  let rows = 0;
  let full = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = performance.now() + maxSeconds * 1000;
  for (const [lng, lat] of points) {
    const s = performance.now();
    const found = await search(db, lng, lat);
    times.push(performance.now() - s);
    rows += found.length;
    if (found.length === LIMIT) full++;
    if (performance.now() > end) break;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const peakRssMb = mb(rss.stop());
  return {
    name,
    latency: latencyOf(times),
    perSecond: times.length / wall,
    cpuMs: (cpu.user + cpu.system) / 1000 / times.length,
    cut: times.length < points.length,
    meanCandidates: round(rows / times.length, 1),
    hitLimitShare: full / times.length,
    peakRssMb,
    plan,
  };
}

interface Located {
  id: string;
  lng: number;
  lat: number;
}

/** Every open case in the window, sorted by longitude: an exact answer that trusts no index. */
async function openCasesByLng(db: Kysely<DB>, since: number): Promise<Located[]> {
  const rows = await db.selectFrom('cases').select(['id', 'lng', 'lat']).where('district_id', '=', DISTRICT_ID).where('created_at', '>=', since).where('state', 'in', OPEN).execute();
  return rows.map((r) => ({ id: r.id, lng: r.lng as number, lat: r.lat as number })).sort((x, y) => x.lng - y.lng);
}

async function exactness(db: Kysely<DB>, search: Search, truth: Located[], points: Array<[number, number]>, radiusM: number) {
  let withinRadius = 0;
  let missing = 0;
  for (const [lng, lat] of points) {
    const found = new Set((await search(db, lng, lat)).map((r) => r.id));
    const b = boxOf(lng, lat, radiusM);
    let lo = 0;
    let hi = truth.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((truth[mid] as Located).lng < b.minLng) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < truth.length && (truth[i] as Located).lng <= b.maxLng; i++) {
      const c = truth[i] as Located;
      if (haversineM(lng, lat, c.lng, c.lat) > radiusM) continue;
      withinRadius++;
      if (!found.has(c.id)) missing++;
    }
  }
  return { withinRadius, missing };
}

/** The plan of the first query a search runs, captured through a Kysely plugin. */
async function planOf(db: Kysely<DB>, search: Search, [lng, lat]: [number, number]): Promise<string[]> {
  const capture = new Capture();
  capture.armed = true;
  await search(db.withPlugin(capture), lng, lat);
  capture.armed = false;
  const q = capture.queries[0];
  if (!q) throw new Error('the search ran no query');
  return explain(db, db.getExecutor().compileQuery(q.node, q.queryId));
}

function boxOf(lng: number, lat: number, radiusM: number) {
  const dLat = radiusM / M_PER_DEG;
  const dLng = radiusM / (M_PER_DEG * Math.cos((lat * Math.PI) / 180));
  return { minLng: lng - dLng, maxLng: lng + dLng, minLat: lat - dLat, maxLat: lat + dLat };
}

/** The search a store without the cell column would run: the radius's bounding box on lng/lat. */
function bbox(q: Kysely<DB>, lng: number, lat: number, radiusM: number, since: number): Promise<NearbyCase[]> {
  const b = boxOf(lng, lat, radiusM);
  return q
    .selectFrom('cases')
    .select(NEARBY)
    .where('district_id', '=', DISTRICT_ID)
    .where('lng', '>=', b.minLng)
    .where('lng', '<=', b.maxLng)
    .where('lat', '>=', b.minLat)
    .where('lat', '<=', b.maxLat)
    .where('created_at', '>=', since)
    .where('state', 'in', OPEN)
    .orderBy('created_at', 'desc')
    .limit(LIMIT)
    .execute();
}

/**
 * openNearby's query with the radius's box added: with lng and lat in the cell index, cases in
 * the nine cells but outside the box (over nine tenths of them at 100 m) are skipped without a table read,
 * and the LIMIT no longer cuts cases inside the radius in favour of newer ones outside it.
 */
function cellAndBox(q: Kysely<DB>, lng: number, lat: number, radiusM: number, since: number): Promise<NearbyCase[]> {
  const b = boxOf(lng, lat, radiusM);
  return q
    .selectFrom('cases')
    .select(NEARBY)
    .where('district_id', '=', DISTRICT_ID)
    .where('cell', 'in', neighbourKeys(lng, lat, radiusM))
    .where('lng', '>=', b.minLng)
    .where('lng', '<=', b.maxLng)
    .where('lat', '>=', b.minLat)
    .where('lat', '<=', b.maxLat)
    .where('created_at', '>=', since)
    .where('state', 'in', OPEN)
    .orderBy('created_at', 'desc')
    .limit(LIMIT)
    .execute();
}

async function explain(db: Kysely<DB>, q: CompiledQuery): Promise<string[]> {
  const r = await db.executeQuery(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]) as CompiledQuery<{ id: number; parent: number; detail: string }>);
  const depth = new Map<number, number>([[0, 0]]);
  return r.rows.map((row) => {
    const d = (depth.get(row.parent) ?? 0) + 1;
    depth.set(row.id, d);
    return `${'  '.repeat(d - 1)}${row.detail}`;
  });
}

async function generate(db: Kysely<DB>, cases: number, seed: number, report: Report): Promise<Meta> {
  const started = performance.now();
  const now = Date.now();
  const next = rng(seed);
  await db.insertInto('districts').values({ id: DISTRICT_ID, code: 'bench-dedup', name: '江北区 (dedup bench)', case_prefix: 'JB', settings: '{}', demo: 0, created_at: now }).execute();
  // Creation times first, sorted, so ids (UUIDv7) and numbers follow time as real ones do.
  const times = new Float64Array(cases);
  for (let i = 0; i < cases; i++) times[i] = now - 60_000 - Math.floor(next() * (WINDOW_MS - 120_000));
  times.sort();
  const row = (i: number) => {
    const created = times[i] as number;
    const lng = BOX.minLng + (BOX.maxLng - BOX.minLng) * next();
    const lat = BOX.minLat + (BOX.maxLat - BOX.minLat) * next();
    const [kind, code, name, what] = TOPICS[Math.floor(next() * TOPICS.length)] as (typeof TOPICS)[number];
    const state = STATE(next());
    const step = OPEN.indexOf(state as (typeof OPEN)[number]) + 1;
    return {
      id: uuidv7At(created, next),
      district_id: DISTRICT_ID,
      number: `JB${String(i + 1).padStart(9, '0')}`,
      channel: next() < 0.5 ? 'patrol' : 'hotline',
      description: `${name}：${what}（编号 ${i + 1}）`,
      lng,
      lat,
      category_kind: kind,
      category_code: code,
      urgency: 'normal',
      state,
      version: step,
      event_count: step,
      suspended: 0,
      supervised: 0,
      escalated: 0,
      rework_count: 0,
      return_count: 0,
      postpone_count: 0,
      outside_jurisdiction: 0,
      stage_seq: Math.min(step, 5),
      photos: '[]',
      created_at: created,
      updated_at: created,
      cell: cellOf(lng, lat).key,
    } satisfies Partial<CaseRow>;
  };
  let lastReport = performance.now();
  for (let i = 0; i < cases; i += ROWS_PER_TRANSACTION) {
    const end = Math.min(cases, i + ROWS_PER_TRANSACTION);
    await db.transaction().execute(async (trx) => {
      for (let k = i; k < end; k += ROWS_PER_STATEMENT) {
        const rows = [];
        for (let j = k; j < Math.min(end, k + ROWS_PER_STATEMENT); j++) rows.push(row(j));
        await trx.insertInto('cases').values(rows).execute();
      }
    });
    if (performance.now() - lastReport > 10_000 || end === cases) {
      lastReport = performance.now();
      report.line(`  generating: ${rate(end)} / ${rate(cases)} cases after ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  const meta: Meta = { version: DATASET_VERSION, cases, seed, now, generatedAt: new Date().toISOString(), generationSeconds: Math.round((performance.now() - started) / 1000) };
  await db.executeQuery(CompiledQuery.raw(`create table bench_meta (body text not null)`));
  await db.executeQuery(CompiledQuery.raw('insert into bench_meta (body) values (?)', [JSON.stringify(meta)]));
  return meta;
}

function readCachedMeta(file: string, cases: number, seed: number): Meta | null {
  if (!fs.existsSync(file)) return null;
  const probe = new SQLite(file, { readonly: true });
  try {
    const row = probe.prepare(`select body from bench_meta`).get() as { body: string } | undefined;
    const meta = row ? (JSON.parse(row.body) as Meta) : null;
    return meta && meta.version === DATASET_VERSION && meta.cases === cases && meta.seed === seed ? meta : null;
  } catch {
    return null;
  } finally {
    probe.close();
  }
}

/**
 * The cached file, deserialized into an in-memory database with openStore's settings, so a
 * reused data set is measured exactly as a freshly built one (memory, not the page cache).
 */
function openFromFile(file: string): Store {
  const sqlite = new SQLite(fs.readFileSync(file));
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', label: `sqlite:memory (from ${file})`, close: () => db.destroy() };
}
