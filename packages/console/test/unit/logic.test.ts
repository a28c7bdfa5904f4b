/**
 * The console's own logic, without a browser: SSE framing, refresh coalescing, board widgets
 * turned into charts, heat-layer colouring and the time-left text.
 */
import { describe, expect, it } from 'vitest';
import { coalesce } from '../../src/lib/coalesce.ts';
import { minutes } from '../../src/lib/format.ts';
import { applyCaseEvent } from '../../src/lib/open-points.ts';
import { HEAT_STEPS, hexFeatures } from '../../src/lib/hex-layer.ts';
import { SseParser } from '../../src/lib/sse.ts';
import { cellText, chartOption } from '../../src/lib/widget-chart.ts';

describe('SSE framing', () => {
  it('yields whole messages however the stream is cut, and skips comments', () => {
    const text = ': ping\n\nevent: case.dispatch\ndata: {"caseId":"a1"}\n\nevent: case.close\ndata: {"caseId":\ndata: "b2"}\n\n';
    for (const cut of [1, 3, 7, text.length]) {
      const p = new SseParser();
      const got = [];
      for (let i = 0; i < text.length; i += cut) got.push(...p.push(text.slice(i, i + cut)));
      expect(got).toEqual([
        { topic: 'case.dispatch', data: { caseId: 'a1' } },
        { topic: 'case.close', data: { caseId: 'b2' } },
      ]);
    }
  });

  it('keeps an unfinished message for the next chunk', () => {
    const p = new SseParser();
    expect(p.push('event: x\ndata: {"n":1}\n')).toEqual([]);
    expect(p.push('\n')).toEqual([{ topic: 'x', data: { n: 1 } }]);
  });
});

describe('refresh coalescing', () => {
  it('runs at once, folds a burst into one more run, and never overlaps', async () => {
    let running = 0;
    let overlapped = false;
    let runs = 0;
    const release: Array<() => void> = [];
    const refresh = coalesce(async () => {
      running++;
      if (running > 1) overlapped = true;
      runs++;
      await new Promise<void>((r) => release.push(r));
      running--;
    });
    const first = refresh();
    expect(runs).toBe(1);
    for (let i = 0; i < 20; i++) void refresh();
    release.shift()?.();
    await new Promise((r) => setTimeout(r, 0));
    expect(runs).toBe(2);
    release.shift()?.();
    await first;
    expect(runs).toBe(2);
    expect(overlapped).toBe(false);
  });

  it('keeps going after a failed run', async () => {
    let n = 0;
    const refresh = coalesce(async () => {
      n++;
      throw new Error('offline');
    });
    await refresh();
    await refresh();
    expect(n).toBe(2);
  });
});

describe('board widgets as charts', () => {
  const streets = {
    shape: 'series' as const,
    categories: [
      { zh: '观音桥街道', en: '观音桥街道' },
      { zh: '五里店街道', en: '五里店街道' },
    ],
    series: [
      { key: 'red', name: { zh: '红灯', en: 'Red' }, data: [3, 1] },
      { key: 'green', name: { zh: '绿灯', en: 'Green' }, data: [5, 0] },
    ],
  };

  it('stacks lights in their colours, horizontally for long names, in the chosen language', () => {
    const o = chartOption('bar', streets, 'en-US') as { xAxis: { data: string[] }; series: Array<{ name: string; stack?: string; itemStyle?: { color: string } }>; legend?: unknown };
    expect(o.xAxis.data).toEqual(['观音桥街道', '五里店街道']);
    expect(o.series.map((s) => [s.name, s.stack, s.itemStyle?.color])).toEqual([
      ['Red', 'all', '#d4380d'],
      ['Green', 'all', '#2e9d4c'],
    ]);
    expect(o.legend).toBeDefined();
    const zh = chartOption('bar', streets, 'zh-CN') as { series: Array<{ name: string }> };
    expect(zh.series[0]?.name).toBe('红灯');
    // Twelve towns/streets lie on their side, names down the left, the first on top.
    const twelve = { ...streets, categories: Array.from({ length: 12 }, (_, i) => ({ zh: `街道${i}`, en: `Street ${i}` })), series: [{ key: 'n', name: { zh: '数量', en: 'Count' }, data: Array(12).fill(1) }] };
    const side = chartOption('bar', twelve, 'zh-CN') as { yAxis: { type: string; inverse: boolean; data: string[] }; xAxis: { type: string }; legend?: unknown };
    expect(side.yAxis).toMatchObject({ type: 'category', inverse: true });
    expect(side.yAxis.data[0]).toBe('街道0');
    expect(side.xAxis.type).toBe('value');
    expect(side.legend).toBeUndefined();
  });

  it('draws a pie from the first series and a line with its gaps', () => {
    const pie = chartOption('pie', streets, 'zh-CN') as { series: Array<{ data: Array<{ name: string; value: number }> }> };
    expect(pie.series[0]?.data).toEqual([
      { name: '观音桥街道', value: 3 },
      { name: '五里店街道', value: 1 },
    ]);
    const line = chartOption('line', { shape: 'series', categories: [{ zh: '01', en: '01' }, { zh: '02', en: '02' }], series: [{ key: 'gov', name: { zh: '治理指数', en: 'Governance' }, data: [null, 80] }] }, 'zh-CN') as {
      xAxis: { data: string[] };
      series: Array<{ data: Array<number | null>; connectNulls: boolean }>;
    };
    expect(line.xAxis.data).toEqual(['01', '02']);
    expect(line.series[0]).toMatchObject({ data: [null, 80], connectNulls: false });
  });

  it('shows table cells in the language, a dash for nothing', () => {
    expect(cellText({ zh: '进度滞后', en: 'Behind' }, 'zh-CN')).toBe('进度滞后');
    expect(cellText({ zh: '进度滞后', en: 'Behind' }, 'en-US')).toBe('Behind');
    expect(cellText(null, 'zh-CN')).toBe('—');
    expect(cellText(92.5, 'en-US')).toBe('92.5');
  });
});

