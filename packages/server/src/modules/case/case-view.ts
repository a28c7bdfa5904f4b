/** How a case is presented over the API: ISO 8601 UTC times, masked reporter contact, light. */
import type { CaseAction, CaseState } from '@onegrid/domain/case/lifecycle';
import { type Light, lightAt } from '@onegrid/domain/case/sla';
import type { TimeBasis } from '@onegrid/domain/time/time-basis';
import type { CaseEventRow, CaseRow, CaseUnitRow } from '../../db/schema.ts';
import type { Directory } from '../org/directory.ts';

export const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());

export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  return phone.length <= 4 ? '****' : phone.slice(0, 3) + '*'.repeat(Math.max(phone.length - 7, 1)) + phone.slice(-4);
}

const unitRef = (dir: Directory, id: string | null) => {
  if (!id) return null;
  const u = dir.unit(id);
  return { id, code: u?.code ?? null, name: u?.name ?? null, kind: u?.kind ?? null };
};

export interface CaseViewOptions {
  now: number;
  /** Working or natural time, by the case's urgency. */
  basis: TimeBasis;
  dir: Directory;
  categoryName: (kind: string, code: string) => string | null;
  showContact: boolean;
  allowedActions?: CaseAction[];
}

export function caseView(c: CaseRow, units: CaseUnitRow[], o: CaseViewOptions) {
  const clock = c.deadline_at != null && c.warn_at != null ? { deadlineAt: c.deadline_at, warnAt: c.warn_at } : null;
  const light: Light | null = c.suspended ? null : lightAt(o.now, clock);
  return {
    id: c.id,
    number: c.number,
    state: c.state as CaseState,
    version: c.version,
    channel: c.channel,
    description: c.description,
    location: c.lng !== null && c.lat !== null ? { lng: c.lng, lat: c.lat } : null,
    repeatOf: c.repeat_of,
    address: c.address,
    category:
      c.category_kind && c.category_code
        ? { kind: c.category_kind, code: c.category_code, name: o.categoryName(c.category_kind, c.category_code) }
        : null,
    urgency: c.urgency,
    reporter:
      c.reporter_name || c.reporter_phone
        ? { name: c.reporter_name, phone: o.showContact ? c.reporter_phone : maskPhone(c.reporter_phone) }
        : null,
    area: {
      street: unitRef(o.dir, c.street_id),
      community: unitRef(o.dir, c.community_id),
      grid: unitRef(o.dir, c.grid_id),
      socialGrid: unitRef(o.dir, c.social_grid_id),
      outsideJurisdiction: c.outside_jurisdiction === 1,
    },
    leadUnit: unitRef(o.dir, c.lead_unit_id),
    cohandlers: units.filter((u) => u.role === 'cohandler' && u.active === 1).map((u) => unitRef(o.dir, u.unit_id)),
    stage: c.stage,
    stageStartedAt: iso(c.stage_started_at),
    warnAt: iso(c.warn_at),
    deadlineAt: iso(c.deadline_at),
    light,
    remainingWorkingMinutes: c.deadline_at != null && !c.suspended ? Math.round(o.basis.workingMinutesBetween(o.now, c.deadline_at)) : c.suspended ? c.suspended_remaining_min : null,
    suspended: c.suspended === 1,
    supervised: c.supervised === 1,
    escalated: c.escalated === 1,
    postponement: c.postpone_until != null ? { pending: true, until: iso(c.postpone_until), reason: c.postpone_reason } : null,
    reworkCount: c.rework_count,
    returnCount: c.return_count,
    postponeCount: c.postpone_count,
    mergedInto: c.merged_into,
    satisfaction: c.satisfaction,
    resolved: c.resolved == null ? null : c.resolved === 1,
    photos: JSON.parse(c.photos) as string[],
    createdAt: iso(c.created_at),
    updatedAt: iso(c.updated_at),
    closedAt: iso(c.closed_at),
    ...(o.allowedActions ? { allowedActions: o.allowedActions } : {}),
  };
}
export type CaseView = ReturnType<typeof caseView>;

export function eventView(e: CaseEventRow, dir: Directory, userName: (id: string) => string | null) {
  return {
    id: e.id,
    seq: e.seq,
    action: e.action,
    from: e.from_state,
    to: e.to_state,
    at: iso(e.at),
    actor: e.actor_user_id ? { id: e.actor_user_id, name: userName(e.actor_user_id) } : null,
    unit: unitRef(dir, e.actor_unit_id),
    reason: e.reason,
    payload: JSON.parse(e.payload) as Record<string, unknown>,
  };
}
