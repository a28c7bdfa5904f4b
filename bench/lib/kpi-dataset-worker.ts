/**
 * Child-process entry that generates the cockpit KPI data set (started by kpi-dataset.ts): seeds
 * the demo district into an empty store, writes N cases into the real `cases` table with
 * `INSERT … SELECT` from a generated sequence (PostgreSQL generate_series, SQLite a recursive
 * CTE), a million per statement, then the case_events the rebuild reads, then runs
 * CockpitService.rebuild to fill the rollups. Nothing passes through Node per row: 10 million
 * rows load in minutes rather than hours.
 *
 * Each chunk first materialises its random draws into a table (bench_kpi_seq), because SQLite
 * flattens subqueries and would draw random() afresh at every reference; the case columns are
 * then the same SQL on both stores. Lookup tables hold the consistent places (street ⊃
 * community ⊃ grid, from the Directory), the categories (Zipf over the demo catalogue), the
 * channels and the departments, replicated by weight so a uniform index picks by weight.
 *
 * The distribution, over the year before "now": volume grows through the year (density ∝ t^0.25,
 * ~34,000 cases on the last day at 10M), created_at rising with the row number so ids sort by
 * time; state by age and a per-case speed (most CLOSED/EVALUATED; 6 % rejected, 2 % merged, 2 %
 * voided; ~2.5 % of cases older than 20 days stuck in HANDLING/DISPATCHED), so ~4 % are open,
 * with stage clocks started between 30 % and 100 % of their age, so green, yellow and red all occur.
 * case_events: a `register` event for every case of the last 30 days that got that far, and a
 * `sla_overdue` event for every open case past its deadline; older history has none, so the
 * registered/overdue rollups (which the overview does not show) cover 30 days only.
 */
import { OPEN_STATES } from '@onegrid/domain/case/lifecycle';
import { cellOf } from '@onegrid/domain/intake/dedup';
import fs from 'node:fs';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../packages/server/src/db/schema.ts';
import { CockpitService } from '../../packages/server/src/modules/cockpit/cockpit-service.ts';
import { ManualClock } from '../../packages/server/src/platform/clock.ts';
import { CHANNEL_MIX, placePoints, seedBenchDistrict } from './district.ts';
import { serveWorker } from './fork-worker.ts';
import { KPI_DATASET_VERSION, type KpiDatasetMeta, type KpiDatasetSpec, writeKpiMeta } from './kpi-dataset.ts';
import { rng, shuffled, weighted, zipf } from './random.ts';
import { openBenchStore, type StoreKind } from './stores.ts';

const DAY = 86_400_000;
const YEAR = 365 * DAY;
const CHUNK = 1_000_000;
const PLACES = 20_000;
const SLOTS = 10_000;
const OPEN = [...OPEN_STATES].map((s) => `'${s}'`).join(', ');

/** The few spellings the two stores disagree on. */
interface Dialect {
  /** `n` from `from` to `to - 1`, as a FROM-able query with column n. */
  seq(from: number, to: number, select: string): string;
  /** A uniform draw in [0, 1). */
  rnd: string;
  int(x: string): string;
  /** x as a double (PostgreSQL would otherwise compute in slow numeric). */
  real(x: string): string;
  hex12(x: string): string;
  unlogged: string;
}
const DIALECTS: Record<StoreKind, Dialect> = {
  sqlite: {
    seq: (from, to, select) => `with recursive s(n) as (select ${from} union all select n + 1 from s where n + 1 < ${to}) select ${select} from s`,
    rnd: '((abs(random()) % 1000000000) / 1000000000.0)',
    int: (x) => `cast(${x} as integer)`,
    real: (x) => `(${x})`,
    hex12: (x) => `printf('%012x', ${x})`,
    unlogged: '',
  },
  postgres: {
    seq: (from, to, select) => `select ${select} from generate_series(${from}::bigint, ${to - 1}::bigint) as s(n)`,
    rnd: 'random()',
    int: (x) => `floor(${x})::bigint`,
    real: (x) => `(${x})::float8`,
    hex12: (x) => `lpad(to_hex(${x}), 12, '0')`,
    unlogged: 'unlogged',
  },
};

/** A text literal for SQL built here (ids and codes of the seeded district only). */
function lit(s: string): string {
  if (!/^[\w\u4e00-\u9fff:.-]*$/.test(s)) throw new Error(`unexpected literal ${s}`);
  return `'${s}'`;
}

