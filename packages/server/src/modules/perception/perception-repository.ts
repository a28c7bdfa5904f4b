/**
 * SQL for perception only: devices, readings, rules, rule states, alarms and ingest counters.
 * The ingest path writes whole batches: on PostgreSQL one statement per table over unnest()ed
 * arrays (one round trip, one SQL text whatever the batch size); on SQLite, whose round trips are
 * free but whose prepared statements are cached by SQL text, multi-row statements in a few fixed
 * sizes, so a handful of texts are prepared once instead of one per batch size.
 */
import { type Kysely, PostgresAdapter, sql, type Transaction } from 'kysely';
import type { AlarmRow, DB, DeviceLatestRow, DeviceRow, PerceptionRuleRow, ReadingRow, RuleStateRow } from '../../db/schema.ts';

type Q = Kysely<DB> | Transaction<DB>;

const isPostgres = (q: Q) => q.getExecutor().adapter instanceof PostgresAdapter;

/** Splits rows into chunks of the sizes given (largest first, greedily). */
function fixedChunks<T>(rows: T[], sizes: readonly number[] = [256, 64, 16, 4, 1]): T[][] {
  const out: T[][] = [];
  let i = 0;
  for (const size of sizes) {
    while (rows.length - i >= size) {
      out.push(rows.slice(i, i + size));
      i += size;
    }
  }
  return out;
}

/** An IN list padded (with its last item) to a power of two: few distinct SQL texts, same rows. */
function padded<T>(list: T[]): T[] {
  let n = 1;
  while (n < list.length) n *= 2;
  const last = list[list.length - 1] as T;
  return n === list.length ? list : [...list, ...Array<T>(n - list.length).fill(last)];
}

