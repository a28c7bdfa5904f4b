/**
 * Output of the benches: aligned plain-text lines for people, then one `RESULT {json}` line
 * that docs/performance.md is filled from. Also the small statistics both need.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface Latency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  samples: number;
}

/** Exact percentiles (nearest rank) of latencies in milliseconds. */
export function latencyOf(ms: ArrayLike<number>): Latency {
  const sorted = Float64Array.from(ms).sort();
  const n = sorted.length;
  if (n === 0) return { p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN, samples: 0 };
  const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] as number;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1] as number, mean: sum / n, samples: n };
}

/**
 * Peak resident set size of this process while a phase runs. process.resourceUsage().maxRSS
 * is a lifetime peak (it would include set-up such as data generation), so phases sample.
 */
export class RssSampler {
  private peak = 0;
  private timer: NodeJS.Timeout | null = null;

  start(intervalMs = 50): this {
    this.peak = process.memoryUsage.rss();
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, process.memoryUsage.rss());
    }, intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
    return this.peak;
  }
}

export const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
export const round = (n: number, digits = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);
export const rate = (n: number) => Math.round(n).toLocaleString('en-US');
export const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 2 : 1)} ms` : 'n/a');
export const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 3) : Number.NaN);

/**
 * Milliseconds for a fixed integer loop. The bench machine is shared: this and the load
 * average tell a slow run caused by a busy neighbour from a slow run caused by the code.
 */
export function cpuCalibrationMs(): number {
  const t0 = performance.now();
  let s = 0;
  for (let i = 0; i < 50_000_000; i++) s += i % 7;
  if (s < 0) throw new Error('unreachable');
  return Math.round(performance.now() - t0);
}

export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memGb: Math.round(os.totalmem() / 1073741824),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadavgAtStart: os.loadavg().map((l) => round(l, 2)),
    cpuCalibrationMs: cpuCalibrationMs(),
  };
}

/** The code measured: the commit, and how many files differ from it (the tree moves while others work). */
export function codeVersion(): { commit: string; changedFiles: number } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' });
    return { commit, changedFiles: status.split('\n').filter(Boolean).length };
  } catch {
    return { commit: 'unknown', changedFiles: -1 };
  }
}

/** Server CPU time (this process, all threads) per request over a phase: steadier than throughput on a shared machine. */
export class CpuMeter {
  private readonly start = process.cpuUsage();
  perRequestMs(requests: number): number {
    const u = process.cpuUsage(this.start);
    return requests > 0 ? (u.user + u.system) / 1000 / requests : Number.NaN;
  }
}

/** Collects lines as it goes (so a long run shows progress) and the RESULT object. */
export class Report {
  readonly result: Record<string, unknown>;

  constructor(bench: string, meta: Record<string, unknown>) {
    this.result = { bench, ...meta, machine: machine(), code: codeVersion(), at: new Date().toISOString() };
    this.line(`# ${bench}  ${Object.entries(meta)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join('  ')}`);
  }

  line(text: string): void {
    process.stdout.write(`${text}\n`);
  }

  /** One "label  value" line, labels padded so a column of figures lines up. */
  kv(label: string, value: string): void {
    this.line(`  ${label.padEnd(44)} ${value}`);
  }

  set(key: string, value: unknown): void {
    this.result[key] = value;
  }

  finish(): void {
    const m = this.result.machine as Record<string, unknown>;
    m.loadavgAtEnd = os.loadavg().map((l) => round(l, 2));
    const code = this.result.code as { commit: string; changedFiles: number };
    this.kv('code', `commit ${code.commit}${code.changedFiles > 0 ? ` + ${code.changedFiles} changed file(s) in the working tree` : ''}`);
    this.kv('machine', `${m.cpus} × ${m.cpu}, load ${JSON.stringify(m.loadavgAtStart)} → ${JSON.stringify(m.loadavgAtEnd)}, calibration loop ${m.cpuCalibrationMs} ms (≈70 on a quiet machine)`);
    this.line(`RESULT ${JSON.stringify(this.result)}`);
  }
}

/** "12,345/s  p50 1.23 ms  p99 4.56 ms" for one load phase. */
export function describeLoad(r: { throughput: number; latency: Latency; non2xx: number; errors: number; durationS: number; cpuMs?: number }): string {
  const bad = r.non2xx + r.errors > 0 ? `  (!) ${r.non2xx} non-2xx, ${r.errors} errors` : '';
  const cpu = r.cpuMs !== undefined ? `  server CPU ${r.cpuMs.toFixed(2)} ms/req` : '';
  return `${rate(r.throughput)}/s  p50 ${ms(r.latency.p50)}  p99 ${ms(r.latency.p99)}  over ${r.durationS.toFixed(1)} s${cpu}${bad}`;
}
