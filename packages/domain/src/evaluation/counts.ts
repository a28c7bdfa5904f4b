/**
 * The named counts of evaluation (DOMAIN.md §5), derived from a case's event log alone, so a
 * closed period recomputes to the same numbers. The counting rules:
 *
 * - An outcome counts in the period in which its event happened (a case reported on 31 March and
 *   registered on 1 April is reported in March and registered in April). Only events before the
 *   period's end are read, so later events never change a closed period.
 * - "On time" means no `sla_overdue` event fired in the state(s) the action ends. The SLA clock
 *   already stops while a case is suspended and moves with an approved postponement, so
 *   suspensions and postponements are honoured through the timers, not re-derived here.
 * - 应处置数 / 应结案数 (due): the cases handled / closed in the period, plus those still open at
 *   its end whose handling first went overdue in the period. A case overdue across a period edge
 *   therefore counts against both periods: unfinished in the first, finished late in the second.
 * - Rework (check_fail) restarts handling: the next 处置 is judged on its own clock, while 按期结案
 *   needs the whole handling to have stayed in time.
 * - 期末缓办数 (suspended at the end) serves the variant denominators "minus 缓办".
 * - Each count is attributed to the case's area (district, street, community, grid), and where it
 *   says so to the lead unit at the time of the event and to a person: the actor, or for a
 *   return the dispatcher whose dispatch came back.
 */
export type Attribution = 'area' | 'lead' | 'actor' | 'dispatcher' | 'reporter';

export interface CountDef {
  id: string;
  zh: string;
  en: string;
  /** How it is counted, for the bulletin's notes and the API. */
  definition: string;
  /** Besides the area: the lead unit, the acting person, the dispatcher of a return, the reporter. */
  to: readonly Attribution[];
  /** A sum of minutes rather than a count of cases. */
  sum?: true;
}

const PUBLIC_CHANNELS = new Set(['citizen', 'hotline']);
const SATISFIED = new Set(['satisfied', 'basically_satisfied']);
const HANDLING = new Set(['DISPATCHED', 'HANDLING']);
const OPEN = new Set(['REPORTED', 'ACCEPTED', 'REGISTERED', 'DISPATCHED', 'HANDLING', 'HANDLED', 'CHECKING', 'CHECKED']);

const c = <Id extends string>(id: Id, zh: string, en: string, definition: string, to: readonly Attribution[] = [], sum?: true): CountDef & { id: Id } => ({
  id,
  zh,
  en,
  definition,
  to,
  ...(sum ? { sum } : {}),
});

