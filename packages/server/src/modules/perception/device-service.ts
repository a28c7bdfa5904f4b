/**
 * Devices (感知设备): imported all or nothing from CSV/GeoJSON, each bound to a point inside the
 * district, optionally to the GB/T component it watches and to the unit that owns it. Ingest looks
 * devices up by code through a per-district cache that a miss refreshes (at most every few seconds,
 * so a stream of unknown codes cannot hammer the database).
 */
import { DomainError } from '@onegrid/domain/errors';
import type { DeviceTypeCode } from '@onegrid/domain/perception/device-types';
import type { Condition } from '@onegrid/domain/perception/rules';
import type { DeviceRow } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { Principal } from '../../platform/principal.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { OrgService } from '../org/org-service.ts';
import type { TaxonomyService } from '../taxonomy/taxonomy-service.ts';
import { type DeviceProblem, parseDeviceFile } from './device-file.ts';
import { perceptionRepository as repo } from './perception-repository.ts';

const REFRESH_MS = 5_000;
/** A device of a type without an offline rule counts as offline after an hour of silence. */
export const OFFLINE_AFTER_MS = 60 * 60_000;

export const DEVICE_STATES = ['online', 'offline', 'alarm'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

/** The shortest silence an offline condition (alone or inside an AND) alarms on. */
function offlineMinutes(c: Condition): number | null {
  if (c.kind === 'offline') return c.minutes;
  if (c.kind !== 'all') return null;
  const m = c.of.map(offlineMinutes).filter((x): x is number => x !== null);
  return m.length ? Math.min(...m) : null;
}

const countBy = (keys: string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
};

export interface Device {
  id: string;
  districtId: string;
  code: string;
  type: DeviceTypeCode;
  name: string;
  lng: number;
  lat: number;
  componentCode: string | null;
  unitId: string | null;
  createdAt: number;
}

export const deviceOf = (r: DeviceRow): Device => ({
  id: r.id,
  districtId: r.district_id,
  code: r.code,
  type: r.type as DeviceTypeCode,
  name: r.name,
  lng: r.lng,
  lat: r.lat,
  componentCode: r.component_code,
  unitId: r.unit_id,
  createdAt: r.created_at,
});

export class DeviceService {
  private readonly cache = new Map<string, { byCode: Map<string, Device>; loadedAt: number; loading: Promise<void> | null }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly org: OrgService,
    private readonly taxonomy: TaxonomyService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Checks every row (shape, inside the district, component, owning unit, codes unique) before writing any.
   * `by`: the user importing, recorded as one audit row for the whole import (seeding and the CLI leave it out).
   */
  async importFile(districtId: string, file: unknown, onProgress?: (done: number, total: number) => void, by?: Principal): Promise<{ imported: number }> {
    const { drafts, problems } = parseDeviceFile(file);
    const dir = await this.org.directory(districtId);
    const taken = new Set((await repo.deviceCodes(this.store.db, districtId)).map((d) => d.code));
    const seen = new Map<string, string>();
    const rows: DeviceRow[] = [];
    const now = this.clock.now();
    for (const d of drafts) {
      const label = 'line' in d.where ? `line ${d.where.line}` : `feature ${d.where.index}`;
      const reasons: string[] = [];
      if (dir.locate(d.lng, d.lat).outsideJurisdiction) reasons.push(`(${d.lng}, ${d.lat}) lies outside every area of the district (GCJ-02 expected)`);
      const first = seen.get(d.code);
      if (first) reasons.push(`repeats the code ${d.code} of ${first}`);
      else seen.set(d.code, label);
      if (taken.has(d.code)) reasons.push(`a device with code ${d.code} already exists`);
      if (d.component && !(await this.taxonomy.find(districtId, 'component', d.component))) reasons.push(`component ${d.component} is not in the catalogue`);
      const unit = d.unit ? dir.unitByCode(d.unit) : undefined;
      if (d.unit && !unit) reasons.push(`no unit with code ${d.unit}`);
      if (reasons.length) problems.push({ ...d.where, reason: reasons.join('; ') });
      rows.push({
        id: newId(now),
        district_id: districtId,
        code: d.code,
        type: d.type,
        name: d.name,
        lng: d.lng,
        lat: d.lat,
        component_code: d.component,
        unit_id: unit?.id ?? null,
        created_at: now,
      });
    }
    if (problems.length) {
      problems.sort((a: DeviceProblem, b: DeviceProblem) => (a.line ?? a.index ?? 0) - (b.line ?? b.index ?? 0));
      throw new DomainError('IMPORT_INVALID', `${problems.length} row(s) are invalid; nothing was imported`, { problems: problems.slice(0, 1000) });
    }
    await this.store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 500) {
        await repo.insertDevices(trx, rows.slice(i, i + 500));
        onProgress?.(Math.min(i + 500, rows.length), rows.length);
      }
      if (by) await this.audit.record(trx, by, 'device.import', districtId, { imported: rows.length, byType: countBy(rows.map((r) => r.type)), codes: rows.slice(0, 50).map((r) => r.code) });
    });
    this.cache.delete(districtId);
    return { imported: rows.length };
  }

  /** The district's devices by code; an unknown code refreshes the cache once per REFRESH_MS. */
  async byCodes(districtId: string, codes: Iterable<string>): Promise<Map<string, Device>> {
    let c = this.cache.get(districtId);
    const wanted = [...new Set(codes)];
    const now = this.clock.now();
    const stale = !c || (wanted.some((w) => !c?.byCode.has(w)) && now - c.loadedAt >= REFRESH_MS);
    if (stale) {
      if (!c?.loading) {
        const entry = c ?? { byCode: new Map<string, Device>(), loadedAt: 0, loading: null };
        entry.loading = repo.devices(this.store.db, districtId).then((rows) => {
          entry.byCode = new Map(rows.map((r) => [r.code, deviceOf(r)]));
          entry.loadedAt = now;
          entry.loading = null;
        });
        entry.loading.catch(() => {
          entry.loading = null;
        });
        this.cache.set(districtId, entry);
        c = entry;
      }
      await c?.loading;
    }
    const out = new Map<string, Device>();
    for (const w of wanted) {
      const d = c?.byCode.get(w);
      if (d) out.set(w, d);
    }
    return out;
  }

  async get(districtId: string, id: string): Promise<Device> {
    const r = await repo.deviceById(this.store.db, id);
    if (!r || r.district_id !== districtId) throw new DomainError('NOT_FOUND', `device ${id} not found`);
    return deviceOf(r);
  }

  ofType(districtId: string, type: string): Promise<Device[]> {
    return repo.devices(this.store.db, districtId, { type }).then((rows) => rows.map(deviceOf));
  }

  /**
   * Devices with their latest value per measurement and their state: `alarm` while an alarm of
   * theirs is not cleared, `offline` when silent longer than their type's offline rule allows
   * (OFFLINE_AFTER_MS without one), else `online`.
   */
  async list(districtId: string, filter: { type?: string | undefined; state?: DeviceState | undefined }) {
    const rows = await repo.devices(this.store.db, districtId, filter);
    const [latest, alarmed, rules] = await Promise.all([repo.latestOf(this.store.db, rows.map((r) => r.id)), repo.openAlarmDevices(this.store.db, districtId), repo.rules(this.store.db, districtId)]);
    const byDevice = new Map<string, Record<string, { value: number; at: string }>>();
    const lastSeen = new Map<string, number>();
    for (const l of latest) {
      const m = byDevice.get(l.device_id) ?? {};
      m[l.measurement] = { value: l.value, at: new Date(l.at).toISOString() };
      byDevice.set(l.device_id, m);
      lastSeen.set(l.device_id, Math.max(lastSeen.get(l.device_id) ?? 0, l.at));
    }
    const silentMs = new Map<string, number>();
    for (const r of rules) {
      const minutes = r.active === 1 ? offlineMinutes(JSON.parse(r.condition) as Condition) : null;
      if (minutes !== null) silentMs.set(r.device_type, Math.min(silentMs.get(r.device_type) ?? Number.POSITIVE_INFINITY, minutes * 60_000));
    }
    const inAlarm = new Set(alarmed.map((a) => a.device_id));
    const now = this.clock.now();
    const out = rows.map((r) => {
      const d = deviceOf(r);
      const seen = lastSeen.get(r.id) ?? null;
      const state: DeviceState = inAlarm.has(r.id) ? 'alarm' : seen !== null && now - seen <= (silentMs.get(r.type) ?? OFFLINE_AFTER_MS) ? 'online' : 'offline';
      return { ...d, createdAt: new Date(d.createdAt).toISOString(), latest: byDevice.get(r.id) ?? {}, lastSeenAt: seen === null ? null : new Date(seen).toISOString(), state };
    });
    return filter.state ? out.filter((d) => d.state === filter.state) : out;
  }
}
