/**
 * Supervision (督办): orders issued by hand or automatically (overdue cases, overdue target
 * reports, red cards), each with a response deadline in the district's working time; the
 * responsible unit responds, the issuer side closes after review, and an order left unanswered
 * past its deadline is escalated to the leaders of the unit (or of its nearest ancestor with one).
 *
 * Orders from case events come through the outbox: `case.supervise` and `case.close`/`case.void`
 * messages are copied into `supervision_inbox` inside the outbox transaction (durable), and the
 * worker turns each into an order (or closes the case's orders) once, whoever delivers it twice.
 */
import { DomainError, isDomainError } from '@onegrid/domain/errors';
import { type CardColour, decideCards, type IndicatorValue, mergeColour, thresholdProblems } from '@onegrid/domain/supervision/cards';
import { decideOrder, type OrderAction, type OrderSource } from '@onegrid/domain/supervision/order';
import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { DB, SupervisionInboxRow, SupervisionOrderRow } from '../../db/schema.ts';
import { isUniqueViolation, type Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import { notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { enqueue } from '../../platform/outbox.ts';
import type { Principal } from '../../platform/principal.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { caseRepository } from '../case/case-repository.ts';
import type { CaseService } from '../case/case-service.ts';
import type { FileService } from '../files/file-service.ts';
import type { OutboxProcessor } from '../notify/outbox-processor.ts';
import type { Directory } from '../org/directory.ts';
import type { OrgService } from '../org/org-service.ts';
import type { CalendarService } from '../sla/calendar-service.ts';
import { type OrderFilter, supervisionRepository as repo } from './supervision-repository.ts';
import { effectiveSettings, type EffectiveSupervisionSettings, INDICATOR_NAMES, ownSettings, type SupervisionSettings } from './supervision-settings.ts';
import { type CardView, cardView, historyView, type OrderHistoryEntry, type OrderSubject, orderView, type SupervisionOrderView } from './supervision-view.ts';

export type { SupervisionOrderView } from './supervision-view.ts';

export interface IssueInput {
  subject: OrderSubject;
  source: OrderSource;
  reason: string;
  issuedBy: string | null;
  /** Repeated calls with the same key return the first order instead of issuing another. */
  dedupeKey?: string;
}

/** Case messages the module reacts to; everything else passes it by. */
export const INBOX_TOPICS = ['case.supervise', 'case.close', 'case.void'] as const;

/** Processed inbox rows are kept this long (for tracing a redelivery), then deleted. */
const INBOX_RETENTION_MS = 7 * 86400_000;

/** Cases in these states can no longer be supervised. */
const FINISHED_CASE = new Set(['CLOSED', 'EVALUATED', 'REJECTED', 'MERGED', 'VOIDED']);

/** Everything an order needs, read and checked before its transaction opens. */
interface PreparedOrder {
  row: SupervisionOrderRow;
  /** The district's case prefix and the Beijing day, for the number drawn inside the transaction. */
  prefix: string;
  day: string;
}

export class SupervisionService {
  private prunedAt = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly org: OrgService,
    private readonly calendars: CalendarService,
    private readonly auth: AuthService,
    private readonly files: FileService,
    private readonly cases: CaseService,
    private readonly log: Logger,
  ) {}

  // ---------------------------------------------------------------- issue

  /** Issues an order as the system or on behalf of `issuedBy`; the entry point for other modules. */
  async issue(districtId: string, input: IssueInput): Promise<SupervisionOrderView> {
    if (input.dedupeKey) {
      const existing = await repo.byDedupeKey(this.store.db, districtId, input.dedupeKey);
      if (existing) return this.present(districtId, existing);
    }
    const prepared = await this.prepare(districtId, input);
    try {
      await this.store.db.transaction().execute((trx) => this.write(trx, prepared));
    } catch (e) {
      if (input.dedupeKey && isUniqueViolation(e)) {
        const first = await repo.byDedupeKey(this.store.db, districtId, input.dedupeKey);
        if (first) return this.present(districtId, first);
      }
      throw e;
    }
    return this.present(districtId, prepared.row);
  }

  /** POST /supervision/orders: the subject must be within the caller's scope. */
  async issueAs(p: Principal, input: Omit<IssueInput, 'issuedBy' | 'source'>): Promise<SupervisionOrderView> {
    if (input.subject.kind === 'case') {
      // Out of the caller's case scope → 404, exactly as the case API answers.
      await this.cases.get(p, input.subject.caseId);
    } else {
      const dir = await this.org.directory(p.districtId);
      const unitId = input.subject.unitId;
      if (!dir.unit(unitId)) throw invalid('body.subject.unitId', `unit ${unitId} does not exist in this district; pick one from GET /api/v1/units`);
      if (!this.visibleUnit(p, dir, unitId)) throw notFound(`unit ${unitId}`);
    }
    return this.issue(p.districtId, { ...input, source: 'manual', issuedBy: p.userId });
  }

  private async prepare(districtId: string, input: IssueInput): Promise<PreparedOrder> {
    const reason = input.reason.trim();
    if (!reason) throw invalid('body.reason', 'say why the unit is supervised (督办事由)');
    if (reason.length > 2000) throw invalid('body.reason', 'keep the reason under 2000 characters');
    const [dir, dc, district] = await Promise.all([this.org.directory(districtId), this.calendars.forDistrict(districtId), this.org.districtById(districtId)]);
    if (!district) throw new DomainError('NOT_FOUND', `district ${districtId} not found`);
    let unitId: string;
    let caseId: string | null = null;
    let caseNumber: string | null = null;
    let targetId: string | null = null;
    const s = input.subject;
    if (s.kind === 'case') {
      const c = await caseRepository.byId(this.store.db, districtId, s.caseId);
      if (!c) throw notFound(`case ${s.caseId}`);
      if (FINISHED_CASE.has(c.state)) throw invalid('body.subject.caseId', `case ${c.number} is ${c.state}: there is nothing left to supervise`);
      if (!c.lead_unit_id) throw invalid('body.subject.caseId', `case ${c.number} has no lead unit yet; supervise it once it is dispatched`);
      ({ id: caseId, number: caseNumber } = c);
      unitId = c.lead_unit_id;
    } else {
      if (!dir.unit(s.unitId)) throw invalid('body.subject.unitId', `unit ${s.unitId} does not exist in this district; pick one from GET /api/v1/units`);
      unitId = s.unitId;
      if (s.kind === 'target') {
        if (!s.targetId.trim()) throw invalid('body.subject.targetId', 'name the work-report target supervised');
        targetId = s.targetId;
      }
    }
    const now = this.clock.now();
    const settings = effectiveSettings(ownSettings(district.settings), dc.calendar.minutesPerDay);
    const row: SupervisionOrderRow = {
      id: newId(now),
      district_id: districtId,
      number: '',
      subject_kind: s.kind,
      case_id: caseId,
      case_number: caseNumber,
      target_id: targetId,
      unit_id: unitId,
      source: input.source,
      reason,
      issued_by: input.issuedBy,
      issued_at: now,
      // Always working time, even for an emergency case: a response is office work.
      deadline_at: dc.calendar.addWorkingMinutes(now, Math.round(settings.responseWorkingHours * 60)),
      status: 'open',
      version: 1,
      escalated_at: null,
      escalated_to_unit_id: null,
      responded_at: null,
      responded_by: null,
      response_text: null,
      response_files: null,
      closed_at: null,
      closed_by: null,
      close_note: null,
      dedupe_key: input.dedupeKey ?? null,
    };
    const day = new Date(now + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
    return { row, prefix: district.case_prefix, day };
  }

  /** Draws the number and writes the order, its first history entry and its notice. */
  private async write(trx: Transaction<DB>, p: PreparedOrder): Promise<void> {
    const serial = await caseRepository.nextCounter(trx, p.row.district_id, `supervision:${p.day}`);
    p.row.number = `${p.prefix}DB${p.day}${String(serial).padStart(4, '0')}`;
    await repo.insertOrder(trx, p.row);
    await this.history(trx, p.row, 'issued', p.row.issued_by, p.row.issued_at, p.row.reason, { source: p.row.source, deadlineAt: new Date(p.row.deadline_at).toISOString() });
    await enqueue(trx, [this.message(p.row, 'supervision.issued')], p.row.issued_at);
  }

  // ---------------------------------------------------------------- read

  async list(
    p: Principal,
    q: Omit<OrderFilter, 'districtId' | 'unitIds' | 'overdueAt' | 'limit'> & { unitId?: string | undefined; overdue?: boolean | undefined; limit: number },
  ): Promise<{ items: SupervisionOrderView[]; nextCursor: string | null }> {
    const dir = await this.org.directory(p.districtId);
    let unitIds = p.districtWide ? null : dir.subtreeIds(p.unitId);
    if (q.unitId) {
      if (!dir.unit(q.unitId)) throw invalid('query.unitId', `unit ${q.unitId} does not exist in this district`);
      const wanted = dir.subtreeIds(q.unitId);
      unitIds = unitIds ? wanted.filter((id) => dir.isWithin(id, p.unitId)) : wanted;
    }
    const now = this.clock.now();
    const rows = await repo.list(this.store.db, {
      ...q,
      districtId: p.districtId,
      unitIds,
      overdueAt: q.overdue ? now : undefined,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const ctx = await this.context(p.districtId, page.flatMap(usersOf));
    return { items: page.map((o) => orderView(o, ctx)), nextCursor: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null };
  }

  async get(p: Principal, id: string): Promise<SupervisionOrderView & { history: OrderHistoryEntry[] }> {
    const { o } = await this.visible(p, id);
    const events = await repo.events(this.store.db, o.id);
    const ctx = await this.context(p.districtId, [...usersOf(o), ...events.map((e) => e.actor_user_id)]);
    return { ...orderView(o, ctx), history: events.map((e) => historyView(e, ctx)) };
  }

  // ---------------------------------------------------------------- respond and close

  async respond(p: Principal, id: string, input: { text: string; fileIds?: string[] | undefined; version?: number | undefined }): Promise<SupervisionOrderView> {
    const { o, dir } = await this.visible(p, id);
    if (!dir.isWithin(o.unit_id, p.unitId)) {
      throw new DomainError('ORDER_ACTION_FORBIDDEN', `only the responsible unit (${dir.unit(o.unit_id)?.name ?? o.unit_id}) or a unit above it may respond to this order`);
    }
    const text = input.text.trim();
    if (!text) throw invalid('body.text', 'write the response: what was done and what is still open');
    const fileIds = await this.ownedFiles(p.districtId, input.fileIds ?? []);
    const now = this.clock.now();
    const next = await this.transition(o, 'respond', input.version, {
      responded_at: now,
      responded_by: p.userId,
      response_text: text,
      response_files: JSON.stringify(fileIds),
    }, async (trx, row) => {
      await this.history(trx, row, 'responded', p.userId, now, text, { fileIds, late: now > o.deadline_at });
      await enqueue(trx, [this.message(row, 'supervision.responded')], now);
    });
    return this.present(p.districtId, next);
  }

  async close(p: Principal, id: string, input: { note?: string | undefined; version?: number | undefined }): Promise<SupervisionOrderView> {
    const { o, dir } = await this.visible(p, id);
    // The issuer side reviews: nobody inside the responsible unit closes its own order.
    if (dir.isWithin(p.unitId, o.unit_id)) {
      throw new DomainError('ORDER_ACTION_FORBIDDEN', 'the responsible unit cannot close its own order; the issuing side closes it after review');
    }
    const note = input.note?.trim() || null;
    const now = this.clock.now();
    const next = await this.transition(o, 'close', input.version, { closed_at: now, closed_by: p.userId, close_note: note }, (trx, row) =>
      this.history(trx, row, 'closed', p.userId, now, note, {}),
    );
    return this.present(p.districtId, next);
  }

  /**
   * One guarded status change: decided by the domain table, written only if the row still has
   * the version it was decided on (the caller's, when given). A lost race is told apart from a
   * stale caller by reading the row again.
   */
  private async transition(
    o: SupervisionOrderRow,
    action: OrderAction,
    callerVersion: number | undefined,
    patch: Partial<SupervisionOrderRow>,
    also: (trx: Transaction<DB>, next: SupervisionOrderRow) => Promise<unknown>,
  ): Promise<SupervisionOrderRow> {
    const d = decideOrder(action, o.status);
    if (!d.ok) throw new DomainError(d.code, d.reason, { status: o.status, version: o.version });
    if (callerVersion !== undefined && callerVersion !== o.version) {
      throw new DomainError('ORDER_CONFLICT', `the order is at version ${o.version}, not ${callerVersion}; reload it and try again`, { status: o.status, version: o.version });
    }
    const next: SupervisionOrderRow = { ...o, ...patch, status: d.to, version: o.version + 1 };
    const won = await this.store.db.transaction().execute(async (trx) => {
      if (!(await repo.transition(trx, o.id, d.from, o.version, { ...patch, status: d.to }))) return false;
      await also(trx, next);
      return true;
    });
    if (!won) {
      const now2 = await repo.byId(this.store.db, o.district_id, o.id);
      const again = now2 ? decideOrder(action, now2.status) : null;
      if (now2 && again && !again.ok) throw new DomainError(again.code, again.reason, { status: now2.status, version: now2.version });
      throw new DomainError('ORDER_CONFLICT', 'the order was changed by someone else just now; reload it and try again', { status: now2?.status, version: now2?.version });
    }
    return next;
  }

  // ---------------------------------------------------------------- worker

  /** Copies the case messages supervision reacts to into its inbox, in the outbox's own transaction. */
  subscribe(outbox: OutboxProcessor): void {
    for (const topic of INBOX_TOPICS) {
      outbox.on(topic, (trx, m) =>
        repo.insertInbox(trx, { message_id: m.id, district_id: m.districtId, topic: m.topic, payload: JSON.stringify(m.payload), created_at: m.createdAt, processed_at: null }),
      );
    }
  }

  /** One worker pass: inbox messages into orders, then escalations. Returns how much it did. */
  async tick(districtId?: string): Promise<number> {
    return (await this.processInbox(100, districtId)) + (await this.escalateDue(100, districtId));
  }

  async processInbox(limit = 100, districtId?: string): Promise<number> {
    const now = this.clock.now();
    // A write, even when nothing is due: at most every few minutes, not on each worker pass.
    if (now - this.prunedAt > 10 * 60_000 || now < this.prunedAt) {
      this.prunedAt = now;
      await repo.pruneInbox(this.store.db, now - INBOX_RETENTION_MS);
    }
    const rows = await repo.pendingInbox(this.store.db, limit, districtId);
    let done = 0;
    for (const m of rows) {
      try {
        if (await this.handle(m)) done++;
      } catch (e) {
        if (!isDomainError(e)) throw e;
        // A message that can never make an order (case without lead unit, finished case) is recorded and dropped.
        this.log.warn({ messageId: m.message_id, topic: m.topic, code: e.code, err: e.message }, 'supervision message skipped');
        await repo.claimInbox(this.store.db, m.message_id, this.clock.now());
      }
    }
    return done;
  }

  private async handle(m: SupervisionInboxRow): Promise<boolean> {
    const payload = JSON.parse(m.payload) as { caseId?: string; actorUserId?: string | null; reason?: string | null };
    const now = this.clock.now();
    const claim = (trx: Transaction<DB>) => repo.claimInbox(trx, m.message_id, now);
    if (m.topic !== 'case.supervise') {
      return this.store.db.transaction().execute(async (trx) => {
        if (!(await claim(trx))) return false;
        if (payload.caseId) await this.closeWithCase(trx, m.district_id, payload.caseId, m.topic, now);
        return true;
      });
    }
    const dedupeKey = `case.supervise:${m.message_id}`;
    if (await repo.byDedupeKey(this.store.db, m.district_id, dedupeKey)) {
      return this.store.db.transaction().execute(claim);
    }
    // The timer worker supervises with no actor; a person's supervise action carries theirs.
    const manual = !!payload.actorUserId;
    const prepared = await this.prepare(m.district_id, {
      subject: { kind: 'case', caseId: payload.caseId ?? '' },
      source: manual ? 'manual' : 'overdue',
      reason: payload.reason?.trim() || (manual ? '案件督办' : '案件超时自动督办 (overdue)'),
      issuedBy: payload.actorUserId ?? null,
      dedupeKey,
    });
    try {
      return await this.store.db.transaction().execute(async (trx) => {
        if (!(await claim(trx))) return false;
        await this.write(trx, prepared);
        return true;
      });
    } catch (e) {
      // Another worker issued it between our check and our insert: its order stands.
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  private async closeWithCase(trx: Transaction<DB>, districtId: string, caseId: string, topic: string, now: number): Promise<void> {
    for (const o of await repo.openOrdersOfCase(trx, districtId, caseId)) {
      const d = decideOrder('close_with_subject', o.status);
      if (!d.ok) continue;
      const note = topic === 'case.void' ? '案件已作废，督办单自动办结 (case voided)' : '案件已结案，督办单自动办结 (case closed)';
      if (await repo.transition(trx, o.id, d.from, o.version, { status: d.to, closed_at: now, closed_by: null, close_note: note })) {
        await this.history(trx, o, 'closed', null, now, note, { automatic: true, cause: topic });
      }
    }
  }

  /**
   * Escalates open orders past their deadline. Each is claimed by a versioned update from
   * `open`, so when two workers pick the same row one waits for the other's commit and then
   * updates nothing: an order is escalated, and its leaders told, once.
   */
  async escalateDue(limit = 100, districtId?: string): Promise<number> {
    const now = this.clock.now();
    const due = await repo.dueForEscalation(this.store.db, now, limit, districtId);
    const leaders = new Map<string, Promise<string | null>>();
    let escalated = 0;
    for (const o of due) {
      const key = `${o.district_id}:${o.unit_id}`;
      if (!leaders.has(key)) leaders.set(key, this.leaderUnitFor(o.district_id, o.unit_id));
      const leaderUnitId = await leaders.get(key);
      const won = await this.store.db.transaction().execute(async (trx) => {
        const patch = { status: 'escalated' as const, escalated_at: now, escalated_to_unit_id: leaderUnitId ?? null };
        if (!(await repo.transition(trx, o.id, ['open'], o.version, patch))) return false;
        const row = { ...o, ...patch, version: o.version + 1 };
        await this.history(trx, row, 'escalated', null, now, '逾期未回复，已报单位领导 (no response by the deadline)', { leaderUnitId, deadlineAt: new Date(o.deadline_at).toISOString() });
        await enqueue(trx, [this.message(row, 'supervision.escalated', { leaderUnitId })], now);
        return true;
      });
      if (won) escalated++;
    }
    return escalated;
  }

  /** The responsible unit if it has a leader, else its nearest ancestor with one, else the centre's. */
  private async leaderUnitFor(districtId: string, unitId: string): Promise<string | null> {
    const dir = await this.org.directory(districtId);
    const chain: string[] = [];
    for (let u = dir.unit(unitId); u; u = u.parent_id ? dir.unit(u.parent_id) : undefined) chain.push(u.id);
    const centre = dir.centre()?.id;
    if (centre && !chain.includes(centre)) chain.push(centre);
    const users = await this.auth.usersOfUnits(chain);
    const withLeader = new Set(users.filter((u) => u.roles.split(',').includes('leader')).map((u) => u.unit_id));
    return chain.find((id) => withLeader.has(id)) ?? null;
  }

  // ---------------------------------------------------------------- settings and cards

  async settings(districtId: string): Promise<EffectiveSupervisionSettings> {
    const [district, dc] = await Promise.all([this.org.districtById(districtId), this.calendars.forDistrict(districtId)]);
    return effectiveSettings(ownSettings(district?.settings), dc.calendar.minutesPerDay);
  }

  async updateSettings(by: Principal, patch: SupervisionSettings): Promise<EffectiveSupervisionSettings> {
    const districtId = by.districtId;
    const problems = thresholdProblems(patch.cards ?? []);
    const first = problems[0];
    if (first) throw new DomainError('VALIDATION_FAILED', `body.${first.path}: ${first.message}`, { issues: problems.map((x) => ({ ...x, path: `body.${x.path}` })) });
    const district = await this.org.districtById(districtId);
    const own = { ...ownSettings(district?.settings), ...patch };
    await this.org.updateSettings(districtId, { supervision: own }, { by, action: 'settings.supervision', summary: { ...patch } });
    return this.settings(districtId);
  }

  /**
   * Stores the cards the thresholds give for one period's evaluated values: one per unit ×
   * period × indicator, upgraded from yellow to red but never back, and a 'card' order for each
   * red card. Running it again with the same values changes nothing.
   */
  async issueCards(districtId: string, period: string, values: IndicatorValue[]): Promise<CardView[]> {
    if (!period.trim() || period.length > 40) throw invalid('period', 'name the evaluation period, e.g. 2026-03 or 2026Q1');
    const [dir, settings] = await Promise.all([this.org.directory(districtId), this.settings(districtId)]);
    const unknown = values.findIndex((v) => !dir.unit(v.unitId));
    if (unknown >= 0) throw invalid(`values.${unknown}.unitId`, `unit ${values[unknown]?.unitId} does not exist in this district`);
    const out = [];
    for (const d of decideCards(values, settings.cards)) {
      const now = this.clock.now();
      let card = await repo.card(this.store.db, districtId, d.unitId, period, d.indicator);
      if (!card) {
        const row = { id: newId(now), district_id: districtId, unit_id: d.unitId, period, indicator: d.indicator, colour: d.colour, value: d.value, threshold: d.threshold, order_id: null, issued_at: now, updated_at: now };
        await repo.insertCard(this.store.db, row);
        card = await repo.card(this.store.db, districtId, d.unitId, period, d.indicator);
      } else if (mergeColour(card.colour, d.colour) !== card.colour) {
        const patch = { colour: 'red' as CardColour, value: d.value, threshold: d.threshold, updated_at: now };
        await repo.updateCard(this.store.db, card.id, patch);
        card = { ...card, ...patch };
      }
      if (!card) continue;
      if (card.colour === 'red' && !card.order_id) {
        const name = INDICATOR_NAMES[card.indicator] ?? card.indicator;
        const order = await this.issue(districtId, {
          subject: { kind: 'unit', unitId: card.unit_id },
          source: 'card',
          reason: `红牌督办：${period} ${name} ${card.value} ${card.value < card.threshold ? '低于' : '超出'}红牌线 ${card.threshold} (red card: ${card.indicator})`,
          issuedBy: null,
          dedupeKey: `card:${period}:${card.unit_id}:${card.indicator}`,
        });
        await repo.updateCard(this.store.db, card.id, { order_id: order.id });
        card = { ...card, order_id: order.id };
      }
      out.push(cardView(card, dir));
    }
    return out;
  }

  async cards(p: Principal, period: string): Promise<CardView[]> {
    const dir = await this.org.directory(p.districtId);
    const rows = await repo.cards(this.store.db, p.districtId, period, p.districtWide ? null : dir.subtreeIds(p.unitId));
    return rows.map((c) => cardView(c, dir));
  }

  // ---------------------------------------------------------------- helpers

  private visibleUnit(p: Principal, dir: Directory, unitId: string): boolean {
    return p.districtWide || dir.isWithin(unitId, p.unitId);
  }

  /** The order if the caller may see it (the responsible unit lies in their subtree); else 404. */
  private async visible(p: Principal, id: string): Promise<{ o: SupervisionOrderRow; dir: Directory }> {
    const [o, dir] = await Promise.all([repo.byId(this.store.db, p.districtId, id), this.org.directory(p.districtId)]);
    if (!o || !this.visibleUnit(p, dir, o.unit_id)) throw notFound(`supervision order ${id}`);
    return { o, dir };
  }

  private async ownedFiles(districtId: string, ids: string[]): Promise<string[]> {
    try {
      return await this.files.requireOwned(districtId, ids);
    } catch (e) {
      if (isDomainError(e) && e.code === 'VALIDATION_FAILED') throw invalid('body.fileIds', e.message.replace(/^[^:]*: /, ''));
      throw e;
    }
  }

  private async context(districtId: string, userIds: Array<string | null>) {
    const ids = [...new Set(userIds.filter((x): x is string => !!x))];
    const [dir, names] = await Promise.all([this.org.directory(districtId), this.auth.displayNames(ids)]);
    return { dir, now: this.clock.now(), userName: (id: string) => names.get(id) ?? null };
  }

  private async present(districtId: string, o: SupervisionOrderRow): Promise<SupervisionOrderView> {
    return orderView(o, await this.context(districtId, usersOf(o)));
  }

  private history(trx: Transaction<DB>, o: SupervisionOrderRow, action: 'issued' | 'escalated' | 'responded' | 'closed', actor: string | null, at: number, note: string | null, payload: Record<string, unknown>) {
    return repo.insertEvent(trx, { id: newId(at), order_id: o.id, action, actor_user_id: actor, at, note, payload: JSON.stringify(payload) });
  }

  private message(o: SupervisionOrderRow, topic: string, extra: Record<string, unknown> = {}) {
    return {
      districtId: o.district_id,
      topic,
      payload: {
        ...extra,
        orderId: o.id,
        number: o.number,
        status: o.status,
        unitId: o.unit_id,
        source: o.source,
        caseId: o.case_id,
        targetId: o.target_id,
        deadlineAt: new Date(o.deadline_at).toISOString(),
        reason: o.reason,
      },
    };
  }
}

function usersOf(o: SupervisionOrderRow): Array<string | null> {
  return [o.issued_by, o.responded_by, o.closed_by];
}

function invalid(path: string, message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `${path}: ${message}`, { issues: [{ path, message }] });
}

