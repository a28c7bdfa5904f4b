/**
 * Cockpit KPI benchmark (issue 5): the cockpit's first screen over 10,000,000 cases, read from
 * the incremental rollups, against the same figures computed from the raw `cases` table.
 *
 *   npm run bench -- kpi [--store sqlite|postgres] [--cases 10000000] [--rebuild]
 *                        [--file /tmp/onegrid-bench-kpi.sqlite] [--runs 200] [--raw-runs 5]
 *
 * The data set (lib/kpi-dataset-worker.ts) is generated once, server-side, with the rollups
 * rebuilt by CockpitService.rebuild, and reused: a SQLite file, or the PostgreSQL database
 * onegrid_bench_kpi; --rebuild makes it again (migrations that land later are applied to it, and
 * said, rather than regenerating). The cockpit's clock stands still at the data
 * set's "now", so every run sees the same "today" and the same lights.
 *
 * Two scopes: a district-wide user (intake) and street users (h-<street>, rotating over the
 * 12 streets). For each: CockpitService.overview() --runs times, each of its seven rollup
 * queries --runs times alone (cockpitRepository with overview's arguments), and the same seven
 * figures from `cases` --raw-runs times (the first raw run is compared with the rollups).
 * Target: p99 ≤ 50 ms for every rollup query and the whole overview.
 */
import fs from 'node:fs';
import { OPEN_STATES } from '@onegrid/domain/case/lifecycle';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { DB } from '../packages/server/src/db/schema.ts';
import { CockpitService, localDay } from '../packages/server/src/modules/cockpit/cockpit-service.ts';
import { cockpitRepository as repo } from '../packages/server/src/modules/cockpit/cockpit-repository.ts';
import type { Directory } from '../packages/server/src/modules/org/directory.ts';
import { ManualClock } from '../packages/server/src/platform/clock.ts';
import type { Principal } from '../packages/server/src/platform/principal.ts';
import { Args } from './lib/args.ts';
import { BENCH_PASSWORD, openBenchDistrict } from './lib/district.ts';
import { generateKpiDataset, KPI_DATASET_VERSION, KPI_PG_DATABASE, KPI_SQLITE_FILE, type KpiDatasetMeta, readKpiMeta, removeKpiDataset } from './lib/kpi-dataset.ts';
import { type Latency, latencyOf, mb, ms, rate, ratio, Report, round, RssSampler } from './lib/report.ts';
import { openBenchStore, pgDatabaseExists, STORE_KINDS, type StoreKind } from './lib/stores.ts';

const TARGET_P99_MS = 50;
const DAY = 86_400_000;
const OFFSET = 8 * 3_600_000;
const QUERIES = ['open by state × light', 'today by channel', 'trend reported 30 d', 'trend closed 30 d', 'top categories 30 d', 'community hotspots 30 d', 'grid hotspots today'] as const;
type Query = (typeof QUERIES)[number];
/** A query's rows reduced to comparable "key=n" text. */
type Rows = string[];

/** What overview() passes to the repository for one principal. */
interface Scope {
  label: string;
  street: string | null;
  communities?: string[];
  grids?: string[];
}

function scopeOf(p: Principal, dir: Directory): Scope {
  const street = p.districtWide ? null : (dir.ancestorOfKind(p.unitId, ['street', 'town'])?.id ?? null);
  if (!street) return { label: 'district', street: null };
  const sub = dir.subtreeIds(street);
  const kind = (id: string) => dir.unit(id)?.kind;
  return {
    label: dir.unit(street)?.name ?? street,
    street,
    communities: sub.filter((id) => kind(id) === 'community' || kind(id) === 'village'),
    grids: sub.filter((id) => kind(id) === 'grid'),
  };
}

const norm = (rows: Array<Record<string, unknown>>, ...keys: string[]): Rows => rows.map((r) => `${keys.map((k) => String(r[k])).join('|')}=${Number(r.n)}`).sort();
/** Top-N lists: the counts in order (ties may order keys differently). */
const counts = (rows: Array<{ n: unknown }>): Rows => rows.map((r) => String(Number(r.n)));

