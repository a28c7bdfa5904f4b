/**
 * Evaluation benchmark (issue 5): a month with 1,000,000 case events evaluated for every object.
 *
 *   npm run bench -- evaluation [--store sqlite|postgres] [--events 1000000] [--runs 5]
 *                               [--rebuild] [--file /tmp/onegrid-bench-eval.sqlite]
 *
 * The data set (lib/eval-dataset-worker.ts) is generated once and reused: a SQLite file, or the
 * PostgreSQL database onegrid_bench_eval; --rebuild makes it again. One run is what a bulletin
 * or a dashboard costs on a cold server: a fresh EvaluationService (so its closed-period cache
 * cannot answer) asked for the month's results of every object type in turn as a district-wide
 * user; the first type pays for reading and folding the month (and the previous one, for the
 * change figures), the others reuse that tally as the server would. After a warm-up run, --runs
 * runs are measured, with the process's peak RSS.
 *
 * Breakdown (separate passes, same data): historyOfPeriod (read the events of the month and the
 * earlier history of its cases) and tally (fold them into counts per object); scoring is the
 * rest. Baseline: the cheapest pass over the same rows, one `count(*) … group by action` over
 * the month's events; and, as the floor under reading, the month's rows fetched exactly as
 * evaluation selects them. Target: the whole evaluation ≤ 2 s.
 */
import fs from 'node:fs';
import { parsePeriod, previousPeriod } from '@onegrid/domain/evaluation/period';
import type { ObjectType } from '@onegrid/domain/evaluation/scheme';
import { sql } from 'kysely';
import { historyOfPeriod } from '../packages/server/src/modules/case/case-history.ts';
import { caseRepository } from '../packages/server/src/modules/case/case-repository.ts';
import { EvaluationService } from '../packages/server/src/modules/evaluation/evaluation-service.ts';
import { tally } from '../packages/server/src/modules/evaluation/tally.ts';
import { Args } from './lib/args.ts';
import { BENCH_PASSWORD, openBenchDistrict } from './lib/district.ts';
import { EVAL_DATASET_VERSION, EVAL_PERIOD, EVAL_PG_DATABASE, EVAL_SQLITE_FILE, type EvalDatasetMeta, generateEvalDataset, readEvalMeta } from './lib/eval-dataset.ts';
import { removeDataset } from './lib/dataset.ts';
import { type Latency, latencyOf, mb, ms, rate, ratio, Report, round, RssSampler } from './lib/report.ts';
import { openBenchStore, pgDatabaseExists, STORE_KINDS } from './lib/stores.ts';

const TARGET_MS = 2000;
const OBJECT_TYPES: readonly ObjectType[] = ['district', 'street', 'community', 'grid', 'department', 'post', 'person'];

const timed = async <T>(f: () => Promise<T> | T): Promise<[T, number]> => {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
};

/** p50 / p99 / min of a phase's runs, for the lines and the RESULT. */
const stat = (l: Latency, min: number) => ({ p50Ms: round(l.p50, 1), p99Ms: round(l.p99, 1), minMs: round(min, 1) });
const line = (l: Latency, min: number) => `p50 ${ms(l.p50)}  p99 ${ms(l.p99)}  min ${ms(min)}`;

