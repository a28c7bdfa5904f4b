/** SQL for cases, their units, events, timers and idempotency keys only. */
import { OPEN_STATES } from '@onegrid/domain/case/lifecycle';
import { type Expression, type Kysely, type SqlBool, sql, type Transaction } from 'kysely';
import type { CaseEventRow, CaseRow, CaseTimerRow, CaseUnitRow, DB } from '../../db/schema.ts';

type Q = Kysely<DB> | Transaction<DB>;
/** An event as evaluation folds it (column names as in FoldEvent, so rows are used as they come). */
export type HistoryRow = Pick<CaseEventRow, 'case_id' | 'seq' | 'action' | 'at' | 'payload'> & { to: string; actor: string | null };
// Evaluation reads the payload of these actions only; the rest stay in the database. Of a report
// it only asks whether it names a repeatOf, so a marker stands in for the (long) payload;
// replace() rather than LIKE, which SQLite compares case-insensitively.
const EVALUATED_PAYLOAD = sql<string>`case when action in ('dispatch', 'visit') then payload when action = 'report' and replace(payload, '"repeatOf"', '') <> payload then '{"repeatOf":true}' else '' end`.as('payload');

export interface ScopeFilter {
  /** Column that must equal areaUnitId (by the caller's unit kind), or null. */
  areaColumn: 'street_id' | 'community_id' | 'grid_id' | 'social_grid_id' | null;
  areaUnitId: string;
  /** Materialised path of the caller's unit: a case assigned anywhere below it is visible. */
  unitPath: string | null;
  userId: string;
}

export interface ListFilter {
  districtId: string;
  states?: string[] | undefined;
  category?: { kind: string; code: string } | undefined;
  leadUnitId?: string | undefined;
  area?: { column: 'street_id' | 'community_id' | 'grid_id' | 'social_grid_id'; id: string } | undefined;
  channel?: string | undefined;
  light?: 'green' | 'yellow' | 'red' | undefined;
  from?: number | undefined;
  to?: number | undefined;
  text?: string | undefined;
  supervised?: boolean | undefined;
  now: number;
  scope: ScopeFilter | null;
  sort: 'created_desc' | 'created_asc' | 'deadline_asc' | 'updated_desc';
  after?: { key: number; id: string } | undefined;
  limit: number;
}

const SORT: Record<ListFilter['sort'], { col: 'created_at' | 'deadline_at' | 'updated_at'; dir: 'asc' | 'desc' }> = {
  created_desc: { col: 'created_at', dir: 'desc' },
  created_asc: { col: 'created_at', dir: 'asc' },
  deadline_asc: { col: 'deadline_at', dir: 'asc' },
  updated_desc: { col: 'updated_at', dir: 'desc' },
};