/** The seven rollup queries exactly as overview() issues them. */
function rollupQueries(db: Kysely<DB>, districtId: string, now: number, s: Scope): Record<Query, () => Promise<Rows>> {
  const today = localDay(now);
  const from = today - 29;
  const prefix = s.street ? `${s.street}|` : undefined;
  const key = s.street ?? '';
  const dim = s.street ? 'street' : 'all';
  return {
    'open by state × light': async () => norm(await repo.open(db, districtId, s.street), 'state', 'light'),
    'today by channel': async () =>
      norm(
        (await repo.top(db, districtId, 'reported', s.street ? 'street_channel' : 'channel', today, today, 20, prefix ? { prefix } : {})).map((r) => ({ ...r, key: prefix ? r.key.slice(prefix.length) : r.key })),
        'key',
      ),
    'trend reported 30 d': async () => norm(await repo.series(db, districtId, 'reported', dim, key, from, today), 'day'),
    'trend closed 30 d': async () => norm(await repo.series(db, districtId, 'closed', dim, key, from, today), 'day'),
    'top categories 30 d': async () => counts(await repo.top(db, districtId, 'reported', s.street ? 'street_category' : 'category', from, today, 10, prefix ? { prefix } : {})),
    'community hotspots 30 d': async () => counts(await repo.top(db, districtId, 'reported', 'community', from, today, 10, s.communities ? { keys: s.communities } : {})),
    'grid hotspots today': async () => counts(await repo.top(db, districtId, 'reported', 'grid', today, today, 10, s.grids ? { keys: s.grids } : {})),
  };
}

/** The same figures straight from `cases` (the baseline). */
function rawQueries(db: Kysely<DB>, districtId: string, now: number, s: Scope): Record<Query, () => Promise<Rows>> {
  const today = localDay(now);
  const todayStart = today * DAY - OFFSET;
  const fromStart = (today - 29) * DAY - OFFSET;
  const end = todayStart + DAY;
  const street = s.street ? sql`and street_id = ${s.street}` : sql``;
  const day = (col: string) => sql.raw(`cast((${col} + 28800000) / 86400000 as integer)`);
  type R = Record<string, unknown> & { n: unknown };
  const run = async (q: ReturnType<typeof sql<R>>) => (await q.execute(db)).rows;
  const open = [...OPEN_STATES];
  return {
    'open by state × light': async () =>
      norm(
        await run(sql<R>`select state, case when stage is null or stage = '' then 'none' when deadline_at <= ${now} then 'red' when warn_at <= ${now} then 'yellow' else 'green' end as light, count(*) as n
          from cases where district_id = ${districtId} and state in (${sql.join(open)}) ${street} group by 1, 2`),
        'state',
        'light',
      ),
    'today by channel': async () =>
      norm(await run(sql<R>`select channel as key, count(*) as n from cases where district_id = ${districtId} and created_at >= ${todayStart} and created_at < ${end} ${street} group by channel`), 'key'),
    'trend reported 30 d': async () =>
      norm(await run(sql<R>`select ${day('created_at')} as day, count(*) as n from cases where district_id = ${districtId} and created_at >= ${fromStart} and created_at < ${end} ${street} group by 1`), 'day'),
    'trend closed 30 d': async () =>
      norm(await run(sql<R>`select ${day('closed_at')} as day, count(*) as n from cases where district_id = ${districtId} and closed_at >= ${fromStart} and closed_at < ${end} ${street} group by 1`), 'day'),
    'top categories 30 d': async () =>
      counts(
        await run(sql<R>`select category_kind, category_code, count(*) as n from cases where district_id = ${districtId} and created_at >= ${fromStart} and created_at < ${end} ${street}
          group by category_kind, category_code order by n desc limit 10`),
      ),
    'community hotspots 30 d': async () =>
      counts(
        await run(sql<R>`select community_id, count(*) as n from cases where district_id = ${districtId} and created_at >= ${fromStart} and created_at < ${end} ${street}
          group by community_id order by n desc limit 10`),
      ),
    'grid hotspots today': async () =>
      counts(await run(sql<R>`select grid_id, count(*) as n from cases where district_id = ${districtId} and created_at >= ${todayStart} and created_at < ${end} ${street} group by grid_id order by n desc limit 10`)),
  };
}

async function time(n: number, f: (i: number) => Promise<unknown>): Promise<Latency> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f(i);
    times.push(performance.now() - t0);
  }
  return latencyOf(times);
}

interface Measured {
  scope: string;
  query: string;
  rollup: Latency;
  raw: Latency | null;
  agrees: boolean | null;
}