export async function run(argv: string[]): Promise<void> {
  const a = new Args(argv);
  const kind = a.choice('store', STORE_KINDS, 'sqlite');
  const events = a.int('events', 1_000_000);
  const runs = a.int('runs', 5);
  const rebuild = a.flag('rebuild');
  const file = a.string('file', EVAL_SQLITE_FILE);
  a.done();

  const spec = { kind, sqliteFile: file, pgDatabase: EVAL_PG_DATABASE, events, period: EVAL_PERIOD, seed: 5 };
  const report = new Report('evaluation', { store: kind, period: EVAL_PERIOD, events, runs });

  // Reuse the data set when it is complete, of this generator's version and of this size.
  let meta: EvalDatasetMeta | null = null;
  const exists = kind === 'sqlite' ? fs.existsSync(file) : await pgDatabaseExists(EVAL_PG_DATABASE);
  if (exists && !rebuild) {
    try {
      const probe = await openBenchStore(kind, { persistent: { sqliteFile: file, pgDatabase: EVAL_PG_DATABASE } });
      meta = await readEvalMeta(probe.store);
      await probe.dispose();
      if (probe.migrated.length) report.line(`  note: migrations applied to the kept data set since it was generated: ${probe.migrated.join(', ')}`);
    } catch (e) {
      report.line(`  the data set cannot be opened with the current schema (${e instanceof Error ? e.message : String(e)}); rebuilding`);
      meta = null;
    }
    if (meta && (meta.version !== EVAL_DATASET_VERSION || meta.events !== events || meta.period !== EVAL_PERIOD)) {
      report.line(`  data set is version ${meta.version} with ${meta.events} events; rebuilding for version ${EVAL_DATASET_VERSION} with ${events}`);
      meta = null;
    }
  }
  if (!meta) {
    await removeDataset({ ...spec, cases: 0 });
    report.line(`  generating ${rate(events)} events of ${EVAL_PERIOD} (once; later runs reuse ${kind === 'sqlite' ? file : `database ${EVAL_PG_DATABASE}`})`);
    meta = await generateEvalDataset(spec);
    report.kv('data set generated', `${rate(meta.events)} events in ${meta.period} (${rate(meta.eventsTotal)} in all), ${rate(meta.cases)} cases in ${meta.generationSeconds} s`);
  } else {
    report.kv('data set reused', `${rate(meta.events)} events in ${meta.period}, ${rate(meta.cases)} cases, generated ${meta.generatedAt}`);
  }
  report.kv('cases begun in the previous month', `${rate(meta.casesFromPrevious)} (${round((meta.casesFromPrevious / meta.cases) * 100, 1)} %)`);

  const bs = await openBenchStore(kind, { persistent: { sqliteFile: file, pgDatabase: EVAL_PG_DATABASE } });
  try {
    report.kv('store', kind === 'sqlite' ? `${bs.where}, ${rate(fs.statSync(file).size / 1048576)} MB` : bs.where);
    const t = await openBenchDistrict(bs.store, bs.dataDir);
    const s = t.s;
    const { principal } = await s.auth.login('leader', BENCH_PASSWORD);
    if (!principal.districtWide) throw new Error('the demo leader is expected to be district-wide');
    const period = parsePeriod(EVAL_PERIOD);
    const idleRss = mb(process.memoryUsage.rss());

    // 1. The whole evaluation, every object type, on a cold service.
    const evaluateAll = async () => {
      const svc = new EvaluationService(s.store, s.clock, s.org, s.auth, s.cases, s.audit);
      const perType: number[] = [];
      const rows: number[] = [];
      for (const objectType of OBJECT_TYPES) {
        const [r, took] = await timed(() => svc.results(principal, { period: EVAL_PERIOD, objectType, limit: 50, offset: 0 }));
        perType.push(took);
        rows.push(r.total);
      }
      return { perType, rows };
    };
    const warm = await evaluateAll();
    report.kv('objects per type', OBJECT_TYPES.map((ty, i) => `${ty} ${warm.rows[i]}`).join(', '));
    const totals: number[] = [];
    const perType: number[][] = OBJECT_TYPES.map(() => []);
    const rss = new RssSampler().start(20);
    for (let i = 0; i < runs; i++) {
      const [r, took] = await timed(evaluateAll);
      totals.push(took);
      r.perType.forEach((x, k) => {
        perType[k]?.push(x);
      });
    }
    const peakRss = mb(rss.stop());
    const total = latencyOf(totals);
    const totalMin = Math.min(...totals);

    // 2. Breakdown: reading vs folding, as separate passes over the same month.
    const [dir, members] = await Promise.all([s.org.directory(t.districtId), s.auth.members(t.districtId)]);
    const reads: number[] = [];
    const folds: number[] = [];
    let historyCases = 0;
    let historyEvents = 0;
    for (let i = 0; i < runs; i++) {
      const [h, read] = await timed(() => historyOfPeriod(s.store, t.districtId, period.start, period.end));
      const [, fold] = await timed(() => tally(h, period.start, period.end, dir, members));
      reads.push(read);
      folds.push(fold);
      historyCases = h.length;
      historyEvents = h.reduce((n, c) => n + c.events.length, 0);
    }
    const read = latencyOf(reads);
    const fold = latencyOf(folds);
    // The previous month is read and folded too (for the change figures): small here, but real.
    const prev = previousPeriod(period);
    const [prevH, prevRead] = await timed(() => historyOfPeriod(s.store, t.districtId, prev.start, prev.end));
    const [, prevFold] = await timed(() => tally(prevH, prev.start, prev.end, dir, members));

    // 3. Baseline: the cheapest pass over the month's rows.
    const baselineTimes: number[] = [];
    let baselineRows = 0;
    for (let i = 0; i < runs + 1; i++) {
      const [r, took] = await timed(() =>
        sql<{ action: string; n: number | string }>`select action, count(*) as n from case_events where district_id = ${t.districtId} and at >= ${period.start} and at < ${period.end} group by action`.execute(
          s.store.db,
        ),
      );
      if (i > 0) baselineTimes.push(took);
      baselineRows = r.rows.reduce((n, x) => n + Number(x.n), 0);
    }
    const baseline = latencyOf(baselineTimes);
    // The floor under reading: the month's rows exactly as evaluation selects them, and nothing else.
    const fetchTimes: number[] = [];
    for (let i = 0; i < runs; i++) fetchTimes.push((await timed(() => caseRepository.eventsBetween(s.store.db, t.districtId, period.start, period.end)))[1]);
    const fetch = latencyOf(fetchTimes);
    const baselineMin = Math.min(...baselineTimes);
    const scoring = Math.max(0, total.p50 - read.p50 - fold.p50 - prevRead - prevFold);

    report.line('');
    report.line(`  evaluation of ${EVAL_PERIOD}, all ${OBJECT_TYPES.length} object types, fresh service per run (${runs} runs after 1 warm-up)`);
    report.kv('    total', `${line(total, totalMin)}  ${total.p50 <= TARGET_MS ? 'meets' : 'MISSES'} ≤ ${TARGET_MS} ms`);
    OBJECT_TYPES.forEach((ty, k) => {
      report.kv(`      ${ty}${k === 0 ? ' (reads and folds the month and the one before)' : ''}`, `p50 ${ms(latencyOf(perType[k] as number[]).p50)}`);
    });
    report.kv('    read: historyOfPeriod', `${line(read, Math.min(...reads))}  (${rate(historyCases)} cases, ${rate(historyEvents)} events incl. earlier history)`);
    report.kv('    fold: tally', `${line(fold, Math.min(...folds))}`);
    report.kv(`    previous month ${prev.label}: read + fold`, `${ms(prevRead)} + ${ms(prevFold)}  (${rate(prevH.length)} cases)`);
    report.kv('    scoring and the rest (total − the above, p50)', ms(scoring));
    report.kv('    peak RSS (idle before)', `${peakRss} MB (${idleRss} MB)`);
    report.kv('  baseline: count(*) group by action', `${line(baseline, baselineMin)}  (${rate(baselineRows)} rows)`);
    report.kv('  read floor: the month\'s rows as evaluation selects them', line(fetch, Math.min(...fetchTimes)));
    report.kv('  evaluation / baseline (p50)', `${ratio(total.p50, baseline.p50)}`);
    report.kv(`  target ≤ ${TARGET_MS} ms (p50)`, total.p50 <= TARGET_MS ? 'met' : 'MISSED');

    report.set('dataset', meta);
    report.set('objects', Object.fromEntries(OBJECT_TYPES.map((ty, i) => [ty, warm.rows[i]])));
    report.set('total', stat(total, totalMin));
    report.set('perTypeP50Ms', Object.fromEntries(OBJECT_TYPES.map((ty, k) => [ty, round(latencyOf(perType[k] as number[]).p50, 1)])));
    report.set('read', { ...stat(read, Math.min(...reads)), cases: historyCases, events: historyEvents });
    report.set('fold', stat(fold, Math.min(...folds)));
    report.set('previousMonth', { readMs: round(prevRead, 1), foldMs: round(prevFold, 1), cases: prevH.length });
    report.set('scoringP50Ms', round(scoring, 1));
    report.set('baseline', { ...stat(baseline, baselineMin), rows: baselineRows });
    report.set('rowFetch', stat(fetch, Math.min(...fetchTimes)));
    report.set('ratioP50', ratio(total.p50, baseline.p50));
    report.set('rss', { idleMb: idleRss, peakMb: peakRss });
    report.set('target', { ms: TARGET_MS, met: total.p50 <= TARGET_MS });
    report.finish();
  } finally {
    await bs.dispose();
  }
}
