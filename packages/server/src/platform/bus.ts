/**
 * In-process event bus: processed outbox messages are published here for live views (SSE).
 * Delivery is at-least-once from the outbox; subscribers must tolerate repeats.
 */
import { EventEmitter } from 'node:events';

export interface BusMessage {
  id: string;
  districtId: string;
  topic: string;
  payload: Record<string, unknown>;
  at: number;
}

export class Bus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  publish(m: BusMessage): void {
    this.emitter.emit('message', m);
  }
  subscribe(fn: (m: BusMessage) => void): () => void {
    this.emitter.on('message', fn);
    return () => this.emitter.off('message', fn);
  }
}
