/**
 * Telemetry benchmark: MQTT → validation → rules → rollups, on the real services and store.
 *
 *   npm run bench -- telemetry [--store sqlite|postgres] [--seconds 60] [--raw-seconds 15]
 *                              [--devices 3000] [--clients 4] [--window 200] [--per-message 1] [--rate 0]
 *                              [--probes-per-minute 150] [--sample-seconds 2] [--mqtt-url mqtt://127.0.0.1:1883]
 *
 * The Jiangbei demo district plus `--devices` sensors of five types (water level, manhole cover,
 * air quality, noise, bins) under the demo's nine rules, and gas probes under an autoReport rule.
 * Phases: (1) baseline — the same messages published to a topic a plain subscriber counts (raw
 * Mosquitto publish→subscribe rate); (2) the server in this process (MQTT ingest with its bounded
 * queue, and the background worker folding rollups) while a child process publishes at QoS 1 as
 * fast as the broker acknowledges (or at `--rate` messages/s offered). Readings/s is what the server ingested (accepted) over the
 * load window, not what was published. Meanwhile a gas probe is pushed over its threshold every
 * few hundred ms and timed from publish to its alarm having a case (alarm-to-case latency), and
 * this process's RSS is sampled for the memory slope (`--seconds 600` for the 10-minute figure).
 * Issue targets: ≥ 20,000 readings/s; alarm-to-case p99 ≤ 1 s; memory flat.
 */
import mqtt from 'mqtt';
import pino from 'pino';
import { loadConfig } from '../packages/server/src/config.ts';
import { createServices, type Services } from '../packages/server/src/services.ts';
import { Worker } from '../packages/server/src/worker.ts';
import { Args } from './lib/args.ts';
import { placePoints, seedBenchDistrict } from './lib/district.ts';
import { type FleetDevice, publish, startCounter } from './lib/mqtt-load.ts';
import { latencyOf, mb, ms, rate, ratio, Report, round } from './lib/report.ts';
import { openBenchStore, STORE_KINDS } from './lib/stores.ts';

const TARGET_READINGS = 20_000;
const TARGET_P99_MS = 1000;
/** Memory counts as flat when the fitted slope after warm-up is under this. */
const FLAT_MB_PER_MIN = 2;
const TYPES = [
  { type: 'water_level', prefix: 'BW', share: 0.25 },
  { type: 'manhole_cover', prefix: 'BM', share: 0.35 },
  { type: 'air_quality', prefix: 'BA', share: 0.1 },
  { type: 'noise', prefix: 'BN', share: 0.1 },
  { type: 'waste_bin', prefix: 'BB', share: 0.2 },
] as const;

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    den += ((xs[i] as number) - mx) ** 2;
  }
  return den > 0 ? num / den : Number.NaN;
}

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

