/**
 * Telemetry ingest, the same for HTTP and MQTT: each message is validated against its device's
 * type (a bad one is rejected with a reason and counted, never stopping the rest), then one
 * transaction stores the raw readings, moves the latest values, bumps the counters and runs the
 * rules; alarm follow-ups on cases happen after it commits. The worker ticks time-driven rules
 * (offline, waiting periods) and prunes raw readings past the retention in bounded batches.
 */
import { DomainError } from '@onegrid/domain/errors';
import { checkReading, REJECT_REASONS, type RejectReason, type Values } from '@onegrid/domain/perception/readings';
import { hasOffline, needsTicks } from '@onegrid/domain/perception/rules';
import type { Logger } from 'pino';
import type { Transaction } from 'kysely';
import type { DB, DeviceLatestRow, ReadingRow } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AlarmService } from './alarm-service.ts';
import type { Device, DeviceService } from './device-service.ts';
import { perceptionRepository as repo } from './perception-repository.ts';
import { applyRules, type EngineResult, isRetryable } from './rule-engine.ts';
import type { RuleService } from './rule-service.ts';

export type Source = 'http' | 'mqtt';

/** One message: its device code and body `{ at, values }`, or what made it unreadable. */
export type Incoming = { device: unknown; message: unknown } | { error: string };

export interface IngestResult {
  accepted: number;
  rejected: number;
  /** Accepted readings not newer than what a rule had already seen: stored, but they moved no rule. */
  late: number;
  errors: Array<{ index: number; reason: RejectReason; detail: string }>;
}

export interface TelemetryOptions {
  retentionMs: number;
  /** Device clocks drift: readings up to this far ahead of ours are taken. */
  maxFutureMs: number;
}

const MAX_ERRORS_SHOWN = 100;
const TICK_CHUNK = 500;