export const COUNTS = [
  c('reported', '上报数', 'reports', 'cases reported in the period', ['actor']),
  c('reported_valid', '有效上报数', 'valid reports', 'reports accepted in the period, credited to the reporter', ['reporter']),
  c('reported_public', '公众首报立案数', 'registered public reports', 'cases registered in the period that citizens or the hotline reported first (not found on patrol)'),
  c('repeat_reported', '反复发生数', 'repeat problems', 'cases reported in the period where one of the same category had been closed at the same place within the repeat window'),
  c('accepted', '受理数', 'accepted', 'accept events in the period', ['actor']),
  c('accepted_on_time', '按时受理数', 'accepted on time', 'accepts with no overdue while waiting for acceptance', ['actor']),
  c('rejected', '不予受理数', 'rejected', 'reject events in the period', ['actor', 'reporter']),
  c('merged', '合并数', 'merged as duplicates', 'reports merged into another case in the period', ['reporter']),
  c('registered', '立案数', 'registered', 'register events in the period', ['actor']),
  c('registered_on_time', '按时立案数', 'registered on time', 'registers with no overdue while waiting for registration', ['actor']),
  c('voided', '作废数', 'voided', 'void events in the period', ['actor']),
  c('dispatched', '派遣数', 'dispatched', 'dispatch events in the period (each re-dispatch counts)', ['lead', 'actor']),
  c('dispatched_on_time', '按时派遣数', 'dispatched on time', 'dispatches with no overdue while waiting for dispatch', ['lead', 'actor']),
  c('returned', '退回数', 'returned', 'returns of a dispatched case in the period, charged to the unit that returned it and the dispatcher', ['lead', 'dispatcher']),
  c('signed', '签收数', 'signed', 'sign events in the period', ['lead']),
  c('signed_on_time', '按时签收数', 'signed on time', 'signs with no overdue while waiting for signing', ['lead']),
  c('handled', '处置数', 'handled', 'report_handled events in the period', ['lead', 'actor']),
  c('handled_on_time', '按期处置数', 'handled on time', 'handled with no overdue since the dispatch or rework', ['lead', 'actor']),
  c('due_to_handle', '应处置数', 'due to be handled', 'handled in the period, plus open at its end with handling first overdue in it', ['lead']),
  c('reworked', '返工数', 'reworked', 'check_fail events in the period', ['lead']),
  c('checked', '核查数', 'checked', 'check results (pass or fail) in the period', ['actor']),
  c('checked_on_time', '按时核查数', 'checked on time', 'check results with no overdue while checking', ['actor']),
  c('closed', '结案数', 'closed', 'close events in the period', ['lead', 'actor']),
  c('closed_on_time', '按期结案数', 'closed on time', 'closed with no overdue in any handling of the case', ['lead', 'actor']),
  c('due_to_close', '应结案数', 'due to be closed', 'closed in the period, plus open at its end with handling first overdue in it', ['lead']),
  c('postponed', '延期数', 'postponed', 'approved postponements in the period', ['lead']),
  c('suspended', '挂账数', 'suspended', 'suspensions (挂账/缓办) in the period', ['lead']),
  c('suspended_at_end', '期末缓办数', 'suspended at the end', 'cases suspended at the end of the period', ['lead']),
  c('supervised', '督办数', 'supervised', 'supervise events in the period (manual or automatic on overdue)', ['lead']),
  c('visited', '回访数', 'visited', 'return visits in the period', ['lead', 'actor']),
  c('resolved', '解决数', 'resolved', 'return visits in the period where the reporter says it is solved', ['lead']),
  c('satisfied', '满意数', 'satisfied', 'return visits in the period answered satisfied or basically satisfied', ['lead']),
  c('hotline_dispatched', '热线派单数', 'hotline dispatched', 'dispatches of hotline cases in the period', ['lead']),
  c('hotline_signed_on_time', '热线按时响应数', 'hotline responded in time', 'hotline cases signed with no overdue while waiting for signing', ['lead']),
  c('hotline_visited', '热线回访数', 'hotline visited', 'return visits of hotline cases', ['lead']),
  c('hotline_resolved', '热线解决数', 'hotline resolved', 'hotline return visits where it is solved', ['lead']),
  c('hotline_satisfied', '热线满意数', 'hotline satisfied', 'hotline return visits answered satisfied or basically satisfied', ['lead']),
  c('handle_minutes', '处置总时长(分)', 'handling minutes', 'wall-clock minutes from dispatch (or rework) to handled, summed over handled', ['lead'], true),
  c('close_minutes', '结案总时长(分)', 'minutes to close', 'wall-clock minutes from report to close, summed over closed', ['lead'], true),
] as const satisfies readonly CountDef[];

export type CountId = (typeof COUNTS)[number]['id'];
export const COUNT_INDEX: Readonly<Record<CountId, number>> = Object.fromEntries(COUNTS.map((d, i) => [d.id, i])) as Record<CountId, number>;
export const isCountId = (s: string): s is CountId => s in COUNT_INDEX;

export interface FoldEvent {
  action: string;
  to: string;
  actor: string | null;
  at: number;
  /** JSON, read only for the few actions that need it. */
  payload: string;
}

