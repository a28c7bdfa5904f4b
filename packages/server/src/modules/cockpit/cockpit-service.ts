/**
 * The cockpit's figures (驾驶舱): open cases by state and light, today's intake by channel, 30-day
 * trends, top categories and hotspots — read from small rollup tables instead of scanning
 * millions of cases. The rollups are kept incrementally by an outbox consumer, in the same
 * transaction that marks each case message processed, so every message counts exactly once;
 * `rebuild` recomputes them from the cases (after an upgrade, or to check the increments).
 */
import type { CaseState } from '@onegrid/domain/case/lifecycle';
import { ACTIONS } from '@onegrid/domain/case/lifecycle';
import { type LiveStatus, nextStatus } from '@onegrid/domain/cockpit/open-cases';
import { hexHeat } from '@onegrid/domain/geo/hex-heat';
import { SHANGHAI_UTC_OFFSET_MINUTES } from '@onegrid/domain/time/working-calendar';
import type { Transaction } from 'kysely';
import type { CockpitCaseRow, CockpitDailyRow, CockpitOpenRow, DB } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Principal } from '../../platform/principal.ts';
import type { AuditService } from '../audit/audit-service.ts';
import { caseAggregates } from '../case/case-aggregates.ts';
import type { OutboxDelivery } from '../notify/outbox-processor.ts';
import type { OrgService } from '../org/org-service.ts';
import type { TaxonomyService } from '../taxonomy/taxonomy-service.ts';
import { cockpitRepository as repo } from './cockpit-repository.ts';

const DAY_MS = 86_400_000;
const OFFSET_MS = SHANGHAI_UTC_OFFSET_MINUTES * 60_000;
/** District-local day number (UTC+8) of an instant. */
export const localDay = (ms: number) => Math.floor((ms + OFFSET_MS) / DAY_MS);
const dayLabel = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The case topics the rollups follow. */
export const COCKPIT_TOPICS = ['case.reported', 'case.sla_warning', 'case.sla_overdue', ...ACTIONS.map((a) => `case.${a}`)];

interface CaseMessage {
  caseId: string;
  to: CaseState;
  streetId?: string | null;
  communityId?: string | null;
  gridId?: string | null;
  channel?: string;
  category?: { kind: string; code: string } | null;
}

const DAILY: Record<string, (m: CaseMessage) => Array<[dim: string, key: string]>> = {
  reported: (m) => {
    const street = m.streetId ?? '';
    const cat = m.category ? `${m.category.kind}:${m.category.code}` : '';
    const channel = m.channel ?? '';
    return [
      ['all', ''],
      ['channel', channel],
      ['category', cat],
      ['street', street],
      ['community', m.communityId ?? ''],
      ['grid', m.gridId ?? ''],
      ['street_channel', `${street}|${channel}`],
      ['street_category', `${street}|${cat}`],
    ];
  },
  close: (m) => [
    ['all', ''],
    ['street', m.streetId ?? ''],
  ],
  sla_overdue: (m) => [
    ['all', ''],
    ['street', m.streetId ?? ''],
  ],
  register: (m) => [
    ['all', ''],
    ['street', m.streetId ?? ''],
  ],
};
/** Rollup metric names by case action. */
const METRIC: Record<string, string> = { reported: 'reported', close: 'closed', sla_overdue: 'overdue', register: 'registered' };

