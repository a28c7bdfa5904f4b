/**
 * Minute and hour rollups (min/max/avg/count) for charts. The worker folds raw readings in by
 * arrival time behind one cursor row, a bounded batch per transaction; on PostgreSQL the cursor
 * row is locked (SKIP LOCKED), so several workers never fold a reading twice. Readings are folded
 * only once they arrived LAG_MS ago, so an ingest transaction still open at the cursor's edge is
 * not passed over. Sums are additive, so a late reading simply lands in its own (older) bucket.
 */
import { DomainError } from '@onegrid/domain/errors';
import type { Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import type { DeviceService } from './device-service.ts';
import { type Bucket, BUCKET_MS, rollupRepository as repo } from './rollup-repository.ts';

const CURSOR = 'readings';
export const LAG_MS = 10_000;

export interface RollupOptions {
  /** Readings folded per transaction. */
  batch: number;
  /** Minute buckets are kept this long; hour buckets stay for long-range charts. */
  minuteRetentionMs: number;
}

export class RollupService {
  private cursorReady: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly devices: DeviceService,
    private readonly opts: RollupOptions,
  ) {}

  /** Folds up to `maxBatches` batches of newly arrived readings; returns how many readings. */
  async compact(maxBatches = 10): Promise<number> {
    this.cursorReady ??= repo.ensureCursor(this.store.db, CURSOR).catch((e) => {
      this.cursorReady = null;
      throw e;
    });
    await this.cursorReady;
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const upTo = this.clock.now() - LAG_MS;
      const folded = await this.store.db.transaction().execute(async (trx) => {
        const c = await repo.cursor(trx, CURSOR, this.store.dialect === 'postgres');
        if (!c || upTo <= c.position) return null;
        const edge = await repo.batchEdge(trx, c.position, upTo, this.opts.batch);
        const minute = await repo.aggregate(trx, c.position, edge, 'minute');
        const hour = await repo.aggregate(trx, c.position, edge, 'hour');
        await repo.fold(trx, [...minute, ...hour]);
        await repo.moveCursor(trx, CURSOR, edge);
        return minute.reduce((n, r) => n + Number(r.count), 0);
      });
      if (folded === null) break;
      total += folded;
      if (folded < this.opts.batch) break;
    }
    return total;
  }

  /** Drops minute buckets past their retention, at most about `limit` per call. */
  prune(limit = 10_000): Promise<number> {
    return repo.prune(this.store.db, 'minute', this.clock.now() - this.opts.minuteRetentionMs, limit);
  }

  async series(districtId: string, code: string, measurement: string, bucket: Bucket, since: number, until: number, limit: number) {
    const device = (await this.devices.byCodes(districtId, [code])).get(code);
    if (!device) throw new DomainError('NOT_FOUND', `device ${code} not found`);
    const rows = await repo.series(this.store.db, device.id, measurement, bucket, since, until, limit);
    return rows.map((r) => ({
      start: new Date(r.start).toISOString(),
      end: new Date(r.start + BUCKET_MS[bucket]).toISOString(),
      min: r.min,
      max: r.max,
      avg: r.sum / r.count,
      count: Number(r.count),
    }));
  }
}
