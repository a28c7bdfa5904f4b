/**
 * Case-list benchmark: the first page of GET /api/v1/cases over 1,000,000 stored cases.
 *
 *   npm run bench -- case-list [--store sqlite|postgres] [--cases 1000000] [--rebuild]
 *                              [--file /tmp/onegrid-bench-1m.sqlite] [--requests 500]
 *                              [--max-seconds 10] [--connections 1] [--analyze]
 *
 * The data set (see lib/dataset-worker.ts) is generated once and reused: a SQLite file, or the
 * PostgreSQL database onegrid_bench_1m; --rebuild makes it again. Each scenario sends
 * --requests first-page requests (after 20 warm-up ones) from autocannon in a child process
 * with one connection, i.e. one request at a time, so latency is the query's and not a queue's;
 * a scenario slower than --max-seconds in total is cut there and says so (the default keeps a
 * run near three minutes; --max-seconds 120 gets 500 requests even from the slow scenarios).
 * Variants (streets, categories, handlers) rotate per request. The server runs in this process; its RSS is
 * sampled throughout.
 *
 * Baseline: the very SQL the server ran for each variant (captured through a Kysely plugin),
 * executed directly through Kysely the same number of times. Every scenario's plan is shown
 * (SQLite EXPLAIN QUERY PLAN, PostgreSQL EXPLAIN ANALYZE). --analyze runs ANALYZE first
 * (SQLite keeps the statistics in the file; the app itself never runs it).
 * Targets: p99 ≤ 50 ms, server RSS ≤ 300 MB.
 */
import fs from 'node:fs';
import { CompiledQuery, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, sql } from 'kysely';
import { Args } from './lib/args.ts';
import { type CategoryCount, DATASET_VERSION, DEFAULT_SQLITE_FILE, type DatasetMeta, generateDataset, PG_DATABASE, readMeta, removeDataset } from './lib/dataset.ts';
import { openBenchDistrict } from './lib/district.ts';
import { runLoad } from './lib/load.ts';
import { type Latency, latencyOf, mb, ms, rate, ratio, Report, round, RssSampler } from './lib/report.ts';
import { startApp } from './lib/servers.ts';
import { openBenchStore, pgDatabaseExists, STORE_KINDS } from './lib/stores.ts';

const TARGET_P99_MS = 50;
const TARGET_RSS_MB = 300;

/** Records the operation trees of queries while armed, so the server's exact SQL can be replayed. */
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

interface Variant {
  label: string;
  path: string;
  token: string;
}
interface Scenario {
  name: string;
  variants: Variant[];
}
interface Measured {
  name: string;
  http: Latency;
  httpThroughput: number;
  raw: Latency;
  cut: boolean;
  failures: number;
  rssMb: number;
  plan: string[];
  sql: string;
}

