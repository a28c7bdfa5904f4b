/**
 * Intake intelligence around a report (issue #3): locate (point or gazetteer address), classify,
 * look for duplicates and repeat problems, suggest the lead unit, and — where the district has
 * switched automation on and every signal is unambiguous — merge or accept, register and dispatch
 * as the district's system user. Every decision and its scores go into the case's events; a step
 * that fails is recorded and the case simply waits for a person.
 */
import { OPEN_STATES } from '@onegrid/domain/case/lifecycle';
import { DomainError } from '@onegrid/domain/errors';
import { toStored } from '@onegrid/domain/geo/coords';
import { bigrams } from '@onegrid/domain/text/similarity';
import { DEFAULT_DEDUP, type DedupParams, haversineM, scoreDuplicate, searchArea, verdict, type DedupVerdict } from '@onegrid/domain/intake/dedup';
import type { Logger } from 'pino';
import type { Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Principal } from '../../platform/principal.ts';
import type { AuthService } from '../auth/auth-service.ts';
import type { CaseService, FollowUp, NewCase } from '../case/case-service.ts';
import type { CaseView } from '../case/case-view.ts';
import type { OrgService } from '../org/org-service.ts';
import type { Category, TaxonomyService } from '../taxonomy/taxonomy-service.ts';
import { intakeRepository as repo } from './intake-repository.ts';

export interface CategorySuggester {
  suggest(districtId: string, text: string): Promise<{ modelVersion: string; suggestions: Array<{ kind: string; code: string; name: string | null; p: number }> }>;
}
export interface AddressGeocoder {
  geocode(
    districtId: string,
    text: string,
  ): Promise<{ best: { lng: number; lat: number; name: string; confidence: number } | null; candidates: unknown[]; needsConfirmation: boolean }>;
}

export const INTAKE_DEFAULTS = { classifyThreshold: 0.8, autoDispatchThreshold: 0.9, repeatDays: 30 } as const;

/** districts.settings.intake */
export interface IntakeSettings {
  /** Merge and accept/register/dispatch without a person (自动派遣). Off unless a district opts in. */
  automation?: boolean;
  /** A model suggestion at or above this probability becomes the case's category. */
  classifyThreshold?: number;
  /** …and at or above this one it may also be dispatched automatically. */
  autoDispatchThreshold?: number;
  repeatDays?: number;
  dedup?: Partial<Omit<DedupParams, 'radiusM'>> & { byCategory?: Record<string, Partial<DedupParams>> };
}

interface Decision {
  step: 'locate' | 'classify' | 'dedup' | 'repeat' | 'route' | 'automation';
  outcome: string;
  [k: string]: unknown;
}

const OPEN = [...OPEN_STATES];

