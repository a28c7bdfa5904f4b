/**
 * The district boards and the heat layer on each store: the shipped boards show each role only
 * the widgets it may read; widget figures agree with the cases; an admin replaces the boards
 * (bad sources, chart types and parameters refused with the path to fix, others refused with
 * 403) and goes back to the shipped ones; hexagon counts add up to the open cases.
 */
import { DEFAULT_BOARDS } from '@onegrid/domain/cockpit/boards';
import { describe, expect, it } from 'vitest';
import type { TestDistrict } from '../support/district.ts';
import type { Api } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

describe.each(STORES)('cockpit boards on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });

  const drain = async () => {
    while ((await t.s.outbox.processBatch(200, t.districtId)) > 0) {}
  };
  async function report(grid: string) {
    const r = await (await a.as('intake')).post('/api/v1/cases', { channel: 'hotline', description: '路灯损坏，夜间无照明', location: t.point(grid), category: { kind: 'matter', code: '06010' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string };
  }
  type Widget = { source: string; type: string; data: { shape: string; categories?: Array<{ zh: string }>; series?: Array<{ key: string; data: number[] }>; value?: number; rows?: unknown[] } | null; error: unknown };
  const widget = (ws: Widget[], source: string) => ws.find((w) => w.source === source) as Widget;

  it('shows each role the widgets it may read, with figures that agree with the cases', async () => {
    await report('s1c1g1');
    await report('s1c1g2');
    await report('s2c1g1');
    await drain();
    const sup = await a.as('supervisor');
    const boards = (await sup.get('/api/v1/cockpit/boards')).body;
    expect(boards.custom).toBe(false);
    expect(boards.boards.map((b: { code: string }) => b.code)).toEqual(DEFAULT_BOARDS.map((b) => b.code));

    const ops = (await sup.get('/api/v1/cockpit/boards/operations/data')).body;
    for (const w of ops.widgets as Widget[]) expect(w.error, w.source).toBeNull();
    expect(widget(ops.widgets, 'cases.open_total').data?.value).toBe(3);
    const streets = widget(ops.widgets, 'cases.open_by_street').data;
    const total = (i: number) => (streets?.series ?? []).reduce((n, s) => n + (s.data[i] ?? 0), 0);
    // Street 1 has two open cases, street 2 one, most first.
    expect(streets?.categories?.map((c) => c.zh)).toEqual(['街道1', '街道2']);
    expect([total(0), total(1)]).toEqual([2, 1]);
    const trend = widget(ops.widgets, 'cases.trend').data;
    expect(trend?.categories).toHaveLength(7);
    expect(trend?.series?.find((s) => s.key === 'reported')?.data.reduce((x, y) => x + y, 0)).toBe(3);

    // Evaluation, targets and supervision sources all answer for the supervisor.
    for (const code of ['perception', 'evaluation', 'targets']) {
      const r = await sup.get(`/api/v1/cockpit/boards/${code}/data`);
      expect(r.status).toBe(200);
      for (const w of r.body.widgets as Widget[]) expect(w.error, w.source).toBeNull();
    }

    // A grid worker reads cases and sensors but not evaluation, targets or supervision.
    const gw = await a.as('g-s1c1');
    const theirs = (await gw.get('/api/v1/cockpit/boards')).body.boards as Array<{ code: string; widgets: Array<{ source: string }> }>;
    expect(theirs.map((b) => b.code)).toEqual(['operations', 'perception']);
    expect((await gw.get('/api/v1/cockpit/boards/evaluation/data')).status).toBe(404);
    // A street handler's street figures are their street's alone.
    const street = (await (await a.as('h-s2')).get('/api/v1/cockpit/boards/operations/data')).body;
    expect(widget(street.widgets, 'cases.open_total').data?.value).toBe(1);
    expect(widget(street.widgets, 'cases.open_by_street').data?.categories?.map((c) => c.zh)).toEqual(['街道2']);
  });

  it('lets an admin replace the boards, refusing what would not draw, and go back', async () => {
    const admin = await a.as('admin');
    const mine = [{ code: 'hotline', title: { zh: '热线', en: 'Hotline' }, widgets: [{ source: 'cases.trend', type: 'bar', span: 24, params: { days: 30 } }] }];
    const bad = async (widgets: unknown[], path: string) => {
      const r = await admin.put('/api/v1/cockpit/boards', { boards: [{ ...mine[0], widgets }] });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      expect(r.body.error.message).toContain(path);
    };
    await bad([{ source: 'cases.nope', type: 'bar', span: 12 }], 'body.boards.0.widgets.0.source');
    await bad([{ source: 'evaluation.ranking', type: 'line', span: 12 }], 'body.boards.0.widgets.0.type');
    await bad([{ source: 'cases.trend', type: 'line', span: 12, params: { days: 9 } }], 'body.boards.0.widgets.0.params.days');
    const dup = await admin.put('/api/v1/cockpit/boards', { boards: [mine[0], mine[0]] });
    expect(dup.status).toBe(400);
    expect(dup.body.error.message).toContain('boards.1.code');
    expect((await (await a.as('supervisor')).put('/api/v1/cockpit/boards', { boards: mine })).status).toBe(403);

    const saved = await admin.put('/api/v1/cockpit/boards', { boards: mine });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const seen = (await (await a.as('dispatcher')).get('/api/v1/cockpit/boards')).body;
    expect(seen).toEqual({ custom: true, boards: mine });
    const data = (await (await a.as('dispatcher')).get('/api/v1/cockpit/boards/hotline/data')).body;
    expect(data.widgets[0].data.categories).toHaveLength(30);
    expect((await admin.put('/api/v1/cockpit/boards', { boards: null })).body.custom).toBe(false);
    expect((await (await a.as('dispatcher')).get('/api/v1/cockpit/boards/hotline/data')).status).toBe(404);
  });

  it('counts open cases per H3 hexagon, red ones apart', async () => {
    const made = [await report('s1c1g1'), await report('s1c1g1'), await report('s2c2g2')];
    await (await a.as('intake')).act((made[2] as { id: string }).id, 'reject', { reason: '重复上报' });
    // Past their acceptance limit: some open cases are red.
    t.clock.advance(3 * 86_400_000);
    await drain();
    const sup = await a.as('supervisor');
    const points = (await sup.get('/api/v1/cockpit/points')).body.items as Array<{ id: string; light: string }>;
    expect(points.map((p) => p.id)).toEqual(expect.arrayContaining(made.slice(0, 2).map((m) => m.id)));
    expect(points.map((p) => p.id)).not.toContain(made[2]?.id);
    const r = await sup.get('/api/v1/cockpit/heat?resolution=9');
    expect(r.status).toBe(200);
    const cells = r.body.cells as Array<{ h3: string; n: number; red: number; ring: number[][] }>;
    expect(cells.reduce((n, c) => n + c.n, 0)).toBe(points.length);
    expect(cells.reduce((n, c) => n + c.red, 0)).toBe(points.filter((p) => p.light === 'red').length);
    expect(cells.reduce((n, c) => n + c.red, 0)).toBeGreaterThan(0);
    // The two cases reported in the same grid fall in the busiest cell.
    expect(cells[0]?.n).toBeGreaterThanOrEqual(2);
    expect(cells[0]?.ring).toHaveLength(7);
    expect(cells[0]?.ring[0]).toEqual(cells[0]?.ring[6]);
    expect((await (await a.as('supervisor')).get('/api/v1/cockpit/heat?resolution=3')).body.error.code).toBe('VALIDATION_FAILED');
  });
});
