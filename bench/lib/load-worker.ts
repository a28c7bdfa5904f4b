/**
 * Child-process entry of the load generator (started by load.ts through fork): receives one
 * LoadOptions message, runs autocannon, sends one LoadResult back and exits.
 *
 * Latencies come from autocannon's per-response event rather than its histogram, whose
 * 1 ms resolution would round a 0.8 ms p50 to 0 or 1.
 */
import { createRequire } from 'node:module';
import type { LoadOptions, LoadResult, Scenario } from './load.ts';
import { latencyOf } from './report.ts';

/** The slice of autocannon's untyped API the benches use. */
interface AcRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AcRequest, context: object) => AcRequest;
  onResponse?: (status: number, body: string) => void;
}
interface AcResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  latency: { p99: number };
  statusCodeStats: Record<string, { count: number }>;
}
interface AcInstance {
  on(event: 'response', f: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
type Autocannon = (opts: Record<string, unknown>, done: (err: Error | null, result: AcResult) => void) => AcInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const CHANNELS = ['hotline', 'patrol', 'citizen', 'video', 'patrol', 'hotline'] as const;
const PROBLEMS = ['井盖破损缺失，存在安全隐患', '道路积水严重，影响通行', '占道经营，堵塞人行道', '垃圾满溢未及时清运', '路灯不亮', '违规张贴小广告'];

/** Requests whose content changes per request: autocannon calls setupRequest before each one. */
function requestsFor(s: Scenario, onFailure: (status: number, body: string) => void): AcRequest[] {
  const onResponse = (status: number, body: string) => {
    if (status >= 300) onFailure(status, body);
  };
  if (s.kind === 'create-case') {
    let i = 0;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${s.token}` };
    return [
      {
        method: 'POST',
        path: s.path ?? '/api/v1/cases',
        headers,
        onResponse,
        setupRequest: (req) => {
          const n = i++;
          const [lng, lat] = s.points[n % s.points.length] as [number, number];
          const category = s.categories[n % s.categories.length];
          const problem = PROBLEMS[n % PROBLEMS.length] as string;
          const full = s.full;
          if (full) {
            const channel = CHANNELS[n % CHANNELS.length];
            const description = full.texts[n % full.texts.length] as string;
            const address = full.addresses[n % full.addresses.length] as string;
            req.body = JSON.stringify(n % full.addressEvery === 0 ? { channel, description, address } : { channel, description, location: { lng, lat } });
            return req;
          }
          req.body = JSON.stringify({
            channel: CHANNELS[n % CHANNELS.length],
            description: `市民来电反映：${problem}，请相关部门尽快核实处理。来电编号 ${n}。`,
            location: { lng, lat },
            address: `重庆市江北区观音桥街道建新北路${(n % 300) + 1}号附近`,
            category,
            reporter: { name: '王先生', phone: `1380000${String(n % 10000).padStart(4, '0')}` },
          });
          return req;
        },
      },
    ];
  }
  if (s.kind === 'action') {
    let i = 0;
    const body = JSON.stringify(s.body);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${s.token}` };
    const prefix = s.path ?? '/api/v1/cases';
    return [
      {
        method: 'POST',
        headers,
        body,
        onResponse,
        setupRequest: (req) => {
          // Callers size `amount` to the ids they pass; wrapping would only produce 409s.
          const id = s.caseIds[i++ % s.caseIds.length];
          req.path = `${prefix}/${id}/actions/${s.action}`;
          return req;
        },
      },
    ];
  }
  let i = 0;
  return [
    {
      method: 'GET',
      onResponse,
      setupRequest: (req) => {
        const r = s.requests[i++ % s.requests.length] as { path: string; token: string };
        req.path = r.path;
        req.headers = { authorization: `Bearer ${r.token}` };
        return req;
      },
    },
  ];
}

function run(opts: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const times: number[] = [];
    let firstFailure: LoadResult['firstFailure'] = null;
    const requests = requestsFor(opts.scenario, (status, body) => {
      firstFailure ??= { status, body: body.slice(0, 500) };
    });
    const instance = autocannon(
      {
        url: opts.url,
        connections: opts.connections,
        ...(opts.amount ? { amount: opts.amount } : { duration: opts.durationS ?? 10 }),
        ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
        requests,
        timeout: 30,
      },
      (err, r) => {
        if (err) return reject(err);
        const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count]));
        resolve({
          ok: times.length,
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          durationS: r.duration,
          throughput: times.length / r.duration,
          latency: latencyOf(times),
          autocannonP99: r.latency.p99,
          statusCodes,
          firstFailure,
        });
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) times.push(ms);
    });
  });
}

process.once('message', (opts: LoadOptions) => {
  run(opts).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (e: unknown) => process.send?.({ error: e instanceof Error ? e.stack : String(e) }, () => process.exit(1)),
  );
});