async function exec(db: Kysely<DB>, text: string): Promise<number> {
  const r = await sql.raw(text).execute(db);
  return Number(r.numAffectedRows ?? 0);
}

async function fillLookup(db: Kysely<DB>, table: string, columns: string, rows: Array<Array<string | number | null>>): Promise<void> {
  await exec(db, `drop table if exists ${table}`);
  await exec(db, `create table ${table} (i integer primary key, ${columns})`);
  for (let k = 0; k < rows.length; k += 500) {
    const chunk = rows.slice(k, k + 500).map((r, j) => sql`(${sql.join([k + j, ...r])})`);
    await sql`insert into ${sql.raw(table)} values ${sql.join(chunk)}`.execute(db);
  }
}

/** SLOTS entries picked by weight in order, so a uniform slot index picks by weight. */
function slots<T>(pick: (r: number) => T, n = SLOTS): T[] {
  return Array.from({ length: n }, (_, i) => pick((i + 0.5) / n));
}

function casesInsert(d: Dialect, districtId: string, prefix: string, createdBy: string, now: number): string {
  const state = `case
      when s.u1 < 0.06 and s.age > 0.2 then 'REJECTED'
      when s.u1 < 0.08 and s.age > 0.2 then 'MERGED'
      when s.u1 < 0.10 and s.age > 1 then 'VOIDED'
      when s.u1 < 0.125 and s.age > 20 then (case when s.u2 < 0.7 then 'HANDLING' else 'DISPATCHED' end)
      when s.age * s.spd < 0.04 then 'REPORTED' when s.age * s.spd < 0.08 then 'ACCEPTED'
      when s.age * s.spd < 0.17 then 'REGISTERED' when s.age * s.spd < 0.33 then 'DISPATCHED'
      when s.age * s.spd < 3 then 'HANDLING' when s.age * s.spd < 4 then 'HANDLED'
      when s.age * s.spd < 5 then 'CHECKING' when s.age * s.spd < 5.5 then 'CHECKED'
      when s.age * s.spd > 10 and s.u2 < 0.7 then 'EVALUATED' else 'CLOSED' end`;
  const byState = (values: Record<string, string | number>) =>
    `case y.state ${Object.entries(values)
      .map(([k, v]) => `when '${k}' then ${typeof v === 'number' ? v : `'${v}'`}`)
      .join(' ')} end`;
  const wall = { accept: 60 * 1.5, register: 60 * 1.5, dispatch: 120 * 1.5, handle: 2880 * 3, check: 1440 * 3 };
  const H = d.hex12('x.created');
  return `
    insert into cases (id, district_id, number, channel, description, lng, lat, address, category_kind, category_code, urgency, state,
      version, event_count, suspended, supervised, escalated, rework_count, return_count, postpone_count, reporter_name, reporter_phone,
      street_id, community_id, grid_id, social_grid_id, outside_jurisdiction, lead_unit_id, stage, stage_seq, stage_started_at,
      stage_limit_min, warn_at, deadline_at, satisfaction, resolved, photos, created_by, created_at, updated_at, closed_at, cell)
    select
      substr(${H}, 1, 8) || '-' || substr(${H}, 9, 4) || '-7000-8000-' || ${d.hex12('x.n')},
      ${lit(districtId)}, ${lit(`${prefix}K`)} || (1000000000 + x.n), h.channel,
      c.name || '：存在安全隐患，请尽快处理。编号 ' || x.n || '。', p.lng, p.lat, '重庆市江北区' || (x.n % 400 + 1) || '号附近',
      case when x.step < 2 and x.u3 < 0.3 then null else c.kind end,
      case when x.step < 2 and x.u3 < 0.3 then null else c.code end,
      case when x.u4 < 0.88 then 'normal' when x.u4 < 0.98 then 'urgent' else 'emergency' end,
      x.state, x.step + 1, x.step + 1, 0, case when x.u5 < 0.03 and x.step >= 2 then 1 else 0 end, 0, 0, 0, 0,
      case when h.channel in ('hotline', 'citizen') then '市民' end,
      case when h.channel in ('hotline', 'citizen') then '139' || (10000000 + x.n % 89999999) end,
      p.street_id, p.community_id, p.grid_id, p.social_grid_id, 0,
      case when x.step >= 3 and x.state not in ('REJECTED', 'MERGED', 'VOIDED') then (case when x.u5 < 0.55 then dep.id else p.street_id end) end,
      x.stage, case when x.step >= 4 then 5 else x.step + 1 end, x.started, x.limit_min,
      x.started + ${d.int('0.8 * x.wall')}, x.started + x.wall,
      case when x.state = 'EVALUATED' then (case when x.u6 < 0.85 then 'satisfied' when x.u6 < 0.95 then 'basically_satisfied' else 'unsatisfied' end) end,
      case when x.state = 'EVALUATED' then (case when x.u3 < 0.93 then 1 else 0 end) end,
      '[]', ${lit(createdBy)}, x.created, coalesce(x.closed, x.started, x.created), x.closed, p.cell
    from (
      select y.*,
        ${byState({ REPORTED: 0, ACCEPTED: 1, REGISTERED: 2, DISPATCHED: 3, HANDLING: 4, HANDLED: 5, CHECKING: 6, CHECKED: 7, CLOSED: 8, EVALUATED: 9, REJECTED: 1, MERGED: 1, VOIDED: 2 })} as step,
        ${byState({ REPORTED: 'accept', ACCEPTED: 'register', REGISTERED: 'dispatch', DISPATCHED: 'handle', HANDLING: 'handle', HANDLED: 'check', CHECKING: 'check' })} as stage,
        ${byState({ REPORTED: 60, ACCEPTED: 60, REGISTERED: 120, DISPATCHED: 2880, HANDLING: 2880, HANDLED: 1440, CHECKING: 1440 })} as limit_min,
        ${byState({ REPORTED: wall.accept * 60_000, ACCEPTED: wall.register * 60_000, REGISTERED: wall.dispatch * 60_000, DISPATCHED: wall.handle * 60_000, HANDLING: wall.handle * 60_000, HANDLED: wall.check * 60_000, CHECKING: wall.check * 60_000 })} as wall,
        case when y.state in ('REPORTED', 'ACCEPTED', 'REGISTERED', 'DISPATCHED', 'HANDLING', 'HANDLED', 'CHECKING')
          then y.created + ${d.int(`(${now} - y.created) * (0.3 + 0.7 * y.u6)`)} end as started,
        case when y.state in ('CLOSED', 'EVALUATED') then y.created + ${d.int(`${DAY} * 5.5 / y.spd * (0.6 + 0.4 * y.u6)`)} end as closed
      from (select s.*, ${state} as state from bench_kpi_seq s) y
    ) x
    join bench_kpi_place p on p.i = x.pi
    join bench_kpi_cat c on c.i = x.ci
    join bench_kpi_chan h on h.i = x.hi
    join bench_kpi_dept dep on dep.i = x.di`;
}

