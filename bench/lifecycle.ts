/**
 * Lifecycle benchmark: case transitions over real HTTP, POST /api/v1/cases/:id/actions/accept.
 *
 *   npm run bench -- lifecycle [--store sqlite|postgres] [--connections 10] [--duration 10]
 *                              [--warmup 1000] [--raw-seconds 3]
 *
 * Cases are created through CaseService.report beforehand (concurrently, in batches sized to
 * what the next phase needs, with no load running), so every accept hits a REPORTED case at
 * version 1: autocannon's setupRequest hands each request the next unused id. Phases run by
 * request count rather than time, sized from the previous phase's rate to last about
 * --duration seconds, so the ids never run out. Phases: warm-up; (1) max throughput with N
 * connections; (2) latency at half that rate (overallRate). Baselines: bare Fastify on the same
 * route, CaseService.act in-process, and a plain UPDATE of the case row (autocommit, and one
 * per transaction). Load comes from autocannon in a child process.
 * Issue target: ≥ 3,000 transitions/s on SQLite.
 */
import { Args } from './lib/args.ts';
import { type BenchDistrict, placePoints, seedBenchDistrict } from './lib/district.ts';
import { type LoadResult, runLoad } from './lib/load.ts';
import { rateOf, rawUpdates } from './lib/raw.ts';
import { CpuMeter, describeLoad, mb, ms, rate, ratio, Report, round, RssSampler } from './lib/report.ts';
import { startApp, startBare } from './lib/servers.ts';
import { openBenchStore, STORE_KINDS } from './lib/stores.ts';
import type { Principal } from '../packages/server/src/platform/principal.ts';

const TARGET = 3000;
const TARGET_P99_MS = 25;

