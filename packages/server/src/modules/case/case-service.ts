/**
 * The case closed loop. Every change to a case goes through `act`: the lifecycle table decides,
 * then one transaction updates the row with a version check, appends the event, moves the SLA
 * timers and writes the outbox. Creation (`report`) follows the same pattern.
 */
import { type ActorContext, type CaseAction, type CaseState, decide, allowedActions, TERMINAL_STATES } from '@onegrid/domain/case/lifecycle';
import { type Urgency, startsNewStage, stageOf } from '@onegrid/domain/case/sla';
import { DomainError } from '@onegrid/domain/errors';
import { type Crs, toStored } from '@onegrid/domain/geo/coords';
import { validLngLat } from '@onegrid/domain/geo/geometry';
import { cellOf } from '@onegrid/domain/intake/dedup';
import type { Transaction } from 'kysely';
import type { CaseEventRow, CaseRow, CaseTimerRow, CaseUnitRow, DB } from '../../db/schema.ts';
import { GroupCommit } from '../../db/group-commit.ts';
import { isUniqueViolation, type Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import { notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { enqueue } from '../../platform/outbox.ts';
import type { Principal } from '../../platform/principal.ts';
import type { AuthService } from '../auth/auth-service.ts';
import type { FileService } from '../files/file-service.ts';
import type { Directory } from '../org/directory.ts';
import type { OrgService } from '../org/org-service.ts';
import { HANDLING_KINDS, type UnitKind } from '../org/unit-kinds.ts';
import { type CalendarService, type DistrictClock, resumedClock, startStage } from '../sla/calendar-service.ts';
import type { Category, TaxonomyService } from '../taxonomy/taxonomy-service.ts';
import { CaseNumbers } from './case-numbers.ts';
import { caseRepository as repo, type ListFilter, LIST_SORT } from './case-repository.ts';
import { caseView, type CaseView, eventView } from './case-view.ts';
import { canSee, relationsOf, scopeFilter } from './scope.ts';

export const CHANNELS = ['patrol', 'citizen', 'hotline', 'video', 'sensor', 'assigned', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface NewCase {
  channel: Channel;
  description: string;
  /** Absent for an address-only report that a person still has to place. */
  location?: { lng: number; lat: number; crs?: Crs | undefined } | undefined;
  address?: string | undefined;
  category?: { kind: string; code: string } | undefined;
  urgency?: Urgency | undefined;
  reporter?: { name?: string | undefined; phone?: string | undefined } | undefined;
  photos?: string[] | undefined;
}

export interface ActionInput {
  version: number;
  reason?: string | undefined;
  note?: string | undefined;
  photos?: string[] | undefined;
  category?: { kind: string; code: string } | undefined;
  urgency?: Urgency | undefined;
  leadUnitId?: string | undefined;
  cohandlerUnitIds?: string[] | undefined;
  masterCaseId?: string | undefined;
  until?: string | undefined;
  satisfaction?: 'satisfied' | 'basically_satisfied' | 'unsatisfied' | undefined;
  resolved?: boolean | undefined;
  /** How the lead unit was chosen (intake's routing rule), recorded for return-rate tracking. */
  routingRule?: string | undefined;
  /** accept and register only: place (or move) the case, e.g. an address-only hotline report. */
  location?: { lng: number; lat: number; crs?: Crs | undefined } | undefined;
  address?: string | undefined;
}

const NEEDS_REASON: ReadonlySet<CaseAction> = new Set(['reject', 'unmerge', 'void', 'return', 'check_fail', 'postpone_request', 'postpone_deny', 'suspend', 'escalate']);
const NEEDS_NOTE: ReadonlySet<CaseAction> = new Set(['report_handled', 'comment']);

/** An action planned against a known row: what `write` will change and what the case becomes. */
interface Step {
  p: Principal;
  c: CaseRow;
  action: CaseAction;
  input: ActionInput;
  to: CaseState;
  stateChanges: boolean;
  effect: Effect;
  patch: Partial<CaseRow>;
  newTimers: CaseTimerRow[];
  next: CaseRow;
  nextUnits: CaseUnitRow[];
  now: number;
}

/** An action a report takes at once, in its own transaction (intake's automatic steps). */
export interface FollowUp {
  p: Principal;
  action: CaseAction;
  input: Omit<ActionInput, 'version'>;
}

/** What one action does to the case, beyond the state change the table already decided. */
interface Effect {
  patch: Partial<CaseRow>;
  payload: Record<string, unknown>;
  /** Replace the active lead/cohandler assignments. */
  assign?: { lead?: string | null; cohandlers?: string[] };
  /** Move the clock of the current stage (postponement, suspension). */
  clock?: 'suspend' | 'resume' | { warnAt: number; deadlineAt: number };
  master?: CaseRow;
}

export class CaseService {
  private readonly numbers: CaseNumbers;
  /** On SQLite, concurrent reports and transitions share a commit; each keeps its own all-or-nothing savepoint. */
  private readonly writes: GroupCommit;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly org: OrgService,
    private readonly taxonomy: TaxonomyService,
    private readonly calendars: CalendarService,
    private readonly auth: AuthService,
    private readonly files: FileService,
  ) {
    this.numbers = new CaseNumbers(store);
    this.writes = GroupCommit.forStore(store);
  }

  // ---------------------------------------------------------------- create

  async report(
    p: Principal,
    input: NewCase,
    idempotencyKey?: string,
    extras: {
      repeatOf?: string | null;
      intake?: Record<string, unknown>;
      /** Actions taken at once in the same transaction; if one cannot be planned, none is taken. */
      followUps?: FollowUp[];
      onFollowUpsRefused?: (e: unknown) => void;
    } = {},
  ): Promise<{ view: CaseView; replayed: boolean; followedUp: boolean }> {
    if (idempotencyKey) {
      const existing = await repo.idempotentCase(this.store.db, p.userId, idempotencyKey);
      if (existing) return { view: await this.get(p, existing), replayed: true, followedUp: false };
    }
    if (input.location && !validLngLat(input.location.lng, input.location.lat)) {
      throw new DomainError('VALIDATION_FAILED', 'location: lng must be in [-180, 180] and lat in [-90, 90]');
    }
    if (!input.location && !input.address?.trim()) {
      throw new DomainError('VALIDATION_FAILED', 'location: give a point, or at least an address a person can place');
    }
    const crs = input.location?.crs ?? 'gcj02';
    const point = input.location ? toStored(input.location.lng, input.location.lat, crs) : null;
    const category = input.category ? await this.taxonomy.require(p.districtId, input.category) : undefined;
    const photos = await this.files.requireOwned(p.districtId, input.photos ?? []);
    const [dir, dc, district] = await Promise.all([
      this.org.directory(p.districtId),
      this.calendars.forDistrict(p.districtId),
      this.org.districtById(p.districtId),
    ]);
    const now = this.clock.now();
    const place = placement(dir, point);
    const urgency = input.urgency ?? category?.defaultUrgency ?? 'normal';
    const stage = startStage(dc, urgency, 'accept', this.taxonomy.limitsFor(category, urgency, dc.defaultLimits), now);
    const day = new Date(now + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
    const serial = await this.numbers.next(p.districtId, `case:${day}`);
    const row: CaseRow = {
      id: newId(now),
      district_id: p.districtId,
      number: `${district?.case_prefix ?? 'C'}${day}${String(serial).padStart(5, '0')}`,
      channel: input.channel,
      description: input.description,
      address: input.address ?? null,
      category_kind: category?.kind ?? null,
      category_code: category?.code ?? null,
      urgency,
      state: 'REPORTED',
      version: 1,
      event_count: 1,
      suspended: 0,
      suspended_remaining_min: null,
      postpone_until: null,
      postpone_reason: null,
      supervised: 0,
      escalated: 0,
      rework_count: 0,
      return_count: 0,
      postpone_count: 0,
      reporter_name: input.reporter?.name ?? null,
      reporter_phone: input.reporter?.phone ?? null,
      ...place,
      lead_unit_id: null,
      stage: stage.stage,
      stage_seq: 1,
      stage_started_at: now,
      stage_limit_min: stage.limitMin,
      warn_at: stage.warnAt,
      deadline_at: stage.deadlineAt,
      merged_into: null,
      satisfaction: null,
      resolved: null,
      photos: JSON.stringify(photos),
      created_by: p.userId,
      created_at: now,
      updated_at: now,
      closed_at: null,
      repeat_of: extras.repeatOf ?? null,
    };
    const steps = await this.planFollowUps(row, dir, dc, extras, now);
    try {
      await this.writes.run(async (trx) => {
        if (idempotencyKey) await repo.insertIdempotencyKey(trx, p.userId, idempotencyKey, row.id, now);
        await repo.insertCase(trx, row);
        await repo.insertEvents(trx, [
          this.event(row, 1, 'report', null, 'REPORTED', p, now, null, {
            channel: row.channel,
            category: category ? { kind: category.kind, code: category.code } : null,
            location: point ? { lng: point[0], lat: point[1] } : null,
            ...(crs !== 'gcj02' ? { reportedLocation: input.location } : {}),
            outsideJurisdiction: place.outside_jurisdiction === 1,
            ...(extras.repeatOf ? { repeatOf: extras.repeatOf } : {}),
            ...(extras.intake ? { intake: extras.intake } : {}),
          }),
        ]);
        await repo.insertTimers(trx, this.timers(row, now));
        await enqueue(trx, [this.message(row, 'case.reported', p, 'REPORTED', null)], now);
        for (const st of steps) await this.write(trx, st);
      });
    } catch (e) {
      if (idempotencyKey && isUniqueViolation(e)) {
        const first = await repo.idempotentCase(this.store.db, p.userId, idempotencyKey);
        if (first) return { view: await this.get(p, first), replayed: true, followedUp: false };
      }
      // The report itself must not be lost to a step a person can take instead.
      if (steps.length) {
        extras.onFollowUpsRefused?.(e);
        return this.report(p, input, idempotencyKey, { ...extras, followUps: [] });
      }
      throw e;
    }
    const last = steps.at(-1);
    const [c, units] = last ? [last.next, last.nextUnits] : [row, []];
    const relations = relationsOf(p, c, units, dir).add('any');
    return { view: this.present(c, units, dir, dc, p, true, { roles: p.roles, relations }), replayed: false, followedUp: steps.length > 0 };
  }

  /** Plans each follow-up on the case as the one before leaves it; any refusal drops them all. */
  private async planFollowUps(
    row: CaseRow,
    dir: Directory,
    dc: DistrictClock,
    extras: { followUps?: FollowUp[]; onFollowUpsRefused?: (e: unknown) => void },
    now: number,
  ): Promise<Step[]> {
    const steps: Step[] = [];
    let c = row;
    let units: CaseUnitRow[] = [];
    try {
      for (const f of extras.followUps ?? []) {
        const relations = relationsOf(f.p, c, units, dir).add('any');
        const st = await this.plan(f.p, c, units, dir, dc, { roles: f.p.roles, relations }, f.action, { ...f.input, version: c.version }, now);
        steps.push(st);
        c = st.next;
        units = st.nextUnits;
      }
    } catch (e) {
      extras.onFollowUpsRefused?.(e);
      return [];
    }
    return steps;
  }

  // ---------------------------------------------------------------- read

  private async load(p: Principal, id: string) {
    const c = await repo.byId(this.store.db, p.districtId, id);
    if (!c) throw notFound(`case ${id}`);
    const [units, dir] = await Promise.all([repo.units(this.store.db, [c.id]), this.org.directory(p.districtId)]);
    const relations = relationsOf(p, c, units, dir);
    if (!canSee(p, c, units, relations, dir)) throw notFound(`case ${id}`);
    relations.add('any');
    return { c, units, dir, actor: { roles: p.roles, relations } satisfies ActorContext };
  }

  async get(p: Principal, id: string): Promise<CaseView> {
    const { c, units, dir, actor } = await this.load(p, id);
    const dc = await this.calendars.forDistrict(p.districtId);
    return this.present(c, units, dir, dc, p, true, actor);
  }

  async events(p: Principal, id: string) {
    const { c, dir } = await this.load(p, id);
    const events = await repo.events(this.store.db, c.id);
    const names = await this.auth.displayNames([...new Set(events.map((e) => e.actor_user_id).filter((x): x is string => !!x))]);
    return events.map((e) => eventView(e, dir, (uid) => names.get(uid) ?? null));
  }

  /**
   * Cases by id, for the list behind an evaluation figure. The figure's object was already checked
   * against the caller's scope; a case the caller may not see is still left out.
   */
  async byIds(p: Principal, ids: string[]): Promise<CaseView[]> {
    const [dir, dc] = await Promise.all([this.org.directory(p.districtId), this.calendars.forDistrict(p.districtId)]);
    const rows = await repo.byIds(this.store.db, p.districtId, ids);
    const units = await repo.units(this.store.db, rows.map((r) => r.id));
    const byCase = new Map<string, CaseUnitRow[]>();
    for (const u of units) byCase.set(u.case_id, [...(byCase.get(u.case_id) ?? []), u]);
    const order = new Map(ids.map((id, i) => [id, i]));
    return rows
      .filter((c) => {
        const us = byCase.get(c.id) ?? [];
        return canSee(p, c, us, relationsOf(p, c, us, dir), dir);
      })
      .sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0))
      .map((c) => this.present(c, byCase.get(c.id) ?? [], dir, dc, p, false));
  }

  async list(
    p: Principal,
    q: Omit<ListFilter, 'districtId' | 'scope' | 'now' | 'after' | 'area'> & { cursor?: string | undefined; areaUnitId?: string | undefined },
  ): Promise<{ items: CaseView[]; nextCursor: string | null }> {
    const [dir, dc] = await Promise.all([this.org.directory(p.districtId), this.calendars.forDistrict(p.districtId)]);
    let area: ListFilter['area'];
    if (q.areaUnitId) {
      const u = dir.unit(q.areaUnitId);
      const col = ({ street: 'street_id', town: 'street_id', community: 'community_id', village: 'community_id', grid: 'grid_id', social_grid: 'social_grid_id' } as const)[
        u?.kind as 'street'
      ];
      if (!u || !col) throw new DomainError('VALIDATION_FAILED', 'query.area: must be the id of a street, town, community, village or grid unit');
      area = { column: col, id: u.id };
    }
    const now = this.clock.now();
    const rows = await repo.list(this.store.db, {
      ...q,
      districtId: p.districtId,
      area,
      now,
      scope: scopeFilter(p, dir),
      after: q.cursor ? decodeCursor(q.cursor) : undefined,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const units = await repo.units(this.store.db, page.map((r) => r.id));
    const byCase = new Map<string, CaseUnitRow[]>();
    for (const u of units) byCase.set(u.case_id, [...(byCase.get(u.case_id) ?? []), u]);
    const last = page[page.length - 1];
    const col = LIST_SORT[q.sort].col;
    return {
      items: page.map((r) => this.present(r, byCase.get(r.id) ?? [], dir, dc, p, false)),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last[col] ?? 0, last.id) : null,
    };
  }

  private present(c: CaseRow, units: CaseUnitRow[], dir: Directory, dc: DistrictClock, p: Principal, detail: boolean, actor?: ActorContext): CaseView {
    return caseView(c, units, {
      now: this.clock.now(),
      basis: dc.basis(c.urgency),
      dir,
      categoryName: (kind, code) => this.taxonomy.cachedName(p.districtId, kind, code),
      showContact: detail && p.districtWide && (p.roles.includes('intake') || p.roles.includes('shift_leader')),
      ...(actor ? { allowedActions: allowedActions(flags(c), actor) } : {}),
    });
  }

  // ---------------------------------------------------------------- act

  async act(p: Principal, id: string, action: CaseAction, input: ActionInput): Promise<CaseView> {
    const { c, units, dir, actor } = await this.load(p, id);
    const dc = await this.calendars.forDistrict(p.districtId);
    const step = await this.plan(p, c, units, dir, dc, actor, action, input, this.clock.now());
    try {
      await this.writes.run((trx) => this.write(trx, step));
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError('CASE_CONFLICT', 'the case was changed by someone else just now; reload it and try again');
      throw e;
    }
    // The view is built from what the transaction wrote, which the versioned update made the
    // whole truth at that instant: reading it back would cost two queries and gain nothing.
    const relations = relationsOf(p, step.next, step.nextUnits, dir);
    if (!canSee(p, step.next, step.nextUnits, relations, dir)) throw notFound(`case ${id}`);
    relations.add('any');
    return this.present(step.next, step.nextUnits, dir, dc, p, true, { roles: p.roles, relations });
  }

  /** Everything one action will write, decided and checked before any write. */
  private async plan(
    p: Principal,
    c: CaseRow,
    units: CaseUnitRow[],
    dir: Directory,
    dc: DistrictClock,
    actor: ActorContext,
    action: CaseAction,
    input: ActionInput,
    now: number,
  ): Promise<Step> {
    // A stale version first: the caller decided on data that has changed, whatever it asks now.
    if (input.version !== c.version) {
      throw new DomainError('CASE_CONFLICT', `the case is at version ${c.version}, not ${input.version}; reload it and try again`, {
        version: c.version,
        state: c.state,
      });
    }
    const d = decide(action, flags(c), actor);
    if (!d.ok) {
      throw new DomainError(d.code, d.reason, { state: c.state, allowedActions: allowedActions(flags(c), actor) });
    }
    if (NEEDS_REASON.has(action) && !input.reason?.trim()) {
      throw new DomainError('VALIDATION_FAILED', `body.reason: "${action}" needs a reason`);
    }
    if (NEEDS_NOTE.has(action) && !input.note?.trim()) {
      throw new DomainError('VALIDATION_FAILED', `body.note: "${action}" needs a note`);
    }
    const effect = await this.effectOf(p, action, c, units, input, dir, dc, actor, now);
    if (input.location || input.address !== undefined) {
      if (action !== 'accept' && action !== 'register') {
        throw new DomainError('VALIDATION_FAILED', `body.location: a case is placed or moved when it is accepted or registered, not on "${action}"`);
      }
      if (input.location) {
        if (!validLngLat(input.location.lng, input.location.lat)) throw new DomainError('VALIDATION_FAILED', 'body.location: lng must be in [-180, 180] and lat in [-90, 90]');
        const place = placement(dir, toStored(input.location.lng, input.location.lat, input.location.crs ?? 'gcj02'));
        Object.assign(effect.patch, place);
        effect.payload.location = { lng: place.lng, lat: place.lat, outsideJurisdiction: place.outside_jurisdiction === 1, previous: c.lng === null ? null : { lng: c.lng, lat: c.lat } };
      }
      if (input.address !== undefined) {
        effect.patch.address = input.address;
        effect.payload.address = input.address;
      }
    }
    const photos = await this.files.requireOwned(p.districtId, input.photos ?? []);
    if (photos.length) effect.payload.photos = photos;
    if (input.note) effect.payload.note = input.note;

    const to = d.to;
    const patch: Partial<CaseRow> = { ...effect.patch, state: to, updated_at: now };
    let newTimers: CaseTimerRow[] = [];
    if (d.stateChanges && startsNewStage(c.state as CaseState, to, action)) {
      const stage = stageOf(to);
      if (!stage) throw new Error('unreachable: new stage without a stage');
      const category = await this.categoryOf(p.districtId, { ...c, ...patch });
      const urgency = (patch.urgency ?? c.urgency) as Urgency;
      const s = startStage(dc, urgency, stage, this.taxonomy.limitsFor(category, urgency, dc.defaultLimits), now);
      Object.assign(patch, {
        stage: s.stage,
        stage_seq: c.stage_seq + 1,
        stage_started_at: now,
        stage_limit_min: s.limitMin,
        warn_at: s.warnAt,
        deadline_at: s.deadlineAt,
        postpone_until: null,
        postpone_reason: null,
      });
      newTimers = this.timers({ ...c, ...patch } as CaseRow, now);
    } else if (d.stateChanges && stageOf(to) === null) {
      Object.assign(patch, { stage: null, warn_at: null, deadline_at: null, stage_started_at: null, postpone_until: null, postpone_reason: null });
    }
    const next = { ...c, ...patch, version: c.version + 1, event_count: c.event_count + 1 } as CaseRow;
    return { p, c, action, input, to, stateChanges: d.stateChanges, effect, patch, newTimers, next, nextUnits: assigned(units, c.id, effect.assign, now), now };
  }

  /** One planned action's writes: the versioned update, its event, timers, assignments and outbox. */
  private async write(trx: Transaction<DB>, st: Step): Promise<void> {
    const { p, c, action, input, to, effect, now } = st;
    const seq = await repo.updateVersioned(trx, c.id, c.version, st.patch);
    if (seq === null) throw new DomainError('CASE_CONFLICT', 'the case was changed by someone else just now; reload it and try again');
    st.next.event_count = seq;
    await repo.insertEvents(trx, [this.event(c, seq, action, c.state, to, p, now, input.reason ?? null, effect.payload)]);
    if (st.stateChanges && (st.newTimers.length || stageOf(to) === null)) await repo.cancelTimers(trx, c.id, now);
    await repo.insertTimers(trx, st.newTimers);
    await this.applyClock(trx, c, effect, now);
    await this.applyAssignments(trx, c, effect, now);
    if (effect.master) await this.appendMasterEvent(trx, action === 'unmerge' ? 'unmerged_out' : 'merged_in', effect.master, c, p, now);
    await enqueue(trx, [this.message(st.next, `case.${action}`, p, to, c.state, input.reason ?? null, effect.payload)], now);
    if (action === 'close') await this.tellDuplicates(trx, st.next, p, now);
  }

  /**
   * Each report merged into a case that is now closed gets an event and an outbox message with its
   * own reporter, so the channel it came from (12345, an app) can tell that person it is done.
   */
  private async tellDuplicates(trx: Transaction<DB>, master: CaseRow, p: Principal, now: number): Promise<void> {
    for (const dup of await repo.mergedInto(trx, master.id)) {
      const seq = await repo.bumpEvents(trx, dup.id, 1, { updated_at: now });
      const payload = { masterCaseId: master.id, masterNumber: master.number };
      await repo.insertEvents(trx, [this.event(dup, seq, 'master_closed', dup.state, dup.state, p, now, null, payload)]);
      const reporter = dup.reporter_name || dup.reporter_phone ? { name: dup.reporter_name, phone: dup.reporter_phone } : null;
      await enqueue(trx, [this.message(dup, 'case.master_closed', p, dup.state, dup.state, null, { ...payload, channel: dup.channel, reporter })], now);
    }
  }

  private async categoryOf(districtId: string, c: Pick<CaseRow, 'category_kind' | 'category_code'>): Promise<Category | undefined> {
    return c.category_kind && c.category_code ? this.taxonomy.find(districtId, c.category_kind, c.category_code) : undefined;
  }

  private async effectOf(
    p: Principal,
    action: CaseAction,
    c: CaseRow,
    units: CaseUnitRow[],
    input: ActionInput,
    dir: Directory,
    dc: DistrictClock,
    actor: ActorContext,
    now: number,
  ): Promise<Effect> {
    switch (action) {
      case 'register': {
        const ref = input.category ?? (c.category_kind && c.category_code ? { kind: c.category_kind, code: c.category_code } : undefined);
        if (!ref) throw new DomainError('VALIDATION_FAILED', 'body.category: the case has no category yet; register needs one');
        const cat = await this.taxonomy.require(p.districtId, ref);
        return {
          patch: { category_kind: cat.kind, category_code: cat.code, ...(input.urgency ? { urgency: input.urgency } : {}) },
          payload: { category: { kind: cat.kind, code: cat.code }, ...(input.urgency ? { urgency: input.urgency } : {}) },
        };
      }
      case 'dispatch': {
        if (!input.leadUnitId) throw new DomainError('VALIDATION_FAILED', 'body.leadUnitId: dispatch needs the lead unit');
        const lead = this.handlingUnit(dir, input.leadUnitId, 'leadUnitId');
        const co = [...new Set(input.cohandlerUnitIds ?? [])].filter((u) => u !== lead);
        for (const u of co) this.handlingUnit(dir, u, 'cohandlerUnitIds');
        // A town/street dispatcher (relation 'area', not 'centre') hands down only inside its own tree.
        if (!actor.relations.has('centre') && ![lead, ...co].every((u) => dir.isWithin(u, p.unitId))) {
          throw new DomainError('CASE_ACTION_FORBIDDEN', 'you can dispatch only to units inside your own town/street');
        }
        const kind = dir.unit(lead)?.kind;
        return {
          patch: { lead_unit_id: lead },
          payload: { leadUnitId: lead, cohandlerUnitIds: co, mode: kind === 'department' ? 'sideways' : 'down', routingRule: input.routingRule ?? 'manual' },
          assign: { lead, cohandlers: co },
        };
      }
      case 'return':
        return { patch: { lead_unit_id: null, return_count: c.return_count + 1 }, payload: { returnedBy: c.lead_unit_id }, assign: { lead: null } };
      case 'add_cohandler': {
        const co = [...new Set(input.cohandlerUnitIds ?? [])].filter((u) => u !== c.lead_unit_id);
        if (co.length === 0) throw new DomainError('VALIDATION_FAILED', 'body.cohandlerUnitIds: name at least one unit other than the lead');
        for (const u of co) this.handlingUnit(dir, u, 'cohandlerUnitIds');
        const current = units.filter((u) => u.role === 'cohandler' && u.active === 1).map((u) => u.unit_id);
        return { patch: {}, payload: { cohandlerUnitIds: co }, assign: { cohandlers: [...new Set([...current, ...co])] } };
      }
      case 'merge': {
        if (!input.masterCaseId) throw new DomainError('VALIDATION_FAILED', 'body.masterCaseId: name the case this one duplicates');
        if (input.masterCaseId === c.id) throw new DomainError('VALIDATION_FAILED', 'body.masterCaseId: a case cannot be merged into itself');
        const master = await repo.byId(this.store.db, p.districtId, input.masterCaseId);
        if (!master) throw new DomainError('VALIDATION_FAILED', `body.masterCaseId: case ${input.masterCaseId} not found`);
        if (TERMINAL_STATES.has(master.state as CaseState) && master.state !== 'EVALUATED') {
          throw new DomainError('VALIDATION_FAILED', `body.masterCaseId: case ${master.number} is ${master.state} and cannot absorb duplicates`);
        }
        return { patch: { merged_into: master.id }, payload: { masterCaseId: master.id, masterNumber: master.number }, master };
      }
      case 'unmerge': {
        const master = c.merged_into ? await repo.byId(this.store.db, p.districtId, c.merged_into) : undefined;
        return { patch: { merged_into: null }, payload: master ? { masterCaseId: master.id, masterNumber: master.number } : {}, ...(master ? { master } : {}) };
      }
      case 'check_fail':
        return { patch: { rework_count: c.rework_count + 1 }, payload: {} };
      case 'close':
        return { patch: { closed_at: now }, payload: {} };
      case 'visit': {
        if (!input.satisfaction || input.resolved === undefined) {
          throw new DomainError('VALIDATION_FAILED', 'body.satisfaction and body.resolved: a visit records both');
        }
        return {
          patch: { satisfaction: input.satisfaction, resolved: input.resolved ? 1 : 0 },
          payload: { satisfaction: input.satisfaction, resolved: input.resolved },
        };
      }
      case 'postpone_request': {
        const until = input.until ? Date.parse(input.until) : Number.NaN;
        if (!Number.isFinite(until)) throw new DomainError('VALIDATION_FAILED', 'body.until: give the requested new deadline as an ISO 8601 date-time');
        if (until <= now || (c.deadline_at !== null && until <= c.deadline_at)) {
          throw new DomainError('VALIDATION_FAILED', 'body.until: the new deadline must be later than both now and the current deadline');
        }
        return { patch: { postpone_until: until, postpone_reason: input.reason ?? null }, payload: { until: new Date(until).toISOString() } };
      }
      case 'postpone_approve': {
        const until = c.postpone_until ?? now;
        const startedAt = c.stage_started_at ?? now;
        const basis = dc.basis(c.urgency);
        const span = basis.workingMinutesBetween(startedAt, until);
        const warnAt = basis.addWorkingMinutes(startedAt, Math.floor(span * dc.warnRatio));
        return {
          patch: { deadline_at: until, warn_at: warnAt, postpone_until: null, postpone_reason: null, postpone_count: c.postpone_count + 1 },
          payload: { from: c.deadline_at, until },
          clock: { warnAt, deadlineAt: until },
        };
      }
      case 'postpone_deny':
        return { patch: { postpone_until: null, postpone_reason: null }, payload: { requestedUntil: c.postpone_until } };
      case 'suspend': {
        const remaining = c.deadline_at !== null ? Math.round(dc.basis(c.urgency).workingMinutesBetween(now, c.deadline_at)) : null;
        return { patch: { suspended: 1, suspended_remaining_min: remaining, warn_at: null, deadline_at: null }, payload: { remainingWorkingMinutes: remaining }, clock: 'suspend' };
      }
      case 'resume': {
        if (c.suspended_remaining_min === null || stageOf(c.state as CaseState) === null) {
          return { patch: { suspended: 0, suspended_remaining_min: null }, payload: {} };
        }
        const clock = resumedClock(dc, c.urgency, now, c.suspended_remaining_min, c.stage_limit_min ?? c.suspended_remaining_min);
        return {
          patch: { suspended: 0, suspended_remaining_min: null, warn_at: clock.warnAt, deadline_at: clock.deadlineAt },
          payload: { deadlineAt: new Date(clock.deadlineAt).toISOString() },
          clock,
        };
      }
      case 'supervise':
        return { patch: { supervised: 1 }, payload: {} };
      case 'escalate':
        return { patch: { escalated: 1 }, payload: {} };
      default:
        return { patch: {}, payload: {} };
    }
  }

  private handlingUnit(dir: Directory, id: string, field: string): string {
    const u = dir.unit(id);
    if (!u) throw new DomainError('UNKNOWN_UNIT', `body.${field}: unit ${id} does not exist in this district`);
    if (!HANDLING_KINDS.has(u.kind as UnitKind)) {
      throw new DomainError('VALIDATION_FAILED', `body.${field}: ${u.name} is a ${u.kind}; dispatch to a department, town/street or community`);
    }
    return u.id;
  }

  private async applyClock(trx: Transaction<DB>, c: CaseRow, e: Effect, now: number): Promise<void> {
    if (!e.clock) return;
    if (e.clock === 'suspend') return repo.cancelTimers(trx, c.id, now);
    if (e.clock === 'resume') return;
    await repo.rescheduleTimers(trx, c.id, c.stage_seq, { warn: e.clock.warnAt, overdue: e.clock.deadlineAt });
  }

  private async applyAssignments(trx: Transaction<DB>, c: CaseRow, e: Effect, now: number): Promise<void> {
    if (!e.assign) return;
    const { lead, cohandlers } = e.assign;
    if (lead !== undefined) await repo.deactivateUnits(trx, c.id);
    else if (cohandlers) await repo.deactivateUnits(trx, c.id, 'cohandler');
    const rows: CaseUnitRow[] = [];
    if (lead) rows.push({ case_id: c.id, unit_id: lead, role: 'lead', active: 1, since: now });
    for (const u of cohandlers ?? []) rows.push({ case_id: c.id, unit_id: u, role: 'cohandler', active: 1, since: now });
    await repo.upsertUnits(trx, rows);
  }

  /** The master case's own log records every duplicate merged into it or taken back out. */
  private async appendMasterEvent(trx: Transaction<DB>, kind: 'merged_in' | 'unmerged_out', master: CaseRow, dup: CaseRow, p: Principal, now: number): Promise<void> {
    const seq = await repo.bumpEvents(trx, master.id, 1, { updated_at: now });
    await repo.insertEvents(trx, [
      this.event(master, seq, kind, master.state, master.state, p, now, null, {
        caseId: dup.id,
        number: dup.number,
        reporter: dup.reporter_name || dup.reporter_phone ? { name: dup.reporter_name, phone: dup.reporter_phone } : null,
      }),
    ]);
  }

  // ---------------------------------------------------------------- rows

  private timers(c: CaseRow, now: number): CaseTimerRow[] {
    if (c.warn_at === null || c.deadline_at === null) return [];
    return (['warn', 'overdue'] as const).map((kind) => ({
      id: newId(now),
      district_id: c.district_id,
      case_id: c.id,
      stage_seq: c.stage_seq,
      kind,
      due_at: kind === 'warn' ? (c.warn_at as number) : (c.deadline_at as number),
      fired_at: null,
      cancelled_at: null,
    }));
  }

  private event(
    c: Pick<CaseRow, 'id' | 'district_id'>,
    seq: number,
    action: string,
    from: string | null,
    to: string,
    p: Principal | null,
    now: number,
    reason: string | null,
    payload: Record<string, unknown>,
  ): CaseEventRow {
    return {
      id: newId(now),
      district_id: c.district_id,
      case_id: c.id,
      seq,
      action,
      from_state: from,
      to_state: to,
      actor_user_id: p?.userId ?? null,
      actor_unit_id: p?.unitId ?? null,
      at: now,
      reason,
      payload: JSON.stringify(payload),
    };
  }

  private message(c: CaseRow, topic: string, p: Principal | null, to: string, from: string | null, reason: string | null = null, extra: Record<string, unknown> = {}) {
    return {
      districtId: c.district_id,
      topic,
      payload: {
        ...extra,
        caseId: c.id,
        number: c.number,
        from,
        to,
        version: c.version,
        leadUnitId: c.lead_unit_id,
        channel: c.channel,
        streetId: c.street_id,
        communityId: c.community_id,
        gridId: c.grid_id,
        // Where it is, so live maps move a point without reloading every open case.
        lng: c.lng,
        lat: c.lat,
        category: c.category_kind ? { kind: c.category_kind, code: c.category_code } : null,
        actorUserId: p?.userId ?? null,
        reason,
      },
    };
  }
}

/** Where a stored (GCJ-02) point puts a case: its columns for the point, the lattice cell and the areas. */
function placement(dir: Directory, point: [number, number] | null) {
  const loc = point ? dir.locate(point[0], point[1]) : null;
  return {
    lng: point?.[0] ?? null,
    lat: point?.[1] ?? null,
    cell: point ? cellOf(point[0], point[1]).key : null,
    street_id: loc?.streetId ?? null,
    community_id: loc?.communityId ?? null,
    grid_id: loc?.gridId ?? null,
    social_grid_id: loc?.socialGridId ?? null,
    outside_jurisdiction: loc?.outsideJurisdiction ? 1 : 0,
  };
}

/** The case's unit rows after `applyAssignments`, computed the way its two statements change them. */
function assigned(units: CaseUnitRow[], caseId: string, assign: Effect['assign'], now: number): CaseUnitRow[] {
  if (!assign) return units;
  const { lead, cohandlers } = assign;
  const byUnit = new Map<string, CaseUnitRow>();
  for (const u of units) {
    const off = lead !== undefined || (cohandlers !== undefined && u.role === 'cohandler');
    byUnit.set(u.unit_id, off ? { ...u, active: 0 } : u);
  }
  if (lead) byUnit.set(lead, { case_id: caseId, unit_id: lead, role: 'lead', active: 1, since: now });
  for (const u of cohandlers ?? []) byUnit.set(u, { case_id: caseId, unit_id: u, role: 'cohandler', active: 1, since: now });
  return [...byUnit.values()];
}

function flags(c: CaseRow) {
  return { state: c.state as CaseState, suspended: c.suspended === 1, postponementPending: c.postpone_until !== null };
}

export function encodeCursor(key: number, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}

function decodeCursor(s: string): { key: number; id: string } {
  try {
    const [key, id] = JSON.parse(Buffer.from(s, 'base64url').toString()) as [unknown, unknown];
    if (typeof key === 'number' && typeof id === 'string') return { key, id };
  } catch {
    /* fall through to the error below */
  }
  throw new DomainError('VALIDATION_FAILED', 'query.cursor: not a cursor this API issued; start again without it');
}
