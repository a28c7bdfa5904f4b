/**
 * The cockpit's district boards in Chromium: the shipped boards appear as tabs and draw their
 * widgets; a street handler sees only their street, a grid worker fewer boards; an admin replaces the
 * boards in the editor (a wrong source is refused with the server's message, in Chinese) and the
 * new board appears as a tab; the heat layer's hexagons are fetched with the overview.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, type ConsoleHarness, startConsole } from './support/browser.ts';

describe('cockpit boards in Chromium', () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await startConsole();
    for (const grid of ['s1c1g1', 's1c2g1', 's2c1g1']) {
      const r = await h.apiAs('intake', 'POST', '/api/v1/cases', { channel: 'hotline', description: '道路积水，车辆难以通行', location: h.t.point(grid), category: { kind: 'matter', code: '06010' } });
      expect(r.status).toBe(201);
    }
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('shows the shipped boards as tabs, each drawing its widgets', async () => {
    const { page } = await h.signIn('supervisor');
    const heat = page.waitForResponse((r) => r.url().includes('/api/v1/cockpit/heat') && r.status() === 200);
    await page.goto(`${h.base}#/cockpit`);
    const cells = ((await (await heat).json()) as { cells: Array<{ n: number }> }).cells;
    expect(cells.reduce((n, c) => n + c.n, 0)).toBe(3);
    for (const [code, tab] of [
      ['operations', '城市运行'],
      ['perception', '物联感知'],
      ['evaluation', '综合评价'],
      ['targets', '目标与督办'],
    ] as const) {
      await page.getByRole('tab', { name: tab }).click();
      const board = page.getByTestId(`board-${code}`);
      await board.waitFor();
      await page.waitForLoadState('networkidle');
      expect(await board.locator('.ant-card').count()).toBeGreaterThan(1);
      expect(await board.locator('.ant-alert-warning').count()).toBe(0);
      await page.screenshot({ path: path.join(ARTIFACTS, `cockpit-board-${code}.png`) });
    }
    expect(page.url()).toContain('#/cockpit/targets');
    // The street chart counts the three open cases, two in street 1.
    await page.getByRole('tab', { name: '城市运行' }).click();
    await expect.poll(() => page.getByTestId('board-operations').locator('.ant-statistic-content-value').first().textContent()).toBe('3');
  }, 90_000);

  it('moves the map from live events, without reloading every open case', async () => {
    const { page } = await h.signIn('dispatcher');
    await page.goto(`${h.base}#/cockpit`);
    const overview = page.getByTestId('cockpit-overview');
    await page.getByText('实时').waitFor();
    await page.waitForLoadState('networkidle');
    const before = Number(await overview.getAttribute('data-points'));
    const pointLoads: string[] = [];
    page.on('request', (r) => r.url().includes('/api/v1/cockpit/points') && pointLoads.push(r.url()));
    const r = await h.apiAs('intake', 'POST', '/api/v1/cases', { channel: 'citizen', description: '人行道护栏倒伏', location: h.t.point('s2c2g1'), category: { kind: 'matter', code: '06010' } });
    expect(r.status).toBe(201);
    await expect.poll(async () => Number(await overview.getAttribute('data-points')), { timeout: 5000 }).toBe(before + 1);
    // Rejected: it leaves the map the same way.
    const made = r.json as { id: string; version: number };
    const rejected = await h.apiAs('intake', 'POST', `/api/v1/cases/${made.id}/actions/reject`, { version: made.version, reason: '非本区事项' });
    expect(rejected.status, JSON.stringify(rejected.json)).toBe(200);
    await expect.poll(async () => Number(await overview.getAttribute('data-points')), { timeout: 5000 }).toBe(before);
    expect(pointLoads).toEqual([]);
  }, 60_000);

  it('shows a street handler their street alone, and a grid worker no evaluation board', async () => {
    const { page } = await h.signIn('h-s1');
    await page.goto(`${h.base}#/cockpit/operations`);
    await page.getByTestId('board-operations').waitFor();
    await expect.poll(() => page.getByTestId('board-operations').locator('.ant-statistic-content-value').first().textContent()).toBe('2');
    expect(await page.getByRole('button', { name: '编辑看板' }).count()).toBe(0);
    const g = await h.signIn('g-s1c1');
    await g.page.goto(`${h.base}#/cockpit`);
    await g.page.getByRole('tab', { name: '物联感知' }).waitFor();
    expect(await g.page.getByRole('tab', { name: '综合评价' }).count()).toBe(0);
    expect(await g.page.getByRole('tab', { name: '目标与督办' }).count()).toBe(0);
  }, 60_000);

  it('lets an admin replace the boards, showing the server’s refusal first', async () => {
    const { page } = await h.signIn('admin');
    await page.goto(`${h.base}#/cockpit`);
    await page.getByRole('button', { name: '编辑看板' }).click();
    const editor = page.getByLabel('看板定义（JSON）');
    await editor.fill(JSON.stringify([{ code: 'hotline', title: { zh: '热线专题', en: 'Hotline' }, widgets: [{ source: 'cases.nope', type: 'bar', span: 24 }] }]));
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.locator('.ant-message-error').waitFor();
    expect(await page.locator('.ant-message-error').textContent()).toContain('boards.0.widgets.0.source');
    await editor.fill(JSON.stringify([{ code: 'hotline', title: { zh: '热线专题', en: 'Hotline' }, widgets: [{ source: 'cases.trend', type: 'bar', span: 24, params: { days: 30 } }] }]));
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByRole('tab', { name: '热线专题' }).click();
    await page.getByTestId('board-hotline').locator('canvas').first().waitFor();
    expect(await page.getByRole('tab', { name: '城市运行' }).count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'cockpit-board-custom.png') });
    // Back to the shipped boards.
    await page.getByRole('button', { name: '编辑看板' }).click();
    await page.getByRole('button', { name: '恢复默认看板' }).click();
    await page.getByRole('tab', { name: '城市运行' }).waitFor();
    expect(h.errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
  }, 90_000);
});
