/**
 * The organisation: districts, the unit tree and its areas. Owns the per-district Directory
 * cache; other modules ask it to locate points and test subtrees instead of reading `units`.
 */
import type { MultiPolygon, Polygon } from '@onegrid/domain/geo/geometry';
import { DomainError } from '@onegrid/domain/errors';
import type { DistrictRow, UnitRow } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { Principal } from '../../platform/principal.ts';
import type { AuditNote, AuditService } from '../audit/audit-service.ts';
import { Directory } from './directory.ts';
import { orderByDepth, parseUnitFeatures, type UnitDraft } from './geojson-import.ts';
import { unitRepository as repo, type UnitHead } from './unit-repository.ts';

const RECHECK_MS = 15_000;
/** How stale another process's settings change may look here; this process sees its own at once. */
const DISTRICT_TTL_MS = 5_000;

export interface UnitView {
  id: string;
  code: string;
  name: string;
  nameEn: string | null;
  kind: string;
  parentId: string | null;
  demoGeometry: boolean;
}

export function unitView(u: UnitHead): UnitView {
  return {
    id: u.id,
    code: u.code,
    name: u.name,
    nameEn: u.name_en,
    kind: u.kind,
    parentId: u.parent_id,
    demoGeometry: u.demo_geometry === 1,
  };
}

export class OrgService {
  private readonly cache = new Map<string, { dir: Promise<Directory>; checkedAt: number }>();
  private readonly districts = new Map<string, { row: Promise<DistrictRow | undefined>; loadedAt: number }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async createDistrict(input: { code: string; name: string; casePrefix: string; demo?: boolean; settings?: object }): Promise<DistrictRow> {
    const row: DistrictRow = {
      id: newId(),
      code: input.code,
      name: input.name,
      case_prefix: input.casePrefix,
      settings: JSON.stringify(input.settings ?? {}),
      demo: input.demo ? 1 : 0,
      created_at: this.clock.now(),
    };
    await repo.insertDistrict(this.store.db, row);
    return row;
  }

  districtByCode(code: string): Promise<DistrictRow | undefined> {
    return repo.districtByCode(this.store.db, code);
  }
  /** Read on every report (case-number prefix, intake settings): served from memory for a few seconds. */
  districtById(id: string): Promise<DistrictRow | undefined> {
    const now = this.clock.now();
    const hit = this.districts.get(id);
    if (hit && now - hit.loadedAt < DISTRICT_TTL_MS && now >= hit.loadedAt) return hit.row;
    const row = repo.districtById(this.store.db, id);
    const entry = { row, loadedAt: now };
    this.districts.set(id, entry);
    row.then(
      (r) => {
        // An unknown id is not remembered: a district created by another process must show up.
        if (!r && this.districts.get(id) === entry) this.districts.delete(id);
      },
      () => {
        if (this.districts.get(id) === entry) this.districts.delete(id);
      },
    );
    return row;
  }
  listDistricts(): Promise<DistrictRow[]> {
    return repo.listDistricts(this.store.db);
  }

  /** `note` is the audit row written with the change (an admin's edit; seeding and tests leave it out). */
  async updateSettings(districtId: string, patch: Record<string, unknown>, note?: AuditNote): Promise<Record<string, unknown>> {
    const settings = await this.store.db.transaction().execute(async (trx) => {
      const d = await repo.districtById(trx, districtId);
      if (!d) throw new DomainError('NOT_FOUND', `district ${districtId} not found`);
      const next = { ...(JSON.parse(d.settings) as Record<string, unknown>), ...patch };
      await repo.updateSettings(trx, districtId, JSON.stringify(next));
      if (note) await this.audit.record(trx, note.by, note.action, districtId, note.summary);
      return next;
    });
    // Dropped only after the write, so no read that began before it can repopulate the cache.
    this.districts.delete(districtId);
    return settings;
  }

  /** The district's unit tree; re-read when another process (or this one) changed the units. */
  async directory(districtId: string): Promise<Directory> {
    const now = this.clock.now();
    const hit = this.cache.get(districtId);
    if (hit && now - hit.checkedAt < RECHECK_MS) return hit.dir;
    if (hit) {
      hit.checkedAt = now;
      const current = await hit.dir;
      if ((await repo.fingerprint(this.store.db, districtId)) === current.fingerprint) return current;
    }
    const dir = this.load(districtId);
    this.cache.set(districtId, { dir, checkedAt: now });
    dir.catch(() => this.cache.delete(districtId));
    return dir;
  }

  invalidate(districtId: string): void {
    this.cache.delete(districtId);
    this.districts.delete(districtId);
  }

  private async load(districtId: string): Promise<Directory> {
    const fingerprint = await repo.fingerprint(this.store.db, districtId);
    const [heads, geoms] = await Promise.all([repo.heads(this.store.db, districtId), repo.geometries(this.store.db, districtId)]);
    const geometries = geoms.map((g) => ({ id: g.id, kind: g.kind, geometry: JSON.parse(g.geometry) as Polygon | MultiPolygon }));
    return new Directory(districtId, heads, geometries, fingerprint);
  }

