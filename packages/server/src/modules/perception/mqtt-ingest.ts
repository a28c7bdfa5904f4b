/**
 * MQTT 5 ingest (on when MQTT_URL is set). Devices publish `{ at, values }` (or an array of them)
 * to `onegrid/<district code>/<device code>/telemetry`; the server subscribes through a shared
 * subscription, so several instances split the stream instead of each taking all of it.
 *
 * Messages wait in a bounded queue drained in batches by one pump. When the queue is full the
 * MQTT.js `handleMessage` callback is held back: the client then reads no further packets, TCP
 * fills, and the broker holds or queues the rest — backpressure instead of unbounded memory. A
 * bad message is counted and skipped; a failing batch is logged and the stream goes on.
 */
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { OrgService } from '../org/org-service.ts';
import type { Incoming, TelemetryService } from './telemetry-service.ts';

export const TOPIC_FILTER = 'onegrid/+/+/telemetry';
const LINGER_MS = 5;
export const topicOf = (districtCode: string, deviceCode: string) => `onegrid/${districtCode}/${deviceCode}/telemetry`;

export interface MqttIngestOptions {
  url: string;
  /** Messages held in memory at most (plus one per connection); beyond it the broker is made to wait. */
  capacity: number;
  batchSize: number;
  /** Shared-subscription group: instances in one group split the messages between them. */
  group: string;
  /**
   * Connections in the group from this process (default 1). The broker holds only so many
   * messages per connection (Mosquitto: max_queued_messages, 1000) and drops the rest while the
   * process is busy writing a batch; more connections hold more.
   */
  connections?: number;
  /**
   * Transactions run side by side (default 1), each over its own devices: a device's messages
   * always go to the same lane, in order. Worth more than one only where the store runs
   * transactions in parallel (PostgreSQL); then the process works while the database does.
   */
  lanes?: number;
}

/** Splits a batch into `lanes` parts by the topic's device (FNV-1a hash), keeping each part in order. */
export function laneSplit<T extends { topic: string }>(batch: T[], lanes: number): T[][] {
  if (lanes <= 1) return [batch];
  const parts: T[][] = Array.from({ length: lanes }, () => []);
  for (const m of batch) {
    let h = 0x811c9dc5;
    for (let i = 0; i < m.topic.length; i++) h = Math.imul(h ^ m.topic.charCodeAt(i), 0x01000193);
    parts[(h >>> 0) % lanes]?.push(m);
  }
  return parts.filter((p) => p.length > 0);
}

export class MqttIngest {
  private clients: MqttClient[] = [];
  private queue: Array<{ topic: string; payload: Buffer }> = [];
  private held: Array<() => void> = [];
  private pumping: Promise<void> | null = null;
  private readonly districts = new Map<string, Promise<string | null>>();
  private readonly stats = { received: 0, ingested: 0, rejected: 0, unknownDistrict: 0, badTopic: 0, pauses: 0, maxQueued: 0, failedBatches: 0 };

  constructor(
    private readonly telemetry: TelemetryService,
    private readonly org: OrgService,
    private readonly log: Pick<Logger, 'info' | 'warn' | 'error'>,
    private readonly opts: MqttIngestOptions,
  ) {}

  /** Connects and subscribes; resolves once the subscription is in place. */
  async start(): Promise<void> {
    for (let i = 0; i < Math.max(1, this.opts.connections ?? 1); i++) {
      const client = await mqtt.connectAsync(this.opts.url, {
        protocolVersion: 5,
        clean: true,
        reconnectPeriod: 2000,
        connectTimeout: 5000,
        // At most this many unacknowledged QoS 1 messages in flight from the broker to us.
        properties: { receiveMaximum: Math.max(1, Math.min(this.opts.batchSize, 65535)) },
      });
      this.clients.push(client);
      client.handleMessage = (packet: IPublishPacket, done) => this.receive(packet, done);
      client.on('error', (err) => this.log.warn({ err }, 'mqtt client error'));
      client.on('reconnect', () => this.log.info('mqtt reconnecting'));
      await client.subscribeAsync(`$share/${this.opts.group}/${TOPIC_FILTER}`, { qos: 1 });
    }
    this.log.info({ url: this.opts.url, topic: TOPIC_FILTER, connections: this.clients.length }, 'mqtt telemetry ingest subscribed');
  }