/**
 * Receives one increment: the count, its amount, and the lead unit and person it is charged to
 * (null where the count does not go to one). The area is the caller's: every count goes to it.
 */
export type Emit = (count: number, amount: number, lead: string | null, person: string | null) => void;

const I = COUNT_INDEX;

/**
 * The states whose overdue matters, as bits: the fold keeps "went overdue since last entered" in
 * one integer rather than a Set per case (it runs for every case of a period, a million events).
 */
const OVERDUE_BIT: ReadonlyMap<string, number> = new Map([
  ['REPORTED', 1],
  ['ACCEPTED', 2],
  ['REGISTERED', 4],
  ['DISPATCHED', 8],
  ['HANDLING', 16],
  ['CHECKING', 32],
]);
const bit = (state: string) => OVERDUE_BIT.get(state) ?? 0;
const B_REPORTED = 1;
const B_ACCEPTED = 2;
const B_REGISTERED = 4;
const B_DISPATCHED = 8;
const B_HANDLING = 16;
const B_CHECKING = 32;

const LEAD_PREFIX = '{"leadUnitId":"';
/**
 * The lead unit of a dispatch. CaseService writes the payload with JSON.stringify and leadUnitId
 * first, so the id is read off the string; any other shape is parsed.
 */
function leadOf(payload: string): string | undefined {
  if (payload.startsWith(LEAD_PREFIX)) {
    const close = payload.indexOf('"', LEAD_PREFIX.length);
    const id = close > 0 ? payload.slice(LEAD_PREFIX.length, close) : '';
    if (id && !id.includes('\\')) return id;
  }
  return (JSON.parse(payload) as { leadUnitId?: string }).leadUnitId;
}

/**
 * Folds one case's events (in sequence order, only those before `end`) into the counts of the
 * period [start, end). `channel` is the case's channel.
 */
