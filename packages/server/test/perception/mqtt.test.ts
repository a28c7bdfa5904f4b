/**
 * MQTT end to end through a real broker (Mosquitto at MQTT_URL_TEST, default
 * mqtt://127.0.0.1:1883): devices publish on onegrid/<district>/<device>/telemetry, the ingest
 * validates, counts and runs the rules; a burst larger than the queue is taken with
 * backpressure (the queue never grows past its capacity) and nothing is lost.
 * In CI (CI=true) an unreachable broker fails this suite; elsewhere it is skipped with a note.
 */
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MqttIngest, topicOf } from '../../src/modules/perception/mqtt-ingest.ts';
import type { TestDistrict } from '../support/district.ts';
import type { Api } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { brokerUp } from '../support/broker.ts';
import { useDistrict } from '../support/suite.ts';
import { at, fleet } from './fixtures.ts';

const URL_TEST = process.env.MQTT_URL_TEST ?? 'mqtt://127.0.0.1:1883';

const up = await brokerUp('MQTT', URL_TEST, 1883, 'MQTT_URL_TEST');

describe.runIf(up).each(STORES)('MQTT ingest through the broker on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  let ingest: MqttIngest;
  let device: MqttClient;
  const CAPACITY = 20;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });
  beforeAll(async () => {
    await fleet(t, a);
    // A group of its own: parallel suites on the same broker must not take each other's messages.
    ingest = new MqttIngest(t.s.telemetry, t.s.org, pino({ level: 'silent' }), { url: URL_TEST, capacity: CAPACITY, batchSize: 10, group: `test-${randomBytes(4).toString('hex')}`, connections: 2, lanes: 2 });
    t.s.telemetry.attachMqtt(() => ingest.status());
    await ingest.start();
    device = await mqtt.connectAsync(URL_TEST, { protocolVersion: 5 });
  });
  afterAll(async () => {
    await device?.endAsync();
    await ingest?.stop();
  });

  /** Waits until the ingest has processed `n` messages in all. */
  async function processed(n: number): Promise<Record<string, unknown>> {
    for (let i = 0; i < 300; i++) {
      await ingest.idle();
      const st = ingest.status() as { ingested: number; rejected: number; unknownDistrict: number };
      if (st.ingested + st.rejected + st.unknownDistrict >= n) return st;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`the ingest did not process ${n} messages: ${JSON.stringify(ingest.status())}`);
  }

  it('readings published by devices are validated, counted and raise alarms; bad ones are counted and skipped', async () => {
    const pub = (code: string, payload: string) => device.publishAsync(topicOf(t.code, code), payload, { qos: 1 });
    await pub('WL-1', JSON.stringify({ at: at(t), values: { currentLevel: 0.1 } }));
    await pub('WL-1', 'this is not json');
    await pub('NOPE', JSON.stringify({ at: at(t), values: { currentLevel: 0.1 } }));
    await pub('WL-1', JSON.stringify({ at: at(t, 0.1), values: { currentLevel: { value: 3, unit: 'ft' } } }));
    // One message may carry several readings of its device.
    await pub('WL-1', JSON.stringify([{ at: at(t, 0.2), values: { currentLevel: 0.45 } }, { at: at(t, 0.3), values: { currentLevel: 0.5 } }]));
    await device.publishAsync(topicOf('NO-SUCH-DISTRICT', 'WL-1'), JSON.stringify({ values: { currentLevel: 1 } }), { qos: 1 });
    const st = await processed(7);
    expect(st).toMatchObject({ ingested: 3, rejected: 3, unknownDistrict: 1, connected: true });

    const admin = await a.as('admin');
    const status = (await admin.get('/api/v1/telemetry/status')).body;
    expect(status.sources.mqtt).toEqual({ accepted: 3, rejected: 3, rejectedByReason: { malformed: 1, unknown_device: 1, wrong_unit: 1 } });
    expect(status.mqtt).toMatchObject({ enabled: true, connected: true });
    const alarms = (await admin.get('/api/v1/perception/alarms')).body.items as Array<{ device: { code: string }; rule: { code: string }; raisedValues: Record<string, number> }>;
    expect(alarms.map((x) => `${x.device.code}:${x.rule.code}:${x.raisedValues.currentLevel}`)).toEqual(['WL-1:wl-high:0.45']);
  });

  it('a burst far larger than the queue is taken with backpressure: bounded memory, nothing lost', async () => {
    const before = ingest.status() as { ingested: number; rejected: number; unknownDistrict: number };
    const N = 400;
    const base = t.clock.now() + 60_000;
    await Promise.all(
      Array.from({ length: N }, (_, i) =>
        device.publishAsync(topicOf(t.code, 'WL-2'), JSON.stringify({ at: new Date(base + i * 100).toISOString(), values: { currentLevel: 0.1 } }), { qos: 1 }),
      ),
    );
    const st = (await processed(before.ingested + before.rejected + before.unknownDistrict + N)) as { ingested: number; maxQueued: number; pauses: number; queued: number };
    expect(st.ingested - before.ingested).toBe(N);
    // Bounded: each of the 2 connections may hand over the one message it is holding back.
    expect(st.maxQueued).toBeLessThanOrEqual(CAPACITY + 1);
    expect(st.pauses).toBeGreaterThan(0);
    expect(st.queued).toBe(0);
    const wl2 = ((await (await a.as('admin')).get('/api/v1/perception/devices?type=water_level')).body.items as Array<{ code: string; latest: Record<string, { at: string }> }>).find((d) => d.code === 'WL-2');
    expect(wl2?.latest.currentLevel?.at).toBe(new Date(base + (N - 1) * 100).toISOString());
  });
});