/** Creates cases through the service, `concurrency` at a time, and returns their ids. */
async function createCases(t: BenchDistrict, p: Principal, points: Array<[number, number]>, from: number, n: number, concurrency: number) {
  const ids: string[] = [];
  let next = 0;
  const t0 = performance.now();
  const loop = async () => {
    while (next < n) {
      const i = from + next++;
      const [lng, lat] = points[i % points.length] as [number, number];
      const category = t.categories[i % t.categories.length];
      const { view } = await t.s.cases.report(p, {
        channel: 'patrol',
        description: `巡查发现：井盖破损缺失，存在安全隐患。编号 ${i}。`,
        location: { lng, lat },
        ...(category ? { category: { kind: category.kind, code: category.code } } : {}),
      });
      ids.push(view.id);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { ids, perSecond: n / ((performance.now() - t0) / 1000) };
}

export async function run(argv: string[]): Promise<void> {
  const a = new Args(argv);
  const kind = a.choice('store', STORE_KINDS, 'sqlite');
  const connections = a.int('connections', 10);
  const duration = a.int('duration', 10);
  const warmup = a.int('warmup', 1000);
  const rawSeconds = a.int('raw-seconds', 3);
  a.done();

  const report = new Report('lifecycle', { store: kind, connections, durationS: duration, action: 'accept', loadGenerator: 'autocannon 9 in a child process (fork)' });
  const bs = await openBenchStore(kind);
  try {
    const t = await seedBenchDistrict(bs.store, bs.dataDir);
    const token = await t.login('intake');
    const principal = await t.s.auth.authenticate(token);
    if (!principal) throw new Error('intake token did not authenticate');
    const points = placePoints(t, 100_000, 7).map((p) => [p.lng, p.lat] as [number, number]);
    report.kv('store', bs.where);

    // Unused REPORTED cases, oldest first; created in bulk before each phase.
    const pool: string[] = [];
    let made = 0;
    const creation: number[] = [];
    const ensure = async (n: number) => {
      if (pool.length >= n) return;
      const need = n - pool.length;
      const r = await createCases(t, principal, points, made, need, connections);
      made += need;
      pool.push(...r.ids);
      creation.push(r.perSecond);
    };
    const take = (n: number) => pool.splice(0, n);

    const app = await startApp(t.s);
    const phase = async (amount: number, overallRate?: number): Promise<LoadResult & { rssMb: number; cpuMs: number }> => {
      await ensure(amount);
      const caseIds = take(amount);
      const rss = new RssSampler().start();
      const cpu = new CpuMeter();
      const r = await runLoad({
        url: app.url,
        connections,
        amount,
        ...(overallRate ? { overallRate } : {}),
        scenario: { kind: 'action', token, caseIds, action: 'accept', body: { version: 1 } },
      });
      return { ...r, rssMb: mb(rss.stop()), cpuMs: cpu.perRequestMs(r.ok + r.non2xx) };
    };
    let max: Awaited<ReturnType<typeof phase>>;
    let half: Awaited<ReturnType<typeof phase>>;
    let halfRate: number;
    try {
      const warm = await phase(warmup);
      max = await phase(Math.max(connections * 10, Math.ceil(warm.throughput * duration * 1.2)));
      report.kv('accept, max throughput', describeLoad(max));
      halfRate = Math.max(1, Math.floor(max.throughput / 2));
      half = await phase(Math.max(connections, halfRate * duration), halfRate);
      report.kv(`accept at half rate (${rate(halfRate)}/s)`, describeLoad(half));
    } finally {
      await app.close();
    }
    report.kv('cases created via CaseService.report beforehand', `${rate(made)} at ${creation.map((c) => rate(c)).join(', ')}/s`);

    const bare = await startBare(t.s.config.maxBodyBytes);
    let bareMax: LoadResult & { cpuMs: number };
    try {
      const fakeIds = Array.from({ length: 1000 }, (_, i) => `bare-${i}`);
      const scenario = { kind: 'action' as const, token, caseIds: fakeIds, action: 'accept', body: { version: 1 } };
      await runLoad({ url: bare.url, connections, durationS: 2, scenario });
      const cpu = new CpuMeter();
      const r = await runLoad({ url: bare.url, connections, durationS: duration, scenario });
      bareMax = { ...r, cpuMs: cpu.perRequestMs(r.ok + r.non2xx) };
      report.kv('bare Fastify, same route and body', describeLoad(bareMax));
    } finally {
      await bare.close();
    }

    // The service without HTTP, on fresh cases.
    const inProcessBudget = Math.ceil(max.throughput * 2 * rawSeconds) + 500;
    await ensure(inProcessBudget);
    const inProcessIds = take(inProcessBudget);
    const inProcess = await rateOf(
      rawSeconds,
      connections,
      (i) => t.s.cases.act(principal, inProcessIds[i] as string, 'accept', { version: 1 }),
      inProcessIds.length,
    );
    report.kv('CaseService.act accept in-process (no HTTP)', `${rate(inProcess.perSecond)}/s  p50 ${ms(inProcess.latency.p50)}  p99 ${ms(inProcess.latency.p99)}`);

    const rows = await bs.store.db.selectFrom('cases').select('id').where('district_id', '=', t.districtId).limit(20_000).execute();
    const raw = await rawUpdates(
      bs.store,
      rows.map((r) => r.id),
      rawSeconds,
      connections,
    );
    report.kv('raw UPDATE case row, autocommit', `${rate(raw.autocommit.perSecond)}/s  p50 ${ms(raw.autocommit.latency.p50)}`);
    report.kv('raw UPDATE case row, 1 per transaction', `${rate(raw.transaction.perSecond)}/s  p50 ${ms(raw.transaction.latency.p50)}`);

    const accepted = await bs.store.db
      .selectFrom('case_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('district_id', '=', t.districtId)
      .where('action', '=', 'accept')
      .executeTakeFirstOrThrow();

    report.line('');
    report.kv('ratio transitions / bare Fastify', String(ratio(max.throughput, bareMax.throughput)));
    report.kv('ratio transitions / raw UPDATE (1 per tx)', String(ratio(max.throughput, raw.transaction.perSecond)));
    report.kv('ratio transitions / raw UPDATE (autocommit)', String(ratio(max.throughput, raw.autocommit.perSecond)));
    report.kv('ratio transitions HTTP / in-process service', String(ratio(max.throughput, inProcess.perSecond)));
    report.kv('peak server RSS during accept load', `${Math.max(max.rssMb, half.rssMb)} MB`);
    report.kv('server CPU per request, accept / bare', `${max.cpuMs.toFixed(2)} ms / ${bareMax.cpuMs.toFixed(2)} ms`);
    report.kv('accept events in the store', `${rate(Number(accepted.n))} (HTTP 2xx + in-process: ${rate(max.ok + half.ok + inProcess.ops)} + warm-up)`);
    const verdict = (ok: boolean) => (ok ? 'meets' : 'MISSES');
    report.kv(`target ≥ ${rate(TARGET)} transitions/s`, `${verdict(max.throughput >= TARGET)} (${rate(max.throughput)}/s, ${round((max.throughput / TARGET) * 100, 0)} % of target)`);
    report.kv(`p99 at half rate (≤ ${TARGET_P99_MS} ms, as for intake)`, `${verdict(half.latency.p99 <= TARGET_P99_MS)} (${ms(half.latency.p99)})`);

    const brief = (r: LoadResult & { rssMb?: number; cpuMs?: number }) => ({
      throughput: round(r.throughput, 0),
      p50Ms: round(r.latency.p50, 3),
      p90Ms: round(r.latency.p90, 3),
      p99Ms: round(r.latency.p99, 3),
      autocannonP99Ms: r.autocannonP99,
      requests: r.ok,
      non2xx: r.non2xx,
      errors: r.errors,
      durationS: r.durationS,
      ...(r.rssMb !== undefined ? { peakRssMb: r.rssMb } : {}),
      ...(r.cpuMs !== undefined ? { serverCpuMsPerRequest: round(r.cpuMs, 3) } : {}),
      ...(r.firstFailure ? { firstFailure: r.firstFailure } : {}),
    });
    report.set('accept', brief(max));
    report.set('acceptHalfRate', { rate: halfRate, ...brief(half) });
    report.set('bareFastify', brief(bareMax));
    report.set('inProcessService', { perSecond: round(inProcess.perSecond, 0), p50Ms: round(inProcess.latency.p50, 3), p99Ms: round(inProcess.latency.p99, 3) });
    report.set('rawUpdate', { autocommitPerSecond: round(raw.autocommit.perSecond, 0), transactionPerSecond: round(raw.transaction.perSecond, 0) });
    report.set('casesCreatedBeforehand', { count: made, perSecond: creation.map((c) => round(c, 0)) });
    report.set('ratios', {
      transitionsOverBare: ratio(max.throughput, bareMax.throughput),
      transitionsOverRawUpdateTx: ratio(max.throughput, raw.transaction.perSecond),
      transitionsOverRawUpdateAutocommit: ratio(max.throughput, raw.autocommit.perSecond),
      httpOverInProcess: ratio(max.throughput, inProcess.perSecond),
    });
    report.set('targets', { throughput: TARGET, throughputMet: max.throughput >= TARGET, p99Ms: TARGET_P99_MS, p99Met: half.latency.p99 <= TARGET_P99_MS });
    report.finish();
  } finally {
    await bs.dispose();
  }
}
