/**
 * The data behind each board source (domain/cockpit/boards.ts SOURCES), read through the owning
 * modules' services, in three shapes the console can draw without knowing the source: a series
 * (categories × named series), a table, or one value. Every text comes in zh and en.
 */
import type { Label, SourceName } from '@onegrid/domain/cockpit/boards';
import { DEVICE_STATE_NAMES, label, LIGHT_NAMES, ORDER_STATUS_NAMES, STATE_NAMES, TARGET_STATUS_NAMES, CHANNEL_NAMES } from '@onegrid/domain/labels';
import { SHANGHAI_UTC_OFFSET_MINUTES } from '@onegrid/domain/time/working-calendar';
import type { ObjectType } from '@onegrid/domain/evaluation/scheme';
import type { Principal } from '../../platform/principal.ts';
import type { EvaluationService } from '../evaluation/evaluation-service.ts';
import type { AlarmService } from '../perception/alarm-service.ts';
import type { DeviceService } from '../perception/device-service.ts';
import type { SupervisionService } from '../supervision/supervision-service.ts';
import type { TargetService } from '../targets/target-service.ts';
import type { CockpitService } from './cockpit-service.ts';

export type WidgetData =
  | { shape: 'series'; categories: Label[]; series: Array<{ key: string; name: Label; data: Array<number | null> }> }
  | { shape: 'table'; columns: Array<{ key: string; title: Label }>; rows: Array<Record<string, string | number | null | Label>> }
  | { shape: 'value'; value: number; parts: Array<{ key: string; name: Label; value: number }> };

export interface SourceDeps {
  cockpit: CockpitService;
  alarms: AlarmService;
  devices: DeviceService;
  evaluation: EvaluationService;
  targets: TargetService;
  supervision: SupervisionService;
  now(): number;
}

type Params = Record<string, string | number>;
type Compute = (p: Principal, params: Params, memo: Memo) => Promise<WidgetData>;
/** One overview and one target board per board request, shared by the sources drawn from them. */
type Memo = { overview?: ReturnType<CockpitService['overview']>; targets?: ReturnType<TargetService['board']> };

const same = (s: string): Label => ({ zh: s, en: s });
const LIGHTS = ['red', 'yellow', 'green', 'none'] as const;
/** The calendar month (UTC+8) `back` months before the one holding `ms`, as YYYY-MM. */
function monthLabel(ms: number, back: number): string {
  const d = new Date(ms + SHANGHAI_UTC_OFFSET_MINUTES * 60_000);
  const m = d.getUTCFullYear() * 12 + d.getUTCMonth() - back;
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
}
/** Counts of `keys` as a one-series chart, in `order` first, then by count. */
function counted(keys: string[], name: Label, toLabel: (k: string) => Label, order: readonly string[] = []): WidgetData {
  const n = new Map<string, number>();
  for (const k of keys) n.set(k, (n.get(k) ?? 0) + 1);
  const ks = [...order.filter((k) => n.has(k)), ...[...n.keys()].filter((k) => !order.includes(k)).sort((a, b) => (n.get(b) ?? 0) - (n.get(a) ?? 0))];
  return { shape: 'series', categories: ks.map(toLabel), series: [{ key: 'n', name, data: ks.map((k) => n.get(k) ?? 0) }] };
}

