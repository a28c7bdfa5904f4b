/**
 * One console under test in Debian's Chromium (playwright-core): the real server and worker on a
 * fresh test district, the built console, and people signing in as their roles. Each e2e file
 * starts its own (tests run in parallel files); `errors` collects every browser console error and
 * page error, which the files assert empty (antd deprecation warnings count).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import pino from 'pino';
import { buildApp } from '../../../server/src/app.ts';
import type { Store } from '../../../server/src/db/store.ts';
import { Worker } from '../../../server/src/worker.ts';
import { makeDistrict, PASSWORD, type TestDistrict } from '../../../server/test/support/district.ts';
import { STORES } from '../../../server/test/support/stores.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const ARTIFACTS = path.resolve(ROOT, '..', '..', 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Flags from the machine notes: headless as root, and no background calls to the closed network.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const WALL = { width: 1920, height: 1080 };
export const PHONE = { width: 390, height: 844 };

export interface SignInOptions {
  viewport?: { width: number; height: number };
  geolocation?: { longitude: number; latitude: number };
}

export interface ConsoleHarness {
  t: TestDistrict;
  base: string;
  browser: Browser;
  errors: string[];
  signIn(user: string, opts?: SignInOptions): Promise<{ ctx: BrowserContext; page: Page }>;
  /** A bearer token for `user`, to set the scene through the API. */
  token(user: string): Promise<string>;
  /** fetch against the API as `user` (JSON in and out). */
  apiAs(user: string, method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  close(): Promise<void>;
}

export async function startConsole(): Promise<ConsoleHarness> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium fonts-noto-cjk (or set CHROMIUM_PATH)`);
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'ensure-built.mjs')], { stdio: 'inherit' });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const store: Store = await (STORES[0] as (typeof STORES)[number]).open();
  const t = await makeDistrict(store);
  const app = await buildApp(t.s);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  // The real worker, as `onegrid start` runs it: its outbox loop feeds the live stream and the cockpit.
  const worker = new Worker(t.s, pino({ level: 'silent' }));
  worker.start();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const errors: string[] = [];
  const tokens = new Map<string, string>();

  async function token(user: string): Promise<string> {
    const known = tokens.get(user);
    if (known) return known;
    const r = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: t.users[user], password: PASSWORD }),
    });
    if (r.status !== 200) throw new Error(`login as ${user}: HTTP ${r.status}`);
    const tok = ((await r.json()) as { token: string }).token;
    tokens.set(user, tok);
    return tok;
  }

  return {
    t,
    base,
    browser,
    errors,
    token,
    async apiAs(user, method, url, body) {
      const r = await fetch(`${base}${url}`, {
        method,
        headers: { authorization: `Bearer ${await token(user)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await r.text();
      return { status: r.status, json: text ? JSON.parse(text) : null };
    },
    async signIn(user, opts = {}) {
      const ctx = await browser.newContext({
        viewport: opts.viewport ?? WALL,
        locale: 'zh-CN',
        ...(opts.geolocation ? { geolocation: opts.geolocation, permissions: ['geolocation'] } : {}),
      });
      const page = await ctx.newPage();
      page.on('console', (m) => m.type() === 'error' && errors.push(`${user}: ${m.text()}`));
      page.on('pageerror', (e) => errors.push(`${user}: ${e.message}`));
      await page.goto(base);
      await page.getByLabel('用户名').fill(t.users[user] as string);
      await page.getByLabel('密码').fill(PASSWORD);
      await page.getByRole('button', { name: /登\s*录/ }).click();
      await page.getByTestId('whoami').waitFor();
      return { ctx, page };
    },
    async close() {
      await worker.stop();
      await browser.close();
      await app.close();
      await store.close();
    },
  };
}
