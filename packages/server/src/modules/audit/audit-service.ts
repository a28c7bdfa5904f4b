/**
 * The audit log (操作日志) of administrative changes. `record` writes into the caller's
 * transaction, so a change and its row commit or roll back together (no change without its row,
 * no row without its change). Summaries name the changed fields and their new values; anything
 * that looks like a credential is dropped before it is stored.
 */
import type { Transaction } from 'kysely';
import type { AuditLogRow, DB } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { Principal } from '../../platform/principal.ts';
import { AUDIT_ACTIONS, type AuditAction } from './audit-actions.ts';
import { auditRepository as repo } from './audit-repository.ts';

export type AuditSummary = Record<string, unknown>;

export interface AuditFilters {
  action?: string | undefined;
  subjectKind?: string | undefined;
  subjectId?: string | undefined;
  actor?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  before?: string | undefined;
  limit: number;
}

export interface AuditEntry {
  id: string;
  at: string;
  actorUserId: string | null;
  actorUsername: string;
  action: AuditAction;
  subjectKind: string;
  subjectId: string;
  summary: AuditSummary;
}

const SECRET_KEY = /password|secret|token|hash|^key$|apikey/i;

/** A copy without credential-like fields, at any depth. */
export function redact(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redact);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !SECRET_KEY.test(k)).map(([k, x]) => [k, redact(x)]));
  return v;
}

export class AuditService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  record(trx: Transaction<DB>, by: Principal, action: AuditAction, subjectId: string, summary: AuditSummary): Promise<void> {
    return this.recordAll(trx, by, action, [{ subjectId, summary }]);
  }

  /** One row per subject of a change made in bulk (users, matrix rules), written in batches. */
  async recordAll(trx: Transaction<DB>, by: Principal, action: AuditAction, entries: Array<{ subjectId: string; summary: AuditSummary }>): Promise<void> {
    const at = this.clock.now();
    const rows: AuditLogRow[] = entries.map((e) => ({
      id: newId(at),
      district_id: by.districtId,
      actor_user_id: by.userId,
      actor_username: by.username,
      action,
      subject_kind: AUDIT_ACTIONS[action],
      subject_id: e.subjectId,
      summary: JSON.stringify(redact(e.summary)),
      at,
    }));
    await repo.insert(trx, rows);
  }

  async list(p: Principal, f: AuditFilters): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    const rows = await repo.list(this.store.db, {
      districtId: p.districtId,
      action: f.action,
      subjectKind: f.subjectKind,
      subjectId: f.subjectId,
      actor: f.actor,
      from: f.from ? Date.parse(f.from) : undefined,
      to: f.to ? Date.parse(f.to) : undefined,
      before: f.before,
      limit: f.limit + 1,
    });
    const page = rows.slice(0, f.limit);
    return {
      items: page.map((r) => ({
        id: r.id,
        at: new Date(Number(r.at)).toISOString(),
        actorUserId: r.actor_user_id,
        actorUsername: r.actor_username,
        action: r.action as AuditAction,
        subjectKind: r.subject_kind,
        subjectId: r.subject_id,
        summary: JSON.parse(r.summary) as AuditSummary,
      })),
      nextCursor: rows.length > f.limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  }
}

/** An audit row a service writes with the change it makes, for callers that describe it. */
export interface AuditNote {
  by: Principal;
  action: AuditAction;
  summary: AuditSummary;
}
