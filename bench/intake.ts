/**
 * Intake benchmark: POST /api/v1/cases over real HTTP against the real app and store.
 *
 *   npm run bench -- intake [--store sqlite|postgres] [--connections 10] [--duration 10]
 *                           [--warmup 3] [--raw-seconds 3] [--points 200000] [--automation]
 *
 * Phases: warm-up; (1) max throughput with N connections; (2) latency at half that rate
 * (autocannon overallRate). Baselines in the same run: bare Fastify parsing the same bodies
 * (same connections and duration), CaseService.report called in-process (no HTTP), and the
 * store's raw INSERT of a case-sized row (autocommit, and one row per transaction).
 * Load comes from autocannon in a child process; peak RSS is the server process's.
 * The district's intake automation is off (the default for a district) unless --automation:
 * then a distinct, categorised report may also be accepted, registered and dispatched.
 * (3) full intake: no category (the classifier chooses), corpus descriptions, one report in five
 * with an address and no point (the gazetteer places it) — against phase (1), with the same
 * automation setting (with --automation, merges and dispatches add their own transactions).
 * Issue targets: ≥ 3,000 cases/s on SQLite (≥ 1,500/s on PostgreSQL), p99 ≤ 25 ms at half rate;
 * full intake ≥ 70 % of the create-case throughput.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Args } from './lib/args.ts';
import { placePoints, seedBenchDistrict } from './lib/district.ts';
import { type LoadResult, runLoad } from './lib/load.ts';
import { rateOf, rawInserts } from './lib/raw.ts';
import { CpuMeter, describeLoad, mb, ms, rate, ratio, Report, round, RssSampler } from './lib/report.ts';
import { startApp, startBare } from './lib/servers.ts';
import { openBenchStore, STORE_KINDS } from './lib/stores.ts';

const TARGET = { sqlite: 3000, postgres: 1500 } as const;
const TARGET_P99_MS = 25;
const TARGET_FULL_RATIO = 0.7;
const DATA = path.resolve(import.meta.dirname, '../data');

/** Corpus descriptions and demo gazetteer names: what a real intake stream reads like. */
function fullIntakeInputs(): { texts: string[]; addresses: string[]; addressEvery: number } {
  const dir = path.join(DATA, 'intake/corpus');
  const texts = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'))
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { text: string }).text);
  const addresses = fs
    .readFileSync(path.join(DATA, 'demo/jiangbei/gazetteer.csv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => `江北区${l.split(',')[1]}附近`);
  return { texts, addresses, addressEvery: 5 };
}

export async function run(argv: string[]): Promise<void> {
  const a = new Args(argv);
  const kind = a.choice('store', STORE_KINDS, 'sqlite');
  const connections = a.int('connections', 10);
  const duration = a.int('duration', 10);
  const warmup = a.int('warmup', 3);
  const rawSeconds = a.int('raw-seconds', 3);
  const pointCount = a.int('points', 200_000);
  const automation = a.flag('automation');
  a.done();

  const report = new Report('intake', { store: kind, connections, durationS: duration, intakeAutomation: automation, loadGenerator: 'autocannon 9 in a child process (fork)' });
  const bs = await openBenchStore(kind);
  try {
    const t = await seedBenchDistrict(bs.store, bs.dataDir, { automation });
    const token = await t.login('intake');
    const principal = await t.s.auth.authenticate(token);
    if (!principal) throw new Error('intake token did not authenticate');
    const points = placePoints(t, pointCount, 42).map((p) => [p.lng, p.lat] as [number, number]);
    const categories = t.categories.map((c) => ({ kind: c.kind, code: c.code }));
    report.kv('store', bs.where);
    report.kv('district', `Jiangbei demo: ${t.dir.size} units, ${categories.length} categories, ${points.length} distinct points`);

    // Each phase gets points no earlier phase used, so every created case has its own location.
    let used = 0;
    const phase = async (p: { url: string; durationS: number; overallRate?: number; path?: string; full?: boolean }): Promise<LoadResult & { rssMb: number; cpuMs: number }> => {
      const rss = new RssSampler().start();
      const cpu = new CpuMeter();
      const r = await runLoad({
        url: p.url,
        connections,
        durationS: p.durationS,
        ...(p.overallRate ? { overallRate: p.overallRate } : {}),
        scenario: { kind: 'create-case', token, points: points.slice(used), categories, ...(p.path ? { path: p.path } : {}), ...(p.full ? { full: fullIntakeInputs() } : {}) },
      });
      used += r.ok + r.non2xx + connections;
      if (used > points.length) report.line(`  (note: ${used - points.length} requests reused a location; raise --points)`);
      return { ...r, rssMb: mb(rss.stop()), cpuMs: cpu.perRequestMs(r.ok + r.non2xx) };
    };

    const app = await startApp(t.s);
    let max: Awaited<ReturnType<typeof phase>>;
    let half: Awaited<ReturnType<typeof phase>>;
    let full: Awaited<ReturnType<typeof phase>>;
    try {
      await phase({ url: app.url, durationS: warmup });
      max = await phase({ url: app.url, durationS: duration });
      report.kv('create-case, max throughput', describeLoad(max));
      half = await phase({ url: app.url, durationS: duration, overallRate: Math.max(1, Math.floor(max.throughput / 2)) });
      report.kv(`create-case at half rate (${rate(max.throughput / 2)}/s)`, describeLoad(half));
      full = await phase({ url: app.url, durationS: duration, full: true });
      report.kv(`full intake (geocode 1 in 5 + locate + classify + dedup + route${automation ? ' + automatic dispatch' : ''})`, describeLoad(full));
    } finally {
      await app.close();
    }

    const bare = await startBare(t.s.config.maxBodyBytes);
    let bareMax: Awaited<ReturnType<typeof phase>>;
    try {
      await phase({ url: bare.url, durationS: Math.min(warmup, 2) });
      bareMax = await phase({ url: bare.url, durationS: duration });
      report.kv('bare Fastify, same bodies, max throughput', describeLoad(bareMax));
    } finally {
      await bare.close();
    }

    // The intake service without HTTP (what the route calls): the route, auth hook and serialisation are the difference.
    let n = 0;
    const inProcess = await rateOf(rawSeconds, connections, async () => {
      const i = n++;
      const [lng, lat] = points[(used + i) % points.length] as [number, number];
      await t.s.intake.report(principal, {
        channel: 'hotline',
        description: `市民来电反映：井盖破损缺失，存在安全隐患。来电编号 ${i}。`,
        location: { lng, lat },
        category: categories[i % categories.length],
      });
    });
    report.kv('IntakeService.report in-process (no HTTP)', `${rate(inProcess.perSecond)}/s  p50 ${ms(inProcess.latency.p50)}  p99 ${ms(inProcess.latency.p99)}`);

    const raw = await rawInserts(bs.store, { districtId: t.districtId, userId: principal.userId, tag: randomBytes(3).toString('hex') }, rawSeconds, connections);
    report.kv('raw INSERT case row, autocommit', `${rate(raw.autocommit.perSecond)}/s  p50 ${ms(raw.autocommit.latency.p50)}`);
    report.kv('raw INSERT case row, 1 row per transaction', `${rate(raw.transaction.perSecond)}/s  p50 ${ms(raw.transaction.latency.p50)}`);

    const target = TARGET[kind];
    const verdict = (ok: boolean) => (ok ? 'meets' : 'MISSES');
    report.line('');
    report.kv('ratio create-case / bare Fastify', String(ratio(max.throughput, bareMax.throughput)));
    report.kv('ratio create-case / raw insert (1 row/tx)', String(ratio(max.throughput, raw.transaction.perSecond)));
    report.kv('ratio create-case / raw insert (autocommit)', String(ratio(max.throughput, raw.autocommit.perSecond)));
    report.kv('ratio create-case HTTP / in-process service', String(ratio(max.throughput, inProcess.perSecond)));
    report.kv('peak server RSS during create-case load', `${Math.max(max.rssMb, half.rssMb)} MB`);
    report.kv('server CPU per request, create-case / bare', `${max.cpuMs.toFixed(2)} ms / ${bareMax.cpuMs.toFixed(2)} ms`);
    report.kv(`target ≥ ${rate(target)}/s`, `${verdict(max.throughput >= target)} (${rate(max.throughput)}/s, ${round((max.throughput / target) * 100, 0)} % of target)`);
    report.kv(`target p99 ≤ ${TARGET_P99_MS} ms at half rate`, `${verdict(half.latency.p99 <= TARGET_P99_MS)} (${ms(half.latency.p99)})`);
    const fullRatio = ratio(full.throughput, max.throughput);
    report.kv(`ratio full intake / create-case (target ≥ ${TARGET_FULL_RATIO})`, `${fullRatio} — ${verdict(full.throughput >= TARGET_FULL_RATIO * max.throughput)}; server CPU ${full.cpuMs.toFixed(2)} ms vs ${max.cpuMs.toFixed(2)} ms per request`);

    const created = await bs.store.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('district_id', '=', t.districtId)
      .executeTakeFirstOrThrow();
    report.kv('cases in the store at the end', rate(Number(created.n)));

    const brief = (r: Awaited<ReturnType<typeof phase>>) => ({
      throughput: round(r.throughput, 0),
      p50Ms: round(r.latency.p50, 3),
      p90Ms: round(r.latency.p90, 3),
      p99Ms: round(r.latency.p99, 3),
      autocannonP99Ms: r.autocannonP99,
      requests: r.ok,
      non2xx: r.non2xx,
      errors: r.errors,
      durationS: r.durationS,
      peakRssMb: r.rssMb,
      serverCpuMsPerRequest: round(r.cpuMs, 3),
      ...(r.firstFailure ? { firstFailure: r.firstFailure } : {}),
    });
    report.set('createCase', brief(max));
    report.set('createCaseHalfRate', { rate: Math.floor(max.throughput / 2), ...brief(half) });
    report.set('fullIntake', brief(full));
    report.set('bareFastify', brief(bareMax));
    report.set('inProcessService', { perSecond: round(inProcess.perSecond, 0), p50Ms: round(inProcess.latency.p50, 3), p99Ms: round(inProcess.latency.p99, 3) });
    report.set('rawInsert', {
      autocommitPerSecond: round(raw.autocommit.perSecond, 0),
      transactionPerSecond: round(raw.transaction.perSecond, 0),
    });
    report.set('ratios', {
      createCaseOverBare: ratio(max.throughput, bareMax.throughput),
      createCaseOverRawInsertTx: ratio(max.throughput, raw.transaction.perSecond),
      createCaseOverRawInsertAutocommit: ratio(max.throughput, raw.autocommit.perSecond),
      httpOverInProcess: ratio(max.throughput, inProcess.perSecond),
      fullIntakeOverCreateCase: fullRatio,
    });
    report.set('targets', { throughput: target, p99Ms: TARGET_P99_MS, throughputMet: max.throughput >= target, p99Met: half.latency.p99 <= TARGET_P99_MS, fullIntakeRatio: TARGET_FULL_RATIO, fullIntakeRatioMet: fullRatio >= TARGET_FULL_RATIO });
    report.finish();
  } finally {
    await bs.dispose();
  }
}