  /** The areas of one kind as a GeoJSON FeatureCollection (GCJ-02), for maps. */
  async areas(districtId: string, kinds: readonly string[]) {
    const dir = await this.directory(districtId);
    const rows = await repo.geometries(this.store.db, districtId);
    return {
      type: 'FeatureCollection' as const,
      features: rows
        .filter((r) => kinds.includes(r.kind))
        .map((r) => {
          const u = dir.unit(r.id);
          return { type: 'Feature' as const, id: r.id, properties: { id: r.id, code: u?.code ?? null, name: u?.name ?? null, kind: r.kind, parentId: u?.parent_id ?? null }, geometry: JSON.parse(r.geometry) as unknown };
        }),
    };
  }

  async listUnits(districtId: string, filter: { kind?: string | undefined; parentId?: string | undefined; q?: string | undefined; limit: number }): Promise<UnitView[]> {
    const dir = await this.directory(districtId);
    let units = filter.parentId !== undefined ? dir.childrenOf(filter.parentId === 'root' ? null : filter.parentId) : [...dir.all()];
    if (filter.kind) units = units.filter((u) => u.kind === filter.kind);
    const q = filter.q;
    if (q) units = units.filter((u) => u.name.includes(q) || u.code.includes(q));
    return units
      .sort((a, b) => a.code.localeCompare(b.code))
      .slice(0, filter.limit)
      .map(unitView);
  }

  async unit(districtId: string, id: string): Promise<UnitView & { geometry: unknown }> {
    const dir = await this.directory(districtId);
    const u = dir.unit(id);
    if (!u) throw new DomainError('NOT_FOUND', `unit ${id} not found`);
    const g = await repo.geometry(this.store.db, districtId, id);
    return { ...unitView(u), geometry: g ? JSON.parse(g) : null };
  }

  /** Names only: a unit's code, kind and place in the tree are fixed once cases refer to it. */
  async renameUnit(by: Principal, id: string, patch: { name?: string | undefined; nameEn?: string | null | undefined }): Promise<UnitView> {
    const districtId = by.districtId;
    if (patch.name === undefined && patch.nameEn === undefined) throw new DomainError('VALIDATION_FAILED', 'body: name at least one of name, nameEn');
    const set = { ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.nameEn !== undefined ? { name_en: patch.nameEn } : {}) };
    await this.store.db.transaction().execute(async (trx) => {
      const n = await repo.rename(trx, districtId, id, set, this.clock.now());
      if (n === 0) throw new DomainError('NOT_FOUND', `unit ${id} not found`);
      await this.audit.record(trx, by, 'unit.rename', id, patch);
    });
    this.invalidate(districtId);
    const u = (await this.directory(districtId)).unit(id);
    if (!u) throw new DomainError('NOT_FOUND', `unit ${id} not found`);
    return unitView(u);
  }

  /**
   * Validates the whole file first; writes everything in one transaction or nothing.
   * `onProgress(done, total)` feeds the CLI's progress bar.
   */
  async importUnits(
    districtId: string,
    doc: unknown,
    onProgress?: (done: number, total: number) => void,
    by?: Principal,
  ): Promise<{ imported: number }> {
    const dir = await this.directory(districtId);
    const existing = (code: string) => dir.unitByCode(code);
    const { drafts, problems } = parseUnitFeatures(doc, existing);
    if (problems.length > 0) {
      throw new DomainError('IMPORT_INVALID', `${problems.length} feature(s) are invalid; nothing was imported`, {
        problems: problems.slice(0, 1000),
      });
    }
    const rows = this.toRows(districtId, orderByDepth(drafts, existing), dir);
    await this.store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 500) {
        await repo.insertUnits(trx, rows.slice(i, i + 500));
        onProgress?.(Math.min(i + 500, rows.length), rows.length);
      }
      if (by) await this.audit.record(trx, by, 'unit.import', districtId, { imported: rows.length, codes: rows.slice(0, 50).map((r) => r.code) });
    });
    this.invalidate(districtId);
    return { imported: rows.length };
  }

  private toRows(districtId: string, ordered: UnitDraft[], dir: Directory): UnitRow[] {
    const now = this.clock.now();
    const byCode = new Map<string, { id: string; path: string }>();
    return ordered.map((d) => {
      const parent = d.parentCode ? (byCode.get(d.parentCode) ?? dir.unitByCode(d.parentCode)) : undefined;
      const id = newId();
      const path = `${parent?.path ?? '/'}${id}/`;
      byCode.set(d.code, { id, path });
      return {
        id,
        district_id: districtId,
        code: d.code,
        name: d.name,
        name_en: d.nameEn,
        kind: d.kind,
        parent_id: parent?.id ?? null,
        path,
        geometry: d.geometry ? JSON.stringify(d.geometry) : null,
        demo_geometry: d.demoGeometry ? 1 : 0,
        created_at: now,
        updated_at: now,
      };
    });
  }
}
