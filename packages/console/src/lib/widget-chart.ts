/**
 * A board widget's data (series, table or value, as the server sends it) turned into what the
 * console draws: an ECharts option for line/bar/pie, rows for a table. Pure, so it is tested
 * without a browser; the board screen only lays the results out.
 */
export interface Text {
  zh: string;
  en: string;
}
export type Cell = string | number | null | Text;
export type WidgetData =
  | { shape: 'series'; categories: Text[]; series: Array<{ key: string; name: Text; data: Array<number | null> }> }
  | { shape: 'table'; columns: Array<{ key: string; title: Text }>; rows: Array<Record<string, Cell>> }
  | { shape: 'value'; value: number; parts: Array<{ key: string; name: Text; value: number }> };

/** Series keys that mean a light or a state get the colours people know from the rest of the console. */
const KEY_COLOR: Record<string, string> = { red: '#d4380d', yellow: '#e0a100', green: '#2e9d4c', none: '#8c8c8c', escalated: '#d4380d', open: '#e0a100', responded: '#1464c8' };

export const textOf = (t: Text, lang: string) => (lang === 'zh-CN' ? t.zh : t.en);
export const cellText = (c: Cell, lang: string): string => (c === null ? '—' : typeof c === 'object' ? textOf(c, lang) : String(c));

export function chartOption(type: 'line' | 'bar' | 'pie', d: Extract<WidgetData, { shape: 'series' }>, lang: string): Record<string, unknown> {
  const cats = d.categories.map((c) => textOf(c, lang));
  if (type === 'pie') {
    const s = d.series[0];
    return {
      tooltip: { trigger: 'item' },
      legend: { type: 'scroll', bottom: 0 },
      series: [{ type: 'pie', radius: ['35%', '65%'], top: 0, bottom: 24, data: cats.map((name, i) => ({ name, value: s?.data[i] ?? 0 })) }],
    };
  }
  const many = d.series.length > 1;
  // Horizontal bars read better once category names are long or many (streets, units).
  const horizontal = type === 'bar' && (cats.length > 8 || cats.some((c) => c.length > 6));
  const catAxis = { type: 'category', data: cats, ...(horizontal ? { inverse: true } : {}) };
  const valAxis = { type: 'value', minInterval: 1 };
  return {
    tooltip: { trigger: 'axis' },
    ...(many ? { legend: { top: 0, right: 0 } } : {}),
    grid: { left: horizontal ? 110 : 40, right: 16, top: many ? 28 : 8, bottom: 24 },
    xAxis: horizontal ? valAxis : catAxis,
    yAxis: horizontal ? catAxis : valAxis,
    series: d.series.map((s) => ({
      type,
      name: textOf(s.name, lang),
      data: s.data,
      ...(type === 'bar' ? { barMaxWidth: 48, ...(many ? { stack: 'all' } : {}) } : {}),
      ...(type === 'line' ? { connectNulls: false } : {}),
      ...(KEY_COLOR[s.key] ? { itemStyle: { color: KEY_COLOR[s.key] } } : {}),
    })),
  };
}
