/**
 * 系统管理 end to end in Chromium: the district's admin creates a user who then signs in, changes a
 * category's time limit, adds a holiday, creates an API key that works and a webhook, imports a
 * grid from GeoJSON (and sees a bad file refused feature by feature), and finds those changes in
 * 操作日志; a non-admin is not offered the screen and the API refuses them. Every tab is saved to test-artifacts/.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, type TestDistrict } from '../../server/test/support/district.ts';
import { ARTIFACTS, type ConsoleHarness, PHONE, startConsole } from './support/browser.ts';

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `admin-${name}.png`), fullPage: true });
const button = (scope: Page | ReturnType<Page['getByRole']>, text: string) => scope.getByRole('button', { name: new RegExp(`^${[...text].join('\\s*')}$`) });
/** An antd Select: type to filter, Enter picks the first match. */
async function choose(page: Page, label: string, text: string) {
  await page.getByLabel(label, { exact: true }).fill(text);
  await page.locator('.ant-select-item-option-active').filter({ hasText: text }).first().waitFor();
  await page.keyboard.press('Enter');
}
const succeeded = (page: Page) => page.locator('.ant-message-success').last().waitFor();

describe('系统管理 in Chromium', () => {
  let h: ConsoleHarness;
  let t: TestDistrict;
  let page: Page;

  beforeAll(async () => {
    h = await startConsole();
    t = h.t;
    page = (await h.signIn('admin')).page;
    page.setDefaultTimeout(8_000);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  const tab = async (key: string) => {
    await page.goto(`${h.base}#/admin/${key}`);
    await page.getByRole('tabpanel').waitFor();
  };

  it('shows the unit tree and map, imports a grid from GeoJSON, and lists the problems of a bad file', async () => {
    await tab('units');
    await page.getByText('街道1 · 街道').click();
    await expect.poll(() => page.getByLabel('名称', { exact: true }).inputValue()).toBe('街道1');
    await page.locator('.maplibregl-canvas').waitFor();
    await shot(page, 'units');

    const grid = (code: string, parentCode: string, x: number) => ({
      type: 'Feature',
      properties: { code, name: `导入网格${code}`, kind: 'grid', parentCode },
      geometry: { type: 'Polygon', coordinates: [[[x, 29.5], [x + 0.005, 29.5], [x + 0.005, 29.505], [x, 29.505], [x, 29.5]]] },
    });
    const upload = (doc: unknown, name: string) => page.locator('input[type=file]').setInputFiles({ name, mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(doc)) });

    const before = h.errors.length;
    await upload({ type: 'FeatureCollection', features: [grid('e2e-bad', 'no-such-parent', 106.56), { type: 'Feature', properties: { code: 'x' }, geometry: null }] }, 'bad.geojson');
    const problems = page.getByTestId('import-problems');
    await problems.waitFor();
    expect(await problems.textContent()).toContain('no-such-parent');
    expect(await problems.locator('li').count()).toBe(2);
    await page.locator('.ant-message-error').last().waitFor();
    // The refusal is a 400, which Chromium logs as a failed resource: that one entry is expected.
    await expect.poll(() => h.errors.slice(before)).toEqual(['admin: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    h.errors.splice(before);

    await upload({ type: 'FeatureCollection', features: [grid('e2e-g1', 's2c2', 106.565)] }, 'grid.geojson');
    await succeeded(page);
    const imported = (await h.apiAs('admin', 'GET', '/api/v1/units?q=e2e-g1')).json as { items: Array<{ code: string; kind: string; parentId: string }> };
    expect(imported.items).toMatchObject([{ code: 'e2e-g1', kind: 'grid', parentId: t.u.s2c2 }]);
    // The new grid is in the tree under its community and outlined with it on the map.
    await page.getByText('社区2-2 · 社区').click();
    await page.getByText('导入网格e2e-g1 · 网格').waitFor();

    // Renaming goes through PATCH /units/:id and shows in the tree.
    await page.getByText('导入网格e2e-g1 · 网格').click();
    await page.getByLabel('名称', { exact: true }).fill('江北网格一');
    await button(page, '保存').click();
    await succeeded(page);
    await page.getByText('江北网格一 · 网格').waitFor();
    await shot(page, 'units-imported');
  });

  it('creates a user with roles who can then sign in, and edits them', async () => {
    await tab('users');
    await button(page, '新建用户').click();
    const dialog = page.getByRole('dialog');
    const username = `newbie-${t.code}`;
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('姓名').fill('新受理员');
    await choose(page, '单位', '测试中心');
    await choose(page, '角色', '受理员');
    await choose(page, '角色', '派遣员');
    await page.getByLabel('初始密码').fill(PASSWORD);
    await button(dialog, '保存').click();
    await succeeded(page);
    await page.getByRole('cell', { name: username }).first().waitFor();
    await shot(page, 'users');

    t.users.newbie = username;
    const newbie = await h.signIn('newbie');
    expect(await newbie.page.getByTestId('whoami').textContent()).toBe('新受理员');
    await newbie.page.getByRole('menuitem', { name: '工作台' }).waitFor();
    const me = (await h.apiAs('newbie', 'GET', '/api/v1/me')).json as { roles: string[]; unitId: string };
    expect(me.roles.sort()).toEqual(['dispatcher', 'intake']);
    expect(me.unitId).toBe(t.u.centre);
    await newbie.ctx.close();

    await page.getByRole('button', { name: `编辑 ${username}` }).click();
    await page.getByLabel('姓名').fill('受理员小王');
    await button(page.getByRole('dialog'), '保存').click();
    await succeeded(page);
    await page.getByRole('cell', { name: '受理员小王' }).first().waitFor();
  });

  it("changes a category's time limit, and GET shows it", async () => {
    await tab('categories');
    await page.getByLabel('搜索编码或名称').fill('06010');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: '编辑 06010' }).click();
    await page.getByLabel('一般 处置 时限').fill('3');
    await shot(page, 'category-edit');
    await button(page.getByRole('dialog'), '保存').click();
    await succeeded(page);
    const cats = (await h.apiAs('admin', 'GET', '/api/v1/categories?q=06010')).json as { items: Array<{ code: string; limits: { normal: { handle: { amount: number } } } }> };
    expect(cats.items.find((c) => c.code === '06010')?.limits.normal.handle.amount).toBe(3);
    await shot(page, 'categories');
  });

  it('adds a holiday to the working calendar', async () => {
    await tab('calendar');
    await page.getByLabel('日期').fill('2026-12-21');
    await button(page, '设为假日').click();
    await succeeded(page);
    await expect.poll(() => page.getByTestId('own-holidays').textContent()).toContain('2026-12-21');
    const cal = (await h.apiAs('dispatcher', 'GET', '/api/v1/settings/calendar')).json as { holidays: string[] };
    expect(cal.holidays).toContain('2026-12-21');
    await shot(page, 'calendar');
  });

  it('creates an API key that works against the API, shown once', async () => {
    await tab('keys');
    await button(page, '新建 API 密钥').click();
    await page.getByLabel('用途名称').fill('数据共享平台');
    await choose(page, '代表用户', t.users.leader as string);
    await button(page.getByRole('dialog'), '创建').click();
    const secret = page.getByTestId('secret');
    await secret.waitFor();
    const key = ((await secret.textContent()) ?? '').trim();
    await shot(page, 'api-key-created');
    const me = await fetch(`${h.base}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { username: string }).username).toBe(t.users.leader);
    await button(page, '我已保存').click();
    await page.getByRole('cell', { name: '数据共享平台' }).first().waitFor();
    await shot(page, 'api-keys');
  });

  it('creates a webhook (secret shown once) and pauses it', async () => {
    await tab('webhooks');
    await button(page, '新增 Webhook').click();
    await page.getByLabel('URL').fill('http://127.0.0.1:9/onegrid-hook');
    await button(page.getByRole('dialog'), '创建').click();
    const secret = page.getByTestId('secret');
    await secret.waitFor();
    expect(await secret.textContent()).toMatch(/whsec_/);
    await button(page, '我已保存').click();
    await page.getByRole('cell', { name: 'http://127.0.0.1:9/onegrid-hook' }).first().waitFor();
    await button(page, '暂停').click();
    await page.getByText('已暂停').waitFor();
    const hooks = (await h.apiAs('admin', 'GET', '/api/v1/webhooks')).json as { items: Array<{ url: string; active: boolean }> };
    expect(hooks.items).toMatchObject([{ url: 'http://127.0.0.1:9/onegrid-hook', active: false }]);
    await shot(page, 'webhooks');
  });

  it('adds a responsibility rule and shows the intake and supervision settings', async () => {
    await tab('responsibility');
    await button(page, '新增规则').click();
    await choose(page, '类别', '06010');
    await choose(page, '位置', '街道1');
    await choose(page, '责任单位', '城管局');
    await shot(page, 'responsibility-new');
    await button(page.getByRole('dialog'), '保存').click();
    await succeeded(page);
    await page.getByRole('cell', { name: '06010 暴露垃圾' }).first().waitFor();
    const rules = (await h.apiAs('admin', 'GET', '/api/v1/responsibility-rules')).json as { items: Array<{ id: string; category: { code: string }; area: { id: string } | null; unit: { id: string } }> };
    expect(rules.items.map((r) => [r.category.code, r.area?.id, r.unit.id])).toContainEqual(['06010', t.u.s1, t.u.cgj]);
    // Editing changes the rule in place (PATCH): same id, new unit.
    const added = rules.items.find((r) => r.category.code === '06010' && r.area?.id === t.u.s1 && r.unit.id === t.u.cgj);
    await button(page.getByRole('row').filter({ hasText: '06010 暴露垃圾' }).filter({ hasText: '城管局' }).first(), '编辑').click();
    await choose(page, '责任单位', '水利局');
    await button(page.getByRole('dialog'), '保存').click();
    await succeeded(page);
    await page.getByRole('row').filter({ hasText: '06010 暴露垃圾' }).filter({ hasText: '水利局' }).first().waitFor();
    const after = (await h.apiAs('admin', 'GET', '/api/v1/responsibility-rules')).json as typeof rules;
    expect(after.items.find((r) => r.id === added?.id)?.unit.id).toBe(t.u.slj);
    expect(after.items).toHaveLength(rules.items.length);
    await shot(page, 'responsibility');
    await tab('settings');
    await expect.poll(() => page.getByLabel('督办反馈时限（工作小时）').inputValue()).not.toBe('');
    await shot(page, 'settings');
  });

  it('lists the change just made in 操作日志, and a leader sees that tab alone', async () => {
    await tab('audit');
    const paused = page.getByRole('row').filter({ hasText: '暂停 Webhook' });
    await paused.first().waitFor();
    expect(await paused.first().textContent()).toContain('http://127.0.0.1:9/onegrid-hook');
    expect(await paused.first().textContent()).toContain(t.users.admin as string);
    await choose(page, '操作', '修改用户');
    await button(page, '查询').click();
    await page.getByRole('row').filter({ hasText: '受理员小王' }).first().waitFor();
    expect(await page.getByRole('row').filter({ hasText: '暂停 Webhook' }).count()).toBe(0);
    await shot(page, 'audit');
    const { page: p, ctx } = await h.signIn('leader');
    await p.goto(`${h.base}#/admin/users`);
    await p.getByRole('tab', { name: '操作日志' }).waitFor();
    expect(await p.getByRole('tab').count()).toBe(1);
    await ctx.close();
  });

  it('fits a phone', async () => {
    const { page: p, ctx } = await h.signIn('admin', { viewport: PHONE });
    for (const key of ['units', 'users', 'calendar', 'audit']) {
      await p.goto(`${h.base}#/admin/${key}`);
      await p.getByRole('tabpanel').waitFor();
      await p.waitForLoadState('networkidle');
      await p.screenshot({ path: path.join(ARTIFACTS, `admin-${key}-phone.png`), fullPage: true });
      // Nothing wider than the screen: tables scroll inside themselves.
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    }
    await ctx.close();
  });

  it('is not offered to a non-admin, and the API refuses them', async () => {
    const { page: p, ctx } = await h.signIn('intake');
    await p.getByRole('menuitem', { name: '工作台' }).waitFor();
    expect(await p.getByRole('menuitem', { name: '系统管理' }).count()).toBe(0);
    await p.goto(`${h.base}#/admin/users`);
    await p.getByRole('menuitem', { name: '工作台' }).waitFor();
    expect(await p.getByRole('button', { name: /新建用户/ }).count()).toBe(0);
    await ctx.close();
    const refused = [
      await h.apiAs('intake', 'POST', '/api/v1/users', { username: `x-${t.code}`, password: PASSWORD, displayName: 'x', roles: ['admin'], unitId: t.u.centre }),
      await h.apiAs('intake', 'PATCH', `/api/v1/users/${t.u.centre}`, { roles: ['admin'] }),
      await h.apiAs('intake', 'POST', '/api/v1/api-keys', { name: 'x', userId: 'x' }),
      await h.apiAs('intake', 'PUT', '/api/v1/settings/calendar', { holidays: ['2026-12-22'] }),
    ];
    for (const r of refused) {
      expect(r.status).toBe(403);
      expect((r.json as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    }
    expect(h.errors).toEqual([]);
  });
});
