/**
 * Work-report targets (目标任务督办): the ledger of targets and tasks, progress reports by the
 * lead unit and co-units, status as of a date, the leaders' board, and supervision of overdue
 * reports. Scope: the centre, leaders and admins see every target; others see the targets whose
 * lead unit or a co-unit lies in their unit's subtree.
 */
import { DomainError } from '@onegrid/domain/errors';
import { DEFAULT_TASK_GRACE_DAYS, DEFAULT_TOLERANCE, type TargetStatus, targetProblems, TARGET_STATUSES } from '@onegrid/domain/targets/kinds';
import { reportPeriod } from '@onegrid/domain/targets/periods';
import type { Logger } from 'pino';
import type { TargetProgressRow, TargetRow } from '../../db/schema.ts';
import { isUniqueViolation, type Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { Principal } from '../../platform/principal.ts';
import type { AuditService, AuditSummary } from '../audit/audit-service.ts';
import type { FileService } from '../files/file-service.ts';
import type { Directory } from '../org/directory.ts';
import type { OrgService } from '../org/org-service.ts';
import { parseTargetFile, type TargetInput } from './target-input.ts';
import { targetRepository as repo } from './target-repository.ts';
import { coUnitIds, type ProgressView, progressView, type StatusView, statusOf, type TargetView, targetView, type UnitRef, unitRef } from './target-view.ts';

/** What the supervision module offers us (modules/supervision registers `services.supervision`). */
export interface SupervisionIssuer {
  issue(
    districtId: string,
    order: {
      subject: { kind: 'target'; targetId: string; unitId: string };
      source: 'target_report_overdue';
      reason: string;
      issuedBy: null;
      dedupeKey: string;
    },
  ): Promise<unknown>;
}

export interface ProgressInput {
  period: string;
  value?: number | null | undefined;
  milestonesDone?: string[] | undefined;
  narrative: string;
  attachments?: string[] | undefined;
  /** The reporting unit (lead or co-unit); default the lead unit, or the caller's co-unit. */
  unitId?: string | undefined;
}

export interface Board {
  asOf: string;
  total: number;
  byStatus: Record<TargetStatus, number>;
  byCategory: Array<{ category: string; total: number } & Record<TargetStatus, number>>;
  attention: Array<{ id: string; code: string; name: string; category: string; status: TargetStatus; leadUnit: UnitRef; expected: number | null; actual: number | null; unitOfMeasure: string | null }>;
  overdueByUnit: Array<{ unit: UnitRef; count: number; items: Array<{ targetId: string; code: string; name: string; period: string; dueAt: string }> }>;
}

/** Reminders only for reports that fell overdue recently: a report missed long ago is history, not news. */
const REMIND_WINDOW_MS = 90 * 86_400_000;
const REMIND_EVERY_MS = 10 * 60_000;

const zeroCounts = (): Record<TargetStatus, number> => Object.fromEntries(TARGET_STATUSES.map((s) => [s, 0])) as Record<TargetStatus, number>;

export class TargetService {
  private nextRemindAt = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly org: OrgService,
    private readonly files: FileService,
    private readonly log: Pick<Logger, 'warn'>,
    private readonly audit: AuditService,
    private supervision: SupervisionIssuer | null = null,
  ) {}

  /** Wires supervision after construction (services.ts builds it later). */
  attachSupervision(s: SupervisionIssuer): void {
    this.supervision = s;
  }

  // ------------------------------------------------------------ ledger
  async list(p: Principal, f: { year?: number | undefined; category?: string | undefined; status?: TargetStatus | undefined; asOf?: number | undefined }): Promise<TargetView[]> {
    const { dir, rows, progress } = await this.visible(p, f.year);
    const asOf = f.asOf ?? this.clock.now();
    return rows
      .filter((t) => !f.category || t.category === f.category)
      .map((t) => targetView(t, dir, statusOf(t, progress.get(t.id) ?? [], asOf)))
      .filter((v) => !f.status || v.status.status === f.status);
  }

  async get(p: Principal, id: string, asOf?: number): Promise<TargetView & { progress: ProgressView[] }> {
    const { t, dir } = await this.seeable(p, id);
    const history = await repo.progress(this.store.db, [t.id], true);
    const current = history.filter((r) => r.current_key !== null);
    return { ...targetView(t, dir, statusOf(t, current, asOf ?? this.clock.now())), progress: history.map((r) => progressView(r, dir)) };
  }

  async create(p: Principal, input: TargetInput): Promise<TargetView> {
    const dir = await this.org.directory(p.districtId);
    const fields = this.fields(input, dir, (reason) => {
      throw new DomainError(reason.startsWith('leadUnit') || reason.startsWith('coUnits') ? 'UNKNOWN_UNIT' : 'VALIDATION_FAILED', reason);
    });
    const now = this.clock.now();
    const row: TargetRow = { id: newId(now), district_id: p.districtId, ...fields, version: 1, created_by: p.userId, created_at: now, updated_at: now };
    try {
      await this.store.db.transaction().execute(async (trx) => {
        await repo.insertTargets(trx, [row]);
        await this.audit.record(trx, p, 'target.create', row.id, definitionOf(fields));
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError('ALREADY_EXISTS', `a target ${input.code} of ${input.year} already exists; update it with PUT /api/v1/targets/{id}`);
      throw e;
    }
    return targetView(row, dir, statusOf(row, [], now));
  }

  async update(p: Principal, id: string, input: TargetInput & { version: number }): Promise<TargetView> {
    const { t, dir } = await this.seeable(p, id);
    if (t.year !== input.year || t.code !== input.code) throw new DomainError('VALIDATION_FAILED', `year and code identify a target and cannot change (${t.year} ${t.code})`);
    const fields = this.fields(input, dir, (reason) => {
      throw new DomainError('VALIDATION_FAILED', reason);
    });
    const now = this.clock.now();
    const patch = { ...fields, version: t.version + 1, updated_at: now };
    await this.store.db.transaction().execute(async (trx) => {
      if (!(await repo.updateTarget(trx, t.id, input.version, patch))) {
        throw new DomainError('TARGET_CONFLICT', `target ${t.code} changed since version ${input.version}; reload it and apply your change again`);
      }
      await this.audit.record(trx, p, 'target.update', t.id, { year: t.year, code: t.code, version: patch.version, ...changedOf(t, fields) });
    });
    const row = { ...t, ...patch };
    return targetView(row, dir, statusOf(row, await repo.progress(this.store.db, [t.id]), now));
  }

  /** Creates or replaces (by year and code) every target of the file; any bad item imports nothing. */
  async importFile(p: Principal, file: unknown): Promise<{ created: number; updated: number }> {
    return this.importTargets(p.districtId, file, p);
  }

  /** `by`: the user importing, recorded as one audit row for the whole file (seeding leaves it out). */
  async importTargets(districtId: string, file: unknown, by: Principal | null): Promise<{ created: number; updated: number }> {
    const { items, problems } = parseTargetFile(file);
    const dir = await this.org.directory(districtId);
    const now = this.clock.now();
    const seen = new Set<string>();
    const drafts: Array<{ input: TargetInput; fields: ReturnType<TargetService['fields']> }> = [];
    for (const { where: at, input } of items) {
      const key = `${input.year}:${input.code}`;
      if (seen.has(key)) problems.push({ ...at, reason: `repeats the target ${input.code} of ${input.year}` });
      seen.add(key);
      let bad = false;
      const fields = this.fields(input, dir, (reason) => {
        bad = true;
        problems.push({ ...at, reason });
      });
      if (!bad) drafts.push({ input, fields });
    }
    if (problems.length) throw new DomainError('IMPORT_INVALID', `${problems.length} target(s) are invalid; nothing was imported`, { problems: problems.slice(0, 1000) });
    let created = 0;
    let updated = 0;
    await this.store.db.transaction().execute(async (trx) => {
      const existing = new Map<string, TargetRow>();
      for (const year of new Set(drafts.map((d) => d.input.year))) {
        const codes = drafts.filter((d) => d.input.year === year).map((d) => d.input.code);
        for (const t of await repo.targetsByCodes(trx, districtId, year, codes)) existing.set(`${t.year}:${t.code}`, t);
      }
      const fresh: TargetRow[] = [];
      for (const d of drafts) {
        const old = existing.get(`${d.input.year}:${d.input.code}`);
        if (old) {
          await repo.updateTarget(trx, old.id, old.version, { ...d.fields, version: old.version + 1, updated_at: now });
          updated++;
        } else {
          fresh.push({ id: newId(now), district_id: districtId, ...d.fields, version: 1, created_by: by?.userId ?? null, created_at: now, updated_at: now });
        }
      }
      await repo.insertTargets(trx, fresh);
      created = fresh.length;
      if (by) await this.audit.record(trx, by, 'target.import', districtId, { created, updated, codes: drafts.slice(0, 50).map((d) => `${d.input.year}:${d.input.code}`) });
    });
    return { created, updated };
  }

  // ------------------------------------------------------------ progress
  async report(p: Principal, id: string, input: ProgressInput): Promise<{ report: ProgressView; status: StatusView }> {
    const { t, dir } = await this.seeable(p, id);
    const unitId = this.reportingUnit(p, t, dir, input.unitId);
    const now = this.clock.now();
    const period = reportPeriod(t.cadence, t.year, t.deadline, input.period, now);
    const milestones = new Set((JSON.parse(t.milestones) as Array<{ code: string }>).map((m) => m.code));
    if (t.kind === 'indicator' && (input.value === null || input.value === undefined)) throw new DomainError('VALIDATION_FAILED', `value: an indicator's report needs its value in ${t.unit_of_measure ?? 'the target unit'}`);
    if (t.kind === 'task' && input.value != null && !(input.value >= 0 && input.value <= 100)) throw new DomainError('VALIDATION_FAILED', 'value: a task reports its percent complete, 0–100');
    const unknown = (input.milestonesDone ?? []).filter((m) => !milestones.has(m));
    if (unknown.length) throw new DomainError('VALIDATION_FAILED', `milestonesDone: ${unknown.join(', ')} not among the target's milestones (${[...milestones].join(', ') || 'none'})`);
    const attachments = await this.files.requireOwned(p.districtId, input.attachments ?? []).catch((e: unknown) => {
      // The file check speaks of case photos; here they are attachments.
      throw e instanceof DomainError ? new DomainError(e.code, e.message.replace(/^photos:/, 'attachments:'), e.details) : e;
    });
    const key = `${t.id}:${period.label}:${unitId}`;
    const row: TargetProgressRow = {
      id: newId(now),
      district_id: p.districtId,
      target_id: t.id,
      period: period.label,
      period_end: period.end,
      unit_id: unitId,
      current_key: key,
      value: input.value ?? null,
      milestones_done: JSON.stringify([...new Set(input.milestonesDone ?? [])]),
      narrative: input.narrative,
      attachments: JSON.stringify(attachments),
      reported_by: p.userId,
      reported_at: now,
      superseded_at: null,
    };
    try {
      // A correction: the earlier report of the same period and unit stays as history.
      await this.store.db.transaction().execute(async (trx) => {
        await repo.supersede(trx, key, now);
        await repo.insertProgress(trx, [row]);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError('TARGET_CONFLICT', `another report of ${period.label} was saved at the same moment; reload the target and report again`);
      throw e;
    }
    const current = await repo.progress(this.store.db, [t.id]);
    return { report: progressView(row, dir), status: statusOf(t, current, now) };
  }

  /** Demo and migration tooling: progress rows written as given, no permission checks. */
  async seedProgress(districtId: string, rows: Array<Omit<TargetProgressRow, 'id' | 'district_id' | 'current_key' | 'superseded_at'>>): Promise<number> {
    const full = rows.map((r) => ({ ...r, id: newId(r.reported_at), district_id: districtId, current_key: `${r.target_id}:${r.period}:${r.unit_id}`, superseded_at: null }));
    await repo.insertProgress(this.store.db, full);
    return full.length;
  }

  // ------------------------------------------------------------ board
  async board(p: Principal, f: { year?: number | undefined; asOf?: number | undefined }): Promise<Board> {
    const { dir, rows, progress } = await this.visible(p, f.year);
    const asOf = f.asOf ?? this.clock.now();
    const byStatus = zeroCounts();
    const cats = new Map<string, { category: string; total: number } & Record<TargetStatus, number>>();
    const attention: Board['attention'] = [];
    const overdue = new Map<string, Board['overdueByUnit'][number]>();
    for (const t of rows) {
      const st = statusOf(t, progress.get(t.id) ?? [], asOf);
      byStatus[st.status]++;
      const c = cats.get(t.category) ?? { category: t.category, total: 0, ...zeroCounts() };
      c.total++;
      c[st.status]++;
      cats.set(t.category, c);
      if (st.status === 'behind' || st.status === 'at_risk') {
        attention.push({ id: t.id, code: t.code, name: t.name, category: t.category, status: st.status, leadUnit: unitRef(dir, t.lead_unit_id), expected: st.expected, actual: st.actual, unitOfMeasure: t.unit_of_measure });
      }
      if (st.overdue.length) {
        const u = overdue.get(t.lead_unit_id) ?? { unit: unitRef(dir, t.lead_unit_id), count: 0, items: [] };
        for (const o of st.overdue) u.items.push({ targetId: t.id, code: t.code, name: t.name, period: o.period, dueAt: o.dueAt });
        u.count = u.items.length;
        overdue.set(t.lead_unit_id, u);
      }
    }
    attention.sort((a, b) => (a.status === b.status ? a.code.localeCompare(b.code) : a.status === 'behind' ? -1 : 1));
    return {
      asOf: new Date(asOf).toISOString(),
      total: rows.length,
      byStatus,
      byCategory: [...cats.values()].sort((a, b) => a.category.localeCompare(b.category)),
      attention,
      overdueByUnit: [...overdue.values()].sort((a, b) => b.count - a.count || a.unit.code.localeCompare(b.unit.code)),
    };
  }

  // ------------------------------------------------------------ supervision of overdue reports
  /** The worker's pass: at most every ten minutes per process. */
  async tick(): Promise<number> {
    const now = this.clock.now();
    if (now < this.nextRemindAt) return 0;
    this.nextRemindAt = now + REMIND_EVERY_MS;
    return this.remindOverdue();
  }

  /**
   * Issues one supervision order (督办) per lead-unit report that fell overdue in the last 90 days,
   * once per `target:<targetId>:<period>:<unitId>` across processes and restarts; a failed issue
   * releases its key so the next pass retries. Returns how many were issued.
   */
  async remindOverdue(): Promise<number> {
    const supervision = this.supervision;
    if (!supervision) return 0;
    const now = this.clock.now();
    let issued = 0;
    for (const districtId of await repo.districtsWithTargets(this.store.db)) {
      const targets = await repo.targets(this.store.db, districtId);
      const progress = groupBy(await repo.districtProgress(this.store.db, districtId));
      for (const t of targets) {
        for (const period of statusOf(t, progress.get(t.id) ?? [], now).overdue.filter((o) => Date.parse(o.dueAt) >= now - REMIND_WINDOW_MS)) {
          const dedupeKey = `target:${t.id}:${period.period}:${t.lead_unit_id}`;
          if (!(await repo.claimReminder(this.store.db, districtId, dedupeKey, now))) continue;
          try {
            await supervision.issue(districtId, {
              subject: { kind: 'target', targetId: t.id, unitId: t.lead_unit_id },
              source: 'target_report_overdue',
              reason: `目标任务进度未按时报送 (progress report overdue): ${t.code} ${t.name}, ${period.period}, due ${period.dueAt}`,
              issuedBy: null,
              dedupeKey,
            });
            issued++;
          } catch (err) {
            await repo.releaseReminder(this.store.db, dedupeKey);
            this.log.warn({ err, dedupeKey }, 'supervision of an overdue target report failed; retrying next pass');
          }
        }
      }
    }
    return issued;
  }

  // ------------------------------------------------------------ helpers
  private canSee(p: Principal, t: TargetRow, dir: Directory): boolean {
    return p.districtWide || dir.isWithin(t.lead_unit_id, p.unitId) || coUnitIds(t).some((c) => dir.isWithin(c, p.unitId));
  }

  private async visible(p: Principal, year?: number): Promise<{ dir: Directory; rows: TargetRow[]; progress: Map<string, TargetProgressRow[]> }> {
    const dir = await this.org.directory(p.districtId);
    const rows = (await repo.targets(this.store.db, p.districtId, { year })).filter((t) => this.canSee(p, t, dir));
    const progress = groupBy(await repo.progress(this.store.db, rows.map((t) => t.id)));
    return { dir, rows, progress };
  }

  private async seeable(p: Principal, id: string): Promise<{ t: TargetRow; dir: Directory }> {
    const t = await repo.targetById(this.store.db, id);
    const dir = await this.org.directory(p.districtId);
    if (!t || t.district_id !== p.districtId || !this.canSee(p, t, dir)) throw new DomainError('NOT_FOUND', `target ${id} not found`);
    return { t, dir };
  }

  /** The lead unit or co-unit the caller reports for: one in its subtree (any, for the centre). */
  private reportingUnit(p: Principal, t: TargetRow, dir: Directory, asked: string | undefined): string {
    const units = [t.lead_unit_id, ...coUnitIds(t)];
    const mine = units.filter((u) => p.districtWide || dir.isWithin(u, p.unitId));
    if (asked !== undefined) {
      const id = dir.unit(asked)?.id ?? dir.unitByCode(asked)?.id;
      if (!id || !units.includes(id)) throw new DomainError('VALIDATION_FAILED', `unitId: ${asked} is neither the lead unit nor a co-unit of ${t.code}`);
      if (!mine.includes(id)) throw new DomainError('TARGET_REPORT_FORBIDDEN', `your unit may not report for ${unitRef(dir, id).name}; report for your own unit`);
      return id;
    }
    const unit = mine[0];
    if (!unit) throw new DomainError('TARGET_REPORT_FORBIDDEN', `your unit is neither the lead unit nor a co-unit of ${t.code}`);
    return unit;
  }

  /** Input → row fields, resolving unit ids or codes; each problem goes to `fail` (which may throw). */
  private fields(input: TargetInput, dir: Directory, fail: (reason: string) => void): Omit<TargetRow, 'id' | 'district_id' | 'version' | 'created_by' | 'created_at' | 'updated_at'> {
    const resolve = (ref: string) => dir.unit(ref)?.id ?? dir.unitByCode(ref)?.id;
    const lead = resolve(input.leadUnit);
    if (!lead) fail(`leadUnit: no unit ${input.leadUnit} in the district`);
    const co = (input.coUnits ?? []).map((c) => {
      const id = resolve(c);
      if (!id) fail(`coUnits: no unit ${c} in the district`);
      return id ?? '';
    });
    const indicator = input.kind === 'indicator';
    if (indicator && (!input.direction || input.targetValue == null)) fail('an indicator needs direction (at_least, at_most, growth_pct) and targetValue');
    const direction = indicator ? (input.direction ?? 'at_least') : null;
    const accrual = indicator ? (input.accrual ?? (direction === 'at_least' ? 'cumulative' : 'level')) : null;
    const deadline = input.deadline ?? `${input.year}-12-31`;
    const tolerance = input.tolerance ?? DEFAULT_TOLERANCE;
    const milestones = indicator ? [] : (input.milestones ?? []);
    const graceDays = input.graceDays ?? DEFAULT_TASK_GRACE_DAYS;
    const spec =
      indicator && direction && accrual
        ? { kind: 'indicator' as const, direction, accrual, targetValue: input.targetValue ?? 0, tolerance }
        : { kind: 'task' as const, milestones, graceDays };
    for (const problem of targetProblems({ year: input.year, deadline, spec })) fail(problem);
    return {
      year: input.year,
      code: input.code,
      name: input.name,
      name_en: input.nameEn ?? null,
      category: input.category,
      kind: input.kind,
      metric: input.metric ?? null,
      unit_of_measure: input.unitOfMeasure ?? null,
      direction,
      accrual,
      baseline_value: input.baselineValue ?? null,
      baseline_year: input.baselineYear ?? null,
      target_value: indicator ? (input.targetValue ?? null) : null,
      tolerance,
      milestones: JSON.stringify(milestones),
      grace_days: graceDays,
      deadline,
      lead_unit_id: lead ?? '',
      co_unit_ids: JSON.stringify([...new Set(co)].filter((c) => c !== lead)),
      cadence: input.cadence ?? 'monthly',
      source_quote: input.sourceQuote ?? null,
      note: input.note ?? null,
    };
  }
}

type TargetFields = ReturnType<TargetService['fields']>;
const JSON_FIELDS = new Set(['milestones', 'co_unit_ids']);
const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** A target's definition as the audit log states it: API names, lists as lists. */
function definitionOf(f: Partial<TargetFields>): AuditSummary {
  return Object.fromEntries(Object.entries(f).map(([k, v]) => [camel(k), JSON_FIELDS.has(k) && typeof v === 'string' ? JSON.parse(v) : v]));
}

/** The fields an update changes, with their new values. */
function changedOf(old: TargetRow, f: TargetFields): AuditSummary {
  return definitionOf(Object.fromEntries(Object.entries(f).filter(([k, v]) => old[k as keyof TargetRow] !== v)));
}

function groupBy(rows: TargetProgressRow[]): Map<string, TargetProgressRow[]> {
  const m = new Map<string, TargetProgressRow[]>();
  for (const r of rows) {
    const list = m.get(r.target_id) ?? [];
    list.push(r);
    m.set(r.target_id, list);
  }
  return m;
}