export async function run(argv: string[]): Promise<void> {
  const a = new Args(argv);
  const kind = a.choice('store', STORE_KINDS, 'sqlite');
  const cases = a.int('cases', 10_000_000);
  const rebuild = a.flag('rebuild');
  const file = a.string('file', KPI_SQLITE_FILE);
  const runs = a.int('runs', 200);
  const rawRuns = a.int('raw-runs', 5);
  a.done();

  const spec = { kind, sqliteFile: file, pgDatabase: KPI_PG_DATABASE, cases, seed: 5 };
  const persistent = { sqliteFile: file, pgDatabase: KPI_PG_DATABASE };
  const report = new Report('kpi', { store: kind, cases, runs, rawRuns });
  const meta = await dataset(kind, spec, persistent, rebuild, report);
  report.kv('load (cases, server-side INSERT … SELECT)', `${rate(meta.cases)} cases in ${meta.loadSeconds} s (${rate(meta.cases / Math.max(1, meta.loadSeconds))}/s), ${rate(meta.openCases)} open`);
  report.kv('case_events (register, sla_overdue)', `${rate(meta.events)} rows in ${meta.eventsSeconds} s`);
  report.kv('CockpitService.rebuild', `${meta.rebuildSeconds} s (${rate(meta.rollupDailyRows)} cockpit_daily rows)`);
  report.kv('store size', `${rate(meta.storeMb)} MB`);

  const bs = await openBenchStore(kind, { persistent });
  try {
    const db = bs.store.db;
    report.kv('store', bs.where);
    const t = await openBenchDistrict(bs.store, bs.dataDir);
    const cockpit = new CockpitService(bs.store, new ManualClock(meta.now), t.s.org, t.s.taxonomy, t.s.audit);
    report.kv('cockpit clock (the data set’s now)', new Date(meta.now).toISOString());
    const district = (await t.s.auth.login('intake', BENCH_PASSWORD)).principal;
    const streetUsers: Principal[] = [];
    for (const st of t.streets) streetUsers.push((await t.s.auth.login(`h-${st.code}`, BENCH_PASSWORD)).principal);
    const scopes = [
      { name: 'district-wide (intake)', principals: [district] },
      { name: `street users (${streetUsers.length} streets, rotating)`, principals: streetUsers },
    ];

    const results: Measured[] = [];
    const rss = new RssSampler().start();
    for (const sc of scopes) {
      report.line(`  ${sc.name}`);
      const views = sc.principals.map((p) => scopeOf(p, t.dir));
      const pick = <T>(xs: T[], i: number) => xs[i % xs.length] as T;
      for (let i = 0; i < 5; i++) await cockpit.overview(pick(sc.principals, i));
      const whole = await time(runs, (i) => cockpit.overview(pick(sc.principals, i)));
      results.push({ scope: sc.name, query: 'overview() (all seven, concurrently)', rollup: whole, raw: null, agrees: null });
      report.kv('    overview()', `p50 ${ms(whole.p50)}  p99 ${ms(whole.p99)}  (${whole.samples} runs)  ${whole.p99 <= TARGET_P99_MS ? 'meets' : 'MISSES'} ≤ ${TARGET_P99_MS} ms`);
      const rollups = views.map((v) => rollupQueries(db, t.districtId, meta.now, v));
      const raws = views.map((v) => rawQueries(db, t.districtId, meta.now, v));
      let rawTotal = 0;
      for (const q of QUERIES) {
        const rollup = await time(runs, (i) => pick(rollups, i)[q]());
        // Every raw answer is checked against the rollup's, outside the timing.
        const answers: Rows[] = [];
        const raw = await time(rawRuns, async (i) => answers.push(await pick(raws, i)[q]()));
        let agrees = true;
        for (const [i, mine] of answers.entries()) agrees &&= JSON.stringify(mine) === JSON.stringify(await pick(rollups, i)[q]());
        rawTotal += raw.p50;
        results.push({ scope: sc.name, query: q, rollup, raw, agrees });
        report.kv(
          `    ${q}`,
          `rollup p50 ${ms(rollup.p50)} p99 ${ms(rollup.p99)} ${rollup.p99 <= TARGET_P99_MS ? 'meets' : 'MISSES'} | raw p50 ${ms(raw.p50)} p99 ${ms(raw.p99)} (${raw.samples} runs) | raw/rollup p50 ×${rate(ratio(raw.p50, rollup.p50))}${agrees ? '' : '  (!) figures DIFFER'}`,
        );
      }
      report.kv('    raw: the seven queries one after another', `p50 sum ${ms(rawTotal)}  vs overview() p50 ${ms(whole.p50)}  ×${rate(ratio(rawTotal, whole.p50))}`);
      for (const r of results.filter((x) => x.scope === sc.name && x.raw && x.rollup.p99 > TARGET_P99_MS)) {
        for (const line of await explainRollup(kind, db, t.districtId, meta.now, views[0] as Scope, r.query as Query)) report.line(`      | ${line}`);
      }
    }
    const peak = mb(rss.stop());
    const misses = results.filter((r) => r.rollup.p99 > TARGET_P99_MS);
    const differ = results.filter((r) => r.agrees === false);
    report.line('');
    report.kv(`rollup queries meeting p99 ≤ ${TARGET_P99_MS} ms`, `${results.length - misses.length} of ${results.length}${misses.length ? `; missing: ${misses.map((m) => `${m.scope} · ${m.query}`).join('; ')}` : ''}`);
    report.kv('rollup figures agree with the raw table', differ.length ? `NO: ${differ.map((m) => `${m.scope} · ${m.query}`).join('; ')}` : 'yes, every query');
    report.kv('peak RSS while measuring', `${peak} MB`);
    report.set('dataset', meta);
    report.set('peakRssMb', peak);
    report.set(
      'queries',
      results.map((r) => ({
        scope: r.scope,
        query: r.query,
        rollupP50Ms: round(r.rollup.p50, 3),
        rollupP99Ms: round(r.rollup.p99, 3),
        rollupRuns: r.rollup.samples,
        rawP50Ms: r.raw ? round(r.raw.p50, 1) : null,
        rawP99Ms: r.raw ? round(r.raw.p99, 1) : null,
        rawRuns: r.raw?.samples ?? 0,
        ratioP50: r.raw ? round(r.raw.p50 / r.rollup.p50, 0) : null,
        meetsP99: r.rollup.p99 <= TARGET_P99_MS,
        agrees: r.agrees,
      })),
    );
    report.finish();
  } finally {
    await bs.dispose();
  }
}