export class IntakeService {
  private readonly system = new Map<string, Promise<Principal | null>>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly org: OrgService,
    private readonly taxonomy: TaxonomyService,
    private readonly cases: CaseService,
    private readonly auth: AuthService,
    private readonly log: Pick<Logger, 'warn'>,
    private readonly suggester: CategorySuggester | null = null,
    private readonly geocoder: AddressGeocoder | null = null,
  ) {}

  async report(p: Principal, input: NewCase, idempotencyKey?: string): Promise<{ view: CaseView; replayed: boolean }> {
    const districtId = p.districtId;
    const settings = await this.settings(districtId);
    const decisions: Decision[] = [];
    const attempt = async <T>(step: Decision['step'], fn: () => Promise<T>): Promise<T | null> => {
      try {
        return await fn();
      } catch (e) {
        if (e instanceof DomainError && e.code !== 'INTERNAL') throw e;
        this.log.warn({ err: e, step }, 'intake step failed; the case waits for a person');
        decisions.push({ step, outcome: 'failed', error: e instanceof Error ? e.message : String(e) });
        return null;
      }
    };

    let location = input.location;
    const geocoder = this.geocoder;
    if (!location && input.address && geocoder) {
      const g = await attempt('locate', () => geocoder.geocode(districtId, input.address ?? ''));
      if (g?.best && !g.needsConfirmation) {
        location = { lng: g.best.lng, lat: g.best.lat, crs: 'gcj02' };
        decisions.push({ step: 'locate', outcome: 'geocoded', name: g.best.name, confidence: g.best.confidence });
      } else if (g) {
        decisions.push({ step: 'locate', outcome: 'needs_person', candidates: g.candidates.slice(0, 5) });
      }
    }

    let category: Category | undefined = input.category ? await this.taxonomy.require(districtId, input.category) : undefined;
    let confidence = category ? 1 : 0;
    const suggester = this.suggester;
    if (!category && suggester) {
      const r = await attempt('classify', () => suggester.suggest(districtId, input.description));
      const top = r?.suggestions[0];
      if (r && top) {
        const applied = top.p >= (settings.classifyThreshold ?? INTAKE_DEFAULTS.classifyThreshold);
        if (applied) {
          category = await this.taxonomy.find(districtId, top.kind, top.code);
          confidence = top.p;
        }
        decisions.push({ step: 'classify', outcome: applied ? 'applied' : 'suggested', modelVersion: r.modelVersion, suggestions: r.suggestions.slice(0, 3) });
      }
    }

    const point = location ? toStored(location.lng, location.lat, location.crs ?? 'gcj02') : null;
    let dedupVerdict: DedupVerdict = 'distinct';
    let master: string | null = null;
    let repeatOf: string | null = null;
    if (point) {
      const now = this.clock.now();
      const params = this.dedupParams(settings, category);
      const area = searchArea(point[0], point[1], params.radiusM);
      const found = await attempt('dedup', async () => {
        const rows = await repo.openNearby(this.store.db, districtId, area, now - params.windowMs, OPEN, 200);
        const grams = bigrams(input.description);
        const subject = { lng: point[0], lat: point[1], at: now, category: category ? { kind: category.kind, code: category.code } : null, text: input.description };
        return rows
          .filter((r) => r.lng !== null && r.lat !== null)
          .map((r) => ({
            caseId: r.id,
            number: r.number,
            ...scoreDuplicate(
              subject,
              { lng: r.lng as number, lat: r.lat as number, at: r.created_at, category: r.category_code ? { kind: r.category_kind ?? '', code: r.category_code } : null, text: r.description },
              params,
              grams,
            ),
          }))
          .filter((x) => x.score >= params.reviewThreshold)
          .sort((a, b) => b.score - a.score)
          .slice(0, 5);
      });
      if (found?.length) {
        dedupVerdict = verdict(found[0]?.score ?? 0, params);
        master = found[0]?.caseId ?? null;
        decisions.push({ step: 'dedup', outcome: dedupVerdict, thresholds: { auto: params.autoThreshold, review: params.reviewThreshold }, candidates: found });
      }
      if (category) {
        const cat = category;
        const closed = await attempt('repeat', async () => {
          const since = now - (settings.repeatDays ?? INTAKE_DEFAULTS.repeatDays) * 86400_000;
          const rows = await repo.closedNearby(this.store.db, districtId, area, cat, since, 100);
          // The box's corners lie outside the radius, and "the same place" means within it.
          return rows.find((r) => r.lng !== null && r.lat !== null && haversineM(point[0], point[1], r.lng, r.lat) <= params.radiusM) ?? null;
        });
        if (closed) {
          repeatOf = closed.id;
          decisions.push({ step: 'repeat', outcome: 'flagged', caseId: closed.id, number: closed.number, closedAt: new Date(closed.closed_at ?? 0).toISOString() });
        }
      }
    }

    const dir = await this.org.directory(districtId);
    const loc = point ? dir.locate(point[0], point[1]) : null;
    const routing = loc ? await this.taxonomy.route(districtId, category, loc) : { unitId: null, rule: 'none' as const };
    decisions.push({ step: 'route', outcome: routing.unitId ? 'suggested' : 'none', unitId: routing.unitId, rule: routing.rule });

    // Automatic steps go in the report's own transaction: one commit, and never half taken.
    const system = settings.automation ? await this.systemPrincipal(districtId) : null;
    const followUps: FollowUp[] = [];
    if (system && dedupVerdict === 'auto_merge' && master) {
      followUps.push({ p: system, action: 'merge', input: { masterCaseId: master, reason: 'automatic: duplicate of an open case nearby' } });
    } else if (
      system &&
      dedupVerdict === 'distinct' &&
      category?.autoDispatch === true &&
      routing.unitId !== null &&
      loc?.outsideJurisdiction === false &&
      confidence >= (settings.autoDispatchThreshold ?? INTAKE_DEFAULTS.autoDispatchThreshold)
    ) {
      const reason = `automatic: ${category.kind} ${category.code} (confidence ${confidence.toFixed(2)}), lead by ${routing.rule}`;
      followUps.push(
        { p: system, action: 'accept', input: { reason } },
        { p: system, action: 'register', input: { reason } },
        { p: system, action: 'dispatch', input: { reason, leadUnitId: routing.unitId, routingRule: routing.rule } },
      );
    }
    const created = await this.cases.report(
      p,
      { ...input, location, category: category ? { kind: category.kind, code: category.code } : undefined },
      idempotencyKey,
      {
        repeatOf,
        intake: { decisions, categoryConfidence: confidence },
        followUps,
        onFollowUpsRefused: (e) => {
          this.log.warn({ err: e, step: 'automation' }, 'automatic steps refused; the case waits for a person');
          decisions.push({ step: 'automation', outcome: 'failed', error: e instanceof Error ? e.message : String(e) });
        },
      },
    );
    return { view: created.view, replayed: created.replayed };
  }

  /** The intake decisions recorded when the case was reported. */
  async decisions(p: Principal, caseId: string): Promise<Record<string, unknown> | null> {
    const events = await this.cases.events(p, caseId);
    const report = events.find((e) => e.action === 'report');
    return (report?.payload.intake as Record<string, unknown> | undefined) ?? null;
  }

  /** Dispatches per routing rule and unit, and how many came back as "not ours". */
  async routingStats(p: Principal, sinceMs: number) {
    const rows = await repo.dispatchOutcomes(this.store.db, p.districtId, sinceMs);
    const stats = new Map<string, { rule: string; unitId: string; dispatched: number; returned: number }>();
    const lastDispatch = new Map<string, string>();
    for (const r of rows) {
      const payload = JSON.parse(r.payload) as { leadUnitId?: string; routingRule?: string };
      if (r.action === 'dispatch') {
        const key = `${payload.routingRule ?? 'manual'}|${payload.leadUnitId ?? ''}`;
        const s = stats.get(key) ?? { rule: payload.routingRule ?? 'manual', unitId: payload.leadUnitId ?? '', dispatched: 0, returned: 0 };
        s.dispatched++;
        stats.set(key, s);
        lastDispatch.set(r.case_id, key);
      } else {
        const key = lastDispatch.get(r.case_id);
        const s = key ? stats.get(key) : undefined;
        if (s) s.returned++;
      }
    }
    const dir = await this.org.directory(p.districtId);
    return [...stats.values()]
      .map((s) => ({ ...s, unitName: dir.unit(s.unitId)?.name ?? null, returnRate: s.dispatched ? s.returned / s.dispatched : 0 }))
      .sort((a, b) => b.returnRate - a.returnRate || b.dispatched - a.dispatched);
  }

  private async settings(districtId: string): Promise<IntakeSettings> {
    const d = await this.org.districtById(districtId);
    return ((JSON.parse(d?.settings ?? '{}') as { intake?: IntakeSettings }).intake ?? {}) as IntakeSettings;
  }

  private dedupParams(s: IntakeSettings, c: Category | undefined): DedupParams {
    const own = c ? s.dedup?.byCategory?.[`${c.kind}:${c.code}`] : undefined;
    return {
      radiusM: own?.radiusM ?? c?.dedupRadiusM ?? DEFAULT_DEDUP.radiusM,
      windowMs: own?.windowMs ?? s.dedup?.windowMs ?? DEFAULT_DEDUP.windowMs,
      autoThreshold: own?.autoThreshold ?? s.dedup?.autoThreshold ?? DEFAULT_DEDUP.autoThreshold,
      reviewThreshold: own?.reviewThreshold ?? s.dedup?.reviewThreshold ?? DEFAULT_DEDUP.reviewThreshold,
    };
  }

  /** The district's system user (no password, cannot sign in) that automatic steps act as. */
  systemPrincipal(districtId: string): Promise<Principal | null> {
    let p = this.system.get(districtId);
    if (!p) {
      p = (async () => {
        const dir = await this.org.directory(districtId);
        const centre = dir.centre();
        const district = await this.org.districtById(districtId);
        if (!centre || !district) return null;
        const username = `system-${district.code}`;
        const existing = await this.auth.userByUsername(username);
        const user =
          existing ??
          (await this.auth.createUsers(districtId, [{ username, password: null, displayName: '智能派遣 (system)', roles: ['intake', 'shift_leader', 'dispatcher'], unitId: centre.id }]))[0];
        return user ? this.auth.principalOf(user, 'session') : null;
      })();
      this.system.set(districtId, p);
      p.catch(() => this.system.delete(districtId));
    }
    return p;
  }
}