describe('heat layer', () => {
  it('colours each hexagon by its share of the busiest one', () => {
    const ring: Array<[number, number]> = [
      [0, 0],
      [1, 0],
      [0, 1],
      [0, 0],
    ];
    const fc = hexFeatures([
      { h3: 'a', n: 10, red: 2, ring },
      { h3: 'b', n: 5, red: 0, ring },
      { h3: 'c', n: 1, red: 0, ring },
    ]);
    expect(fc.features.map((f) => f.properties.color)).toEqual([HEAT_STEPS[4], HEAT_STEPS[2], HEAT_STEPS[0]]);
    expect(fc.features[0]?.geometry.coordinates).toEqual([ring]);
    expect(hexFeatures([]).features).toEqual([]);
  });
});

describe('time left', () => {
  it('reads hours and minutes, and says overdue', () => {
    expect(minutes(125, 'zh-CN')).toBe('2小时5分');
    expect(minutes(-30, 'zh-CN')).toBe('超时 30分');
    expect(minutes(125, 'en-US')).toBe('2h 5m');
    expect(minutes(-61, 'en-US')).toBe('1h 1m overdue');
    expect(minutes(null, 'en-US')).toBe('—');
  });
});

describe('cockpit map points from live events', () => {
  const at = { lng: 106.57, lat: 29.6 };
  it('adds a report, moves its light through the loop, and drops it on close', () => {
    const pts = new Map();
    expect(applyCaseEvent(pts, 'case.reported', { caseId: 'c1', to: 'REPORTED', ...at, streetId: 's1' }, null)).toBe(true);
    expect(pts.get('c1')).toMatchObject({ state: 'REPORTED', light: 'green', ...at });
    applyCaseEvent(pts, 'case.sla_overdue', { caseId: 'c1', to: 'REPORTED', ...at }, null);
    expect(pts.get('c1')?.light).toBe('red');
    // A new stage starts green again.
    applyCaseEvent(pts, 'case.accept', { caseId: 'c1', to: 'ACCEPTED', ...at }, null);
    expect(pts.get('c1')).toMatchObject({ state: 'ACCEPTED', light: 'green' });
    // A repeated message changes nothing.
    expect(applyCaseEvent(pts, 'case.comment', { caseId: 'c1', to: 'ACCEPTED', ...at }, null)).toBe(false);
    expect(applyCaseEvent(pts, 'case.close', { caseId: 'c1', to: 'CLOSED', ...at }, null)).toBe(true);
    expect(pts.size).toBe(0);
  });

  it('keeps a street cockpit to its street, and leaves out cases without a place or other messages', () => {
    const pts = new Map();
    expect(applyCaseEvent(pts, 'case.reported', { caseId: 'c2', to: 'REPORTED', ...at, streetId: 's2' }, 's1')).toBe(false);
    expect(applyCaseEvent(pts, 'case.reported', { caseId: 'c3', to: 'REPORTED', lng: null, lat: null, streetId: 's1' }, 's1')).toBe(false);
    expect(applyCaseEvent(pts, 'alarm.raised', { caseId: 'c4', to: 'REPORTED', ...at }, null)).toBe(false);
    expect(pts.size).toBe(0);
    applyCaseEvent(pts, 'case.reported', { caseId: 'c5', to: 'REPORTED', ...at, streetId: 's1' }, 's1');
    // Moved to another street (relocated): it leaves this street's map.
    expect(applyCaseEvent(pts, 'case.relocate', { caseId: 'c5', to: 'REPORTED', ...at, streetId: 's2' }, 's1')).toBe(true);
    expect(pts.size).toBe(0);
  });
});