export function boardSources(d: SourceDeps): Record<SourceName, Compute> {
  const overview = (p: Principal, memo: Memo) => {
    memo.overview ??= d.cockpit.overview(p);
    return memo.overview;
  };
  const targetBoard = (p: Principal, memo: Memo) => {
    memo.targets ??= d.targets.board(p, {});
    return memo.targets;
  };
  const COUNT: Label = { zh: '数量', en: 'Count' };
  return {
    'cases.trend': async (p, q) => {
      const t = await d.cockpit.trend(p, Number(q.days));
      return {
        shape: 'series',
        categories: t.days.map((x) => same(x.slice(5))),
        series: [
          { key: 'reported', name: { zh: '上报', en: 'Reported' }, data: t.reported },
          { key: 'closed', name: { zh: '结案', en: 'Closed' }, data: t.closed },
        ],
      };
    },
    'cases.channels_today': async (p, _q, memo) => {
      const o = await overview(p, memo);
      return { shape: 'series', categories: o.today.byChannel.map((c) => label(CHANNEL_NAMES, c.channel)), series: [{ key: 'n', name: COUNT, data: o.today.byChannel.map((c) => c.n) }] };
    },
    'cases.top_categories': async (p, _q, memo) => {
      const o = await overview(p, memo);
      return { shape: 'series', categories: o.topCategories.map((c) => same(c.name ?? c.code)), series: [{ key: 'n', name: COUNT, data: o.topCategories.map((c) => c.n) }] };
    },
    'cases.open_by_state': async (p, _q, memo) => {
      const o = await overview(p, memo);
      const states = Object.keys(STATE_NAMES).filter((s) => o.open.byState[s]);
      return {
        shape: 'series',
        categories: states.map((s) => label(STATE_NAMES, s)),
        series: LIGHTS.map((l) => ({ key: l, name: label(LIGHT_NAMES, l), data: states.map((s) => o.open.byState[s]?.[l] ?? 0) })),
      };
    },
    'cases.open_by_street': async (p) => {
      const rows = await d.cockpit.openByStreet(p);
      return {
        shape: 'series',
        categories: rows.map((r) => (r.name ? same(r.name) : { zh: '未定位', en: 'No place' })),
        series: LIGHTS.map((l) => ({ key: l, name: label(LIGHT_NAMES, l), data: rows.map((r) => r.lights[l]) })),
      };
    },
    'cases.open_total': async (p, _q, memo) => {
      const o = await overview(p, memo);
      return { shape: 'value', value: o.open.total, parts: LIGHTS.map((l) => ({ key: l, name: label(LIGHT_NAMES, l), value: o.open.byLight[l] ?? 0 })) };
    },
    'alarms.open_by_rule': async (p) => {
      const alarms = await d.alarms.list(p, { status: ['raised', 'acknowledged'], limit: 10_000 });
      const names = new Map(alarms.map((a) => [a.rule.code, a.rule.name]));
      return counted(
        alarms.map((a) => a.rule.code),
        COUNT,
        (k) => same(names.get(k) ?? k),
      );
    },
    'devices.by_state': async (p) => {
      const devices = await d.devices.list(p.districtId, {});
      return counted(
        devices.map((x) => x.state),
        COUNT,
        (k) => label(DEVICE_STATE_NAMES, k),
        Object.keys(DEVICE_STATE_NAMES),
      );
    },
    'indices.history': async (p, q) => {
      const now = d.now();
      const r = await d.evaluation.indices(p, { from: monthLabel(now, Number(q.months) - 1), to: monthLabel(now, 0) });
      const ids = r.months[0]?.indices ?? [];
      return {
        shape: 'series',
        categories: r.months.map((m) => same(m.period)),
        series: ids.map((x, i) => ({ key: x.id, name: { zh: x.zh, en: x.en }, data: r.months.map((m) => m.indices[i]?.value ?? null) })),
      };
    },
    'evaluation.ranking': async (p, q) => {
      const r = await d.evaluation.results(p, { period: monthLabel(d.now(), 0), objectType: String(q.objectType) as ObjectType, limit: 20, offset: 0 });
      const c = r.composites[0];
      return {
        shape: 'table',
        columns: [
          { key: 'rank', title: { zh: '排名', en: 'Rank' } },
          { key: 'name', title: { zh: '对象', en: 'Object' } },
          { key: 'score', title: c ? { zh: c.zh, en: c.en } : { zh: '得分', en: 'Score' } },
          { key: 'grade', title: { zh: '等级', en: 'Grade' } },
          { key: 'change', title: { zh: '环比', en: 'Change' } },
        ],
        rows: r.rows.map((row) => {
          const s = c ? row.scores[c.id] : undefined;
          const round = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x * 10) / 10);
          return { key: row.object.key, rank: s?.rank ?? null, name: row.object.name, score: round(s?.score), grade: s?.grade ?? null, change: round(s?.change) };
        }),
      };
    },
    'targets.by_status': async (p, _q, memo) => {
      const b = await targetBoard(p, memo);
      const statuses = Object.keys(TARGET_STATUS_NAMES);
      return { shape: 'series', categories: statuses.map((s) => label(TARGET_STATUS_NAMES, s)), series: [{ key: 'n', name: COUNT, data: statuses.map((s) => b.byStatus[s as keyof typeof b.byStatus] ?? 0) }] };
    },
    'targets.behind': async (p, _q, memo) => {
      const b = await targetBoard(p, memo);
      return {
        shape: 'table',
        columns: [
          { key: 'name', title: { zh: '目标', en: 'Target' } },
          { key: 'status', title: { zh: '状态', en: 'Status' } },
          { key: 'lead', title: { zh: '牵头单位', en: 'Lead unit' } },
          { key: 'expected', title: { zh: '应达', en: 'Expected' } },
          { key: 'actual', title: { zh: '实际', en: 'Actual' } },
        ],
        rows: b.attention.map((t) => ({ key: t.id, name: t.name, status: label(TARGET_STATUS_NAMES, t.status), lead: t.leadUnit.name, expected: t.expected, actual: t.actual })),
      };
    },
    'supervision.open_by_unit': async (p) => {
      const r = await d.supervision.list(p, { statuses: ['open', 'escalated', 'responded'], limit: 5000 });
      const unitName = (o: (typeof r.items)[number]) => o.unit.name ?? o.unit.code ?? o.unit.id;
      const units = [...new Set(r.items.map(unitName))];
      const statuses = ['open', 'escalated', 'responded'] as const;
      return {
        shape: 'series',
        categories: units.map(same),
        series: statuses.map((s) => ({ key: s, name: label(ORDER_STATUS_NAMES, s), data: units.map((u) => r.items.filter((o) => unitName(o) === u && o.status === s).length) })),
      };
    },
  };
}
