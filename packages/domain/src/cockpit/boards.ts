/**
 * The cockpit's district boards (专题看板) are data, not code: a board is a titled list of
 * widgets, each naming a source from the catalogue below and a chart type that fits the shape
 * that source returns. A district replaces its boards through the API; until it does, it gets
 * DEFAULT_BOARDS. The server computes each source; the console draws whatever the boards say.
 */
import type { Permission } from '../access/roles.ts';

export type Shape = 'series' | 'table' | 'value';
export type WidgetType = 'line' | 'bar' | 'pie' | 'table' | 'stat';
export interface Label {
  zh: string;
  en: string;
}

export interface SourceSpec {
  shape: Shape;
  permission: Permission;
  title: Label;
  /** Parameters the source understands, with their allowed values (the first is the default). */
  params?: Record<string, readonly (string | number)[]>;
}

export const SOURCES = {
  'cases.trend': { shape: 'series', permission: 'case.read', title: { zh: '上报与结案趋势', en: 'Reported and closed' }, params: { days: [7, 14, 30] } },
  'cases.channels_today': { shape: 'series', permission: 'case.read', title: { zh: '今日来源', en: 'Today by channel' } },
  'cases.top_categories': { shape: 'series', permission: 'case.read', title: { zh: '高发类别（30天）', en: 'Top categories (30 days)' } },
  'cases.open_by_state': { shape: 'series', permission: 'case.read', title: { zh: '在办案件状态', en: 'Open cases by state' } },
  'cases.open_by_street': { shape: 'series', permission: 'case.read', title: { zh: '各镇街在办案件', en: 'Open cases by town/street' } },
  'cases.open_total': { shape: 'value', permission: 'case.read', title: { zh: '在办案件', en: 'Open cases' } },
  'alarms.open_by_rule': { shape: 'series', permission: 'perception.read', title: { zh: '未处理告警（按规则）', en: 'Open alarms by rule' } },
  'devices.by_state': { shape: 'series', permission: 'perception.read', title: { zh: '感知设备状态', en: 'Devices by state' } },
  'indices.history': { shape: 'series', permission: 'evaluation.read', title: { zh: '三大指数', en: 'The three indices' }, params: { months: [12, 6, 24] } },
  'evaluation.ranking': {
    shape: 'table',
    permission: 'evaluation.read',
    title: { zh: '本月综合评价排名', en: "This month's evaluation ranking" },
    params: { objectType: ['street', 'department', 'community'] },
  },
  'targets.by_status': { shape: 'series', permission: 'target.read', title: { zh: '目标任务进度', en: 'Targets by status' } },
  'targets.behind': { shape: 'table', permission: 'target.read', title: { zh: '滞后与风险目标', en: 'Targets behind or at risk' } },
  'supervision.open_by_unit': { shape: 'series', permission: 'supervision.read', title: { zh: '在办督办（按单位）', en: 'Open supervision orders by unit' } },
} as const satisfies Record<string, SourceSpec>;

export type SourceName = keyof typeof SOURCES;

const FITS: Record<Shape, readonly WidgetType[]> = { series: ['line', 'bar', 'pie'], table: ['table'], value: ['stat'] };

export interface Widget {
  source: SourceName;
  type: WidgetType;
  /** Shown instead of the source's own title. */
  title?: Label;
  params?: Record<string, string | number>;
  /** Width in 24ths of the board (antd grid). */
  span: number;
}

export interface Board {
  code: string;
  title: Label;
  widgets: Widget[];
}

const w = (source: SourceName, type: WidgetType, span: number, params?: Widget['params']): Widget => ({ source, type, span, ...(params ? { params } : {}) });

export const DEFAULT_BOARDS: Board[] = [
  {
    code: 'operations',
    title: { zh: '城市运行', en: 'City operations' },
    widgets: [
      w('cases.open_total', 'stat', 6),
      w('cases.open_by_street', 'bar', 18),
      w('cases.trend', 'line', 12, { days: 7 }),
      w('cases.open_by_state', 'bar', 12),
      w('cases.channels_today', 'pie', 8),
      w('cases.top_categories', 'bar', 16),
    ],
  },
  {
    code: 'perception',
    title: { zh: '物联感知', en: 'Sensors' },
    widgets: [w('alarms.open_by_rule', 'pie', 12), w('devices.by_state', 'pie', 12)],
  },
  {
    code: 'evaluation',
    title: { zh: '综合评价', en: 'Evaluation' },
    widgets: [
      w('indices.history', 'line', 24, { months: 12 }),
      { ...w('evaluation.ranking', 'table', 12, { objectType: 'street' }), title: { zh: '镇街综合评价排名（本月）', en: 'Towns/streets this month' } },
      { ...w('evaluation.ranking', 'table', 12, { objectType: 'department' }), title: { zh: '部门综合评价排名（本月）', en: 'Departments this month' } },
    ],
  },
  {
    code: 'targets',
    title: { zh: '目标与督办', en: 'Targets and supervision' },
    widgets: [w('targets.by_status', 'pie', 8), w('targets.behind', 'table', 16), w('supervision.open_by_unit', 'bar', 24)],
  },
];

/** What is wrong with a set of boards, as `path: problem` lines (empty when they are fine). */
export function boardProblems(boards: readonly Board[]): string[] {
  const out: string[] = [];
  const codes = new Set<string>();
  boards.forEach((b, i) => {
    if (codes.has(b.code)) out.push(`boards.${i}.code: "${b.code}" is used by another board; codes must be unique`);
    codes.add(b.code);
    b.widgets.forEach((wd, j) => {
      const at = `boards.${i}.widgets.${j}`;
      const spec: SourceSpec | undefined = (SOURCES as Record<string, SourceSpec>)[wd.source];
      if (!spec) {
        out.push(`${at}.source: unknown source "${wd.source}"; one of ${Object.keys(SOURCES).join(', ')}`);
        return;
      }
      if (!FITS[spec.shape].includes(wd.type)) out.push(`${at}.type: "${wd.type}" cannot show ${wd.source}; use ${FITS[spec.shape].join(' or ')}`);
      for (const [k, v] of Object.entries(wd.params ?? {})) {
        const allowed = spec.params?.[k];
        if (!allowed) out.push(`${at}.params.${k}: ${wd.source} takes no parameter "${k}"`);
        else if (!allowed.includes(v)) out.push(`${at}.params.${k}: ${String(v)} is not one of ${allowed.join(', ')}`);
      }
    });
  });
  return out;
}

/** A widget's parameters with the source's defaults filled in. */
export function widgetParams(wd: Pick<Widget, 'source' | 'params'>): Record<string, string | number> {
  const spec: SourceSpec = SOURCES[wd.source];
  const out: Record<string, string | number> = {};
  for (const [k, allowed] of Object.entries(spec.params ?? {})) out[k] = wd.params?.[k] ?? (allowed[0] as string | number);
  return out;
}
