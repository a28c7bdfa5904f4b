/**
 * Child-process entry that generates the evaluation data set (started by eval-dataset.ts): seeds
 * the demo district into an empty store, then writes case lifecycles with multi-row INSERTs into
 * `cases`, `case_units` and `case_events` until the period holds the requested number of events.
 * Rows have the shape CaseService and the SLA timer worker write (actions, to_state, actors,
 * payloads); going through the services would take hours at a million events.
 *
 * Each case, over its own pace (a log-normal speed):
 * - reported on a channel (patrol, hotline, citizen, video, sensor, assigned, other) at a point of
 *   the demo grids, by the community's grid worker, the intake operator or the dispatcher; 3 %
 *   are repeat reports (payload repeatOf);
 * - 5 % rejected; the rest accepted, registered, dispatched ({leadUnitId}: 55 % a department,
 *   45 % the street), 4 % returned by the lead and dispatched again;
 * - signed and handled by the lead unit's handler, with 2 % postponements, 1 % suspend/resume and
 *   about 10 % going overdue while handling (sla_warning, sla_overdue, automatic supervise);
 * - checked by the grid worker (6 % fail and are reworked), closed by the shift leader, and for
 *   80 % of hotline/citizen cases a return visit ({satisfaction, resolved}).
 * About 10 % of the period's cases were reported in the five days before it (their early events
 * are history before the period). Events at or after the period's end are not written: the data
 * set ends there, leaving some cases open.
 */
import { cellOf } from '@onegrid/domain/intake/dedup';
import { parsePeriod, previousPeriod } from '@onegrid/domain/evaluation/period';
import { sql, type Transaction } from 'kysely';
import type { CaseEventRow, CaseRow, CaseUnitRow, DB } from '../../packages/server/src/db/schema.ts';
import { CHANNEL_MIX, placePoints, seedBenchDistrict } from './district.ts';
import { EVAL_DATASET_VERSION, type EvalDatasetMeta, type EvalDatasetSpec, writeEvalMeta } from './eval-dataset.ts';
import { rng, uuidv7At, weighted, zipf } from './random.ts';
import { openBenchStore } from './stores.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Handling longer than this (wall clock) goes overdue: two working days of limit, stretched by nights and weekends. */
const HANDLE_LIMIT = 4 * DAY;