export async function run(argv: string[]): Promise<void> {
  const a = new Args(argv);
  const kind = a.choice('store', STORE_KINDS, 'sqlite');
  const seconds = a.int('seconds', 60);
  const rawSeconds = a.int('raw-seconds', Math.min(15, seconds));
  const deviceCount = a.int('devices', 3000);
  const clients = a.int('clients', 4);
  const window = a.int('window', 200);
  const perMessage = a.int('per-message', 1);
  const offered = a.int('rate', 0, 0);
  const probesPerMinute = a.int('probes-per-minute', 150);
  const sampleS = a.number('sample-seconds', 2);
  const url = a.string('mqtt-url', process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883');
  a.done();

  const report = new Report('telemetry', { store: kind, seconds, rawSeconds, devices: deviceCount, clients, window, perMessage, rate: offered || 'max', mqtt: url, loadGenerator: 'MQTT.js publishers in a child process (fork), QoS 1' });
  const bs = await openBenchStore(kind);
  let s: Services | null = null;
  let worker: Worker | null = null;
  try {
    const t = await seedBenchDistrict(bs.store, bs.dataDir);
    const district = (await t.s.org.districtById(t.districtId))?.code as string;
    const probeCount = Math.max(200, Math.ceil((seconds / 60) * probesPerMinute) + 20);
    const points = placePoints(t, deviceCount + probeCount, 7);
    const fleet: FleetDevice[] = [];
    const csv = ['code,type,name,lng,lat'];
    let p = 0;
    for (const ty of TYPES) {
      const n = Math.round(deviceCount * ty.share);
      for (let i = 1; i <= n; i++) {
        const pt = points[p++ % points.length] as { lng: number; lat: number };
        const code = `${ty.prefix}-${String(i).padStart(5, '0')}`;
        fleet.push({ code, type: ty.type });
        csv.push(`${code},${ty.type},bench ${code},${pt.lng},${pt.lat}`);
      }
    }
    const probes: string[] = [];
    for (let i = 1; i <= probeCount; i++) {
      const pt = points[p++ % points.length] as { lng: number; lat: number };
      probes.push(`GX-${String(i).padStart(5, '0')}`);
      csv.push(`GX-${String(i).padStart(5, '0')},gas,bench gas probe ${i},${pt.lng},${pt.lat}`);
    }
    await t.s.devices.importFile(t.districtId, csv.join('\n'));
    await t.s.rules.create(t.districtId, {
      code: 'BENCH-GAS',
      name: '燃气浓度超限 (bench)',
      deviceType: 'gas',
      condition: { kind: 'threshold', measurement: 'ch4', direction: 'above', raise: 25, clear: 10 },
      urgency: 'urgent',
      autoReport: true,
    });
    const rules = await t.s.rules.list(t.districtId);
    report.kv('store', bs.where);
    report.kv('district', `Jiangbei demo + ${fleet.length} bench sensors (${TYPES.map((x) => x.type).join(', ')}) + ${probeCount} gas probes; ${rules.length} rules`);

    // (1) Baseline: the same messages, a plain subscriber instead of the server.
    const counter = await startCounter({ role: 'count', url, filter: 'bench-raw/+/+/telemetry' });
    const pub = await publish({ role: 'publish', url, root: 'bench-raw', district, devices: fleet, clients, window, perMessage, seconds: rawSeconds, rate: offered });
    await sleep(1000);
    const counted = await counter.stop();
    const rawSpan = Math.max(0.001, (counted.lastAt - counted.firstAt) / 1000);
    const rawMsgs = counted.messages / rawSpan;
    report.kv('raw Mosquitto pub→sub (plain subscriber)', `${rate(rawMsgs)} msg/s = ${rate(rawMsgs * perMessage)} readings/s; published ${rate(pub.messages / pub.durationS)} msg/s, delivered ${rate(counted.messages)} of ${rate(pub.messages)}`);

    // (2) The server: MQTT ingest and the worker, as `onegrid start` runs them.
    const log = pino({ level: 'silent' });
    const config = loadConfig({ ONEGRID_DATA_DIR: bs.dataDir, MQTT_URL: url, LOG_LEVEL: 'silent' });
    s = await createServices(config, { store: bs.store, migrate: false, log });
    const mq = s.mqtt;
    if (!mq) throw new Error('MQTT ingest is off although MQTT_URL is set');
    await mq.start();
    worker = new Worker(s, log);
    worker.start();
    const gas = await s.devices.byCodes(t.districtId, probes);
    const stats = () => mq.status() as { received: number; ingested: number; rejected: number; queued: number; pauses: number; maxQueued: number; failedBatches: number };

    const samples: Array<{ t: number; rssMb: number; ingested: number; queued: number }> = [];
    const t0 = performance.now();
    const sample = () => {
      const st = stats();
      samples.push({ t: (performance.now() - t0) / 1000, rssMb: mb(process.memoryUsage.rss()), ingested: st.ingested, queued: st.queued });
    };
    sample();
    const sampler = setInterval(sample, sampleS * 1000);

    // Alarm-to-case probes: one at a time, each on a fresh gas device (a new case every time).
    const prober = await mqtt.connectAsync(url, { protocolVersion: 5, clean: true, reconnectPeriod: 0 });
    const latencies: number[] = [];
    let timeouts = 0;
    let probing = true;
    const probeLoop = (async () => {
      const gap = 60_000 / probesPerMinute;
      await sleep(Math.min(5000, (seconds * 1000) / 10));
      for (let i = 0; probing && i < probes.length; i++) {
        const started = performance.now();
        const device = gas.get(probes[i] as string);
        if (!device) throw new Error(`probe ${probes[i]} missing`);
        await prober.publishAsync(`onegrid/${district}/${device.code}/telemetry`, JSON.stringify({ at: new Date().toISOString(), values: { ch4: 60 } }), { qos: 1 });
        let done = false;
        while (!done && performance.now() - started < 15_000) {
          const row = await bs.store.db.selectFrom('alarms').select('case_id').where('device_id', '=', device.id).where('case_id', 'is not', null).executeTakeFirst();
          if (row) done = true;
          else await sleep(5);
        }
        if (done) latencies.push(performance.now() - started);
        else timeouts++;
        const wait = gap - (performance.now() - started);
        if (wait > 0) await sleep(wait);
      }
    })();

    const warm = Math.min(10, seconds / 6);
    const loadDone = publish({ role: 'publish', url, root: 'onegrid', district, devices: fleet, clients, window, perMessage, seconds, rate: offered });
    await sleep(warm * 1000);
    const w0 = { at: performance.now(), ...stats() };
    const load = await loadDone;
    const w1 = { at: performance.now(), ...stats() };
    // Rollup lag while the load was on: how far the folded position trails the clock.
    const cursor = await bs.store.db.selectFrom('rollup_cursors').select('position').where('name', '=', 'readings').executeTakeFirst();
    const lagS = cursor ? (Date.now() - Number(cursor.position)) / 1000 : Number.NaN;
    probing = false;
    await probeLoop;
    await prober.endAsync();
    // What was still queued drains; anything the broker dropped never arrives.
    const drainStart = performance.now();
    await sleep(500);
    await mq.idle();
    const drainS = (performance.now() - drainStart) / 1000;
    clearInterval(sampler);
    sample();
    const end = stats();

    const windowS = (w1.at - w0.at) / 1000;
    const readingsPerS = (w1.ingested - w0.ingested) / windowS;
    const messagesPerS = (w1.received - w0.received) / windowS;
    const lat = latencyOf(latencies);
    const after = samples.filter((x) => x.t >= warm);
    const rssSlope = slope(
      after.map((x) => x.t / 60),
      after.map((x) => x.rssMb),
    );
    const peakRss = Math.max(...samples.map((x) => x.rssMb));
    const thirds = [0, 1, 2].map((k) => {
      const from = warm + ((seconds - warm) * k) / 3;
      const to = warm + ((seconds - warm) * (k + 1)) / 3;
      const inside = samples.filter((x) => x.t >= from && x.t <= to);
      const first = inside[0];
      const last = inside[inside.length - 1];
      return first && last && last.t > first.t ? (last.ingested - first.ingested) / (last.t - first.t) : Number.NaN;
    });
    const rolled = await bs.store.db.selectFrom('reading_rollups').select((eb) => eb.fn.sum<number>('count').as('n')).where('bucket', '=', 'minute').executeTakeFirst();

    const verdict = (ok: boolean) => (ok ? 'meets' : 'MISSES');
    report.line('');
    report.kv('published (QoS 1, acknowledged by the broker)', `${rate(load.messages / load.durationS)} msg/s = ${rate(load.readings / load.durationS)} readings/s over ${load.durationS.toFixed(1)} s${load.errors ? `  (!) ${load.errors} errors` : ''}`);
    report.kv(`server ingest, after ${round(warm, 1)} s warm-up`, `${rate(readingsPerS)} readings/s (${rate(messagesPerS)} msg/s) over ${windowS.toFixed(1)} s`);
    report.kv('server ingest by third of the run', thirds.map((x) => `${rate(x)}/s`).join('  '));
    report.kv('received / ingested / rejected (whole run)', `${rate(end.received)} msg / ${rate(end.ingested)} / ${rate(end.rejected)} readings; broker dropped ${rate(Math.max(0, load.messages - end.received))} msg`);
    report.kv('ingest queue', `max ${rate(end.maxQueued)} queued, ${rate(end.pauses)} pauses (backpressure), ${end.failedBatches} failed batches; drained in ${drainS.toFixed(1)} s`);
    report.kv('rollup lag at the end of the load', `${round(lagS, 1)} s behind the clock (folding waits 10 s by design); ${rate(Number(rolled?.n ?? 0))} readings folded`);
    report.kv('alarm-to-case (publish → case linked)', `p50 ${ms(lat.p50)}  p99 ${ms(lat.p99)}  max ${ms(lat.max)}  over ${lat.samples} alarms${timeouts ? `, ${timeouts} timed out (15 s)` : ''}`);
    report.kv('server RSS start / peak / end', `${samples[0]?.rssMb} / ${peakRss} / ${samples[samples.length - 1]?.rssMb} MB; slope after warm-up ${round(rssSlope, 2)} MB/min`);
    report.kv('ratio server ingest / raw pub→sub (readings)', String(ratio(readingsPerS, rawMsgs * perMessage)));
    report.kv(`target ≥ ${rate(TARGET_READINGS)} readings/s`, `${verdict(readingsPerS >= TARGET_READINGS)} (${rate(readingsPerS)}/s)`);
    report.kv(`target alarm-to-case p99 ≤ ${TARGET_P99_MS} ms`, `${verdict(lat.p99 <= TARGET_P99_MS && timeouts === 0 && lat.samples >= 100)} (${ms(lat.p99)}, ${lat.samples} alarms)`);
    // Flat means not growing: a falling slope (the heap settling after the warm-up peak) passes.
    report.kv(`memory flat (growth < ${FLAT_MB_PER_MIN} MB/min)`, `${verdict(rssSlope < FLAT_MB_PER_MIN)} (${round(rssSlope, 2)} MB/min over ${round(seconds - warm, 0)} s${seconds < 600 ? '; the issue asks for 600 s' : ''})`);

    report.set('raw', { messagesPerS: round(rawMsgs, 0), readingsPerS: round(rawMsgs * perMessage, 0), published: pub.messages, delivered: counted.messages });
    report.set('published', { messages: load.messages, readings: load.readings, durationS: round(load.durationS, 2), errors: load.errors });
    report.set('ingest', { readingsPerS: round(readingsPerS, 0), messagesPerS: round(messagesPerS, 0), windowS: round(windowS, 1), byThird: thirds.map((x) => round(x, 0)), ...end, drainS: round(drainS, 1) });
    report.set('rollups', { lagS: round(lagS, 1), folded: Number(rolled?.n ?? 0) });
    report.set('alarmToCase', { p50Ms: round(lat.p50, 1), p90Ms: round(lat.p90, 1), p99Ms: round(lat.p99, 1), maxMs: round(lat.max, 1), samples: lat.samples, timeouts });
    report.set('rss', { startMb: samples[0]?.rssMb, peakMb: peakRss, endMb: samples[samples.length - 1]?.rssMb, slopeMbPerMin: round(rssSlope, 3), samples: samples.map((x) => [round(x.t, 1), x.rssMb]) });
    report.set('ratios', { ingestOverRaw: ratio(readingsPerS, rawMsgs * perMessage) });
    report.set('targets', {
      readingsPerS: TARGET_READINGS,
      readingsMet: readingsPerS >= TARGET_READINGS,
      p99Ms: TARGET_P99_MS,
      p99Met: lat.p99 <= TARGET_P99_MS && timeouts === 0 && lat.samples >= 100,
      flatMbPerMin: FLAT_MB_PER_MIN,
      flatMet: Math.abs(rssSlope) < FLAT_MB_PER_MIN,
    });
    report.finish();
  } finally {
    await worker?.stop();
    await s?.mqtt?.stop();
    await bs.dispose();
  }
}
