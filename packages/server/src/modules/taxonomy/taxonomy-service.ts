/**
 * Categories (the national catalogue plus local extensions), their time limits and conditions,
 * and the responsibility matrix that names who handles a category in an area.
 */
import type { StageLimits, Urgency } from '@onegrid/domain/case/sla';
import { DomainError } from '@onegrid/domain/errors';
import type { CategoryRow, ResponsibilityRuleRow } from '../../db/schema.ts';
import { isUniqueViolation, type Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { Principal } from '../../platform/principal.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { Location } from '../org/directory.ts';
import type { OrgService } from '../org/org-service.ts';
import { categoryRows, type DefaultsFile, type LimitsByUrgency, readCatalogue } from './catalogue.ts';
import { type ResponsibilityRuleView, ruleView } from './rule-view.ts';
import { taxonomyRepository as repo } from './taxonomy-repository.ts';

const TTL_MS = 30_000;

export interface Category {
  kind: 'component' | 'matter';
  code: string;
  majorCode: string;
  majorName: string;
  name: string;
  standard: string;
  local: boolean;
  defaultUrgency: Urgency;
  limits: LimitsByUrgency;
  registerCondition: string | null;
  closeCondition: string | null;
  /** A unit code, or 'street' for the town/street the case lies in (属地). */
  responsible: string | null;
  autoDispatch: boolean;
  dedupRadiusM: number;
  active: boolean;
}

export type RoutingRule = 'matrix' | 'category_default' | 'territorial' | 'none';

function toCategory(r: CategoryRow): Category {
  return {
    kind: r.kind as Category['kind'],
    code: r.code,
    majorCode: r.major_code,
    majorName: r.major_name,
    name: r.name,
    standard: r.standard,
    local: r.local === 1,
    defaultUrgency: r.default_urgency as Urgency,
    limits: JSON.parse(r.limits) as LimitsByUrgency,
    registerCondition: r.register_condition,
    closeCondition: r.close_condition,
    responsible: r.responsible,
    autoDispatch: r.auto_dispatch === 1,
    dedupRadiusM: r.dedup_radius_m,
    active: r.active === 1,
  };
}

interface Snapshot {
  at: number;
  categories: Map<string, Category>;
  rules: Map<string, ResponsibilityRuleRow[]>;
}

const key = (kind: string, code: string) => `${kind}:${code}`;

export class TaxonomyService {
  private readonly cache = new Map<string, Promise<Snapshot>>();
  /** Names by district, for presenting many cases without awaiting per row. */
  private readonly names = new Map<string, Map<string, string>>();

  constructor(
    private readonly store: Store,
    private readonly org: OrgService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async seedCatalogue(districtId: string, catalogueFile: string, defaults: DefaultsFile): Promise<number> {
    const rows = categoryRows(districtId, readCatalogue(catalogueFile), defaults);
    await this.store.db.transaction().execute((trx) => repo.insertCategories(trx, rows));
    this.cache.delete(districtId);
    return rows.length;
  }

  private async snapshot(districtId: string): Promise<Snapshot> {
    const hit = this.cache.get(districtId);
    if (hit) {
      const s = await hit;
      if (this.clock.now() - s.at < TTL_MS) return s;
    }
    const p = (async () => {
      const [cats, rules] = await Promise.all([repo.all(this.store.db, districtId), repo.rules(this.store.db, districtId)]);
      const byCategory = new Map<string, ResponsibilityRuleRow[]>();
      for (const r of rules) {
        const k = key(r.category_kind, r.category_code);
        byCategory.set(k, [...(byCategory.get(k) ?? []), r]);
      }
      this.names.set(districtId, new Map(cats.map((c) => [key(c.kind, c.code), c.name])));
      return { at: this.clock.now(), categories: new Map(cats.map((c) => [key(c.kind, c.code), toCategory(c)])), rules: byCategory };
    })();
    this.cache.set(districtId, p);
    p.catch(() => this.cache.delete(districtId));
    return p;
  }

  async list(districtId: string, filter: { kind?: string | undefined; q?: string | undefined }): Promise<Category[]> {
    const s = await this.snapshot(districtId);
    return [...s.categories.values()]
      .filter((c) => (!filter.kind || c.kind === filter.kind) && (!filter.q || c.name.includes(filter.q) || c.code.startsWith(filter.q)))
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.code.localeCompare(b.code));
  }

  async find(districtId: string, kind: string, code: string): Promise<Category | undefined> {
    return (await this.snapshot(districtId)).categories.get(key(kind, code));
  }

  /** The category a request names, or a 400 that says how to find valid ones. */
  async require(districtId: string, ref: { kind: string; code: string }): Promise<Category> {
    const c = await this.find(districtId, ref.kind, ref.code);
    if (!c?.active) {
      throw new DomainError('UNKNOWN_CATEGORY', `category ${ref.kind} ${ref.code} does not exist or is inactive; see GET /api/v1/categories`);
    }
    return c;
  }

  /** Synchronous name lookup from the last loaded snapshot (null before the first load). */
  cachedName(districtId: string, kind: string, code: string): string | null {
    return this.names.get(districtId)?.get(key(kind, code)) ?? null;
  }

  /** Makes sure cachedName has data for the district. */
  async warm(districtId: string): Promise<void> {
    await this.snapshot(districtId);
  }

  limitsFor(c: Category | undefined, urgency: Urgency, fallback: StageLimits): StageLimits {
    return c ? c.limits[urgency] : fallback;
  }

  /** `by`: the admin making the change, recorded in the audit log with it (seeding leaves it out); likewise below. */
  async createLocal(districtId: string, input: Omit<Category, 'local' | 'standard' | 'active'>, by?: Principal): Promise<Category> {
    const [row] = categoryRows(districtId, [input], { version: 'local', stageLimits: { default: input.limits.normal }, rules: [] });
    if (!row) throw new Error('unreachable');
    const full: CategoryRow = {
      ...row,
      standard: 'local',
      local: 1,
      default_urgency: input.defaultUrgency,
      limits: JSON.stringify(input.limits),
      register_condition: input.registerCondition,
      close_condition: input.closeCondition,
      responsible: input.responsible,
      auto_dispatch: input.autoDispatch ? 1 : 0,
      dedup_radius_m: input.dedupRadiusM,
    };
    try {
      await this.store.db.transaction().execute(async (trx) => {
        await repo.insertCategories(trx, [full]);
        if (by) await this.audit.record(trx, by, 'category.create', `${input.kind}:${input.code}`, { ...input });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError('ALREADY_EXISTS', `category ${input.kind} ${input.code} already exists`);
      throw e;
    }
    this.cache.delete(districtId);
    return toCategory(full);
  }

  async update(
    districtId: string,
    kind: string,
    code: string,
    patch: Partial<Pick<Category, 'limits' | 'defaultUrgency' | 'registerCondition' | 'closeCondition' | 'responsible' | 'autoDispatch' | 'dedupRadiusM' | 'active'>>,
    by?: Principal,
  ): Promise<Category> {
    const row: Partial<CategoryRow> = {};
    if (patch.limits) row.limits = JSON.stringify(patch.limits);
    if (patch.defaultUrgency) row.default_urgency = patch.defaultUrgency;
    if (patch.registerCondition !== undefined) row.register_condition = patch.registerCondition;
    if (patch.closeCondition !== undefined) row.close_condition = patch.closeCondition;
    if (patch.responsible !== undefined) row.responsible = patch.responsible;
    if (patch.autoDispatch !== undefined) row.auto_dispatch = patch.autoDispatch ? 1 : 0;
    if (patch.dedupRadiusM !== undefined) row.dedup_radius_m = patch.dedupRadiusM;
    if (patch.active !== undefined) row.active = patch.active ? 1 : 0;
    if (Object.keys(row).length === 0) throw new DomainError('VALIDATION_FAILED', 'nothing to update');
    await this.store.db.transaction().execute(async (trx) => {
      if ((await repo.update(trx, districtId, kind, code, row)) === 0) throw new DomainError('NOT_FOUND', `category ${kind} ${code} not found`);
      if (by) await this.audit.record(trx, by, 'category.update', `${kind}:${code}`, { ...patch });
    });
    this.cache.delete(districtId);
    const c = await this.find(districtId, kind, code);
    if (!c) throw new Error('category vanished after update');
    return c;
  }

  async rules(districtId: string): Promise<ResponsibilityRuleView[]> {
    return this.ruleViews(districtId, [...(await this.snapshot(districtId)).rules.values()].flat());
  }

  private async ruleViews(districtId: string, rows: ResponsibilityRuleRow[]): Promise<ResponsibilityRuleView[]> {
    const [s, dir] = await Promise.all([this.snapshot(districtId), this.org.directory(districtId)]);
    return rows.map((r) => ruleView(r, dir, (kind, code) => s.categories.get(key(kind, code))?.name ?? null));
  }

  /** Refuses a rule naming an inactive category or a unit the district does not have. */
  private async checkRule(districtId: string, r: { categoryKind: string; categoryCode: string; areaUnitId: string | null; unitId: string }): Promise<void> {
    const dir = await this.org.directory(districtId);
    await this.require(districtId, { kind: r.categoryKind, code: r.categoryCode });
    if (!dir.unit(r.unitId)) throw new DomainError('UNKNOWN_UNIT', `unit ${r.unitId} does not exist`);
    if (r.areaUnitId && !dir.unit(r.areaUnitId)) throw new DomainError('UNKNOWN_UNIT', `area unit ${r.areaUnitId} does not exist`);
  }

  async addRules(districtId: string, input: Array<{ categoryKind: string; categoryCode: string; areaUnitId: string | null; unitId: string }>, by?: Principal): Promise<ResponsibilityRuleView[]> {
    for (const r of input) await this.checkRule(districtId, r);
    const now = this.clock.now();
    const rows = input.map((r) => ({
      id: newId(),
      district_id: districtId,
      category_kind: r.categoryKind,
      category_code: r.categoryCode,
      area_unit_id: r.areaUnitId,
      unit_id: r.unitId,
      created_at: now,
    }));
    await this.store.db.transaction().execute(async (trx) => {
      await repo.insertRules(trx, rows);
      if (by) await this.audit.recordAll(trx, by, 'responsibility_rule.create', rows.map((r) => ({ subjectId: r.id, summary: { categoryKind: r.category_kind, categoryCode: r.category_code, areaUnitId: r.area_unit_id, unitId: r.unit_id } })));
    });
    this.cache.delete(districtId);
    return this.ruleViews(districtId, rows);
  }

  /** Changes a rule in place; fields left out keep their value. */
  async updateRule(
    districtId: string,
    id: string,
    patch: { categoryKind?: string | undefined; categoryCode?: string | undefined; areaUnitId?: string | null | undefined; unitId?: string | undefined },
    by?: Principal,
  ): Promise<ResponsibilityRuleView> {
    if (Object.values(patch).every((v) => v === undefined)) throw new DomainError('VALIDATION_FAILED', 'nothing to update');
    const old = await repo.ruleById(this.store.db, districtId, id);
    if (!old) throw new DomainError('NOT_FOUND', `rule ${id} not found`);
    const next = {
      categoryKind: patch.categoryKind ?? old.category_kind,
      categoryCode: patch.categoryCode ?? old.category_code,
      areaUnitId: patch.areaUnitId === undefined ? old.area_unit_id : patch.areaUnitId,
      unitId: patch.unitId ?? old.unit_id,
    };
    await this.checkRule(districtId, next);
    const row = { category_kind: next.categoryKind, category_code: next.categoryCode, area_unit_id: next.areaUnitId, unit_id: next.unitId };
    await this.store.db.transaction().execute(async (trx) => {
      if ((await repo.updateRule(trx, districtId, id, row)) === 0) throw new DomainError('NOT_FOUND', `rule ${id} not found`);
      if (by) await this.audit.record(trx, by, 'responsibility_rule.update', id, { ...patch });
    });
    this.cache.delete(districtId);
    const [view] = await this.ruleViews(districtId, [{ ...old, ...row }]);
    if (!view) throw new Error('unreachable');
    return view;
  }

  async deleteRule(districtId: string, id: string, by?: Principal): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      if ((await repo.deleteRule(trx, districtId, id)) === 0) throw new DomainError('NOT_FOUND', `rule ${id} not found`);
      if (by) await this.audit.record(trx, by, 'responsibility_rule.delete', id, {});
    });
    this.cache.delete(districtId);
  }

  /**
   * Lead unit for a category at a location: the matrix rule for the most specific area that
   * contains the case, then the category's default unit, then the town/street (属地).
   */
  async route(districtId: string, category: Category | undefined, loc: Location): Promise<{ unitId: string | null; rule: RoutingRule }> {
    const dir = await this.org.directory(districtId);
    if (category) {
      const rules = (await this.snapshot(districtId)).rules.get(key(category.kind, category.code)) ?? [];
      const areaChain = [loc.gridId, loc.socialGridId, loc.communityId, loc.streetId];
      for (const area of areaChain) {
        const hit = area && rules.find((r) => r.area_unit_id === area);
        if (hit) return { unitId: hit.unit_id, rule: 'matrix' };
      }
      const anywhere = rules.find((r) => r.area_unit_id === null);
      if (anywhere) return { unitId: anywhere.unit_id, rule: 'matrix' };
      if (category.responsible && category.responsible !== 'street') {
        const u = dir.unitByCode(category.responsible);
        if (u) return { unitId: u.id, rule: 'category_default' };
      }
    }
    if (loc.streetId) return { unitId: loc.streetId, rule: 'territorial' };
    return { unitId: null, rule: 'none' };
  }
}
