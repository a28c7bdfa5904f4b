/**
 * Event bus for live views (SSE): processed outbox messages are published here. In one process
 * the bus is an EventEmitter; with NATS_URL every instance's bus is joined through NATS, so a
 * browser connected to any API instance sees what the worker in any other instance processed.
 * Delivery is at-least-once from the outbox, at-most-once over NATS; subscribers tolerate repeats
 * and a live view reloads what it missed from the API.
 */
import { EventEmitter } from 'node:events';

export interface BusMessage {
  id: string;
  districtId: string;
  topic: string;
  payload: Record<string, unknown>;
  at: number;
}

/** Carries messages between processes; `deliver` hands what arrives to the local subscribers. */
export interface BusTransport {
  publish(m: BusMessage): void;
  start(deliver: (m: BusMessage) => void): Promise<void>;
  close(): Promise<void>;
}

export class Bus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private transport: BusTransport | null = null;

  /** Joins the bus to other processes; from then on local publishes travel through the transport too. */
  async join(t: BusTransport): Promise<void> {
    await t.start((m) => this.emitter.emit('message', m));
    this.transport = t;
  }

  publish(m: BusMessage): void {
    if (this.transport) this.transport.publish(m);
    else this.emitter.emit('message', m);
  }

  subscribe(fn: (m: BusMessage) => void): () => void {
    this.emitter.on('message', fn);
    return () => this.emitter.off('message', fn);
  }

  async close(): Promise<void> {
    await this.transport?.close();
    this.transport = null;
  }
}
