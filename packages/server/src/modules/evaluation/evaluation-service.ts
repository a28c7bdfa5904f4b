/**
 * Evaluation (综合评价) of any period and object from the case event log, with the district's
 * versioned scheme: counts → indicators → composite scores, grades, ranks, change against the
 * previous period, red and black lists; the cases behind every figure; the three indices by month.
 *
 * A period that has ended cannot change (events are only ever appended, stamped when written),
 * so its tally is cached in memory; the scheme version is part of every answer, and asking for
 * that version again reproduces the numbers.
 */
import { COUNT_INDEX, COUNTS, isCountId } from '@onegrid/domain/evaluation/counts';
import { DEFAULT_SCHEME } from '@onegrid/domain/evaluation/default-scheme';
import { monthsBetween, type Period, parsePeriod, previousPeriod } from '@onegrid/domain/evaluation/period';
import {
  type CompiledScheme,
  compile,
  gradeOf,
  indicatorValues,
  type ObjectType,
  ranks,
  type Scheme,
  schemeProblems,
  score,
  weighted,
} from '@onegrid/domain/evaluation/scheme';
import { refsOf } from '@onegrid/domain/evaluation/formula';
import { DomainError } from '@onegrid/domain/errors';
import { isUniqueViolation, type Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Principal } from '../../platform/principal.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { historyOfPeriod } from '../case/case-history.ts';
import type { CaseService } from '../case/case-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { CaseView } from '../case/case-view.ts';
import type { Directory } from '../org/directory.ts';
import type { OrgService } from '../org/org-service.ts';
import { evaluationRepository as repo } from './evaluation-repository.ts';
import { casesBehind, keyOf, type Member, type ObjectKey, parseKey, POST_ROLES, type Tally, tally } from './tally.ts';

export const POST_NAMES: Record<string, { zh: string; en: string }> = {
  grid_worker: { zh: '监督员', en: 'grid worker' },
  intake: { zh: '受理员', en: 'intake operator' },
  shift_leader: { zh: '值班长', en: 'shift leader' },
  dispatcher: { zh: '派遣员', en: 'dispatcher' },
  handler: { zh: '处置人员', en: 'handler' },
};

const AREA_KINDS: Partial<Record<ObjectType, readonly string[]>> = { street: ['street', 'town'], community: ['community', 'village'], grid: ['grid'] };

export interface ScoreCell {
  score: number | null;
  grade: string | null;
  rank: number | null;
  previousScore: number | null;
  change: number | null;
}

export interface ResultRow {
  object: { type: ObjectType; id: string; key: ObjectKey; name: string };
  counts: Record<string, number>;
  indicators: Record<string, number | null>;
  scores: Record<string, ScoreCell>;
}

export interface Results {
  period: { label: string; kind: string; start: string; end: string; closed: boolean };
  previous: string;
  scheme: { version: number; name: string };
  objectType: ObjectType;
  composites: Array<{ id: string; zh: string; en: string; role: string | null }>;
  indicators: Array<{ id: string; zh: string; en: string; format: string; formula: string; definition: string | null }>;
  /** Per composite: the best and worst objects (keys), among all objects of the type. */
  redList: Record<string, ObjectKey[]>;
  blackList: Record<string, ObjectKey[]>;
  total: number;
  rows: ResultRow[];
}

interface Context {
  dir: Directory;
  members: Member[];
  /** Each user by id: name, roles and unit (persons and posts). */
  people: Map<string, { displayName: string; roles: readonly string[]; unitId: string }>;
}

/** Supervision's yellow/red cards (督办), fed with the indicators of departments and streets. */
export interface CardIssuer {
  issueCards(districtId: string, period: string, values: Array<{ unitId: string; indicator: string; value: number | null }>): Promise<unknown[]>;
}

const CACHE_MAX = 48;
const iso = (ms: number) => new Date(ms).toISOString();

