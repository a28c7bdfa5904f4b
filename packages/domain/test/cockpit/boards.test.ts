import { describe, expect, it } from 'vitest';
import { boardProblems, DEFAULT_BOARDS, SOURCES, widgetParams } from '../../src/cockpit/boards.ts';
import { hexHeat } from '../../src/geo/hex-heat.ts';

describe('district boards', () => {
  it('ships boards that draw: every source known, every chart type fitting its shape', () => {
    expect(boardProblems(DEFAULT_BOARDS)).toEqual([]);
    // Every source is on some shipped board, so each one is exercised by the API tests.
    const used = new Set(DEFAULT_BOARDS.flatMap((b) => b.widgets.map((w) => w.source)));
    expect(Object.keys(SOURCES).filter((s) => !used.has(s as keyof typeof SOURCES))).toEqual([]);
  });

  it('fills in default parameters and keeps the given ones', () => {
    expect(widgetParams({ source: 'cases.trend' })).toEqual({ days: 7 });
    expect(widgetParams({ source: 'cases.trend', params: { days: 30 } })).toEqual({ days: 30 });
    expect(widgetParams({ source: 'cases.open_total' })).toEqual({});
  });
});

describe('hexagon heat', () => {
  it('counts points and red points per cell, busiest first, with closed outlines', () => {
    const here = { lng: 106.5731, lat: 29.5866 };
    const far = { lng: 106.62, lat: 29.61 };
    const cells = hexHeat(
      [
        { ...here, red: true },
        { lng: here.lng + 0.0001, lat: here.lat, red: false },
        { ...far, red: false },
      ],
      8,
    );
    expect(cells.map((c) => [c.n, c.red])).toEqual([
      [2, 1],
      [1, 0],
    ]);
    expect(cells[0]?.ring[0]).toEqual(cells[0]?.ring.at(-1));
    expect(hexHeat([], 8)).toEqual([]);
  });
});