async function generate(spec: KpiDatasetSpec): Promise<KpiDatasetMeta> {
  const started = performance.now();
  const bs = await openBenchStore(spec.kind, { persistent: { sqliteFile: spec.sqliteFile, pgDatabase: spec.pgDatabase } });
  const d = DIALECTS[spec.kind];
  const log = (s: string) => process.stdout.write(`  ${s} after ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  try {
    const db = bs.store.db;
    // A large page cache for the random-order indexes (grid, cell, lead unit); the app's default is small.
    if (spec.kind === 'sqlite') await exec(db, 'pragma cache_size = -2000000');
    const t = await seedBenchDistrict(bs.store, bs.dataDir);
    const next = rng(spec.seed);
    const now = Date.now();
    const intake = await db.selectFrom('users').select('id').where('district_id', '=', t.districtId).where('username', '=', 'intake').executeTakeFirstOrThrow();

    const places = placePoints(t, PLACES, spec.seed);
    await fillLookup(
      db,
      'bench_kpi_place',
      'street_id text, community_id text, grid_id text, social_grid_id text, lng double precision, lat double precision, cell bigint',
      places.map((p) => [p.streetId, p.communityId, p.gridId, p.socialGridId, p.lng, p.lat, cellOf(p.lng, p.lat).key]),
    );
    await fillLookup(db, 'bench_kpi_cat', 'kind text, code text, name text', slots(weighted(zipf(shuffled(t.categories, next), 0.9))).map((c) => [c.kind, c.code, c.name]));
    await fillLookup(db, 'bench_kpi_chan', 'channel text', slots(weighted(CHANNEL_MIX), 100).map((c) => [c]));
    await fillLookup(db, 'bench_kpi_dept', 'id text', slots(weighted(zipf(t.departments, 0.8)), 100).map((u) => [u.id]));
    log('lookup tables ready');

    const insert = casesInsert(d, t.districtId, t.casePrefix, intake.id, now);
    const r = d.rnd;
    for (let from = 0; from < spec.cases; from += CHUNK) {
      const to = Math.min(spec.cases, from + CHUNK);
      // Growing through the year (density ∝ t^0.25) and rising with n, so ids sort by time.
      const back = `${YEAR} * (1 - power(${d.real('n + 0.5')} / ${spec.cases}, 0.8))`;
      const created = `${now - 60_000} - ${d.int(back)}`;
      const select = [
        'n',
        `${created} as created`,
        `(${back} + 60000) / ${DAY} as age`,
        `exp((${r} + ${r} + ${r} - 1.5) * 1.2) as spd`,
        ...[1, 2, 3, 4, 5, 6].map((k) => `${r} as u${k}`),
        `${d.int(`${r} * ${PLACES}`)} as pi`,
        `${d.int(`${r} * ${SLOTS}`)} as ci`,
        `${d.int(`${r} * 100`)} as hi`,
        `${d.int(`${r} * 100`)} as di`,
      ].join(', ');
      await db.transaction().execute(async (trx) => {
        await exec(trx, 'drop table if exists bench_kpi_seq');
        await exec(trx, `create ${d.unlogged} table bench_kpi_seq as ${d.seq(from, to, select)}`);
        const n = await exec(trx, insert);
        if (n !== to - from) throw new Error(`chunk ${from}: inserted ${n} cases, expected ${to - from}`);
      });
      log(`cases: ${to.toLocaleString('en-US')} / ${spec.cases.toLocaleString('en-US')}`);
    }
    for (const table of ['bench_kpi_seq', 'bench_kpi_place', 'bench_kpi_cat', 'bench_kpi_chan', 'bench_kpi_dept']) await exec(db, `drop table ${table}`);
    const loadSeconds = (performance.now() - started) / 1000;

    const eventsStarted = performance.now();
    const district = lit(t.districtId);
    const events =
      (await exec(
        db,
        `insert into case_events (id, district_id, case_id, seq, action, from_state, to_state, at, payload)
         select id || '-3', district_id, id, 3, 'register', 'ACCEPTED', 'REGISTERED', created_at + 30000, '{}' from cases
         where district_id = ${district} and created_at >= ${now - 30 * DAY} and state not in ('REPORTED', 'ACCEPTED', 'REJECTED', 'MERGED', 'VOIDED')`,
      )) +
      (await exec(
        db,
        `insert into case_events (id, district_id, case_id, seq, action, from_state, to_state, at, payload)
         select id || '-4', district_id, id, 4, 'sla_overdue', state, state, deadline_at, '{}' from cases
         where district_id = ${district} and state in (${OPEN}) and deadline_at <= ${now}`,
      ));
    const eventsSeconds = (performance.now() - eventsStarted) / 1000;
    log(`${events.toLocaleString('en-US')} case events`);
    if (spec.kind === 'postgres') {
      // What autovacuum would have done by the time a real table had grown to this size.
      await exec(db, 'vacuum analyze');
      log('vacuum analyze');
    }

    const rebuildStarted = performance.now();
    const cockpit = new CockpitService(bs.store, new ManualClock(now), t.s.org, t.s.taxonomy, t.s.audit);
    const rebuilt = await cockpit.rebuild(t.districtId);
    const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
    log(`rollups rebuilt: ${rebuilt.openCases.toLocaleString('en-US')} open cases, ${rebuilt.dailyRows.toLocaleString('en-US')} daily rows in ${rebuildSeconds.toFixed(1)} s`);
    if (spec.kind === 'postgres') await exec(db, 'vacuum analyze cockpit_daily');

    const storeMb =
      spec.kind === 'sqlite'
        ? Math.round(fs.statSync(spec.sqliteFile).size / 1048576)
        : Math.round(Number((await sql<{ b: string }>`select pg_database_size(current_database()) as b`.execute(db)).rows[0]?.b) / 1048576);
    const meta: KpiDatasetMeta = {
      version: KPI_DATASET_VERSION,
      cases: spec.cases,
      now,
      openCases: rebuilt.openCases,
      events,
      generatedAt: new Date().toISOString(),
      loadSeconds: Math.round(loadSeconds),
      eventsSeconds: Math.round(eventsSeconds),
      rebuildSeconds: Math.round(rebuildSeconds * 10) / 10,
      rollupDailyRows: rebuilt.dailyRows,
      storeMb,
    };
    await writeKpiMeta(bs.store, meta);
    return meta;
  } finally {
    await bs.dispose();
  }
}

serveWorker(generate);
