/**
 * Alarm rules as data, edited through the API and checked by the domain (`ruleProblems`). Ingest
 * reads the active rules of a device type from a short-lived per-district cache: an edit here is
 * seen at once in this process and within RECHECK_MS in the others.
 */
import type { Urgency } from '@onegrid/domain/case/sla';
import { DomainError } from '@onegrid/domain/errors';
import { type DeviceTypeCode, isDeviceType } from '@onegrid/domain/perception/device-types';
import { type Condition, needsTicks, ruleProblems, type RuleSpec } from '@onegrid/domain/perception/rules';
import type { Transaction } from 'kysely';
import type { DB, PerceptionRuleRow } from '../../db/schema.ts';
import { isUniqueViolation, type Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { Principal } from '../../platform/principal.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { TaxonomyService } from '../taxonomy/taxonomy-service.ts';
import { perceptionRepository as repo } from './perception-repository.ts';

const RECHECK_MS = 5_000;

export interface Rule extends RuleSpec {
  id: string;
  code: string;
  name: string;
  category: { kind: string; code: string } | null;
  urgency: Urgency;
  active: boolean;
  /** A raised alarm is reported as a case at once, without waiting for a person to acknowledge it. */
  autoReport: boolean;
}

export interface RuleInput {
  code: string;
  name: string;
  deviceType: string;
  condition: Condition;
  forMinutes?: number | undefined;
  clearMinutes?: number | undefined;
  category?: { kind: string; code: string } | null | undefined;
  urgency?: Urgency | undefined;
  active?: boolean | undefined;
  autoReport?: boolean | undefined;
}

export const ruleOf = (r: PerceptionRuleRow): Rule => ({
  id: r.id,
  code: r.code,
  name: r.name,
  deviceType: r.device_type as DeviceTypeCode,
  condition: JSON.parse(r.condition) as Condition,
  forMinutes: r.for_minutes,
  clearMinutes: r.clear_minutes,
  category: r.category_kind && r.category_code ? { kind: r.category_kind, code: r.category_code } : null,
  urgency: r.urgency as Urgency,
  active: r.active === 1,
  autoReport: r.auto_report === 1,
});

/** What the audit log says of a rule: its definition as the API shows it. */
function auditFields(r: PerceptionRuleRow) {
  const { id: _id, ...rule } = ruleOf(r);
  return rule;
}

export class RuleService {
  private readonly cache = new Map<string, { rules: Promise<Rule[]>; at: number }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly taxonomy: TaxonomyService,
    private readonly audit: AuditService,
  ) {}

  /** `by`: the user making the change, recorded in the audit log with it (seeding leaves it out); likewise below. */
  async create(districtId: string, input: RuleInput, by?: Principal): Promise<Rule> {
    const now = this.clock.now();
    const row = await this.rowOf(districtId, input, { id: newId(now), created_at: now });
    try {
      await this.store.db.transaction().execute(async (trx) => {
        await repo.insertRule(trx, row);
        if (by) await this.audit.record(trx, by, 'alarm_rule.create', row.id, auditFields(row));
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError('ALREADY_EXISTS', `a rule with code ${input.code} already exists`);
      throw e;
    }
    this.cache.delete(districtId);
    return ruleOf(row);
  }

  async update(districtId: string, id: string, input: RuleInput, by?: Principal): Promise<Rule> {
    const old = await repo.ruleById(this.store.db, id);
    if (!old || old.district_id !== districtId) throw new DomainError('NOT_FOUND', `rule ${id} not found`);
    if (old.device_type !== input.deviceType) {
      throw new DomainError('VALIDATION_FAILED', 'body.deviceType: a rule keeps its device type; create a new rule for another type');
    }
    const row = await this.rowOf(districtId, input, { id, created_at: old.created_at });
    try {
      await this.store.db.transaction().execute(async (trx) => {
        await repo.updateRule(trx, districtId, id, row);
        if (by) await this.recordUpdate(trx, by, old, row);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError('ALREADY_EXISTS', `a rule with code ${input.code} already exists`);
      throw e;
    }
    this.cache.delete(districtId);
    return ruleOf(row);
  }

  async list(districtId: string): Promise<Rule[]> {
    return (await repo.rules(this.store.db, districtId)).map(ruleOf);
  }

  async get(id: string): Promise<Rule | undefined> {
    const r = await repo.ruleById(this.store.db, id);
    return r ? ruleOf(r) : undefined;
  }

  /** Active rules of the district, from the cache. */
  async active(districtId: string): Promise<Rule[]> {
    const now = this.clock.now();
    let c = this.cache.get(districtId);
    if (!c || now - c.at >= RECHECK_MS || now < c.at) {
      const rules = repo.rules(this.store.db, districtId).then((rows) => rows.map(ruleOf).filter((r) => r.active));
      c = { rules, at: now };
      this.cache.set(districtId, c);
      rules.catch(() => this.cache.delete(districtId));
    }
    return c.rules;
  }

  /** A switch of `active` alone is an enable/disable; anything else an update naming the changed fields. */
  private async recordUpdate(trx: Transaction<DB>, by: Principal, old: PerceptionRuleRow, row: PerceptionRuleRow): Promise<void> {
    const before = auditFields(old);
    const after = auditFields(row);
    const changed = Object.fromEntries(Object.entries(after).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k as keyof typeof before])));
    const keys = Object.keys(changed);
    if (keys.length === 0) return;
    if (keys.length === 1 && keys[0] === 'active') {
      await this.audit.record(trx, by, row.active ? 'alarm_rule.enable' : 'alarm_rule.disable', row.id, { code: row.code, name: row.name });
      return;
    }
    await this.audit.record(trx, by, 'alarm_rule.update', row.id, { code: row.code, ...changed });
  }

  private async rowOf(districtId: string, input: RuleInput, keep: { id: string; created_at: number }): Promise<PerceptionRuleRow> {
    if (!isDeviceType(input.deviceType)) throw new DomainError('VALIDATION_FAILED', `body.deviceType: unknown device type ${input.deviceType}`);
    const spec: RuleSpec = { deviceType: input.deviceType, condition: input.condition, forMinutes: input.forMinutes ?? 0, clearMinutes: input.clearMinutes ?? 0 };
    const problems = ruleProblems(spec);
    if (problems.length) throw new DomainError('VALIDATION_FAILED', `body.${problems[0]}`, { issues: problems.map((p) => ({ path: `body.${p}`, message: p })) });
    if (input.category) await this.taxonomy.require(districtId, input.category);
    return {
      id: keep.id,
      district_id: districtId,
      code: input.code,
      name: input.name,
      device_type: input.deviceType,
      condition: JSON.stringify(input.condition),
      for_minutes: spec.forMinutes,
      clear_minutes: spec.clearMinutes,
      category_kind: input.category?.kind ?? null,
      category_code: input.category?.code ?? null,
      urgency: input.urgency ?? 'normal',
      active: input.active === false ? 0 : 1,
      ticks: needsTicks(spec) ? 1 : 0,
      auto_report: input.autoReport ? 1 : 0,
      created_at: keep.created_at,
      updated_at: this.clock.now(),
    };
  }
}
