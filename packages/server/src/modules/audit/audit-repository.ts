/** SQL for the audit log (操作日志) only. */
import type { Kysely, Transaction } from 'kysely';
import type { AuditLogRow, DB } from '../../db/schema.ts';

type Q = Kysely<DB> | Transaction<DB>;

export interface AuditFilter {
  districtId: string;
  action?: string | undefined;
  subjectKind?: string | undefined;
  subjectId?: string | undefined;
  /** A username or a user id. */
  actor?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** Cursor: ids sort by time (UUIDv7); the page continues below this id. */
  before?: string | undefined;
  limit: number;
}

export const auditRepository = {
  async insert(q: Q, rows: AuditLogRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) await q.insertInto('audit_log').values(rows.slice(i, i + 200)).execute();
  },

  list(q: Q, f: AuditFilter): Promise<AuditLogRow[]> {
    let qb = q.selectFrom('audit_log').selectAll().where('district_id', '=', f.districtId);
    if (f.action) qb = qb.where('action', '=', f.action);
    if (f.subjectKind) qb = qb.where('subject_kind', '=', f.subjectKind);
    if (f.subjectId) qb = qb.where('subject_id', '=', f.subjectId);
    const actor = f.actor;
    if (actor) qb = qb.where((eb) => eb.or([eb('actor_username', '=', actor), eb('actor_user_id', '=', actor)]));
    if (f.from !== undefined) qb = qb.where('at', '>=', f.from);
    if (f.to !== undefined) qb = qb.where('at', '<', f.to);
    if (f.before) qb = qb.where('id', '<', f.before);
    return qb.orderBy('id', 'desc').limit(f.limit).execute();
  },
};