export async function run(argv: string[]): Promise<void> {
  const a = new Args(argv);
  const kind = a.choice('store', STORE_KINDS, 'sqlite');
  const cases = a.int('cases', 1_000_000);
  const rebuild = a.flag('rebuild');
  const file = a.string('file', DEFAULT_SQLITE_FILE);
  const requests = a.int('requests', 500);
  const maxSeconds = a.int('max-seconds', 10);
  const connections = a.int('connections', 1);
  const analyze = a.flag('analyze');
  a.done();

  const spec = { kind, sqliteFile: file, pgDatabase: PG_DATABASE, cases, seed: 1 };
  const report = new Report('case-list', { store: kind, cases, requestsPerScenario: requests, connections, loadGenerator: 'autocannon 9 in a child process (fork)' });

  // Reuse the data set when it is complete and of this generator's version.
  let meta: DatasetMeta | null = null;
  const exists = kind === 'sqlite' ? fs.existsSync(file) : await pgDatabaseExists(PG_DATABASE);
  if (exists && !rebuild) {
    // A data set whose schema has moved on (a migration applies now, or cannot apply) is rebuilt.
    try {
      const probe = await openBenchStore(kind, { persistent: { sqliteFile: file, pgDatabase: PG_DATABASE } });
      meta = await readMeta(probe.store);
      await probe.dispose();
      if (probe.migrated.length) {
        report.line(`  the schema changed since the data set was generated (${probe.migrated.join(', ')}); rebuilding`);
        meta = null;
      }
    } catch (e) {
      report.line(`  the data set cannot be opened with the current schema (${e instanceof Error ? e.message : String(e)}); rebuilding`);
      meta = null;
    }
    if (meta && (meta.version !== DATASET_VERSION || meta.cases !== cases)) {
      report.line(`  data set is version ${meta.version} with ${meta.cases} cases; rebuilding for version ${DATASET_VERSION} with ${cases}`);
      meta = null;
    }
  }
  if (!meta) {
    await removeDataset(spec);
    report.line(`  generating ${rate(cases)} cases (once; later runs reuse ${kind === 'sqlite' ? file : `database ${PG_DATABASE}`})`);
    meta = await generateDataset(spec);
    report.kv('data set generated', `${rate(meta.cases)} cases, ${rate(meta.caseUnits)} case_units rows in ${meta.generationSeconds} s`);
  } else {
    report.kv('data set reused', `${rate(meta.cases)} cases generated ${meta.generatedAt}`);
  }

  const bs = await openBenchStore(kind, { persistent: { sqliteFile: file, pgDatabase: PG_DATABASE } });
  const base = bs.store.db;
  try {
    if (kind === 'sqlite') report.kv('store', `${bs.where}, ${rate(fs.statSync(file).size / 1048576)} MB`);
    else report.kv('store', bs.where);
    if (analyze) await sql.raw('analyze').execute(base);
    const stats =
      kind === 'sqlite'
        ? (await sql<{ n: number }>`select count(*) as n from sqlite_master where name = 'sqlite_stat1'`.execute(base)).rows[0]?.n
          ? 'ANALYZE statistics present (sqlite_stat1)'
          : 'no ANALYZE statistics (as the app leaves a database)'
        : 'ANALYZE run after generation (as autovacuum would)';
    report.kv('planner statistics', stats);

    const t = await openBenchDistrict(bs.store, bs.dataDir);
    const capture = new Capture();
    // Services read store.db on every call, so swapping it routes their queries through the plugin.
    bs.store.db = base.withPlugin(capture);
    const app = await startApp(t.s);
    // Before any sign-in: scrypt's buffers are the server's too, but not the list's.
    const idleRss = mb(process.memoryUsage.rss());
    const intake = await t.login('intake');
    // One at a time: each sign-in is a 16 MB scrypt, and a burst of them would inflate the RSS being measured.
    const handlers: Array<{ street: (typeof t.streets)[number]; token: string }> = [];
    for (const st of t.streets) handlers.push({ street: st, token: await t.login(`h-${st.code}`) });
    const { top, rare } = meta.categories;
    const share = (c: CategoryCount) => `${round((c.cases / meta.cases) * 100, 2)} %`;

    const scenarios: Scenario[] = [
      {
        name: 'district-wide · state=HANDLING&area=<street>',
        variants: t.streets.map((st) => ({ label: st.name, path: `/api/v1/cases?state=HANDLING&area=${st.id}`, token: intake })),
      },
      { name: 'district-wide · light=red', variants: [{ label: 'red', path: '/api/v1/cases?light=red', token: intake }] },
      {
        name: `district-wide · category (top 3: ${top.map(share).join(', ')})`,
        variants: top.map((c) => ({ label: `${c.kind}:${c.code}`, path: `/api/v1/cases?category=${c.kind}:${c.code}`, token: intake })),
      },
      {
        name: `district-wide · category (rare: ${rare.map(share).join(', ')})`,
        variants: rare.map((c) => ({ label: `${c.kind}:${c.code}`, path: `/api/v1/cases?category=${c.kind}:${c.code}`, token: intake })),
      },
      { name: 'district-wide · no filter', variants: [{ label: 'all', path: '/api/v1/cases', token: intake }] },
      {
        name: 'street handler (scope) · no filter',
        variants: handlers.map((h) => ({ label: h.street.name, path: '/api/v1/cases', token: h.token })),
      },
      {
        name: 'street handler (scope) · state=HANDLING',
        variants: handlers.map((h) => ({ label: h.street.name, path: '/api/v1/cases?state=HANDLING', token: h.token })),
      },
      {
        name: 'street handler (scope) · light=red',
        variants: handlers.map((h) => ({ label: h.street.name, path: '/api/v1/cases?light=red', token: h.token })),
      },
      // The red inbox as a worklist: most overdue first.
      { name: 'district-wide · light=red&sort=deadline_asc', variants: [{ label: 'red', path: '/api/v1/cases?light=red&sort=deadline_asc', token: intake }] },
      {
        name: 'street handler (scope) · light=red&sort=deadline_asc',
        variants: handlers.map((h) => ({ label: h.street.name, path: '/api/v1/cases?light=red&sort=deadline_asc', token: h.token })),
      },
    ];

    const results: Measured[] = [];
    try {
      for (const sc of scenarios) {
        // The list query of each variant, exactly as the server compiled it.
        const compiled: CompiledQuery[] = [];
        for (const v of sc.variants) {
          capture.queries = [];
          capture.armed = true;
          const res = await app.app.inject({ method: 'GET', url: v.path, headers: { authorization: `Bearer ${v.token}` } });
          capture.armed = false;
          if (res.statusCode !== 200) throw new Error(`${sc.name} (${v.label}): HTTP ${res.statusCode} ${res.body.slice(0, 300)}`);
          const list = capture.queries
            .map((q) => base.getExecutor().compileQuery(q.node, q.queryId))
            .find((c) => /^select \* from "cases"/.test(c.sql) && / limit /.test(c.sql));
          if (!list) throw new Error(`${sc.name}: no list query captured`);
          compiled.push(list);
        }
        const scenario = { kind: 'get' as const, requests: sc.variants.map((v) => ({ path: v.path, token: v.token })) };
        const warm = await runLoad({ url: app.url, connections, amount: Math.max(20, connections), scenario });
        const cut = warm.latency.p50 * requests > maxSeconds * 1000 * connections;
        const rss = new RssSampler().start();
        const r = await runLoad({ url: app.url, connections, ...(cut ? { durationS: maxSeconds } : { amount: requests }), scenario });
        const rssMb = mb(rss.stop());

        const rawTimes: number[] = [];
        const rawEnd = performance.now() + maxSeconds * 1000;
        for (let i = 0; i < Math.max(requests, r.ok) && performance.now() < rawEnd; i++) {
          const q = compiled[i % compiled.length] as CompiledQuery;
          const t0 = performance.now();
          await base.executeQuery(q);
          rawTimes.push(performance.now() - t0);
        }
        const first = compiled[0] as CompiledQuery;
        const plan = await explain(kind, first, base);
        const m: Measured = {
          name: sc.name,
          http: r.latency,
          httpThroughput: r.throughput,
          raw: latencyOf(rawTimes),
          cut,
          failures: r.non2xx + r.errors,
          rssMb,
          plan,
          sql: first.sql,
        };
        results.push(m);
        const verdict = m.http.p99 <= TARGET_P99_MS ? 'ok' : 'MISSES';
        report.line(`  ${sc.name}`);
        report.kv(
          '    HTTP first page',
          `p50 ${ms(m.http.p50)}  p99 ${ms(m.http.p99)}  (${m.http.samples} requests${cut ? `, cut at ${maxSeconds} s` : ''}${m.failures ? `, (!) ${m.failures} failed` : ''})  ${verdict}`,
        );
        report.kv('    raw SQL through Kysely', `p50 ${ms(m.raw.p50)}  p99 ${ms(m.raw.p99)}  (${m.raw.samples} runs)  HTTP/raw p50 ${ratio(m.http.p50, m.raw.p50)}`);
        for (const line of plan.slice(0, kind === 'sqlite' ? 8 : 14)) report.line(`      | ${line}`);
      }
    } finally {
      await app.close();
      bs.store.db = base;
    }

    const peakRss = Math.max(...results.map((r) => r.rssMb));
    const misses = results.filter((r) => r.http.p99 > TARGET_P99_MS);
    report.line('');
    report.kv('server RSS idle after start / peak under load', `${idleRss} MB / ${peakRss} MB  (${peakRss <= TARGET_RSS_MB ? 'meets' : 'MISSES'} ≤ ${TARGET_RSS_MB} MB)`);
    report.kv(`scenarios meeting p99 ≤ ${TARGET_P99_MS} ms`, `${results.length - misses.length} of ${results.length}${misses.length ? `; missing: ${misses.map((m) => m.name).join('; ')}` : ''}`);
    report.set('dataset', meta);
    report.set('planner', stats);
    report.set(
      'scenarios',
      results.map((r) => ({
        name: r.name,
        httpP50Ms: round(r.http.p50, 3),
        httpP99Ms: round(r.http.p99, 3),
        httpRequests: r.http.samples,
        httpThroughput: round(r.httpThroughput, 1),
        cut: r.cut,
        failures: r.failures,
        rawP50Ms: round(r.raw.p50, 3),
        rawP99Ms: round(r.raw.p99, 3),
        rawRuns: r.raw.samples,
        peakRssMb: r.rssMb,
        meetsP99: r.http.p99 <= TARGET_P99_MS,
        plan: r.plan,
        sql: shortSql(r.sql),
      })),
    );
    const mem = process.memoryUsage();
    report.kv('memory at the end (rss / V8 heap / external)', `${mb(mem.rss)} / ${mb(mem.heapTotal)} / ${mb(mem.external)} MB`);
    report.set('rss', { idleMb: idleRss, peakMb: peakRss, meets: peakRss <= TARGET_RSS_MB, endHeapTotalMb: mb(mem.heapTotal), endExternalMb: mb(mem.external) });
    report.finish();
  } finally {
    await bs.dispose();
  }
}

