/**
 * Child-process entry that generates the case-list data set (started by dataset.ts): seeds the
 * demo district into an empty store, then writes N cases with multi-row INSERTs in
 * transactions, straight through Kysely with the repository's row shape (CaseRow,
 * CaseUnitRow). Going through CaseService would take hours at a million cases; what the list
 * query reads (the cases row and its case_units) is written exactly as the service writes it.
 * Events, timers and the outbox are not generated: the list never reads them.
 *
 * The distribution, over the year before "now":
 * - volume grows through the year, weekends at 60 %, most reports between 8:00 and 21:00;
 * - location from weighted points (urban streets four times denser than rural towns);
 * - category Zipf-like over the 403 catalogue entries (a handful take most cases, the tail a few
 *   hundred each); 30 % of cases still REPORTED/ACCEPTED have none yet;
 * - state by age with a per-case speed: a week-old case is usually closed, ~3 % of older
 *   cases are stuck in DISPATCHED/HANDLING (long works, postponements) and show red;
 *   6 % rejected, 2 % merged, 2 % voided;
 * - lead unit (and a case_units row) from dispatch on: 55 % a department, 45 % the street itself
 *   (属地); 8 % also have a co-handling department.
 */
import { cellOf } from '@onegrid/domain/intake/dedup';
import type { CaseState } from '@onegrid/domain/case/lifecycle';
import { stageOf } from '@onegrid/domain/case/sla';
import { sql, type Transaction } from 'kysely';
import type { CaseRow, CaseUnitRow, DB } from '../../packages/server/src/db/schema.ts';
import { DATASET_VERSION, type DatasetMeta, type DatasetSpec, writeMeta } from './dataset.ts';
import { CHANNEL_MIX, placePoints, seedBenchDistrict } from './district.ts';
import { rng, uuidv7At, weighted, zipf } from './random.ts';
import { openBenchStore } from './stores.ts';

const DAY = 86_400_000;
const PIPELINE = ['REPORTED', 'ACCEPTED', 'REGISTERED', 'DISPATCHED', 'HANDLING', 'HANDLED', 'CHECKING', 'CHECKED', 'CLOSED'] as const;
/** Typical age (days, at speed 1) at which a case leaves each PIPELINE state. */
const LEAVES_AT = [0.04, 0.08, 0.17, 0.33, 3, 4, 5, 5.5];
/** Stage limits in working minutes, and how much longer they are on the wall clock. */
const LIMIT_MIN = { accept: 60, register: 60, dispatch: 120, handle: 2880, check: 1440 } as const;
const WALL_FACTOR = { accept: 1.5, register: 1.5, dispatch: 1.5, handle: 3, check: 3 } as const;
const LEAD_STATES = new Set(['DISPATCHED', 'HANDLING', 'HANDLED', 'CHECKING', 'CHECKED', 'CLOSED', 'EVALUATED']);
const PROBLEMS = [
  '存在安全隐患，请尽快处理',
  '影响居民正常出行',
  '已持续多日无人处理',
  '周边居民多次反映',
  '夜间尤为严重',
  '请相关部门现场核实',
];