/** The data set's description, generating it first when missing, stale or asked for. */
async function dataset(
  kind: StoreKind,
  spec: Parameters<typeof generateKpiDataset>[0],
  persistent: { sqliteFile: string; pgDatabase: string },
  rebuild: boolean,
  report: Report,
): Promise<KpiDatasetMeta> {
  const exists = kind === 'sqlite' ? fs.existsSync(spec.sqliteFile) : await pgDatabaseExists(spec.pgDatabase);
  if (exists && !rebuild) {
    try {
      const probe = await openBenchStore(kind, { persistent });
      const meta = await readKpiMeta(probe.store);
      await probe.dispose();
      // Regenerating takes half an hour or more, so newer migrations (indexes, other modules' tables) are applied and said, not a reason to.
      if (probe.migrated.length) report.line(`  (!) migrations applied to the data set since it was generated: ${probe.migrated.join(', ')} (--rebuild regenerates it)`);
      if (meta && meta.version === KPI_DATASET_VERSION && meta.cases === spec.cases) {
        report.kv('data set reused', `generated ${meta.generatedAt}`);
        return meta;
      }
      report.line(`  data set ${meta ? `is version ${meta.version} with ${meta.cases} cases` : 'is incomplete'}; rebuilding`);
    } catch (e) {
      report.line(`  the data set cannot be opened (${e instanceof Error ? e.message : String(e)}); rebuilding`);
    }
  }
  await removeKpiDataset(spec);
  report.line(`  generating ${rate(spec.cases)} cases (once; later runs reuse ${kind === 'sqlite' ? spec.sqliteFile : `database ${spec.pgDatabase}`})`);
  return generateKpiDataset(spec);
}

/** The plan of a rollup query that missed its target (SQLite EXPLAIN QUERY PLAN, PostgreSQL EXPLAIN ANALYZE). */
async function explainRollup(kind: StoreKind, db: Kysely<DB>, districtId: string, now: number, s: Scope, q: Query): Promise<string[]> {
  const captured: CompiledQuery[] = [];
  const spy = db.withPlugin({
    transformQuery: (args) => {
      captured.push(db.getExecutor().compileQuery(args.node, args.queryId));
      return args.node;
    },
    transformResult: async (args) => args.result,
  });
  await rollupQueries(spy, districtId, now, s)[q]();
  const c = captured[0];
  if (!c) return [];
  const prefix = kind === 'sqlite' ? 'explain query plan ' : 'explain (analyze, buffers) ';
  const r = await db.executeQuery(CompiledQuery.raw(prefix + c.sql, [...c.parameters]) as CompiledQuery<Record<string, unknown>>);
  return [c.sql, ...r.rows.map((row) => String(row.detail ?? row['QUERY PLAN']))];
}