export const perceptionRepository = {
  // ------------------------------------------------------------ devices
  async insertDevices(q: Q, rows: DeviceRow[]): Promise<void> {
    // 11 columns × 500 rows stays under SQLite's bound-parameter limit.
    for (let i = 0; i < rows.length; i += 500) await q.insertInto('devices').values(rows.slice(i, i + 500)).execute();
  },
  deviceCodes(q: Q, districtId: string): Promise<Array<{ code: string }>> {
    return q.selectFrom('devices').select('code').where('district_id', '=', districtId).execute();
  },
  devices(q: Q, districtId: string, filter: { type?: string | undefined; codes?: string[] } = {}): Promise<DeviceRow[]> {
    let qb = q.selectFrom('devices').selectAll().where('district_id', '=', districtId);
    if (filter.type) qb = qb.where('type', '=', filter.type);
    if (filter.codes) qb = qb.where('code', 'in', filter.codes.length ? filter.codes : ['']);
    return qb.orderBy('code').execute();
  },
  deviceById(q: Q, id: string): Promise<DeviceRow | undefined> {
    return q.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
  },
  latestOf(q: Q, deviceIds: string[]): Promise<DeviceLatestRow[]> {
    if (!deviceIds.length) return Promise.resolve([]);
    return q.selectFrom('device_latest').selectAll().where('device_id', 'in', deviceIds).execute();
  },

  // ------------------------------------------------------------ readings
  async insertReadings(q: Q, rows: ReadingRow[]): Promise<void> {
    if (!rows.length) return;
    if (isPostgres(q)) {
      await sql`insert into readings (device_id, measurement, at, value, received_at)
        select * from unnest(${rows.map((r) => r.device_id)}::text[], ${rows.map((r) => r.measurement)}::text[], ${rows.map((r) => r.at)}::bigint[],
          ${rows.map((r) => r.value)}::double precision[], ${rows.map((r) => r.received_at)}::bigint[])`.execute(q);
      return;
    }
    for (const chunk of fixedChunks(rows)) await q.insertInto('readings').values(chunk).execute();
  },
  /** Keeps the newest value per measurement: an older (late) reading never overwrites a newer one. */
  async upsertLatest(q: Q, rows: DeviceLatestRow[]): Promise<void> {
    if (!rows.length) return;
    if (isPostgres(q)) {
      await sql`insert into device_latest (device_id, measurement, value, at)
        select * from unnest(${rows.map((r) => r.device_id)}::text[], ${rows.map((r) => r.measurement)}::text[], ${rows.map((r) => r.value)}::double precision[], ${rows.map((r) => r.at)}::bigint[])
        on conflict (device_id, measurement) do update set value = excluded.value, at = excluded.at where device_latest.at < excluded.at`.execute(q);
      return;
    }
    for (const chunk of fixedChunks(rows)) {
      await q
        .insertInto('device_latest')
        .values(chunk)
        .onConflict((oc) =>
          oc
            .columns(['device_id', 'measurement'])
            .doUpdateSet({ value: sql`excluded.value`, at: sql`excluded.at` })
            .where('device_latest.at', '<', sql<number>`excluded.at`),
        )
        .execute();
    }
  },
  readings(q: Q, deviceId: string, measurement: string, since: number, limit: number): Promise<Array<Pick<ReadingRow, 'at' | 'value'>>> {
    return q
      .selectFrom('readings')
      .select(['at', 'value'])
      .where('device_id', '=', deviceId)
      .where('measurement', '=', measurement)
      .where('at', '>=', since)
      .orderBy('at')
      .limit(limit)
      .execute();
  },
  /**
   * Deletes the `limit` oldest readings older than `before` (more only when several share the
   * edge time, so a batch always makes progress); returns how many.
   */
  async pruneReadings(q: Q, before: number, limit: number): Promise<number> {
    const edge = await q.selectFrom('readings').select('at').where('at', '<', before).orderBy('at').offset(Math.max(0, limit - 1)).limit(1).executeTakeFirst();
    let del = q.deleteFrom('readings').where('at', '<', before);
    if (edge) del = del.where('at', '<=', edge.at);
    const r = await del.executeTakeFirst();
    return Number(r.numDeletedRows);
  },

  // ------------------------------------------------------------ rules
  insertRule(q: Q, row: PerceptionRuleRow): Promise<unknown> {
    return q.insertInto('perception_rules').values(row).execute();
  },
  async updateRule(q: Q, districtId: string, id: string, patch: Partial<PerceptionRuleRow>): Promise<number> {
    const r = await q.updateTable('perception_rules').set(patch).where('id', '=', id).where('district_id', '=', districtId).executeTakeFirst();
    return Number(r.numUpdatedRows);
  },
  rules(q: Q, districtId: string): Promise<PerceptionRuleRow[]> {
    return q.selectFrom('perception_rules').selectAll().where('district_id', '=', districtId).orderBy('code').execute();
  },
  ruleById(q: Q, id: string): Promise<PerceptionRuleRow | undefined> {
    return q.selectFrom('perception_rules').selectAll().where('id', '=', id).executeTakeFirst();
  },
  /** Districts with active rules that time alone can move (offline, waiting periods). */
  async districtsWithTickingRules(q: Q): Promise<string[]> {
    const rows = await q.selectFrom('perception_rules').select('district_id').distinct().where('active', '=', 1).where('ticks', '=', 1).execute();
    return rows.map((r) => r.district_id);
  },

  // ------------------------------------------------------------ rule states
  async states(q: Q, deviceIds: string[], ruleIds: string[]): Promise<RuleStateRow[]> {
    if (!deviceIds.length || !ruleIds.length) return [];
    if (isPostgres(q)) {
      const r = await sql<RuleStateRow>`select * from rule_states where device_id = any(${deviceIds}::text[]) and rule_id = any(${ruleIds}::text[])`.execute(q);
      return r.rows;
    }
    const out: RuleStateRow[] = [];
    // Under SQLite's bound-parameter limit, and padded so that few distinct texts are prepared.
    for (let i = 0; i < deviceIds.length; i += 4096) {
      out.push(...(await q.selectFrom('rule_states').selectAll().where('device_id', 'in', padded(deviceIds.slice(i, i + 4096))).where('rule_id', 'in', padded(ruleIds)).execute()));
    }
    return out;
  },
  async insertStates(q: Q, rows: RuleStateRow[]): Promise<void> {
    if (!rows.length) return;
    if (isPostgres(q)) {
      await sql`insert into rule_states (device_id, rule_id, district_id, status, state, version, updated_at)
        select * from unnest(${rows.map((r) => r.device_id)}::text[], ${rows.map((r) => r.rule_id)}::text[], ${rows.map((r) => r.district_id)}::text[],
          ${rows.map((r) => r.status)}::text[], ${rows.map((r) => r.state)}::text[], ${rows.map((r) => r.version)}::integer[], ${rows.map((r) => r.updated_at)}::bigint[])`.execute(q);
      return;
    }
    for (const chunk of fixedChunks(rows, [64, 16, 4, 1])) await q.insertInto('rule_states').values(chunk).execute();
  },
  /**
   * Writes many states in one statement (a few fixed-size ones on SQLite), each only if its version is still the one read;
   * returns how many were written (fewer than given: another process moved some meanwhile).
   * On SQLite the VALUES columns are column1…column7; the unary + keeps SQLite from indexing v on
   * the version and scanning every state row (200× slower).
   */
  async updateStates(q: Q, rows: Array<{ row: RuleStateRow; expected: number }>): Promise<number> {
    if (!rows.length) return 0;
    if (isPostgres(q)) {
      const res = await sql`update rule_states set status = v.status, state = v.state, version = v.version, updated_at = v.updated_at
        from unnest(${rows.map((x) => x.row.device_id)}::text[], ${rows.map((x) => x.row.rule_id)}::text[], ${rows.map((x) => x.row.status)}::text[],
          ${rows.map((x) => x.row.state)}::text[], ${rows.map((x) => x.row.version)}::integer[], ${rows.map((x) => x.row.updated_at)}::bigint[],
          ${rows.map((x) => x.expected)}::integer[]) as v(device_id, rule_id, status, state, version, updated_at, expected)
        where rule_states.device_id = v.device_id and rule_states.rule_id = v.rule_id and rule_states.version = v.expected`.execute(q);
      return Number(res.numAffectedRows ?? 0);
    }
    let n = 0;
    for (const chunk of fixedChunks(rows, [128, 32, 8, 1])) {
      const values = sql.join(
        chunk
          .map(
            ({ row: r, expected }) =>
              sql`(${r.device_id}, ${r.rule_id}, ${r.status}, ${r.state}, cast(${r.version} as integer), cast(${r.updated_at} as bigint), cast(${expected} as integer))`,
          ),
      );
      const res = await sql`update rule_states set status = v.column3, state = v.column4, version = v.column5, updated_at = v.column6
        from (values ${values}) as v
        where rule_states.device_id = v.column1 and rule_states.rule_id = v.column2 and rule_states.version = +v.column7`.execute(q);
      n += Number(res.numAffectedRows ?? 0);
    }
    return n;
  },
  async devicesInStatus(q: Q, ruleId: string, statuses: string[]): Promise<string[]> {
    const rows = await q.selectFrom('rule_states').select('device_id').where('rule_id', '=', ruleId).where('status', 'in', statuses).execute();
    return rows.map((r) => r.device_id);
  },
  statusCounts(q: Q, districtId: string): Promise<Array<{ status: string; n: number }>> {
    return q
      .selectFrom('rule_states')
      .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
      .where('district_id', '=', districtId)
      .groupBy('status')
      .execute();
  },

  // ------------------------------------------------------------ alarms
  /** Opens the alarm unless one is already open for the pair; true when this call opened it. */
  async openAlarm(q: Q, row: AlarmRow): Promise<boolean> {
    const r = await q
      .insertInto('alarms')
      .values(row)
      .onConflict((oc) => oc.column('open_key').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  },
  /** Clears the open alarm of the pair; returns it (with its case), or undefined if none was open. */
  async clearAlarm(q: Q, openKey: string, at: number, values: string): Promise<Pick<AlarmRow, 'id' | 'case_id'> | undefined> {
    const open = await q.selectFrom('alarms').select(['id', 'case_id']).where('open_key', '=', openKey).executeTakeFirst();
    if (!open) return undefined;
    await q.updateTable('alarms').set({ status: 'cleared', open_key: null, cleared_at: at, cleared_values: values }).where('id', '=', open.id).execute();
    return open;
  },
  /** Devices with an alarm not yet cleared (raised or acknowledged). */
  openAlarmDevices(q: Q, districtId: string): Promise<Array<{ device_id: string }>> {
    return q.selectFrom('alarms').select('device_id').distinct().where('district_id', '=', districtId).where('status', 'in', ['raised', 'acknowledged']).execute();
  },
  alarmById(q: Q, id: string): Promise<AlarmRow | undefined> {
    return q.selectFrom('alarms').selectAll().where('id', '=', id).executeTakeFirst();
  },
  alarms(q: Q, districtId: string, f: { status?: AlarmRow['status'][] | undefined; deviceId?: string | undefined; limit: number }): Promise<AlarmRow[]> {
    let qb = q.selectFrom('alarms').selectAll().where('district_id', '=', districtId);
    if (f.status?.length) qb = qb.where('status', 'in', f.status);
    if (f.deviceId) qb = qb.where('device_id', '=', f.deviceId);
    return qb.orderBy('raised_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
  },
  /** Only a raised alarm can be acknowledged: false when it was acknowledged or cleared meanwhile. */
  async acknowledge(q: Q, id: string, by: string, at: number, caseId: string): Promise<boolean> {
    const r = await q
      .updateTable('alarms')
      .set({ status: 'acknowledged', acknowledged_at: at, acknowledged_by: by, case_id: caseId })
      .where('id', '=', id)
      .where('status', '=', 'raised')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  setAlarmCase(q: Q, id: string, caseId: string): Promise<unknown> {
    return q.updateTable('alarms').set({ case_id: caseId }).where('id', '=', id).where('case_id', 'is', null).execute();
  },
  /** The case of the latest earlier alarm of this device and rule that has one. */
  async lastCaseOf(q: Q, deviceId: string, ruleId: string): Promise<string | null> {
    const r = await q
      .selectFrom('alarms')
      .select('case_id')
      .where('device_id', '=', deviceId)
      .where('rule_id', '=', ruleId)
      .where('case_id', 'is not', null)
      .orderBy('raised_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r?.case_id ?? null;
  },

  // ------------------------------------------------------------ counters
  async bumpCounters(q: Q, districtId: string, source: string, counts: Map<string, number>, now: number): Promise<void> {
    // A fixed order, so concurrent batches lock counter rows in the same sequence.
    for (const [outcome, n] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
      await q
        .insertInto('ingest_counters')
        .values({ district_id: districtId, source, outcome, count: n, updated_at: now })
        .onConflict((oc) => oc.columns(['district_id', 'source', 'outcome']).doUpdateSet({ count: sql`ingest_counters.count + ${n}`, updated_at: now }))
        .execute();
    }
  },
  counters(q: Q, districtId: string): Promise<Array<{ source: string; outcome: string; count: number; updated_at: number }>> {
    return q.selectFrom('ingest_counters').select(['source', 'outcome', 'count', 'updated_at']).where('district_id', '=', districtId).orderBy('source').orderBy('outcome').execute();
  },
};