async function generate(spec: DatasetSpec): Promise<DatasetMeta> {
  const started = performance.now();
  const bs = await openBenchStore(spec.kind, { persistent: { sqliteFile: spec.sqliteFile, pgDatabase: spec.pgDatabase } });
  try {
    const t = await seedBenchDistrict(bs.store, bs.dataDir);
    const db = bs.store.db;
    const next = rng(spec.seed);
    const now = Date.now();

    const users = await db.selectFrom('users').select(['id', 'username', 'unit_id']).where('district_id', '=', t.districtId).execute();
    const userByName = new Map(users.map((u) => [u.username, u.id]));
    const gridWorkerOf = new Map(users.filter((u) => u.username.startsWith('g-')).map((u) => [u.unit_id, u.id]));
    const intake = userByName.get('intake') as string;
    const dispatcher = userByName.get('dispatcher') as string;

    const points = placePoints(t, 200_000, spec.seed);
    // Catalogue order would make every "01" component popular; shuffle (Fisher–Yates) first.
    const shuffled = [...t.categories];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j] as (typeof shuffled)[number], shuffled[i] as (typeof shuffled)[number]];
    }
    const category = weighted(zipf(shuffled, 0.9));
    const categoryName = new Map(t.categories.map((c) => [`${c.kind}:${c.code}`, c.name]));
    const department = weighted(zipf(t.departments, 0.8));
    const channel = weighted(CHANNEL_MIX);
    const urgency = weighted([
      ['normal', 88],
      ['urgent', 10],
      ['emergency', 2],
    ] as const);
    const hourOfDay = weighted(Array.from({ length: 24 }, (_, h) => [h, h >= 8 && h <= 20 ? 10 : h >= 6 && h <= 22 ? 4 : 1] as const));
    const dayOfYear = weighted(
      Array.from({ length: 365 }, (_, d) => {
        const weekday = new Date(now - (365 - d) * DAY).getUTCDay();
        return [d, (0.7 + (0.6 * d) / 365) * (weekday === 0 || weekday === 6 ? 0.6 : 1)] as const;
      }),
    );

    // Creation times first, sorted, so ids (UUIDv7) and numbers follow time as real ones do.
    const times = new Float64Array(spec.cases);
    for (let i = 0; i < spec.cases; i++) {
      const d = dayOfYear(next());
      const dayStart = Math.floor((now - (365 - d) * DAY) / DAY) * DAY - 8 * 3600_000;
      times[i] = Math.min(now - 60_000, dayStart + hourOfDay(next()) * 3600_000 + Math.floor(next() * 3600_000));
    }
    times.sort();

    const serials = new Map<string, number>();
    const rowsPerStatement = bs.kind === 'sqlite' ? 600 : 1000;
    const rowsPerTransaction = 20_000;
    let caseUnits = 0;
    let previousId: string | null = null;

    const row = (i: number): { c: CaseRow; units: CaseUnitRow[] } => {
      const created = times[i] as number;
      const id = uuidv7At(created, next);
      const day = new Date(created + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
      const serial = (serials.get(day) ?? 0) + 1;
      serials.set(day, serial);
      const p = points[Math.floor(next() * points.length)] as (typeof points)[number];
      const ch = channel(next());
      const ageDays = (now - created) / DAY;

      let state: CaseState;
      const r = next();
      if (r < 0.06 && ageDays > 0.2) state = 'REJECTED';
      else if (r < 0.08 && ageDays > 0.2) state = 'MERGED';
      else if (r < 0.1 && ageDays > 1) state = 'VOIDED';
      else if (r < 0.13 && ageDays > 20) state = next() < 0.7 ? 'HANDLING' : 'DISPATCHED';
      else {
        // Log-normal-ish speed: most cases move at about the typical pace, some much slower.
        const speed = Math.exp((next() + next() + next() - 1.5) * 1.2);
        const effective = ageDays * speed;
        const k = LEAVES_AT.findIndex((limit) => effective < limit);
        state = k >= 0 ? (PIPELINE[k] as CaseState) : effective > 10 && next() < 0.7 ? 'EVALUATED' : 'CLOSED';
      }
      const stepIndex = state === 'EVALUATED' ? 9 : Math.max(0, PIPELINE.indexOf(state as (typeof PIPELINE)[number]));
      const hasCategory = stepIndex >= 2 || next() < 0.7;
      const cat = hasCategory ? category(next()) : null;
      const stage = stageOf(state);
      const lastChange = created + (now - created) * (0.3 + 0.7 * next()) * (stage ? 1 : Math.min(1, 12 / Math.max(ageDays, 1e-6)));
      let stageStarted: number | null = null;
      let limitMin: number | null = null;
      let warnAt: number | null = null;
      let deadlineAt: number | null = null;
      let suspended = 0;
      let remaining: number | null = null;
      if (stage) {
        // Whole milliseconds: PostgreSQL's bigint columns reject fractions (SQLite stored them as REAL).
        stageStarted = Math.round(Math.min(lastChange, now));
        limitMin = LIMIT_MIN[stage];
        const wall = limitMin * 60_000 * WALL_FACTOR[stage];
        deadlineAt = stageStarted + wall;
        warnAt = stageStarted + Math.round(0.8 * wall);
        if (stepIndex >= 2 && next() < 0.005) {
          suspended = 1;
          remaining = Math.round(limitMin * next());
          warnAt = null;
          deadlineAt = null;
        }
      }
      const street = p.streetId;
      let lead: string | null = null;
      const units: CaseUnitRow[] = [];
      if (LEAD_STATES.has(state)) {
        lead = next() < 0.55 ? department(next()).id : street;
        const since = Math.round(created + (Math.min(now, lastChange) - created) * 0.3);
        units.push({ case_id: id, unit_id: lead, role: 'lead', active: 1, since });
        if (next() < 0.08) {
          const co = department(next()).id;
          if (co !== lead) units.push({ case_id: id, unit_id: co, role: 'cohandler', active: 1, since });
        }
      }
      const closed = state === 'CLOSED' || state === 'EVALUATED';
      const createdBy =
        ch === 'patrol' || ch === 'video' || ch === 'sensor'
          ? (gridWorkerOf.get(p.communityId ?? '') ?? intake)
          : ch === 'assigned'
            ? dispatcher
            : intake;
      const reported = ch === 'hotline' || ch === 'citizen';
      const c: CaseRow = {
        id,
        district_id: t.districtId,
        number: `${t.casePrefix}${day}${String(serial).padStart(5, '0')}`,
        channel: ch,
        description: `${cat ? categoryName.get(`${cat.kind}:${cat.code}`) : '问题'}：${PROBLEMS[i % PROBLEMS.length]}。编号 ${i}。`,
        lng: p.lng,
        lat: p.lat,
        address: `重庆市江北区${(i % 400) + 1}号附近`,
        category_kind: cat?.kind ?? null,
        category_code: cat?.code ?? null,
        urgency: urgency(next()),
        state,
        version: stepIndex + 1,
        event_count: stepIndex + 1,
        suspended,
        suspended_remaining_min: remaining,
        postpone_until: null,
        postpone_reason: null,
        supervised: stepIndex >= 2 && next() < 0.03 ? 1 : 0,
        escalated: stepIndex >= 3 && next() < 0.01 ? 1 : 0,
        rework_count: stepIndex >= 5 && next() < 0.05 ? 1 : 0,
        return_count: stepIndex >= 3 && next() < 0.04 ? 1 : 0,
        postpone_count: stepIndex >= 4 && next() < 0.02 ? 1 : 0,
        reporter_name: reported ? '市民' : null,
        reporter_phone: reported ? `139${String(Math.floor(next() * 1e8)).padStart(8, '0')}` : null,
        street_id: street,
        community_id: p.communityId,
        grid_id: p.gridId,
        social_grid_id: p.socialGridId,
        outside_jurisdiction: 0,
        lead_unit_id: lead,
        stage,
        stage_seq: Math.min(stepIndex + 1, 5),
        stage_started_at: stageStarted,
        stage_limit_min: limitMin,
        warn_at: warnAt,
        deadline_at: deadlineAt,
        merged_into: state === 'MERGED' ? previousId : null,
        satisfaction: state === 'EVALUATED' ? (next() < 0.85 ? 'satisfied' : next() < 0.7 ? 'basically_satisfied' : 'unsatisfied') : null,
        resolved: state === 'EVALUATED' ? (next() < 0.93 ? 1 : 0) : null,
        photos: next() < 0.6 ? JSON.stringify([uuidv7At(created, next)]) : '[]',
        created_by: createdBy,
        created_at: created,
        updated_at: Math.max(created, Math.min(now, Math.round(lastChange))),
        closed_at: closed ? Math.min(now, Math.round(lastChange)) : null,
        cell: cellOf(p.lng, p.lat).key,
        repeat_of: null,
      };
      previousId = id;
      return { c, units };
    };

    const insertChunk = async (trx: Transaction<DB>, from: number, to: number) => {
      const cases: CaseRow[] = [];
      const units: CaseUnitRow[] = [];
      for (let i = from; i < to; i++) {
        const r = row(i);
        cases.push(r.c);
        units.push(...r.units);
      }
      for (let k = 0; k < cases.length; k += rowsPerStatement) await trx.insertInto('cases').values(cases.slice(k, k + rowsPerStatement)).execute();
      for (let k = 0; k < units.length; k += rowsPerStatement * 4) await trx.insertInto('case_units').values(units.slice(k, k + rowsPerStatement * 4)).execute();
      caseUnits += units.length;
    };

    let lastReport = performance.now();
    for (let i = 0; i < spec.cases; i += rowsPerTransaction) {
      const end = Math.min(spec.cases, i + rowsPerTransaction);
      await db.transaction().execute(async (trx) => {
        for (let k = i; k < end; k += rowsPerStatement) await insertChunk(trx, k, Math.min(end, k + rowsPerStatement));
      });
      if (performance.now() - lastReport > 10_000 || end === spec.cases) {
        lastReport = performance.now();
        const s = (performance.now() - started) / 1000;
        process.stdout.write(`  generating: ${end.toLocaleString('en-US')} / ${spec.cases.toLocaleString('en-US')} cases after ${s.toFixed(0)} s\n`);
      }
    }
    // Counters continue after the generated numbers, as if the service had issued them.
    const counters = [...serials].map(([day, value]) => ({ district_id: t.districtId, name: `case:${day}`, value }));
    for (let k = 0; k < counters.length; k += 500) await db.insertInto('counters').values(counters.slice(k, k + 500)).execute();
    if (bs.kind === 'postgres') {
      // What autovacuum would have done by the time a real table had grown to this size.
      process.stdout.write('  analyzing (PostgreSQL)\n');
      await sql.raw('vacuum analyze').execute(db);
    }
    // Counted here, once, so the measuring process never runs a million-row aggregate itself.
    const counts = await db
      .selectFrom('cases')
      .select(['category_kind', 'category_code', (eb) => eb.fn.countAll<number>().as('n')])
      .where('category_code', 'is not', null)
      .groupBy(['category_kind', 'category_code'])
      .orderBy('n', 'desc')
      .execute();
    const categoryCount = (c: (typeof counts)[number]) => ({ kind: c.category_kind as string, code: c.category_code as string, cases: Number(c.n) });
    const meta: DatasetMeta = {
      version: DATASET_VERSION,
      cases: spec.cases,
      caseUnits,
      seed: spec.seed,
      generatedAt: new Date().toISOString(),
      generationSeconds: Math.round((performance.now() - started) / 1000),
      now,
      categories: {
        top: counts.slice(0, 3).map(categoryCount),
        rare: counts
          .filter((c) => Number(c.n) >= 20)
          .slice(-3)
          .map(categoryCount),
      },
    };
    await writeMeta(bs.store, meta);
    return meta;
  } finally {
    await bs.dispose();
  }
}

process.once('message', (spec: DatasetSpec) => {
  generate(spec).then(
    (meta) => process.send?.({ meta }, () => process.exit(0)),
    (e: unknown) => process.send?.({ error: e instanceof Error ? e.stack : String(e) }, () => process.exit(1)),
  );
});
