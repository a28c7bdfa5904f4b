/**
 * The sensor, evaluation and case-detail screens in Chromium, with the scene set through the API:
 * a device's readings charted and followed live without a reload, rules switched and edited by an
 * admin; two near-identical reports shown side by side and merged through the UI; a case's
 * supervision order and postponement history; cards issued and the scheme saved (and a stale save
 * refused) by the supervisor, neither offered to a street handler. Screens go to test-artifacts/.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDistrict } from '../../server/test/support/district.ts';
import { ARTIFACTS, type ConsoleHarness, PHONE, startConsole } from './support/browser.ts';

describe('sensor, evaluation and case screens in Chromium', () => {
  let h: ConsoleHarness;
  let t: TestDistrict;
  let base: string;
  const at = (minutes = 0) => new Date(t.clock.now() + minutes * 60_000).toISOString();
  const must = async (user: string, method: string, url: string, body?: unknown) => {
    const r = await h.apiAs(user, method, url, body);
    expect(r.status, `${method} ${url}: ${JSON.stringify(r.json)}`).toBeLessThan(300);
    return r.json as Record<string, unknown>;
  };
  const act = async (user: string, id: string, action: string, body: Record<string, unknown> = {}) => {
    const c = (await must(user, 'GET', `/api/v1/cases/${id}`)) as { version: number };
    return must(user, 'POST', `/api/v1/cases/${id}/actions/${action}`, { version: c.version, ...body });
  };
  const report = async (description: string, grid: string, dLng = 0) => {
    const p = t.point(grid);
    return (await must('intake', 'POST', '/api/v1/cases', { channel: 'hotline', description, location: { lng: p.lng + dLng, lat: p.lat }, category: { kind: 'matter', code: '06010' } })) as { id: string; number: string };
  };
  const saved = (page: Page) => page.locator('.ant-message-success').last().waitFor();

  beforeAll(async () => {
    h = await startConsole();
    ({ t, base } = h);
    const p1 = t.point('s1c1g1');
    const p2 = t.point('s2c1g1');
    const devices = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { code: 'WL-1', type: 'water_level', name: '观音桥积水点' }, geometry: { type: 'Point', coordinates: [p1.lng, p1.lat] } },
        { type: 'Feature', properties: { code: 'WL-2', type: 'water_level', name: '北城天街积水点' }, geometry: { type: 'Point', coordinates: [p2.lng, p2.lat] } },
        { type: 'Feature', properties: { code: 'NZ-1', type: 'noise', name: '噪声监测点' }, geometry: { type: 'Point', coordinates: [p1.lng + 0.002, p1.lat] } },
      ],
    };
    await must('admin', 'POST', '/api/v1/perception/devices/import', devices);
    await must('admin', 'POST', '/api/v1/perception/rules', {
      code: 'wl-high',
      name: '积水超警戒',
      deviceType: 'water_level',
      condition: { kind: 'threshold', measurement: 'currentLevel', direction: 'above', raise: 0.3, clear: 0.2 },
      urgency: 'urgent',
    });
    const readings = [50, 40, 30, 20, 10, 0].map((ago, i) => ({ device: 'WL-1', at: at(-ago), values: { currentLevel: 0.1 + i * 0.01 } }));
    await must('admin', 'POST', '/api/v1/telemetry', [...readings, { device: 'WL-2', at: at(), values: { currentLevel: 0.5 } }]);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('maps devices by state, charts a device and follows its new readings live; an admin edits rules', async () => {
    const { page } = await h.signIn('supervisor');
    await page.goto(`${base}#/sensors/devices`);
    await expect.poll(() => page.getByTestId('count-alarm').textContent()).toBe('告警中 1');
    expect(await page.getByTestId('count-online').textContent()).toBe('在线 1');
    expect(await page.getByTestId('count-offline').textContent()).toBe('离线 1');
    await page.getByLabel('设备状态').click();
    await page.getByTitle('告警中').click();
    await expect.poll(() => page.locator('.ant-table-row').count()).toBe(1);
    await page.reload();
    await page.getByRole('button', { name: 'WL-1' }).click();
    const panel = page.getByTestId('device-panel');
    await panel.getByRole('img', { name: /实时读数/ }).locator('canvas').first().waitFor();
    await expect.poll(() => panel.getByTestId('latest-reading').textContent()).toContain('0.15 m');
    await page.waitForTimeout(400); // the drawer slides in
    await page.screenshot({ path: path.join(ARTIFACTS, 'sensors-device-1920x1080.png') });

    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    t.clock.advance(60_000);
    await must('admin', 'POST', '/api/v1/telemetry', [{ device: 'WL-1', at: at(), values: { currentLevel: 0.27 } }]);
    await expect.poll(() => panel.getByTestId('latest-reading').textContent(), { timeout: 12_000 }).toContain('0.27 m');
    expect(navigations).toEqual([]);
    await page.getByRole('button', { name: '关闭' }).click();

    await page.goto(`${base}#/sensors/alarms`);
    await page.getByText('北城天街积水点 (WL-2)').waitFor();
    // Viewing rules is for everyone; switching and editing them is the admin's.
    await page.goto(`${base}#/sensors/rules`);
    await page.getByText('积水超警戒 (wl-high)').waitFor();
    expect(await page.getByLabel('启用 wl-high').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: /修改阈值/ }).count()).toBe(0);

    const admin = await h.signIn('admin');
    await admin.page.goto(`${base}#/sensors/rules`);
    await admin.page.getByLabel('启用 wl-high').click();
    await saved(admin.page);
    await admin.page.getByRole('button', { name: '修改阈值 wl-high' }).click();
    await admin.page.getByLabel('currentLevel 告警阈值').fill('0.35');
    await admin.page.getByRole('button', { name: /保\s*存/ }).click();
    await expect.poll(async () => ((await must('admin', 'GET', '/api/v1/perception/rules')).items as Array<{ active: boolean; condition: { raise: number } }>)[0]).toMatchObject({ active: false, condition: { raise: 0.35 } });

    await page.setViewportSize(PHONE);
    await page.goto(`${base}#/sensors/devices`);
    await page.getByRole('button', { name: 'WL-2' }).click();
    await page.getByTestId('device-panel').getByRole('img', { name: /实时读数/ }).waitFor();
    await page.waitForTimeout(400); // the drawer slides in
    await page.screenshot({ path: path.join(ARTIFACTS, 'sensors-device-390x844.png') });
  }, 90_000);

  it('shows a near-identical report next to its candidate and merges it through the UI', async () => {
    const first = await report('人行道井盖破损，行人易绊倒', 's1c1g2');
    const second = await report('人行道井盖破损，行人容易绊倒', 's1c1g2', 0.0001);
    const { page } = await h.signIn('intake');
    await page.goto(`${base}#/cases/${second.id}`);
    const pair = page.getByTestId('duplicate-pair');
    await pair.getByText(`候选案件 · ${first.number}`).waitFor();
    await pair.getByText('人行道井盖破损，行人易绊倒').waitFor();
    await pair.getByText(/距离 \d+ 米/).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'case-duplicates-1920x1080.png'), fullPage: true });
    await page.getByTestId(`merge-${first.number}`).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /提\s*交/ }).click();
    await expect.poll(() => page.locator('.ant-tag-blue').first().textContent()).toBe('已合并');
    expect(((await must('intake', 'GET', `/api/v1/cases/${second.id}`)) as { state: string }).state).toBe('MERGED');
    // The grid worker may not merge: no button.
    const g = await h.signIn('g-s1c1', { viewport: PHONE });
    const third = await report('人行道井盖破损，行人易绊倒!', 's1c1g2', -0.0001);
    await g.page.goto(`${base}#/cases/${third.id}`);
    await g.page.getByTestId('duplicate-pair').first().waitFor();
    expect(await g.page.getByRole('button', { name: /合并到该案件/ }).count()).toBe(0);
    await g.page.screenshot({ path: path.join(ARTIFACTS, 'case-duplicates-390x844.png'), fullPage: true });
  }, 90_000);

  it("shows a case's supervision order and its postponement history", async () => {
    const c = await report('路灯不亮，夜间行人看不清路', 's1c2g1');
    await act('intake', c.id, 'accept');
    await act('shift_leader', c.id, 'register');
    const dispatched = (await act('dispatcher', c.id, 'dispatch', { leadUnitId: t.u.s1 })) as { deadlineAt: string };
    await act('h-s1', c.id, 'sign');
    const until = new Date(Date.parse(dispatched.deadlineAt) + 2 * 86_400_000).toISOString();
    await act('h-s1', c.id, 'postpone_request', { until, reason: '需等待配件到货' });
    await act('shift_leader', c.id, 'postpone_approve', { note: '同意延期' });
    const order = (await must('supervisor', 'POST', '/api/v1/supervision/orders', { subject: { kind: 'case', caseId: c.id }, reason: '群众反映强烈，请加快处置' })) as { number: string };
    const { page } = await h.signIn('h-s1');
    await page.goto(`${base}#/cases/${c.id}`);
    const orders = page.getByTestId('case-orders');
    await orders.getByText(order.number).waitFor();
    await orders.getByText(/群众反映强烈/).waitFor();
    const history = page.getByTestId('deadline-history');
    await history.getByText('申请延期').waitFor();
    await history.getByText('批准延期').waitFor();
    await history.getByText('需等待配件到货').waitFor();
    expect(await history.locator('.ant-table-row').count()).toBe(2);
    await page.screenshot({ path: path.join(ARTIFACTS, 'case-orders-history.png'), fullPage: true });
  }, 90_000);

  it('issues cards and saves the scheme as the supervisor; a stale save is refused; a street handler is offered neither', async () => {
    // A case of 城管局 due in March and never closed, then April: March has finished.
    const c = await report('道路积水，车辆无法通行', 's2c1g2');
    await act('intake', c.id, 'accept');
    await act('shift_leader', c.id, 'register');
    const dispatched = (await act('dispatcher', c.id, 'dispatch', { leadUnitId: t.u.cgj })) as { deadlineAt: string };
    t.clock.set(Date.parse(dispatched.deadlineAt) + 1000);
    await t.s.timers.fireDue(100, t.districtId);
    t.clock.set(Date.parse('2026-04-02T09:00:00+08:00'));

    const { page } = await h.signIn('supervisor');
    await page.goto(`${base}#/evaluation/cards`);
    await page.getByLabel('评价周期').fill('2026-03');
    await page.getByRole('button', { name: '生成本期红黄牌' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /提\s*交/ }).click();
    await saved(page);
    await page.locator('.ant-table-row', { hasText: '城管局' }).getByText('红牌').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'evaluation-cards.png'), fullPage: true });

    await page.goto(`${base}#/evaluation/scheme`);
    await expect.poll(() => page.getByTestId('scheme-version').textContent()).toBe('内置默认方案（版本0）');
    await page.getByLabel('专业部门综合评价 结案率 权重').fill('40');
    await page.getByLabel('专业部门综合评价 按期结案率 权重').fill('40');
    await page.getByLabel('等级划分 A 最低分').fill('92');
    await page.getByRole('button', { name: '保存为新版本' }).click();
    await saved(page);
    await expect.poll(() => page.getByTestId('scheme-version').textContent()).toBe('v1');
    const v1 = (await must('supervisor', 'GET', '/api/v1/evaluation/scheme')) as { version: number; scheme: { composites: Array<{ id: string; items: Array<{ weight: number }> }>; grades: Array<{ min: number }> } };
    expect(v1.scheme.composites.find((x) => x.id === 'department')?.items.map((i) => i.weight)).toEqual([40, 40, 20]);
    expect(v1.scheme.grades[0]?.min).toBe(92);
    await page.screenshot({ path: path.join(ARTIFACTS, 'evaluation-scheme.png'), fullPage: true });

    // The admin saves version 2 meanwhile: the supervisor's edit of version 1 is refused with the API's message.
    await must('admin', 'PUT', '/api/v1/evaluation/scheme', { ...v1.scheme, baseVersion: 1 });
    await page.getByLabel('红榜名额').fill('5');
    await page.getByRole('button', { name: '保存为新版本' }).click();
    await page.locator('.ant-message-error').waitFor();
    expect(((await must('supervisor', 'GET', '/api/v1/evaluation/scheme')) as { version: number }).version).toBe(2);

    const handler = await h.signIn('h-s1', { viewport: PHONE });
    await handler.page.goto(`${base}#/evaluation/cards`);
    await handler.page.getByLabel('评价周期').waitFor();
    expect(await handler.page.getByRole('button', { name: '生成本期红黄牌' }).count()).toBe(0);
    await handler.page.goto(`${base}#/evaluation/scheme`);
    await handler.page.getByTestId('scheme-version').waitFor();
    expect(await handler.page.getByRole('button', { name: '保存为新版本' }).count()).toBe(0);
    expect(await handler.page.getByLabel('红榜名额').isDisabled()).toBe(true);
    await handler.page.screenshot({ path: path.join(ARTIFACTS, 'evaluation-scheme-handler-390x844.png'), fullPage: true });

    // The one expected refusal: the supervisor's stale scheme save (HTTP 409).
    expect(h.errors.filter((e) => !(e.startsWith('supervisor:') && e.includes('status of 409')))).toEqual([]);
  }, 90_000);
});
