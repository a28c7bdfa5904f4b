/**
 * Refusals in the console's language: the console names its language on every API call, so a
 * refused action reads in Chinese by default and in English after the switch — the same refusal,
 * the same code, worded by the server.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, type ConsoleHarness, startConsole } from './support/browser.ts';

describe('refusals in the console language', () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await startConsole();
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  async function registeredCase(): Promise<string> {
    const { t } = h;
    const c = await h.apiAs('intake', 'POST', '/api/v1/cases', {
      channel: 'hotline',
      description: '街道1路口垃圾堆积',
      location: t.point('s1c1g1'),
      category: { kind: 'matter', code: '06010' },
    });
    expect(c.status, JSON.stringify(c.json)).toBe(201);
    let cur = c.json as { id: string; version: number };
    for (const [user, action] of [
      ['intake', 'accept'],
      ['shift_leader', 'register'],
    ] as const) {
      const r = await h.apiAs(user, 'POST', `/api/v1/cases/${cur.id}/actions/${action}`, { version: cur.version });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      cur = r.json as { id: string; version: number };
    }
    return cur.id;
  }

  it('a street dispatcher dispatching outside the street is refused in Chinese, then in English after the switch', async () => {
    const id = await registeredCase();
    const { page, ctx } = await h.signIn('h-s1');
    await page.goto(`${h.base}#/cases/${id}`);
    await page.locator('[data-action="dispatch"]').click();
    // A department is outside the street's own tree: the server refuses (403 CASE_ACTION_FORBIDDEN).
    await page.getByLabel('主办单位').fill('城管局');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /提\s*交/ }).click();
    const zh = page.locator('.ant-message-error', { hasText: '您只能派遣给本街道/镇内的单位' });
    await zh.waitFor();
    await page.waitForTimeout(400); // the toast slides in; let it settle for the screenshot
    await page.screenshot({ path: path.join(ARTIFACTS, 'refusal-zh.png') });
    await zh.waitFor({ state: 'detached', timeout: 10_000 });

    // Switch the console to English and try the same dispatch again: the same refusal, in English.
    await page.getByRole('button', { name: /取\s*消/ }).click();
    await page.getByLabel('语言').click();
    await page.getByTitle('English').click();
    await page.locator('[data-action="dispatch"]').click();
    await page.getByLabel('Lead unit').fill('城管局');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.locator('.ant-message-error', { hasText: 'you can dispatch only to units inside your own town/street' }).waitFor();
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(ARTIFACTS, 'refusal-en.png') });
    // The case is untouched: still registered, still offered for dispatch.
    expect(await page.locator('[data-action="dispatch"]').count()).toBe(1);
    await ctx.close();

    // Chromium logs each refused request; those two lines are expected, anything else is not.
    const refused = /Failed to load resource: the server responded with a status of 403/;
    expect(h.errors.filter((e) => refused.test(e))).toHaveLength(2);
    expect(h.errors.filter((e) => !refused.test(e))).toEqual([]);
  }, 120_000);
});
