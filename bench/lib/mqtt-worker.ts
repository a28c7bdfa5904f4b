/**
 * Child-process entry of the MQTT load (started by mqtt-load.ts): one PublishJob or CountJob
 * message in, one result out. Readings stay inside every rule's normal band, so the load moves
 * rule states but raises no alarm; values vary per message so nothing is deduplicated away.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { CountJob, CountResult, FleetDevice, PublishJob, PublishResult } from './mqtt-load.ts';

/** A few normal-band value sets per device type, pre-serialised: only the time changes per reading. */
const NORMAL: Record<string, string[]> = {
  water_level: [0.02, 0.05, 0.08, 0.11].map((l, i) => JSON.stringify({ currentLevel: l, precipitation: i * 2 })),
  manhole_cover: [1, 2, 3, 4].map((t) => JSON.stringify({ tiltAngle: t, open: false })),
  air_quality: [12, 25, 33, 41].map((p) => JSON.stringify({ pm25: p, pm10: p * 1.6 })),
  noise: [48, 52, 55, 58].map((d) => JSON.stringify({ LAeq: d })),
  waste_bin: [0.1, 0.3, 0.5, 0.6].map((f) => JSON.stringify({ fillingLevel: f })),
  street_light: [0, 1, 0, 1].map((p) => JSON.stringify({ powerState: p === 1 ? 'on' : 'off', status: 'ok' })),
  gas: [0, 1, 2, 3].map((c) => JSON.stringify({ ch4: c })),
};

function payloadOf(d: FleetDevice, n: number, perMessage: number): string {
  const sets = NORMAL[d.type] ?? NORMAL.noise ?? [];
  const now = Date.now();
  const one = (k: number) => `{"at":"${new Date(now - (perMessage - 1 - k)).toISOString()}","values":${sets[(n + k) % sets.length]}}`;
  if (perMessage === 1) return one(0);
  const parts: string[] = [];
  for (let k = 0; k < perMessage; k++) parts.push(one(k));
  return `[${parts.join(',')}]`;
}

async function runPublish(job: PublishJob): Promise<PublishResult> {
  const clients: MqttClient[] = [];
  for (let i = 0; i < job.clients; i++) clients.push(await mqtt.connectAsync(job.url, { protocolVersion: 5, clean: true, reconnectPeriod: 0 }));
  const topics = job.devices.map((d) => `${job.root}/${job.district}/${d.code}/telemetry`);
  const stats = { messages: 0, errors: 0 };
  const start = performance.now();
  const until = start + job.seconds * 1000;
  let next = 0;
  await Promise.all(
    clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          let inflight = 0;
          let sent = 0;
          let timer: NodeJS.Timeout | null = null;
          const perClientMs = job.rate > 0 ? job.rate / job.clients / 1000 : Infinity;
          const pump = () => {
            while (inflight < job.window && performance.now() < until) {
              // Offered load: no more than the schedule allows so far; wait for the next slot.
              if (sent >= (performance.now() - start) * perClientMs) {
                timer ??= setTimeout(() => {
                  timer = null;
                  pump();
                }, 1);
                return;
              }
              sent++;
              const i = next++ % topics.length;
              inflight++;
              c.publish(topics[i] as string, payloadOf(job.devices[i] as FleetDevice, next, job.perMessage), { qos: 1 }, (err) => {
                inflight--;
                if (err) stats.errors++;
                else stats.messages++;
                pump();
              });
            }
            if (performance.now() >= until && inflight === 0 && !timer) resolve();
          };
          pump();
        }),
    ),
  );
  const durationS = (performance.now() - start) / 1000;
  await Promise.all(clients.map((c) => c.endAsync()));
  return { messages: stats.messages, readings: stats.messages * job.perMessage, errors: stats.errors, durationS };
}

async function runCount(job: CountJob): Promise<CountResult> {
  const c = await mqtt.connectAsync(job.url, { protocolVersion: 5, clean: true, reconnectPeriod: 0, properties: { receiveMaximum: 65535 } });
  const r: CountResult = { messages: 0, firstAt: 0, lastAt: 0 };
  c.on('message', () => {
    const now = performance.now();
    if (r.messages++ === 0) r.firstAt = now;
    r.lastAt = now;
  });
  await c.subscribeAsync(job.filter, { qos: 1 });
  process.send?.({ ready: true });
  await new Promise<void>((resolve) => process.on('message', (m: { stop?: true }) => m.stop && resolve()));
  await c.endAsync(true);
  return r;
}

process.once('message', (job: PublishJob | CountJob) => {
  const work = job.role === 'publish' ? runPublish(job) : runCount(job);
  work.then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (e: unknown) => process.send?.({ error: e instanceof Error ? e.message : String(e) }, () => process.exit(1)),
  );
});