async function generate(spec: EvalDatasetSpec): Promise<EvalDatasetMeta> {
  const started = performance.now();
  const period = parsePeriod(spec.period);
  const before = previousPeriod(period);
  const bs = await openBenchStore(spec.kind, { persistent: { sqliteFile: spec.sqliteFile, pgDatabase: spec.pgDatabase } });
  try {
    const t = await seedBenchDistrict(bs.store, bs.dataDir);
    const db = bs.store.db;
    const next = rng(spec.seed);
    const between = (a: number, b: number) => a + next() * (b - a);
    const chance = (p: number) => next() < p;

    const users = await db.selectFrom('users').select(['id', 'username', 'unit_id']).where('district_id', '=', t.districtId).execute();
    const userByName = new Map(users.map((u) => [u.username, u.id]));
    const need = (name: string) => {
      const id = userByName.get(name);
      if (!id) throw new Error(`demo user ${name} missing`);
      return id;
    };
    const intake = need('intake');
    const shiftLeader = need('shift_leader');
    const dispatcher = need('dispatcher');
    const gridWorkerOf = new Map(users.filter((u) => u.username.startsWith('g-')).map((u) => [u.unit_id, u.id]));
    const handlerOf = new Map(users.filter((u) => u.username.startsWith('h-')).map((u) => [u.unit_id, u.id]));
    const departments = t.departments.filter((d) => handlerOf.has(d.id));
    if (!departments.length) throw new Error('no department with a handler in the demo district');

    const points = placePoints(t, 30_000, spec.seed);
    const categories = t.categories.filter((c) => c.kind === 'component' || c.kind === 'matter');
    const category = weighted(zipf(categories, 0.9));
    const department = weighted(zipf(departments, 0.8));
    const channel = weighted(CHANNEL_MIX);
    const hourOfDay = weighted(Array.from({ length: 24 }, (_, h) => [h, h >= 8 && h <= 20 ? 10 : h >= 6 && h <= 22 ? 4 : 1] as const));
    const days = Math.round((period.end - period.start) / DAY);
    const dayOfPeriod = weighted(
      Array.from({ length: days }, (_, d) => {
        const weekday = new Date(period.start + d * DAY + 8 * HOUR).getUTCDay();
        return [d, weekday === 0 || weekday === 6 ? 0.6 : 1] as const;
      }),
    );
    const satisfaction = weighted([
      ['satisfied', 70],
      ['basically_satisfied', 18],
      ['unsatisfied', 12],
    ] as const);

    const serials = new Map<string, number>();
    const recent: string[] = [];
    const actions: Record<string, number> = {};
    let inPeriod = 0;
    let total = 0;
    let caseCount = 0;
    let fromPrevious = 0;

    /** One case and its events up to the period's end; at most `room` of them inside the period. */
    const lifecycle = (room: number): { c: CaseRow; events: CaseEventRow[]; units: CaseUnitRow[]; inside: number } | null => {
      const early = chance(0.18);
      const created = early
        ? Math.round(period.start - between(0.1, 5) * DAY)
        : Math.round(period.start + dayOfPeriod(next()) * DAY + hourOfDay(next()) * HOUR + next() * HOUR);
      const id = uuidv7At(created, next);
      const p = points[Math.floor(next() * points.length)] as (typeof points)[number];
      const ch = channel(next());
      const cat = category(next());
      const speed = Math.exp((next() + next() + next() - 1.5) * 1.2);
      const wait = (lo: number, hi: number) => Math.round(between(lo, hi) * speed);
      const gridWorker = gridWorkerOf.get(p.communityId ?? '') ?? intake;
      const reporter = ch === 'patrol' || ch === 'video' || ch === 'sensor' ? gridWorker : ch === 'assigned' ? dispatcher : intake;

      const events: CaseEventRow[] = [];
      let state = 'REPORTED';
      let at = created;
      let inside = 0;
      let full = false;
      let lead: string | null = null;
      let supervised = false;
      const counters = { rework: 0, returns: 0, postpones: 0 };
      /** Appends an event `after` ms later; false once the period has ended or the room is used up. */
      const ev = (after: number, action: string, to: string | null, actor: string | null, payload: Record<string, unknown> = {}): boolean => {
        if (full) return false;
        const when = at + Math.max(1000, Math.round(after));
        if (when >= period.end || (when >= period.start && inside >= room)) {
          full = true;
          return false;
        }
        at = when;
        const toState = to ?? state;
        events.push({
          id: uuidv7At(at, next),
          district_id: t.districtId,
          case_id: id,
          seq: events.length + 1,
          action,
          from_state: events.length ? state : null,
          to_state: toState,
          actor_user_id: actor,
          actor_unit_id: null,
          at,
          reason: null,
          payload: JSON.stringify(payload),
        });
        if (at >= period.start) inside++;
        state = toState;
        return true;
      };
      const overdue = (after: number) => {
        // What the timer worker writes: warning, overdue, and the automatic supervision once.
        if (!ev(after * 0.8, 'sla_warning', null, null, { stage: 'handle' })) return false;
        if (!ev(after * 0.2, 'sla_overdue', null, null, { stage: 'handle' })) return false;
        if (!supervised) {
          supervised = true;
          return ev(0, 'supervise', null, null, { automatic: true });
        }
        return true;
      };

      // The report stands at `created` itself.
      at = created - 1000;
      const repeatOf = recent.length && chance(0.03) ? recent[Math.floor(next() * recent.length)] : undefined;
      ev(0, 'report', 'REPORTED', reporter, {
        channel: ch,
        category: { kind: cat.kind, code: cat.code },
        location: { lng: p.lng, lat: p.lat },
        outsideJurisdiction: false,
        ...(repeatOf ? { repeatOf } : {}),
      });
      const flow = () => {
        if (chance(0.05)) return ev(wait(10, 60) * MIN, 'reject', 'REJECTED', intake);
        if (chance(0.01) && !ev(70 * MIN, 'sla_overdue', null, null, { stage: 'accept' })) return false;
        if (!ev(wait(5, 50) * MIN, 'accept', 'ACCEPTED', chance(0.8) ? intake : shiftLeader)) return false;
        if (!ev(wait(5, 40) * MIN, 'register', 'REGISTERED', chance(0.8) ? intake : shiftLeader, { category: { kind: cat.kind, code: cat.code } })) return false;
        for (let attempt = 0; ; attempt++) {
          lead = chance(0.55) ? department(next()).id : p.streetId;
          const by = lead === p.streetId && chance(0.3) ? (handlerOf.get(p.streetId) ?? dispatcher) : dispatcher;
          const mode = lead === p.streetId ? 'down' : 'sideways';
          if (!ev(wait(10, 120) * MIN, 'dispatch', 'DISPATCHED', by, { leadUnitId: lead, cohandlerUnitIds: [], mode, routingRule: 'manual' })) return false;
          if (attempt > 0 || !chance(0.04)) break;
          counters.returns++;
          if (!ev(wait(30, 240) * MIN, 'return', 'REGISTERED', handlerOf.get(lead) ?? null, { returnedBy: lead })) return false;
        }
        const handler = handlerOf.get(lead ?? '') ?? dispatcher;
        if (chance(0.01) && !ev(3 * HOUR, 'sla_overdue', null, null, { stage: 'sign' })) return false;
        if (!ev(wait(10, 240) * MIN, 'sign', 'HANDLING', handler)) return false;
        for (let round = 0; ; round++) {
          let handling = Math.round(between(0.2, 3) * DAY * speed);
          if (chance(0.02)) {
            counters.postpones++;
            if (!ev(handling * 0.3, 'postpone_request', null, handler, { until: new Date(at + 5 * DAY).toISOString() })) return false;
            if (!ev(wait(30, 180) * MIN, 'postpone_approve', null, dispatcher, { from: at, until: at + 5 * DAY })) return false;
          }
          if (chance(0.01)) {
            if (!ev(handling * 0.2, 'suspend', null, dispatcher, { remainingWorkingMinutes: 1200 })) return false;
            if (!ev(wait(1, 5) * DAY, 'resume', null, dispatcher, { deadlineAt: new Date(at + 3 * DAY).toISOString() })) return false;
          }
          if (handling > HANDLE_LIMIT || chance(0.04)) {
            handling = Math.max(handling, HANDLE_LIMIT + HOUR);
            if (!overdue(HANDLE_LIMIT)) return false;
            handling -= HANDLE_LIMIT;
          }
          if (!ev(handling, 'report_handled', 'HANDLED', handler, { note: '已处置' })) return false;
          if (!ev(wait(1, 12) * HOUR, 'check', 'CHECKING', gridWorker)) return false;
          if (round === 0 && chance(0.06)) {
            counters.rework++;
            if (!ev(wait(10, 90) * MIN, 'check_fail', 'HANDLING', gridWorker)) return false;
            continue;
          }
          if (!ev(wait(10, 90) * MIN, 'check_pass', 'CHECKED', gridWorker, { note: '已核查' })) return false;
          break;
        }
        if (!ev(wait(30, 300) * MIN, 'close', 'CLOSED', shiftLeader)) return false;
        if ((ch === 'hotline' || ch === 'citizen') && chance(0.8)) {
          const s = satisfaction(next());
          return ev(wait(4, 48) * HOUR, 'visit', 'EVALUATED', intake, { satisfaction: s, resolved: s !== 'unsatisfied' || chance(0.3) });
        }
        return true;
      };
      flow();
      // A case of the month before that finished before the period is no part of the month's histories.
      if (inside === 0) return null;

      const day = new Date(created + 8 * HOUR).toISOString().slice(0, 10).replaceAll('-', '');
      const serial = (serials.get(day) ?? 0) + 1;
      serials.set(day, serial);
      const last = events[events.length - 1] as CaseEventRow;
      const closed = state === 'CLOSED' || state === 'EVALUATED';
      const c: CaseRow = {
        id,
        district_id: t.districtId,
        number: `${t.casePrefix}${day}${String(serial).padStart(5, '0')}`,
        channel: ch,
        description: `${cat.name}：周边居民多次反映，请尽快处理。`,
        lng: p.lng,
        lat: p.lat,
        address: `重庆市江北区${(caseCount % 400) + 1}号附近`,
        category_kind: cat.kind,
        category_code: cat.code,
        urgency: 'normal',
        state,
        version: events.filter((e) => e.actor_user_id !== null).length,
        event_count: events.length,
        suspended: 0,
        suspended_remaining_min: null,
        postpone_until: null,
        postpone_reason: null,
        supervised: supervised ? 1 : 0,
        escalated: 0,
        rework_count: counters.rework,
        return_count: counters.returns,
        postpone_count: counters.postpones,
        reporter_name: ch === 'hotline' || ch === 'citizen' ? '市民' : null,
        reporter_phone: ch === 'hotline' || ch === 'citizen' ? `139${String(Math.floor(next() * 1e8)).padStart(8, '0')}` : null,
        street_id: p.streetId,
        community_id: p.communityId,
        grid_id: p.gridId,
        social_grid_id: p.socialGridId,
        outside_jurisdiction: 0,
        lead_unit_id: lead,
        stage: null,
        stage_seq: 1,
        stage_started_at: null,
        stage_limit_min: null,
        warn_at: null,
        deadline_at: null,
        merged_into: null,
        satisfaction: null,
        resolved: null,
        photos: '[]',
        created_by: reporter,
        created_at: created,
        updated_at: last.at,
        closed_at: closed ? last.at : null,
        cell: cellOf(p.lng, p.lat).key,
        repeat_of: repeatOf ?? null,
      };
      const units: CaseUnitRow[] = lead ? [{ case_id: id, unit_id: lead, role: 'lead', active: 1, since: created }] : [];
      if (early) fromPrevious++;
      for (const e of events) if (e.at >= period.start) actions[e.action] = (actions[e.action] ?? 0) + 1;
      recent.push(id);
      if (recent.length > 5000) recent.shift();
      return { c, events, units, inside };
    };

    const sqlite = bs.kind === 'sqlite';
    const insert = async (trx: Transaction<DB>, cases: CaseRow[], units: CaseUnitRow[], events: CaseEventRow[]) => {
      const caseRows = sqlite ? 300 : 500;
      const eventRows = sqlite ? 2000 : 2500;
      for (let k = 0; k < cases.length; k += caseRows) await trx.insertInto('cases').values(cases.slice(k, k + caseRows)).execute();
      for (let k = 0; k < units.length; k += eventRows) await trx.insertInto('case_units').values(units.slice(k, k + eventRows)).execute();
      for (let k = 0; k < events.length; k += eventRows) await trx.insertInto('case_events').values(events.slice(k, k + eventRows)).execute();
    };

    let lastReport = performance.now();
    while (inPeriod < spec.events) {
      const cases: CaseRow[] = [];
      const units: CaseUnitRow[] = [];
      const events: CaseEventRow[] = [];
      while (events.length < 50_000 && inPeriod < spec.events) {
        const l = lifecycle(spec.events - inPeriod);
        if (!l) continue;
        caseCount++;
        inPeriod += l.inside;
        cases.push(l.c);
        units.push(...l.units);
        events.push(...l.events);
      }
      total += events.length;
      await db.transaction().execute((trx) => insert(trx, cases, units, events));
      if (performance.now() - lastReport > 10_000 || inPeriod >= spec.events) {
        lastReport = performance.now();
        const s = (performance.now() - started) / 1000;
        process.stdout.write(`  generating: ${inPeriod.toLocaleString('en-US')} / ${spec.events.toLocaleString('en-US')} events of ${spec.period} after ${s.toFixed(0)} s\n`);
      }
    }
    const counters = [...serials].map(([day, value]) => ({ district_id: t.districtId, name: `case:${day}`, value }));
    for (let k = 0; k < counters.length; k += 500) await db.insertInto('counters').values(counters.slice(k, k + 500)).execute();
    if (!sqlite) {
      // What autovacuum would have done by the time a real table had grown to this size.
      process.stdout.write('  analyzing (PostgreSQL)\n');
      await sql.raw('vacuum analyze').execute(db);
    }
    const meta: EvalDatasetMeta = {
      version: EVAL_DATASET_VERSION,
      period: period.label,
      events: inPeriod,
      eventsTotal: total,
      cases: caseCount,
      casesFromPrevious: fromPrevious,
      actions,
      seed: spec.seed,
      generatedAt: new Date().toISOString(),
      generationSeconds: Math.round((performance.now() - started) / 1000),
    };
    process.stdout.write(`  previous period ${before.label} holds the early history of ${fromPrevious.toLocaleString('en-US')} cases\n`);
    await writeEvalMeta(bs.store, meta);
    return meta;
  } finally {
    await bs.dispose();
  }
}

process.once('message', (spec: EvalDatasetSpec) => {
  generate(spec).then(
    (meta) => process.send?.({ meta }, () => process.exit(0)),
    (e: unknown) => process.send?.({ error: e instanceof Error ? e.stack : String(e) }, () => process.exit(1)),
  );
});