export function foldCase(channel: string, events: readonly FoldEvent[], start: number, end: number, emit: Emit): void {
  const hotline = channel === 'hotline';
  const publicReport = PUBLIC_CHANNELS.has(channel);
  let lead: string | null = null;
  let reporter: string | null = null;
  let reportedAt = 0;
  let dispatcher: string | null = null;
  let handleFrom = 0;
  let state = 'REPORTED';
  let suspended = false;
  /** States (bits) that went overdue since the case last entered them. */
  let overdue = 0;
  let handleOverdueAt: number | null = null;
  let everHandleOverdue = false;
  let handledInPeriod = false;
  let closedInPeriod = false;

  for (let k = 0; k < events.length; k++) {
    const e = events[k] as FoldEvent;
    const at = e.at;
    if (at >= end) break;
    const inP = at >= start;
    const actor = e.actor;
    switch (e.action) {
      case 'report': {
        reporter = actor;
        reportedAt = at;
        if (inP) {
          emit(I.reported, 1, null, actor);
          if (e.payload.includes('"repeatOf"')) emit(I.repeat_reported, 1, null, null);
        }
        break;
      }
      case 'accept':
        if (inP) {
          emit(I.accepted, 1, null, actor);
          if (!(overdue & B_REPORTED)) emit(I.accepted_on_time, 1, null, actor);
          emit(I.reported_valid, 1, null, reporter);
        }
        break;
      case 'reject':
        if (inP) emit(I.rejected, 1, null, actor);
        break;
      case 'merge':
        if (inP) emit(I.merged, 1, null, reporter);
        break;
      case 'register':
        if (inP) {
          emit(I.registered, 1, null, actor);
          if (!(overdue & B_ACCEPTED)) emit(I.registered_on_time, 1, null, actor);
          if (publicReport) emit(I.reported_public, 1, null, null);
        }
        break;
      case 'void':
        if (inP) emit(I.voided, 1, null, actor);
        break;
      case 'dispatch': {
        const onTime = !(overdue & B_REGISTERED);
        lead = leadOf(e.payload) ?? lead;
        dispatcher = actor;
        handleFrom = at;
        overdue &= ~(B_DISPATCHED | B_HANDLING);
        if (inP) {
          emit(I.dispatched, 1, lead, actor);
          if (onTime) emit(I.dispatched_on_time, 1, lead, actor);
          if (hotline) emit(I.hotline_dispatched, 1, lead, null);
        }
        break;
      }
      case 'return':
        if (inP) emit(I.returned, 1, lead, dispatcher);
        lead = null;
        break;
      case 'sign':
        if (inP) {
          emit(I.signed, 1, lead, null);
          if (!(overdue & B_DISPATCHED)) {
            emit(I.signed_on_time, 1, lead, null);
            if (hotline) emit(I.hotline_signed_on_time, 1, lead, null);
          }
        }
        break;
      case 'report_handled':
        if (inP) {
          emit(I.handled, 1, lead, actor);
          emit(I.due_to_handle, 1, lead, null);
          if (!(overdue & (B_DISPATCHED | B_HANDLING))) emit(I.handled_on_time, 1, lead, actor);
          emit(I.handle_minutes, (at - handleFrom) / 60_000, lead, null);
          handledInPeriod = true;
        }
        break;
      case 'check_pass':
      case 'check_fail':
        if (inP) {
          emit(I.checked, 1, null, actor);
          if (!(overdue & B_CHECKING)) emit(I.checked_on_time, 1, null, actor);
        }
        if (e.action === 'check_fail') {
          if (inP) emit(I.reworked, 1, lead, null);
          handleFrom = at;
          overdue &= ~B_HANDLING;
        }
        break;
      case 'close':
        if (inP) {
          emit(I.closed, 1, lead, actor);
          emit(I.due_to_close, 1, lead, null);
          if (!everHandleOverdue) emit(I.closed_on_time, 1, lead, actor);
          emit(I.close_minutes, (at - reportedAt) / 60_000, lead, null);
          closedInPeriod = true;
        }
        break;
      case 'visit': {
        if (!inP) break;
        const v = JSON.parse(e.payload) as { satisfaction?: string; resolved?: boolean };
        const satisfied = !!v.satisfaction && SATISFIED.has(v.satisfaction);
        emit(I.visited, 1, lead, actor);
        if (v.resolved) emit(I.resolved, 1, lead, null);
        if (satisfied) emit(I.satisfied, 1, lead, null);
        if (hotline) {
          emit(I.hotline_visited, 1, lead, null);
          if (v.resolved) emit(I.hotline_resolved, 1, lead, null);
          if (satisfied) emit(I.hotline_satisfied, 1, lead, null);
        }
        break;
      }
      case 'postpone_approve':
        if (inP) emit(I.postponed, 1, lead, null);
        break;
      case 'suspend':
        suspended = true;
        if (inP) emit(I.suspended, 1, lead, null);
        break;
      case 'resume':
        suspended = false;
        break;
      case 'supervise':
        if (inP) emit(I.supervised, 1, lead, null);
        break;
      case 'sla_overdue':
        overdue |= bit(e.to);
        if (HANDLING.has(e.to)) {
          everHandleOverdue = true;
          handleOverdueAt ??= at;
        }
        break;
    }
    if (e.to !== state) {
      // Entering a state anew starts its clock again: an old overdue there no longer counts.
      if (e.action !== 'sla_overdue') overdue &= ~bit(e.to);
      state = e.to;
    }
  }
  // Still open at the end, with handling first overdue inside the period: due but not done.
  if (OPEN.has(state) && handleOverdueAt !== null && handleOverdueAt >= start && handleOverdueAt < end) {
    if (!closedInPeriod) emit(I.due_to_close, 1, lead, null);
    if (!handledInPeriod && HANDLING.has(state)) emit(I.due_to_handle, 1, lead, null);
  }
  if (suspended && OPEN.has(state)) emit(I.suspended_at_end, 1, lead, null);
}
