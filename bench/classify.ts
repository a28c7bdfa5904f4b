/**
 * Classification benchmark (issue 3 §2, target ≥ 5,000 descriptions/s on one core): jieba
 * tokenisation + model prediction over the held-out descriptions of the shipped corpus, repeated,
 * against a baseline of tokenisation alone in the same process (the share the model adds).
 * Also the base model's cold start: read corpus → tokenise → train (must stay under 2 s).
 *
 * Options: --repeat 20 (passes over the held-out set per phase)
 */
import { evaluate, predict, splitHeldOut } from '../packages/domain/src/text/classifier.ts';
import { loadCorpus, shippedDescriptions, toExample, trainAndMeasure } from '../packages/server/src/modules/intake/classifier-service.ts';
import { tokenize } from '../packages/server/src/modules/intake/tokenizer.ts';
import { Args } from './lib/args.ts';
import { type Latency, latencyOf, mb, ms, rate, ratio, Report, RssSampler, round } from './lib/report.ts';

interface Phase {
  perSecond: number;
  latency: Latency;
  peakRssMb: number;
}

/** Runs `fn` over every text `repeat` times after one untimed pass; latency per description. */
function phase(texts: string[], repeat: number, fn: (text: string) => number): Phase {
  let sink = 0;
  for (const t of texts) sink += fn(t);
  const rss = new RssSampler().start();
  const each = new Float64Array(texts.length * repeat);
  let k = 0;
  const start = performance.now();
  for (let r = 0; r < repeat; r++) {
    for (const t of texts) {
      const s = performance.now();
      sink += fn(t);
      each[k++] = performance.now() - s;
    }
  }
  const total = performance.now() - start;
  const peak = rss.stop();
  if (sink < 0) throw new Error('unreachable');
  return { perSecond: (k / total) * 1000, latency: latencyOf(each), peakRssMb: mb(peak) };
}

const us = (msValue: number) => `${(msValue * 1000).toFixed(1)} µs`;

export async function run(argv: string[]): Promise<void> {
  const args = new Args(argv);
  const repeat = args.int('repeat', 20);
  args.done();
  const report = new Report('classify', { repeat });

  // Cold start, as the first suggestion of a fresh process pays it.
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const lines = loadCorpus();
  const corpus = lines.map((l) => toExample(l.text, l.kind, l.code));
  const t1 = performance.now();
  const trained = trainAndMeasure(corpus, [], shippedDescriptions());
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const h = trained.metrics.heldOut;
  report.kv('corpus', `${corpus.length} lines, ${trained.metrics.labels} categories, ${trained.metrics.features} features`);
  report.kv(
    'base model cold start (read, tokenise, train)',
    `${ms(t2 - t0)} wall (tokenise ${ms(t1 - t0)}, train ${ms(t2 - t1)}), ${ms((cpu.user + cpu.system) / 1000)} CPU`,
  );
  report.kv('held-out accuracy', `top-1 ${(h.top1 * 100).toFixed(1)} %, top-3 ${(h.top3 * 100).toFixed(1)} % (n=${h.n}), ECE ${h.ece}`);
  report.kv('model JSON', `${round(JSON.stringify(trained.model).length / 1024, 0)} kB`);

  const heldOut = splitHeldOut(lines).heldOut.map((l) => l.text);
  const model = trained.model;
  // Same model, same texts: the check that the timed path is the evaluated one.
  const ev = evaluate(
    model,
    splitHeldOut(corpus).heldOut.map((e) => ({ ...e, tokens: tokenize(e.text) })),
  );
  if (Math.abs(ev.top1 - h.top1) > 1e-3) throw new Error(`held-out top-1 ${ev.top1} differs from the trained model's ${h.top1}`);

  const base = phase(heldOut, repeat, (t) => tokenize(t).length);
  report.kv(
    'baseline: tokenise only',
    `${rate(base.perSecond)} descriptions/s  p50 ${us(base.latency.p50)}  p99 ${us(base.latency.p99)}  peak RSS ${base.peakRssMb} MB`,
  );
  const full = phase(heldOut, repeat, (t) => predict(model, tokenize(t), t, 3).length);
  report.kv(
    'tokenise + predict top-3',
    `${rate(full.perSecond)} descriptions/s  p50 ${us(full.latency.p50)}  p99 ${us(full.latency.p99)}  peak RSS ${full.peakRssMb} MB`,
  );
  const r = ratio(full.perSecond, base.perSecond);
  report.kv('ratio (classify / tokenise only)', `${r}  (target ≥ 5,000 descriptions/s: ${full.perSecond >= 5000 ? 'met' : 'NOT met'})`);
  report.kv('process peak RSS', `${mb(process.resourceUsage().maxRSS * 1024)} MB`);

  report.set('coldStartMs', round(t2 - t0, 1));
  report.set('coldStartCpuMs', round((cpu.user + cpu.system) / 1000, 1));
  report.set('trainMs', round(t2 - t1, 1));
  report.set('heldOut', h);
  report.set('descriptions', heldOut.length * repeat);
  report.set('tokenizeOnly', { perSecond: round(base.perSecond, 0), p50Ms: base.latency.p50, p99Ms: base.latency.p99, peakRssMb: base.peakRssMb });
  report.set('classify', { perSecond: round(full.perSecond, 0), p50Ms: full.latency.p50, p99Ms: full.latency.p99, peakRssMb: full.peakRssMb });
  report.set('ratio', r);
  report.finish();
}
