/**
 * The background loop: SLA timers, the outbox, webhook deliveries, time-driven alarm rules,
 * telemetry rollups and retention. Safe to run in several
 * processes against one PostgreSQL (row claims), and in one process on SQLite.
 */
import type { Logger } from 'pino';
import type { Services } from './services.ts';

export class Worker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly s: Services,
    private readonly log: Logger,
  ) {}

  /** One pass over every queue until each is drained (bounded); tests call this directly. */
  async tick(): Promise<{ timers: number; outbox: number; webhooks: number; alarms: number; rolledUp: number; pruned: number }> {
    const done = { timers: 0, outbox: 0, webhooks: 0, alarms: 0, rolledUp: 0, pruned: 0 };
    for (let i = 0; i < 20; i++) {
      const t = await this.s.timers.fireDue();
      const o = await this.s.outbox.processBatch();
      done.timers += t;
      done.outbox += o;
      if (t === 0 && o === 0) break;
    }
    done.webhooks = await this.s.webhooks.deliverDue();
    // Offline and waiting-period rules move with time alone; raw readings age out in bounded batches.
    done.alarms = await this.s.telemetry.tick();
    done.rolledUp = await this.s.rollups.compact();
    done.pruned = (await this.s.telemetry.prune()) + (await this.s.rollups.prune());
    return done;
  }

  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      this.running = this.tick()
        .then(() => undefined)
        .catch((err) => this.log.error({ err }, 'worker tick failed'));
      await this.running;
      if (!this.stopped) this.timer = setTimeout(loop, this.s.config.workerPollMs);
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