export const caseRepository = {
  async insertCase(q: Q, row: CaseRow): Promise<void> {
    await q.insertInto('cases').values(row).execute();
  },
  byId(q: Q, districtId: string, id: string): Promise<CaseRow | undefined> {
    return q.selectFrom('cases').selectAll().where('district_id', '=', districtId).where('id', '=', id).executeTakeFirst();
  },
  byNumber(q: Q, districtId: string, number: string): Promise<CaseRow | undefined> {
    return q.selectFrom('cases').selectAll().where('district_id', '=', districtId).where('number', '=', number).executeTakeFirst();
  },
  units(q: Q, caseIds: string[]): Promise<CaseUnitRow[]> {
    if (caseIds.length === 0) return Promise.resolve([]);
    return q.selectFrom('case_units').selectAll().where('case_id', 'in', caseIds).execute();
  },
  /** The optimistic-concurrency write: zero rows means someone else changed the case first. */
  async updateVersioned(q: Q, id: string, version: number, patch: Partial<CaseRow>): Promise<number | null> {
    const r = await q
      .updateTable('cases')
      .set({ ...patch, version: version + 1, event_count: sql`event_count + 1` })
      .where('id', '=', id)
      .where('version', '=', version)
      .returning('event_count')
      .executeTakeFirst();
    return r ? Number(r.event_count) : null;
  },
  /** The reports merged into a master case (and not taken back out). */
  mergedInto(q: Q, masterId: string): Promise<CaseRow[]> {
    return q.selectFrom('cases').selectAll().where('merged_into', '=', masterId).where('state', '=', 'MERGED').execute();
  },
  /** System events (timers, merges into a master) bump only the event counter. */
  async bumpEvents(q: Q, id: string, n: number, patch: Partial<CaseRow> = {}): Promise<number> {
    const r = await q
      .updateTable('cases')
      .set({ ...patch, event_count: sql`event_count + ${n}` })
      .where('id', '=', id)
      .returning('event_count')
      .executeTakeFirstOrThrow();
    return Number(r.event_count);
  },
  async insertEvents(q: Q, rows: CaseEventRow[]): Promise<void> {
    await q.insertInto('case_events').values(rows).execute();
  },
  /** Events in [start, end) of a district, for evaluation; the payload only where evaluation reads it. */
  eventsBetween(q: Q, districtId: string, start: number, end: number): Promise<HistoryRow[]> {
    return q
      .selectFrom('case_events')
      .select(['case_id', 'seq', 'action', 'to_state as to', 'actor_user_id as actor', 'at', EVALUATED_PAYLOAD])
      .where('district_id', '=', districtId)
      .where('at', '>=', start)
      .where('at', '<', end)
      .execute();
  },
  /** The events before `before` of these cases (their history from earlier periods). */
  eventsBefore(q: Q, caseIds: string[], before: number): Promise<HistoryRow[]> {
    if (caseIds.length === 0) return Promise.resolve([]);
    return q
      .selectFrom('case_events')
      .select(['case_id', 'seq', 'action', 'to_state as to', 'actor_user_id as actor', 'at', EVALUATED_PAYLOAD])
      .where('case_id', 'in', caseIds)
      .where('at', '<', before)
      .execute();
  },
  areasOf(q: Q, caseIds: string[]): Promise<Array<Pick<CaseRow, 'id' | 'channel' | 'street_id' | 'community_id' | 'grid_id'>>> {
    if (caseIds.length === 0) return Promise.resolve([]);
    return q.selectFrom('cases').select(['id', 'channel', 'street_id', 'community_id', 'grid_id']).where('id', 'in', caseIds).execute();
  },
  /** Open cases with a place, for the cockpit map (street-scoped when a street id is given). */
  openPoints(q: Q, districtId: string, streetId: string | null, limit: number) {
    let qb = q
      .selectFrom('cases')
      .select(['id', 'number', 'lng', 'lat', 'state', 'warn_at', 'deadline_at', 'suspended'])
      .where('district_id', '=', districtId)
      .where('state', 'in', [...OPEN_STATES])
      .where('lng', 'is not', null);
    if (streetId) qb = qb.where('street_id', '=', streetId);
    return qb.limit(limit).execute();
  },
  /** Open cases with what their light follows from (cockpit rebuild). */
  openClocks(q: Q, districtId: string) {
    return q
      .selectFrom('cases')
      .select(['id', 'street_id', 'state', 'stage', 'warn_at', 'deadline_at'])
      .where('district_id', '=', districtId)
      .where('state', 'in', [...OPEN_STATES])
      .execute();
  },
  /**
   * Cases counted per district-local day (UTC+8) of `column` and per `key` (an SQL expression over
   * the case's columns), for rebuilding the cockpit's daily rollups from the cases themselves.
   */
  casesPerDay(q: Q, districtId: string, column: 'created_at' | 'closed_at', key: string) {
    return sql<{ day: number; key: string; n: number }>`
      select cast((${sql.ref(column)} + 28800000) / 86400000 as integer) as day, ${sql.raw(key)} as key, count(*) as n
      from cases where district_id = ${districtId} and ${sql.ref(column)} is not null
      group by 1, 2`
      .execute(q)
      .then((r) => r.rows.map((x) => ({ day: Number(x.day), key: String(x.key), n: Number(x.n) })));
  },
  /** Events of one action per district-local day and street (cockpit rebuild). */
  eventsPerDay(q: Q, districtId: string, action: string) {
    return sql<{ day: number; street: string; n: number }>`
      select cast((e.at + 28800000) / 86400000 as integer) as day, coalesce(c.street_id, '') as street, count(*) as n
      from case_events e join cases c on c.id = e.case_id
      where e.district_id = ${districtId} and e.action = ${action}
      group by 1, 2`
      .execute(q)
      .then((r) => r.rows.map((x) => ({ day: Number(x.day), street: String(x.street), n: Number(x.n) })));
  },
  byIds(q: Q, districtId: string, ids: string[]): Promise<CaseRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return q.selectFrom('cases').selectAll().where('district_id', '=', districtId).where('id', 'in', ids).execute();
  },
  events(q: Q, caseId: string): Promise<CaseEventRow[]> {
    return q.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
  },
  async upsertUnits(q: Q, rows: CaseUnitRow[]): Promise<void> {
    if (rows.length === 0) return;
    await q
      .insertInto('case_units')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['case_id', 'unit_id']).doUpdateSet((eb) => ({
          role: eb.ref('excluded.role'),
          active: eb.ref('excluded.active'),
          since: eb.ref('excluded.since'),
        })),
      )
      .execute();
  },
  async deactivateUnits(q: Q, caseId: string, role?: 'lead' | 'cohandler'): Promise<void> {
    let qb = q.updateTable('case_units').set({ active: 0 }).where('case_id', '=', caseId);
    if (role) qb = qb.where('role', '=', role);
    await qb.execute();
  },
  async insertTimers(q: Q, rows: CaseTimerRow[]): Promise<void> {
    if (rows.length) await q.insertInto('case_timers').values(rows).execute();
  },
  async cancelTimers(q: Q, caseId: string, at: number): Promise<void> {
    await q
      .updateTable('case_timers')
      .set({ cancelled_at: at })
      .where('case_id', '=', caseId)
      .where('fired_at', 'is', null)
      .where('cancelled_at', 'is', null)
      .execute();
  },
  /** Moves the not-yet-fired timers of the current stage (postponement, resume). */
  async rescheduleTimers(q: Q, caseId: string, stageSeq: number, due: { warn: number; overdue: number }): Promise<void> {
    for (const kind of ['warn', 'overdue'] as const) {
      await q
        .updateTable('case_timers')
        .set({ due_at: due[kind], cancelled_at: null })
        .where('case_id', '=', caseId)
        .where('stage_seq', '=', stageSeq)
        .where('kind', '=', kind)
        .where('fired_at', 'is', null)
        .execute();
    }
  },
  async idempotentCase(q: Q, userId: string, key: string): Promise<string | undefined> {
    const r = await q.selectFrom('idempotency_keys').select('case_id').where('user_id', '=', userId).where('key', '=', key).executeTakeFirst();
    return r?.case_id;
  },
  async insertIdempotencyKey(q: Q, userId: string, key: string, caseId: string, at: number): Promise<void> {
    await q.insertInto('idempotency_keys').values({ user_id: userId, key, case_id: caseId, created_at: at }).execute();
  },
  /**
   * Reserves the next `n` values of a gap-tolerant counter in its own short statement, so no long
   * transaction holds the row; returns the last of them (the block is `last - n + 1 … last`).
   */
  async nextCounter(q: Q, districtId: string, name: string, n = 1): Promise<number> {
    const r = await q
      .insertInto('counters')
      .values({ district_id: districtId, name, value: n })
      .onConflict((oc) => oc.columns(['district_id', 'name']).doUpdateSet({ value: sql`counters.value + ${n}` }))
      .returning('value')
      .executeTakeFirstOrThrow();
    return Number(r.value);
  },

  list(q: Q, f: ListFilter): Promise<CaseRow[]> {
    const sort = SORT[f.sort];
    let qb = q.selectFrom('cases').selectAll().where('district_id', '=', f.districtId);
    if (f.states?.length) qb = qb.where('state', 'in', f.states);
    if (f.category) qb = qb.where('category_kind', '=', f.category.kind).where('category_code', '=', f.category.code);
    if (f.leadUnitId) qb = qb.where('lead_unit_id', '=', f.leadUnitId);
    if (f.area) qb = qb.where(f.area.column, '=', f.area.id);
    if (f.channel) qb = qb.where('channel', '=', f.channel);
    if (f.from !== undefined) qb = qb.where('created_at', '>=', f.from);
    if (f.to !== undefined) qb = qb.where('created_at', '<', f.to);
    if (f.supervised !== undefined) qb = qb.where('supervised', '=', f.supervised ? 1 : 0);
    // Unless the list is in deadline order, `+` keeps the deadline out of index ranges: SQLite
    // (no statistics) would otherwise range-scan cases_deadline and sort every open case.
    const deadline = f.sort === 'deadline_asc' ? sql.ref('deadline_at') : sql<number>`+${sql.ref('deadline_at')}`;
    if (f.light === 'red') qb = qb.where(deadline, '<=', f.now);
    if (f.light === 'yellow') qb = qb.where('warn_at', '<=', f.now).where(deadline, '>', f.now);
    if (f.light === 'green') qb = qb.where('warn_at', '>', f.now);
    if (f.text) {
      const like = `%${f.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb = qb.where((eb) =>
        eb.or([
          eb('number', '=', f.text ?? ''),
          sql<SqlBool>`description like ${like} escape '\\'`,
          sql<SqlBool>`address like ${like} escape '\\'`,
        ]),
      );
    }
    const scope = f.scope;
    if (scope) {
      qb = qb.where((eb) => {
        const ors: Expression<SqlBool>[] = [eb('created_by', '=', scope.userId)];
        if (scope.areaColumn) ors.push(eb(scope.areaColumn, '=', scope.areaUnitId));
        const path = scope.unitPath;
        if (path) {
          // The subtree by path prefix, not as a list of its (up to ~2,000) unit ids: each probe
          // is then one case_units lookup by case plus one units lookup by id, on both stores.
          // OFFSET 0 stops PostgreSQL from hashing every assignment of the subtree up front
          // instead (a parallel scan of case_units, 120-280 ms per page at 1M cases).
          ors.push(
            eb.exists(
              eb
                .selectFrom('case_units')
                .innerJoin('units', 'units.id', 'case_units.unit_id')
                .select(sql`1`.as('one'))
                .whereRef('case_units.case_id', '=', 'cases.id')
                .where(sql<string>`substr(${sql.ref('units.path')}, 1, ${path.length})`, '=', path)
                .limit(1)
                .offset(0),
            ),
          );
        }
        return eb.or(ors);
      });
    }
    if (f.sort === 'deadline_asc') qb = qb.where('deadline_at', 'is not', null);
    const after = f.after;
    if (after) {
      const op = sort.dir === 'desc' ? '<' : '>';
      qb = qb.where((eb) => eb.or([eb(sort.col, op, after.key), eb.and([eb(sort.col, '=', after.key), eb('id', op, after.id)])]));
    }
    return qb.orderBy(sort.col, sort.dir).orderBy('id', sort.dir).limit(f.limit).execute();
  },
};

export { SORT as LIST_SORT };