/** SQL for the report, a long IN list's placeholders counted rather than listed. */
function shortSql(text: string): string {
  return text.replace(/\?(?:, \?){9,}/g, (m) => `?, … (${m.split(',').length} parameters)`);
}

/** The plan of one compiled query: SQLite's EXPLAIN QUERY PLAN as a tree, PostgreSQL's EXPLAIN ANALYZE text. */
async function explain(kind: 'sqlite' | 'postgres', q: CompiledQuery, db: { executeQuery<R>(q: CompiledQuery<R>): Promise<{ rows: R[] }> }): Promise<string[]> {
  if (kind === 'sqlite') {
    const r = await db.executeQuery(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]) as CompiledQuery<{ id: number; parent: number; detail: string }>);
    const depth = new Map<number, number>([[0, 0]]);
    return r.rows.map((row) => {
      const d = (depth.get(row.parent) ?? 0) + 1;
      depth.set(row.id, d);
      return `${'  '.repeat(d - 1)}${row.detail}`;
    });
  }
  const r = await db.executeQuery(CompiledQuery.raw(`explain (analyze, buffers) ${q.sql}`, [...q.parameters]) as CompiledQuery<{ 'QUERY PLAN': string }>);
  return r.rows.map((row) => row['QUERY PLAN']);
}