export class TelemetryService {
  private mqttStatus: (() => Record<string, unknown>) | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly devices: DeviceService,
    private readonly rules: RuleService,
    private readonly alarms: AlarmService,
    private readonly opts: TelemetryOptions,
    private readonly log: Pick<Logger, 'warn'>,
  ) {}

  get retentionMs(): number {
    return this.opts.retentionMs;
  }

  async ingest(districtId: string, source: Source, items: Incoming[]): Promise<IngestResult> {
    const now = this.clock.now();
    const codes = items.flatMap((i) => ('device' in i && typeof i.device === 'string' ? [i.device] : []));
    const devices = await this.devices.byCodes(districtId, codes);
    const counts = new Map<string, number>();
    const errors: IngestResult['errors'] = [];
    const accepted: Array<{ device: Device; at: number; values: Values }> = [];
    const window = { now, maxFutureMs: this.opts.maxFutureMs, maxAgeMs: this.opts.retentionMs };
    const reject = (index: number, reason: RejectReason, detail: string) => {
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
      if (errors.length < MAX_ERRORS_SHOWN) errors.push({ index, reason, detail });
    };
    for (const [index, item] of items.entries()) {
      if ('error' in item) {
        reject(index, 'malformed', item.error);
        continue;
      }
      const device = typeof item.device === 'string' ? devices.get(item.device) : undefined;
      if (!device) {
        if (typeof item.device !== 'string' || !item.device) reject(index, 'malformed', 'device: the device code is required');
        else reject(index, 'unknown_device', `no device ${item.device} in this district`);
        continue;
      }
      const c = checkReading(device.type, item.message, window);
      if (c.ok) accepted.push({ device, at: c.at, values: c.values });
      else reject(index, c.reason, c.detail);
    }
    if (accepted.length) counts.set('accepted', accepted.length);
    const rejected = items.length - accepted.length;
    if (!counts.size) return { accepted: 0, rejected: 0, late: 0, errors };

    const readings: ReadingRow[] = [];
    // One row per (device, measurement) in a statement: an upsert may not touch a row twice.
    const latest = new Map<string, DeviceLatestRow>();
    for (const a of accepted) {
      for (const [measurement, value] of Object.entries(a.values)) {
        readings.push({ device_id: a.device.id, measurement, at: a.at, value, received_at: now });
        const key = `${a.device.id}\u0000${measurement}`;
        const prev = latest.get(key);
        if (!prev || prev.at < a.at) latest.set(key, { device_id: a.device.id, measurement, value, at: a.at });
      }
    }
    const rules = await this.rules.active(districtId);
    const items2 = accepted.map((a) => ({ device: a.device, input: { kind: 'reading' as const, at: a.at, values: a.values } }));
    const result = await this.inTransaction(async (trx) => {
      await repo.insertReadings(trx, readings);
      // Key order, so concurrent batches lock latest-value rows in the same sequence (no deadlock).
      await repo.upsertLatest(trx, [...latest.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row));
      const r = await applyRules(trx, districtId, rules, items2, now);
      await repo.bumpCounters(trx, districtId, source, counts, now);
      return r;
    });
    await this.alarms.afterCommit(districtId, result.effects);
    return { accepted: accepted.length, rejected, late: result.lateItems, errors };
  }

  /** Moves every time-driven rule to `now` (offline, sustained and quiet periods); returns alarm changes. */
  async tick(): Promise<number> {
    const now = this.clock.now();
    let changes = 0;
    for (const districtId of await repo.districtsWithTickingRules(this.store.db)) {
      const rules = (await this.rules.active(districtId)).filter(needsTicks);
      for (const rule of rules) {
        let devices = await this.devices.ofType(districtId, rule.deviceType);
        // Without an offline condition only a waiting period can move a rule: tick just those devices.
        if (!hasOffline(rule.condition)) {
          const waiting = new Set(await repo.devicesInStatus(this.store.db, rule.id, ['pending', 'clearing']));
          devices = devices.filter((d) => waiting.has(d.id));
        }
        for (let i = 0; i < devices.length; i += TICK_CHUNK) {
          const items = devices.slice(i, i + TICK_CHUNK).map((device) => ({ device, input: { kind: 'tick' as const, now } }));
          const r = await this.inTransaction((trx) => applyRules(trx, districtId, [rule], items, now));
          changes += r.effects.length;
          await this.alarms.afterCommit(districtId, r.effects);
        }
      }
    }
    return changes;
  }

  /** Deletes raw readings past the retention, at most about `limit` per call. */
  prune(limit = 10_000): Promise<number> {
    return repo.pruneReadings(this.store.db, this.clock.now() - this.opts.retentionMs, limit);
  }

  async readings(districtId: string, code: string, measurement: string, since: number, limit: number) {
    const device = (await this.devices.byCodes(districtId, [code])).get(code);
    if (!device) throw new DomainError('NOT_FOUND', `device ${code} not found`);
    const rows = await repo.readings(this.store.db, device.id, measurement, since, limit);
    return rows.map((r) => ({ at: new Date(r.at).toISOString(), value: r.value }));
  }

  attachMqtt(status: () => Record<string, unknown>): void {
    this.mqttStatus = status;
  }

  async status(districtId: string) {
    const rows = await repo.counters(this.store.db, districtId);
    const sources: Record<string, { accepted: number; rejected: number; rejectedByReason: Record<string, number> }> = {};
    const byReason = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
    let accepted = 0;
    let rejected = 0;
    for (const r of rows) {
      const s = sources[r.source] ?? { accepted: 0, rejected: 0, rejectedByReason: {} };
      sources[r.source] = s;
      if (r.outcome === 'accepted') {
        s.accepted += r.count;
        accepted += r.count;
      } else {
        s.rejected += r.count;
        s.rejectedByReason[r.outcome] = r.count;
        byReason[r.outcome as RejectReason] = (byReason[r.outcome as RejectReason] ?? 0) + r.count;
        rejected += r.count;
      }
    }
    const states = await repo.statusCounts(this.store.db, districtId);
    return {
      accepted,
      rejected,
      rejectedByReason: byReason,
      sources,
      ruleStates: Object.fromEntries(states.map((s) => [s.status, s.n])),
      retentionDays: this.opts.retentionMs / 86_400_000,
      mqtt: this.mqttStatus?.() ?? { enabled: false },
    };
  }

  /** Runs one batch transaction, retrying when another process moved the same rule states. */
  private async inTransaction<T extends EngineResult>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.store.db.transaction().execute(fn);
      } catch (e) {
        if (!isRetryable(e) || attempt >= 5) throw e;
        this.log.warn({ attempt, err: e }, 'telemetry batch conflicted with another process; retrying');
      }
    }
  }
}
