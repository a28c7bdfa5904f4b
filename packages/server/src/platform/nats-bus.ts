/**
 * The bus over core NATS: every instance publishes processed outbox messages on
 * `<prefix>.<districtId>` and subscribes to `<prefix>.>`, its own messages included, so local
 * and remote subscribers see each message once per instance.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { BusMessage, BusTransport } from './bus.ts';

export class NatsBusTransport implements BusTransport {
  private nc: NatsConnection | null = null;

  constructor(
    private readonly url: string,
    private readonly onError: (e: unknown) => void,
    private readonly prefix = 'onegrid.bus',
  ) {}

  async start(deliver: (m: BusMessage) => void): Promise<void> {
    const nc = await connect({ servers: this.url, name: 'onegrid', maxReconnectAttempts: -1 });
    nc.subscribe(`${this.prefix}.>`, {
      callback: (err, msg) => {
        if (err) return this.onError(err);
        try {
          deliver(msg.json<BusMessage>());
        } catch (e) {
          this.onError(e);
        }
      },
    });
    // The subscription is registered at the server before anyone publishes through us.
    await nc.flush();
    this.nc = nc;
  }

  publish(m: BusMessage): void {
    if (!this.nc) throw new Error('NATS bus used before start()');
    this.nc.publish(`${this.prefix}.${m.districtId}`, JSON.stringify(m));
  }

  async close(): Promise<void> {
    const nc = this.nc;
    this.nc = null;
    if (nc && !nc.isClosed()) await nc.drain();
  }
}
