/**
 * MQTT load for the telemetry bench, from a child process (bench/lib/mqtt-worker.ts) so that the
 * server's process keeps its event loop and RSS to itself. A publisher sends QoS 1 telemetry for
 * a fleet of devices as fast as the broker acknowledges (a window of unacknowledged messages per
 * client); a counter is a plain subscriber that counts what the broker delivers (the raw
 * publish→subscribe baseline).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface FleetDevice {
  code: string;
  type: string;
}

export interface PublishJob {
  role: 'publish';
  url: string;
  /** Topic of a device: `${root}/${district}/${code}/telemetry`. */
  root: string;
  district: string;
  devices: FleetDevice[];
  clients: number;
  /** Unacknowledged QoS 1 publishes per client. */
  window: number;
  /** Readings per message (a JSON array when > 1). */
  perMessage: number;
  seconds: number;
  /** Messages per second over all clients; 0: as fast as the broker acknowledges. */
  rate: number;
}

export interface CountJob {
  role: 'count';
  url: string;
  filter: string;
}

export interface PublishResult {
  messages: number;
  readings: number;
  errors: number;
  durationS: number;
}

export interface CountResult {
  messages: number;
  /** Messages counted between the first and the last one (the rate's window). */
  firstAt: number;
  lastAt: number;
}

const WORKER = fileURLToPath(new URL('./mqtt-worker.ts', import.meta.url));

function child(): ChildProcess {
  // execArgv carries --import tsx from `npm run bench`; say it explicitly for other launchers.
  const execArgv = process.execArgv.some((a) => a.includes('tsx')) ? process.execArgv : [...process.execArgv, '--import', 'tsx'];
  return fork(WORKER, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
}

function resultOf<T>(c: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    c.on('message', (m: { result?: T; error?: string; ready?: true }) => {
      if (m.ready) return;
      if (m.result) resolve(m.result);
      else reject(new Error(`${what}: ${m.error ?? 'no result'}`));
    });
    c.once('error', reject);
    c.once('exit', (code) => reject(new Error(`${what} exited with code ${code} before reporting`)));
  });
}

/** Runs publishers for job.seconds; resolves with what the broker acknowledged. */
export function publish(job: PublishJob): Promise<PublishResult> {
  const c = child();
  const r = resultOf<PublishResult>(c, 'mqtt publisher');
  c.send(job);
  return r;
}

/** A subscriber counting messages until stop() is called. */
export async function startCounter(job: CountJob): Promise<{ stop(): Promise<CountResult> }> {
  const c = child();
  const ready = new Promise<void>((resolve, reject) => {
    const on = (m: { ready?: true; error?: string }) => {
      if (m.ready) resolve();
      else if (m.error) reject(new Error(`mqtt counter: ${m.error}`));
    };
    c.on('message', on);
  });
  const r = resultOf<CountResult>(c, 'mqtt counter');
  c.send(job);
  await ready;
  return {
    stop: () => {
      c.send({ stop: true });
      return r;
    },
  };
}
