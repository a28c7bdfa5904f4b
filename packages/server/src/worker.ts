/**
 * The background loop: SLA timers, the outbox, supervision orders and escalations, webhook deliveries, time-driven alarm rules,
 * telemetry rollups and retention. Safe to run in several
 * processes against one PostgreSQL (row claims), and in one process on SQLite.
 */
import type { Logger } from 'pino';
import type { Services } from './services.ts';

export class Worker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private fastTimer: NodeJS.Timeout | null = null;
  private fastRunning: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly s: Services,
    private readonly log: Logger,
  ) {}

  /** One pass over every queue until each is drained (bounded); tests call this directly. */
  async tick(): Promise<{ timers: number; outbox: number; supervision: number; webhooks: number; alarms: number; rolledUp: number; pruned: number }> {
    const done = { timers: 0, outbox: 0, supervision: 0, webhooks: 0, alarms: 0, rolledUp: 0, pruned: 0 };
    for (let i = 0; i < 20; i++) {
      const t = await this.s.timers.fireDue();
      const o = await this.s.outbox.processBatch();
      // Supervision orders from case messages the outbox just copied, then due escalations.
      const v = await this.s.supervision.tick();
      done.timers += t;
      done.outbox += o;
      done.supervision += v;
      if (t === 0 && o === 0 && v === 0) break;
    }
    // Overdue work-report progress reports become supervision orders (throttled inside).
    done.supervision += await this.s.targets.tick();
    done.webhooks = await this.s.webhooks.deliverDue();
    // Offline and waiting-period rules move with time alone; raw readings age out in bounded batches.
    done.alarms = await this.s.telemetry.tick();
    done.rolledUp = await this.s.rollups.compact();
    done.pruned = (await this.s.telemetry.prune()) + (await this.s.rollups.prune());
    return done;
  }

  start(): void {
    // Live views wait on the outbox (SSE, cockpit rollups): it gets a short loop of its own, so a
    // case event reaches a screen well within a second without running every queue that often.
    const fast = async () => {
      if (this.stopped) return;
      this.fastRunning = this.s.outbox
        .processBatch()
        .then(() => undefined)
        .catch((err) => this.log.error({ err }, 'outbox pass failed'));
      await this.fastRunning;
      if (!this.stopped) this.fastTimer = setTimeout(fast, this.s.config.outboxPollMs);
    };
    this.fastTimer = setTimeout(fast, 0);
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
    if (this.fastTimer) clearTimeout(this.fastTimer);
    await Promise.all([this.running, this.fastRunning]);
  }
}