  async stop(): Promise<void> {
    const cs = this.clients.splice(0);
    for (const release of this.held.splice(0)) release();
    await Promise.all(cs.map((c) => c.endAsync(true)));
    await this.pumping;
  }

  /** Resolves when every received message has been processed (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pumping || this.queue.length) await (this.pumping ?? new Promise((r) => setTimeout(r, 10)));
  }

  status(): Record<string, unknown> {
    return {
      enabled: true,
      connected: this.clients.length > 0 && this.clients.every((c) => c.connected),
      topic: TOPIC_FILTER,
      queued: this.queue.length,
      capacity: this.opts.capacity,
      ...this.stats,
    };
  }

  private receive(packet: IPublishPacket, done: () => void): void {
    this.stats.received++;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    this.queue.push({ topic: packet.topic, payload });
    this.stats.maxQueued = Math.max(this.stats.maxQueued, this.queue.length);
    if (this.queue.length >= this.opts.capacity) {
      this.stats.pauses++;
      this.held.push(done);
    } else {
      done();
    }
    this.pumping ??= this.pump().finally(() => {
      this.pumping = null;
    });
  }

  private async pump(): Promise<void> {
    while (this.queue.length) {
      // Let a batch fill for up to LINGER_MS (timers let the socket be read): under load a few
      // large transactions cost far less than many small ones; when quiet it adds only the wait.
      const since = performance.now();
      const lanes = Math.max(1, this.opts.lanes ?? 1);
      const size = this.opts.batchSize * lanes;
      while (this.queue.length < size && this.clients.length && performance.now() - since < LINGER_MS) await new Promise((r) => setTimeout(r, 1));
      const batch = this.queue.splice(0, size);
      // Resume reading once half the room is back, not at the first free slot (no stutter).
      if (this.queue.length < this.opts.capacity / 2) for (const release of this.held.splice(0)) release();
      await Promise.all(
        laneSplit(batch, lanes).map(async (part) => {
          try {
            await this.process(part);
          } catch (err) {
            this.stats.failedBatches++;
            this.log.error({ err, messages: part.length }, 'mqtt telemetry batch failed; continuing with the next');
          }
        }),
      );
    }
  }

  private async process(batch: Array<{ topic: string; payload: Buffer }>): Promise<void> {
    const byDistrict = new Map<string, Incoming[]>();
    for (const m of batch) {
      const parts = m.topic.split('/');
      const [root, district, device, leaf] = parts;
      if (parts.length !== 4 || root !== 'onegrid' || leaf !== 'telemetry' || !district || !device) {
        this.stats.badTopic++;
        continue;
      }
      const list = byDistrict.get(district) ?? [];
      byDistrict.set(district, list);
      let body: unknown;
      try {
        body = JSON.parse(m.payload.toString('utf8'));
      } catch {
        list.push({ error: 'the payload is not JSON' });
        continue;
      }
      for (const message of Array.isArray(body) ? body : [body]) list.push({ device, message });
    }
    for (const [code, items] of byDistrict) {
      const districtId = await this.districtId(code);
      if (!districtId) {
        this.stats.unknownDistrict += items.length;
        continue;
      }
      const r = await this.telemetry.ingest(districtId, 'mqtt', items);
      this.stats.ingested += r.accepted;
      this.stats.rejected += r.rejected;
    }
  }

  private districtId(code: string): Promise<string | null> {
    let p = this.districts.get(code);
    if (!p) {
      p = this.org.districtByCode(code).then((d) => d?.id ?? null);
      this.districts.set(code, p);
      // An unknown code is asked again later: the district may be created meanwhile.
      p.then((id) => id ?? this.districts.delete(code)).catch(() => this.districts.delete(code));
    }
    return p;
  }
}