export class EvaluationService {
  private readonly closedTallies = new Map<string, Tally>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly org: OrgService,
    private readonly auth: AuthService,
    private readonly cases: CaseService,
    private readonly audit: AuditService,
    private readonly cards?: CardIssuer,
  ) {}

  // ------------------------------------------------------------ schemes

  async scheme(districtId: string, version?: number): Promise<{ version: number; scheme: Scheme; createdAt: string | null }> {
    if (version === 0) return { version: 0, scheme: DEFAULT_SCHEME, createdAt: null };
    const row = version === undefined ? await repo.latestScheme(this.store.db, districtId) : await repo.scheme(this.store.db, districtId, version);
    if (!row) {
      if (version !== undefined) throw new DomainError('NOT_FOUND', `scheme version ${version} not found; version 0 is the built-in default`);
      return { version: 0, scheme: DEFAULT_SCHEME, createdAt: null };
    }
    return { version: row.version, scheme: JSON.parse(row.body) as Scheme, createdAt: iso(Number(row.created_at)) };
  }

  async versions(districtId: string) {
    const rows = await repo.schemeVersions(this.store.db, districtId);
    return [...rows.map((r) => ({ version: r.version, createdBy: r.created_by, createdAt: iso(Number(r.created_at)) })), { version: 0, createdBy: null, createdAt: null }];
  }

  /**
   * Saves a new version (never edits an old one); two saves at once get different versions or one
   * conflict. `baseVersion`, the version the caller edited, refuses a save over a newer version.
   */
  async saveScheme(p: Principal, scheme: Scheme, baseVersion?: number): Promise<{ version: number }> {
    const problems = schemeProblems(scheme);
    if (problems.length) {
      throw new DomainError('VALIDATION_FAILED', `body.${problems[0]}`, { issues: problems.map((m) => ({ path: `body.${m.split(':')[0]}`, message: m })) });
    }
    const latest = await repo.latestScheme(this.store.db, p.districtId);
    if (baseVersion !== undefined && baseVersion !== (latest?.version ?? 0)) {
      throw new DomainError('SCHEME_CONFLICT', `you edited version ${baseVersion} but version ${latest?.version ?? 0} was saved since; reload the scheme and make your change again`);
    }
    const version = (latest?.version ?? 0) + 1;
    try {
      await this.store.db.transaction().execute(async (trx) => {
        await repo.insertScheme(trx, { district_id: p.districtId, version, body: JSON.stringify(scheme), created_by: p.userId, created_at: this.clock.now() });
        await this.audit.record(trx, p, 'evaluation_scheme.save', String(version), { version, name: scheme.name, indicators: scheme.indicators.map((x) => x.id) });
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      throw new DomainError('SCHEME_CONFLICT', 'another scheme version was saved at the same moment; reload the scheme and save again');
    }
    return { version };
  }

  // ------------------------------------------------------------ results

  async results(p: Principal, q: { period: string; objectType: ObjectType; version?: number | undefined; limit: number; offset: number }): Promise<Results> {
    const period = parsePeriod(q.period);
    const prev = previousPeriod(period);
    const { version, scheme } = await this.scheme(p.districtId, q.version);
    const compiled = compile(scheme);
    const ctx = await this.context(p.districtId);
    const [now, before] = await Promise.all([this.tallyOf(p.districtId, period, ctx), this.tallyOf(p.districtId, prev, ctx)]);
    const keys = this.objectsOf(q.objectType, ctx, now);
    const cur = this.score(compiled, q.objectType, keys, now, ctx);
    const old = this.score(compiled, q.objectType, keys, before, ctx);
    const visible = keys.map((k) => this.visible(p, k, ctx));
    const composites = compiled.composites.filter((c) => c.objectType === q.objectType);
    const redList: Record<string, ObjectKey[]> = {};
    const blackList: Record<string, ObjectKey[]> = {};
    for (const c of composites) {
      const scored = keys.map((k, i) => ({ k, s: cur.scores[i]?.[c.id] ?? null })).filter((x): x is { k: string; s: number } => x.s !== null);
      scored.sort((a, b) => b.s - a.s);
      redList[c.id] = scored.slice(0, scheme.redList).map((x) => x.k);
      blackList[c.id] = scored
        .slice(Math.max(scheme.redList, scored.length - scheme.blackList))
        .reverse()
        .map((x) => x.k);
    }
    const rows: ResultRow[] = [];
    keys.forEach((key, i) => {
      if (!visible[i]) return;
      const { type, id } = parseKey(key);
      const scores: Record<string, ScoreCell> = {};
      for (const c of composites) {
        const s = cur.scores[i]?.[c.id];
        if (s === undefined) continue;
        const ps = old.scores[i]?.[c.id] ?? null;
        scores[c.id] = { score: s, grade: gradeOf(scheme, s), rank: cur.ranks[c.id]?.[i] ?? null, previousScore: ps, change: s !== null && ps !== null ? s - ps : null };
      }
      rows.push({ object: { type, id, key, name: this.nameOf(key, ctx) }, counts: cur.counts[i] as Record<string, number>, indicators: cur.indicators[i] as Record<string, number | null>, scores });
    });
    const first = composites[0]?.id;
    if (first) rows.sort((a, b) => (a.scores[first]?.rank ?? Number.MAX_SAFE_INTEGER) - (b.scores[first]?.rank ?? Number.MAX_SAFE_INTEGER));
    const hideLists = (l: Record<string, ObjectKey[]>) =>
      Object.fromEntries(Object.entries(l).map(([c, ks]) => [c, p.districtWide ? ks : ks.filter((k) => this.visible(p, k, ctx))]));
    return {
      period: { label: period.label, kind: period.kind, start: iso(period.start), end: iso(period.end), closed: period.end <= this.clock.now() },
      previous: prev.label,
      scheme: { version, name: scheme.name },
      objectType: q.objectType,
      composites: composites.map((c) => ({ id: c.id, zh: c.zh, en: c.en, role: c.role ?? null })),
      indicators: scheme.indicators.map((x) => ({ id: x.id, zh: x.zh, en: x.en, format: x.format, formula: x.formula, definition: x.definition ?? null })),
      redList: hideLists(redList),
      blackList: hideLists(blackList),
      total: rows.length,
      rows: rows.slice(q.offset, q.offset + q.limit),
    };
  }

  /**
   * The cases behind one figure of one object: a count, or an indicator (the cases behind each
   * count its formula uses). The object must be in the caller's scope.
   */
  async drill(p: Principal, q: { period: string; object: string; figure: string; version?: number | undefined; limit: number }) {
    const period = parsePeriod(q.period);
    const ctx = await this.context(p.districtId);
    const key = q.object;
    const { type, id } = parseKey(key);
    const known = type === 'district' ? key === 'district' : AREA_KINDS[type] || type === 'department' ? !!ctx.dir.unit(id) : type === 'post' ? id in POST_NAMES : ctx.people.has(id);
    if (!known || !this.visible(p, key, ctx)) throw new DomainError('NOT_FOUND', `evaluation object ${key} not found`);
    let countIds: string[];
    if (isCountId(q.figure)) countIds = [q.figure];
    else {
      const { scheme } = await this.scheme(p.districtId, q.version);
      const compiled = compile(scheme);
      const f = compiled.formulas.get(q.figure);
      if (!f) throw new DomainError('VALIDATION_FAILED', `query.figure: "${q.figure}" is neither a count (${COUNTS.map((c) => c.id).join(', ')}) nor an indicator of the scheme`);
      countIds = [...refsOf(f)];
    }
    const histories = await historyOfPeriod(this.store, p.districtId, period.start, period.end);
    const hits = casesBehind(histories, period.start, period.end, ctx.dir, ctx.members, key, new Set(countIds.map((c) => COUNT_INDEX[c as keyof typeof COUNT_INDEX])));
    const byCount: Record<string, { total: number; cases: number }> = Object.fromEntries(countIds.map((c) => [c, { total: 0, cases: 0 }]));
    const caseIds: string[] = [];
    const seen = new Set<string>();
    for (const h of hits) {
      const c = byCount[COUNTS[h.count]?.id as string] as { total: number; cases: number };
      c.total += h.amount;
      c.cases++;
      if (!seen.has(h.caseId)) {
        seen.add(h.caseId);
        caseIds.push(h.caseId);
      }
    }
    const items: CaseView[] = await this.cases.byIds(p, caseIds.slice(0, q.limit));
    return { period: period.label, object: { key, type, id, name: this.nameOf(key, ctx) }, figure: q.figure, counts: byCount, totalCases: caseIds.length, items };
  }

  /**
   * Hands a finished period's department and street indicators to supervision, which issues
   * yellow and red cards by its thresholds (idempotent: running it again changes nothing).
   */
  async issueCards(p: Principal, periodText: string) {
    if (!this.cards) throw new DomainError('INTERNAL', 'supervision is not configured');
    const period = parsePeriod(periodText);
    if (period.end > this.clock.now()) throw new DomainError('VALIDATION_FAILED', `body.period: ${period.label} has not ended; cards are issued for finished periods`);
    const values: Array<{ unitId: string; indicator: string; value: number | null }> = [];
    for (const objectType of ['department', 'street'] as const) {
      const r = await this.results(p, { period: period.label, objectType, limit: 1_000_000, offset: 0 });
      for (const row of r.rows) for (const [indicator, value] of Object.entries(row.indicators)) values.push({ unitId: row.object.id, indicator, value });
    }
    const cards = await this.cards.issueCards(p.districtId, period.label, values);
    return { period: period.label, cards };
  }

  // ------------------------------------------------------------ indices

  async indices(p: Principal, q: { from: string; to: string; version?: number | undefined }) {
    const months = monthsBetween(q.from, q.to);
    const { version, scheme } = await this.scheme(p.districtId, q.version);
    const compiled = compile(scheme);
    const ctx = await this.context(p.districtId);
    const inputs = await repo.inputs(this.store.db, p.districtId, months.map((m) => m.label));
    const history = [];
    for (const m of months) {
      const t = await this.tallyOf(p.districtId, m, ctx);
      const counts = t.get('district');
      const ind = indicatorValues(compiled, (name) => (isCountId(name) ? (counts?.[COUNT_INDEX[name]] ?? 0) : null));
      const entered = new Map(inputs.filter((r) => r.period === m.label).map((r) => [r.code, r.value]));
      const indices = scheme.indices.map((x) => {
        const components = x.components.map((c) => {
          const value = c.source === 'indicator' ? (ind[c.code] ?? null) : (entered.get(c.code) ?? null);
          return { code: c.code, source: c.source, zh: c.zh, en: c.en, weight: c.weight, value, score: value === null ? null : score(c.mapping, value, null) };
        });
        const value = weighted(components);
        return { id: x.id, zh: x.zh, en: x.en, value, components };
      });
      history.push({ period: m.label, indices });
    }
    return { scheme: { version, name: scheme.name }, months: history };
  }

  async setInputs(p: Principal, period: string, values: Record<string, number>) {
    const m = parsePeriod(period);
    if (m.kind !== 'month') throw new DomainError('VALIDATION_FAILED', 'period: index inputs are monthly, e.g. 2024-03');
    const { scheme } = await this.scheme(p.districtId);
    const codes = new Set(scheme.indices.flatMap((x) => x.components.filter((c) => c.source === 'input').map((c) => c.code)));
    const unknown = Object.keys(values).filter((k) => !codes.has(k));
    if (unknown.length) throw new DomainError('VALIDATION_FAILED', `body.values.${unknown[0]}: not an input of the scheme's indices; inputs are ${[...codes].join(', ')}`);
    const now = this.clock.now();
    await repo.upsertInputs(
      this.store.db,
      Object.entries(values).map(([code, value]) => ({ district_id: p.districtId, period: m.label, code, value, updated_by: p.userId, updated_at: now })),
    );
    const rows = await repo.inputs(this.store.db, p.districtId, [m.label]);
    return { period: m.label, values: Object.fromEntries(rows.map((r) => [r.code, r.value])) };
  }

  // ------------------------------------------------------------ internals

  private async context(districtId: string): Promise<Context> {
    const [dir, members] = await Promise.all([this.org.directory(districtId), this.auth.members(districtId)]);
    return { dir, members, people: new Map(members.map((m) => [m.id, m])) };
  }

  private async tallyOf(districtId: string, period: Period, ctx: Context): Promise<Tally> {
    const key = `${districtId}|${period.start}|${period.end}|${ctx.dir.fingerprint}`;
    const hit = this.closedTallies.get(key);
    if (hit) return hit;
    const histories = await historyOfPeriod(this.store, districtId, period.start, period.end);
    const t = tally(histories, period.start, period.end, ctx.dir, ctx.members);
    if (period.end <= this.clock.now()) {
      if (this.closedTallies.size >= CACHE_MAX) this.closedTallies.delete(this.closedTallies.keys().next().value as string);
      this.closedTallies.set(key, t);
    }
    return t;
  }

  /** Every object of the type, those without any case too (they show as "no data", not as missing). */
  private objectsOf(type: ObjectType, ctx: Context, t: Tally): ObjectKey[] {
    const kinds = AREA_KINDS[type];
    if (type === 'district') return ['district'];
    if (kinds) return ctx.dir.ofKind(...(kinds as Parameters<Directory['ofKind']>)).map((u) => keyOf(type, u.id));
    if (type === 'department') {
      return ctx.dir
        .ofKind('department')
        .filter((u) => ctx.dir.unit(u.parent_id ?? '')?.kind !== 'department')
        .map((u) => keyOf('department', u.id));
    }
    if (type === 'post') return POST_ROLES.map((r) => keyOf('post', r));
    const staff = ctx.members.filter((m) => m.roles.some((r) => (POST_ROLES as readonly string[]).includes(r))).map((m) => keyOf('person', m.id));
    return [...new Set([...staff, ...[...t.keys()].filter((k) => k.startsWith('person:'))])];
  }

  private score(s: CompiledScheme, type: ObjectType, keys: ObjectKey[], t: Tally, ctx: Context) {
    const composites = s.composites.filter((c) => c.objectType === type);
    const roles = (key: ObjectKey): readonly string[] => {
      const { type: ty, id } = parseKey(key);
      if (ty === 'post') return [id];
      if (ty === 'person') return ctx.people.get(id)?.roles ?? [];
      return [];
    };
    // Filled in one fixed order, so every object shares one hidden class (~10,000 grids per call).
    const counts = keys.map((k) => {
      const a = t.get(k);
      const row: Record<string, number> = {};
      for (let i = 0; i < COUNTS.length; i++) row[(COUNTS[i] as (typeof COUNTS)[number]).id] = a ? (a[i] as number) : 0;
      return row;
    });
    const indicators = counts.map((c) => indicatorValues(s, (name) => c[name] ?? null));
    const scores: Array<Record<string, number | null>> = keys.map(() => ({}));
    const rankOf: Record<string, Array<number | null>> = {};
    for (const c of composites) {
      const applies = keys.map((k) => !c.role || roles(k).includes(c.role));
      const best = new Map<string, number>();
      for (const it of c.items) {
        if (it.mapping.kind !== 'relative') continue;
        best.set(it.indicator, Math.max(0, ...indicators.filter((_, i) => applies[i]).map((v) => v[it.indicator] ?? 0)));
      }
      const col = keys.map((_, i) => {
        if (!applies[i]) return undefined;
        const v = indicators[i] as Record<string, number | null>;
        return weighted(c.items.map((it) => ({ weight: it.weight, score: v[it.indicator] == null ? null : score(it.mapping, v[it.indicator] as number, best.get(it.indicator) ?? null) })));
      });
      col.forEach((x, i) => {
        if (x !== undefined) (scores[i] as Record<string, number | null>)[c.id] = x;
      });
      rankOf[c.id] = ranks(col.map((x) => x ?? null));
    }
    return { counts, indicators, scores, ranks: rankOf };
  }

  private visible(p: Principal, key: ObjectKey, ctx: Context): boolean {
    if (p.districtWide) return true;
    const { type, id } = parseKey(key);
    if (type === 'district' || type === 'post') return false;
    if (type === 'person') return ctx.dir.isWithin(ctx.people.get(id)?.unitId, p.unitId);
    return ctx.dir.isWithin(id, p.unitId);
  }

  nameOf(key: ObjectKey, ctx: Context): string {
    const { type, id } = parseKey(key);
    if (type === 'district') return '全区 (district)';
    if (type === 'post') return POST_NAMES[id]?.zh ?? id;
    if (type === 'person') return ctx.people.get(id)?.displayName ?? id;
    return ctx.dir.unit(id)?.name ?? id;
  }
}