export class CockpitService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly org: OrgService,
    private readonly taxonomy: TaxonomyService,
    private readonly audit: AuditService,
  ) {}

  /** The outbox handler: one case message → its moves in the rollups, inside the outbox transaction. */
  async apply(trx: Transaction<DB>, msg: OutboxDelivery): Promise<void> {
    const m = msg.payload as unknown as CaseMessage;
    const action = msg.topic.slice('case.'.length);
    if (!m.caseId || !m.to) return;
    const prevRow = await repo.openCase(trx, m.caseId);
    const prev: LiveStatus | null = prevRow ? { state: prevRow.state as CaseState, light: prevRow.light as LiveStatus['light'] } : null;
    const next = nextStatus(prev, action, m.to);
    const street = m.streetId ?? '';
    const open: CockpitOpenRow[] = [];
    const moved = !prevRow || !next || prevRow.street_id !== street || prevRow.state !== next.state || prevRow.light !== next.light;
    if (moved) {
      if (prevRow) open.push({ district_id: msg.districtId, street_id: prevRow.street_id, state: prevRow.state, light: prevRow.light, n: -1 });
      if (next) open.push({ district_id: msg.districtId, street_id: street, state: next.state, light: next.light, n: 1 });
      await repo.bumpOpen(trx, open);
      if (next) await repo.putCase(trx, { case_id: m.caseId, district_id: msg.districtId, street_id: street, state: next.state, light: next.light });
      else if (prevRow) await repo.dropCase(trx, m.caseId);
    }
    const metric = METRIC[action];
    const dims = DAILY[action];
    if (metric && dims) {
      const day = localDay(msg.createdAt);
      await repo.bumpDaily(
        trx,
        dims(m).map(([dim, key]) => ({ district_id: msg.districtId, metric, dim, day, key, n: 1 })),
      );
    }
  }

  /** True when the rollups are empty but the district has cases: a store from before the cockpit. */
  async needsRebuild(districtId: string): Promise<boolean> {
    if (await repo.hasRows(this.store.db, districtId)) return false;
    return (await caseAggregates.openClocks(this.store, districtId)).length > 0 || (await caseAggregates.casesPerDay(this.store, districtId, 'created_at', `''`)).length > 0;
  }

  /** Recomputes every rollup of the district from the cases; returns the open cases counted. */
  /** `by`: the admin asking, recorded in the audit log (startup and the CLI leave it out). */
  async rebuild(districtId: string, by?: Principal): Promise<{ openCases: number; dailyRows: number }> {
    const now = this.clock.now();
    const q = this.store;
    const clocks = await caseAggregates.openClocks(q, districtId);
    const cases: CockpitCaseRow[] = clocks.map((c) => ({
      case_id: c.id,
      district_id: districtId,
      street_id: c.street_id ?? '',
      state: c.state,
      light: !c.stage ? 'none' : c.deadline_at !== null && c.deadline_at <= now ? 'red' : c.warn_at !== null && c.warn_at <= now ? 'yellow' : 'green',
    }));
    const open = new Map<string, CockpitOpenRow>();
    for (const c of cases) {
      const k = `${c.street_id}|${c.state}|${c.light}`;
      const row = open.get(k) ?? { district_id: districtId, street_id: c.street_id, state: c.state, light: c.light, n: 0 };
      row.n++;
      open.set(k, row);
    }
    const daily: CockpitDailyRow[] = [];
    const push = (metric: string, dim: string, rows: Array<{ day: number; key: string; n: number }>) => {
      for (const r of rows) daily.push({ district_id: districtId, metric, dim, day: r.day, key: r.key, n: r.n });
    };
    const cat = `coalesce(category_kind || ':' || category_code, '')`;
    const street = `coalesce(street_id, '')`;
    const reported: Array<[string, string]> = [
      ['all', `''`],
      ['channel', 'channel'],
      ['category', cat],
      ['street', street],
      ['community', `coalesce(community_id, '')`],
      ['grid', `coalesce(grid_id, '')`],
      ['street_channel', `${street} || '|' || channel`],
      ['street_category', `${street} || '|' || ${cat}`],
    ];
    for (const [dim, key] of reported) push('reported', dim, await caseAggregates.casesPerDay(q, districtId, 'created_at', key));
    for (const [dim, key] of [['all', `''`], ['street', street]] as const) push('closed', dim, await caseAggregates.casesPerDay(q, districtId, 'closed_at', key));
    for (const [action, metric] of [['sla_overdue', 'overdue'], ['register', 'registered']] as const) {
      const rows = await caseAggregates.eventsPerDay(q, districtId, action);
      const all = new Map<number, number>();
      for (const r of rows) all.set(r.day, (all.get(r.day) ?? 0) + r.n);
      push(metric, 'street', rows.map((r) => ({ day: r.day, key: r.street, n: r.n })));
      push(metric, 'all', [...all].map(([day, n]) => ({ day, key: '', n })));
    }
    await this.store.db.transaction().execute(async (trx) => {
      await repo.clear(trx, districtId);
      for (let i = 0; i < cases.length; i += 500) await repo.insertCases(trx, cases.slice(i, i + 500));
      const rows = [...open.values()];
      for (let i = 0; i < rows.length; i += 500) await repo.bumpOpen(trx, rows.slice(i, i + 500));
      for (let i = 0; i < daily.length; i += 500) await repo.bumpDaily(trx, daily.slice(i, i + 500));
      if (by) await this.audit.record(trx, by, 'cockpit.rebuild', districtId, { openCases: cases.length, dailyRows: daily.length });
    });
    return { openCases: cases.length, dailyRows: daily.length };
  }

  /** Whose figures the caller sees: the district, or their town/street. */
  private async scope(p: Principal) {
    const dir = await this.org.directory(p.districtId);
    const street = p.districtWide ? null : (dir.ancestorOfKind(p.unitId, ['street', 'town'])?.id ?? null);
    return { dir, street };
  }

  /** One metric per local day over [from, to], zeros filled in. */
  private async daily(districtId: string, street: string | null, metric: string, from: number, to: number): Promise<number[]> {
    const rows = await repo.series(this.store.db, districtId, metric, street ? 'street' : 'all', street ?? '', from, to);
    const m = new Map(rows.map((r) => [Number(r.day), Number(r.n)]));
    return Array.from({ length: to - from + 1 }, (_, i) => m.get(from + i) ?? 0);
  }

  /** Reported and closed per day over the last `days` local days, today included. */
  async trend(p: Principal, days: number) {
    const today = localDay(this.clock.now());
    const from = today - days + 1;
    const { street } = await this.scope(p);
    const [reported, closed] = await Promise.all([this.daily(p.districtId, street, 'reported', from, today), this.daily(p.districtId, street, 'closed', from, today)]);
    return { days: Array.from({ length: days }, (_, i) => dayLabel(from + i)), reported, closed };
  }

  /** Open cases per town/street and light, most first (the caller's street alone for a street user). */
  async openByStreet(p: Principal) {
    const { dir, street } = await this.scope(p);
    const rows = await repo.openByStreet(this.store.db, p.districtId, street);
    const by = new Map<string, Record<'green' | 'yellow' | 'red' | 'none', number>>();
    for (const r of rows) {
      const k = r.street_id;
      const v = by.get(k) ?? { green: 0, yellow: 0, red: 0, none: 0 };
      v[r.light as 'green'] += Number(r.n);
      by.set(k, v);
    }
    return [...by.entries()]
      .map(([id, lights]) => ({ id, name: id ? (dir.unit(id)?.name ?? id) : null, lights, total: lights.green + lights.yellow + lights.red + lights.none }))
      .sort((a, b) => b.total - a.total);
  }

  /** Open cases with a place and their light now, for the cockpit map (at most `limit`). */
  async points(p: Principal, limit: number) {
    const now = this.clock.now();
    const { street } = await this.scope(p);
    const rows = await caseAggregates.openPoints(this.store, p.districtId, street, limit);
    return {
      items: rows.map((r) => ({
        id: r.id,
        number: r.number,
        lng: r.lng as number,
        lat: r.lat as number,
        state: r.state,
        light: r.suspended ? 'none' : r.deadline_at !== null && r.deadline_at <= now ? 'red' : r.warn_at !== null && r.warn_at <= now ? 'yellow' : r.deadline_at !== null ? 'green' : 'none',
      })),
      truncated: rows.length === limit,
    };
  }

  /** Open cases per H3 cell (with how many are red), for the heat layer. */
  async heat(p: Principal, resolution: number) {
    const { items, truncated } = await this.points(p, 50_000);
    return { resolution, cells: hexHeat(items.map((i) => ({ lng: i.lng, lat: i.lat, red: i.light === 'red' })), resolution), truncated };
  }

  /** Everything the cockpit's first screen shows, for the caller's street (or the district). */
  async overview(p: Principal) {
    const now = this.clock.now();
    const today = localDay(now);
    const from = today - 29;
    const { dir, street } = await this.scope(p);
    const d = p.districtId;
    const db = this.store.db;
    const prefix = street ? `${street}|` : undefined;
    const areaKeys = (kind: 'community' | 'grid') =>
      street
        ? dir
            .subtreeIds(street)
            .filter((id) => dir.unit(id)?.kind === kind || (kind === 'community' && dir.unit(id)?.kind === 'village'))
        : undefined;
    const [open, reported, closed, channels, categories, communities, grids] = await Promise.all([
      repo.open(db, d, street),
      this.daily(d, street, 'reported', from, today),
      this.daily(d, street, 'closed', from, today),
      repo.top(db, d, 'reported', street ? 'street_channel' : 'channel', today, today, 20, prefix ? { prefix } : {}),
      repo.top(db, d, 'reported', street ? 'street_category' : 'category', from, today, 10, prefix ? { prefix } : {}),
      repo.top(db, d, 'reported', 'community', from, today, 10, street ? { keys: areaKeys('community') as string[] } : {}),
      repo.top(db, d, 'reported', 'grid', today, today, 10, street ? { keys: areaKeys('grid') as string[] } : {}),
    ]);
    const strip = (k: string) => (prefix && k.startsWith(prefix) ? k.slice(prefix.length) : k);
    const byState: Record<string, { total: number; green: number; yellow: number; red: number; none: number }> = {};
    const lights = { green: 0, yellow: 0, red: 0, none: 0 };
    for (const r of open) {
      const n = Number(r.n);
      const s = byState[r.state] ?? { total: 0, green: 0, yellow: 0, red: 0, none: 0 };
      s.total += n;
      s[r.light as keyof typeof lights] += n;
      lights[r.light as keyof typeof lights] += n;
      byState[r.state] = s;
    }
    return {
      at: new Date(now).toISOString(),
      scope: street ? { kind: 'street', id: street, name: dir.unit(street)?.name ?? street } : { kind: 'district' },
      open: { total: lights.green + lights.yellow + lights.red + lights.none, byLight: lights, byState },
      today: {
        day: dayLabel(today),
        byChannel: channels.map((r) => ({ channel: strip(r.key), n: Number(r.n) })),
      },
      trend: { days: Array.from({ length: 30 }, (_, i) => dayLabel(from + i)), reported, closed },
      topCategories: categories.map((r) => {
        const [kind, code] = strip(r.key).split(':') as [string, string];
        return { kind, code, name: code ? this.taxonomy.cachedName(d, kind, code) : null, n: Number(r.n) };
      }),
      hotspots: {
        communities30d: communities.map((r) => ({ id: r.key, name: dir.unit(r.key)?.name ?? null, n: Number(r.n) })),
        gridsToday: grids.map((r) => ({ id: r.key, name: dir.unit(r.key)?.name ?? null, n: Number(r.n) })),
      },
    };
  }
}
