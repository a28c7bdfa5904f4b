/**
 * HTTP load from autocannon in a child process (bench/lib/load-worker.ts), never in the
 * server's process: the server keeps its event loop and its RSS to itself, and the two share
 * only the machine's cores, as a real client and server on one host would.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Latency } from './report.ts';

/** What each request carries; the worker turns it into autocannon `requests`. */
export type Scenario =
  | {
      kind: 'create-case';
      token: string;
      /** [lng, lat] pairs, each used once (the worker wraps around only if it runs out). */
      points: Array<[number, number]>;
      categories: Array<{ kind: string; code: string }>;
      path?: string;
      /**
       * Full intake: no category (the classifier picks one) and realistic description texts; every
       * `addressEvery`-th report carries only an address (the gazetteer places it).
       */
      full?: { texts: string[]; addresses: string[]; addressEvery: number };
    }
  | {
      kind: 'action';
      token: string;
      caseIds: string[];
      action: string;
      body: Record<string, unknown>;
      /** A path prefix other than /api/v1/cases (for the bare baseline it is the same). */
      path?: string;
    }
  | {
      kind: 'get';
      /** Cycled in order: one entry per request. */
      requests: Array<{ path: string; token: string }>;
    };

export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds to run; ignored when `amount` is given. */
  durationS?: number;
  /** Total requests to send, then stop. */
  amount?: number;
  /** Requests per second over all connections (autocannon `overallRate`). */
  overallRate?: number;
  scenario: Scenario;
}

export interface LoadResult {
  /** 2xx responses. */
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  /** 2xx responses per second. */
  throughput: number;
  /** Exact percentiles of the 2xx response times, from every response (0.001 ms resolution). */
  latency: Latency;
  /** autocannon's own p99: 1 ms resolution, corrected for coordinated omission when rate-limited. */
  autocannonP99: number;
  statusCodes: Record<string, number>;
  /** The first non-2xx response, to say why. */
  firstFailure: { status: number; body: string } | null;
}

const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // execArgv carries --import tsx from `npm run bench`; say it explicitly for other launchers.
    const execArgv = process.execArgv.some((a) => a.includes('tsx')) ? process.execArgv : [...process.execArgv, '--import', 'tsx'];
    const child = fork(WORKER, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    let settled = false;
    child.once('message', (m: { result?: LoadResult; error?: string }) => {
      settled = true;
      if (m.result) resolve(m.result);
      else reject(new Error(`load generator: ${m.error ?? 'no result'}`));
    });
    child.once('error', (e) => {
      if (!settled) reject(e);
      settled = true;
    });
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`load generator exited with code ${code} before reporting`));
      settled = true;
    });
    child.send(opts);
  });
}
