/**
 * Refusals in the caller's language. The catalogue test reads the source, so a message added
 * without its Chinese fails here; the HTTP tests ask the same refusal in zh-CN and en-US.
 */
import { ACTIONS, decide, STATES } from '@onegrid/domain/case/lifecycle';
import { decideOrder, ORDER_STATUSES } from '@onegrid/domain/supervision/order';
import { describe, expect, it } from 'vitest';
import { negotiate, translateZh } from '../../src/platform/localize.ts';
import type { TestDistrict } from '../support/district.ts';
import type { Api } from '../support/http.ts';
import { scanRefusals } from '../support/refusals.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

const root = new URL('../../../../', import.meta.url).pathname;
const HAN = /\p{Script=Han}/u;

describe('the Chinese catalogue', () => {
  // The CLI's own checks (environment, arguments) speak to an operator's terminal, not to the API.
  const refusals = scanRefusals([`${root}packages/server/src`, `${root}packages/domain/src`], root, /^packages\/server\/src\/(config\.ts|cli\/)/);

  it('finds the refusals in the source (the scan itself works)', () => {
    expect(refusals.length).toBeGreaterThan(120);
    expect(refusals.some((r) => r.sample === 'wrong username or password')).toBe(true);
    expect(refusals.some((r) => r.sample.startsWith('case x1 not found (or not visible to you)'))).toBe(true);
    expect(refusals.some((r) => r.code === 'VALIDATION_FAILED' && r.sample.startsWith('body.reason: '))).toBe(true);
  });

  it('has a specific Chinese text for every message thrown in the source', () => {
    const missing = refusals.filter((r) => translateZh(r.sample) === null).map((r) => `${r.at} [${r.code}] ${r.sample}`);
    expect(missing, 'add these to packages/server/src/platform/messages-zh.ts').toEqual([]);
  });

  it('keeps the values and the field path, and writes Chinese', () => {
    for (const r of refusals) {
      const zh = translateZh(r.sample);
      if (zh === null) continue; // reported by the test above
      expect(zh, r.sample).toMatch(HAN);
      for (const x of r.sample.match(/\bx\d+\b/g) ?? []) expect(zh, `${r.at}: ${r.sample} → ${zh}`).toContain(x);
      const path = /^([A-Za-z][\w.[\]/-]*): /.exec(r.sample)?.[1];
      if (path) expect(zh.startsWith(`${path}: `), `${r.sample} → ${zh}`).toBe(true);
    }
  });

  it('covers every case decision: impossible actions, guards and the roles refusal', () => {
    const reasons = new Set<string>();
    for (const action of ACTIONS) {
      for (const state of STATES) {
        for (const suspended of [false, true]) {
          for (const postponementPending of [false, true]) {
            const d = decide(action, { state, suspended, postponementPending }, { roles: [], relations: new Set() });
            if (!d.ok) reasons.add(d.reason);
          }
        }
      }
    }
    expect(reasons.size).toBeGreaterThan(ACTIONS.length);
    const missing = [...reasons].filter((r) => translateZh(r) === null || !HAN.test(translateZh(r) as string));
    expect(missing).toEqual([]);
    // Action and state names are translated too, not carried over as codes.
    expect(translateZh('"dispatch" is not possible in state CLOSED')).toBe('案件已结案，不能“派遣”');
    expect(translateZh('your roles do not allow "register" on this case')).toBe('您的角色不能对此案件执行“立案”');
  });

  it('covers every supervision order decision', () => {
    const reasons = new Set<string>();
    for (const action of ['escalate', 'respond', 'close', 'close_with_subject'] as const) {
      for (const status of ORDER_STATUSES) {
        const d = decideOrder(action, status);
        if (!d.ok) reasons.add(d.reason);
      }
    }
    expect([...reasons].filter((r) => translateZh(r) === null)).toEqual([]);
    expect(translateZh('the order is closed; "respond" is possible only when it is open or escalated')).toBe('督办单已办结；只有在待回复或已升级（逾期未回复）时才能“回复”');
  });

  it('lets the most specific entry win', () => {
    expect(translateZh('unit u1 does not exist in this district; pick one from GET /api/v1/units')).toBe('本区不存在单位 u1；请从 GET /api/v1/units 中选择');
    expect(translateZh('unit u1 does not exist')).toBe('单位 u1 不存在');
  });

  it('negotiates zh* to zh-CN and anything else, or nothing, to en-US', () => {
    expect(negotiate(undefined)).toBe('en-US');
    expect(negotiate('')).toBe('en-US');
    expect(negotiate('zh-CN')).toBe('zh-CN');
    expect(negotiate('zh-TW,zh;q=0.9')).toBe('zh-CN');
    expect(negotiate('zh')).toBe('zh-CN');
    expect(negotiate('en-US,en;q=0.9,zh-CN;q=0.8')).toBe('en-US');
    expect(negotiate('fr-FR,zh-CN;q=0.5')).toBe('zh-CN');
    expect(negotiate('fr-FR')).toBe('en-US');
    expect(negotiate('zh-CN;q=0, en')).toBe('en-US');
  });
});

describe.each(STORES)('refusals in the caller language on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });

  const zh = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' };
  const en = { 'accept-language': 'en-US,en;q=0.9' };

  async function both(method: string, url: string, opts: { user?: string; body?: unknown; payload?: string; headers?: Record<string, string> } = {}) {
    const token = opts.user ? (await a.as(opts.user)).token : undefined;
    const base = { ...(token ? { token } : {}), ...(opts.body !== undefined ? { body: opts.body } : {}), ...(opts.payload !== undefined ? { payload: opts.payload } : {}) };
    const [z, e, none] = await Promise.all([
      a.raw(method, url, { ...base, headers: { ...opts.headers, ...zh } }),
      a.raw(method, url, { ...base, headers: { ...opts.headers, ...en } }),
      a.raw(method, url, { ...base, headers: { ...opts.headers } }),
    ]);
    expect(z.status).toBe(e.status);
    expect(z.body.error.code).toBe(e.body.error.code);
    expect(z.headers['content-language']).toBe('zh-CN');
    expect(e.headers['content-language']).toBe('en-US');
    expect(String(z.headers.vary)).toContain('Accept-Language');
    // No header: English, as before, for scripts and integrations.
    expect(none.body).toEqual(e.body);
    return { zh: z, en: e };
  }

  async function reportedCase(): Promise<{ id: string; version: number }> {
    const intake = await a.as('intake');
    const r = await intake.post('/api/v1/cases', { channel: 'hotline', description: '井盖缺失', location: t.point('s1c1g1'), category: { kind: 'component', code: '0101' } });
    if (r.status !== 201) {
      const r2 = await intake.post('/api/v1/cases', { channel: 'hotline', description: '井盖缺失', location: t.point('s1c1g1') });
      expect(r2.status, JSON.stringify(r2.body)).toBe(201);
      return r2.body;
    }
    return r.body;
  }

  it('a case action the roles do not allow', async () => {
    const c = await reportedCase();
    const r = await both('POST', `/api/v1/cases/${c.id}/actions/register`, { user: 'g-s1c1', body: { version: c.version } });
    expect(r.en.status).toBe(409);
    expect(r.en.body.error).toMatchObject({ code: 'CASE_INVALID_ACTION', message: '"register" is not possible in state REPORTED' });
    expect(r.zh.body.error.message).toBe('案件已上报，不能“立案”');
    // details (state, allowed actions) stay as thrown: clients branch on them, not on the text.
    expect(r.zh.body.error.details).toEqual(r.en.body.error.details);
  });

  it('a route the roles do not grant', async () => {
    const r = await both('POST', '/api/v1/units/import', { user: 'g-s1c1', body: { type: 'FeatureCollection', features: [] } });
    expect(r.en.status).toBe(403);
    expect(r.en.body.error.message).toMatch(/^this needs the "[\w:.]+" permission, which your roles do not grant$/);
    expect(r.zh.body.error.message).toMatch(/^此操作需要“[\w:.]+”权限，您的角色未被授予该权限$/);
  });

  it('a validation failure keeps its field path, with zod and schema messages in Chinese', async () => {
    const r = await both('POST', '/api/v1/cases', { user: 'intake', body: { channel: 'hotline', description: '   ', location: t.point('s1c1g1') } });
    expect(r.en.status).toBe(400);
    expect(r.en.body.error.message).toBe('body.description: describe the problem');
    expect(r.zh.body.error.message).toBe('body.description: 请描述问题');
    expect(r.zh.body.error.details.issues[0]).toEqual({ path: 'body.description', message: '请描述问题' });

    const bad = await both('POST', '/api/v1/cases', { user: 'intake', body: { channel: 'fax', description: 'x', location: { lng: 'east', lat: 29.5 } } });
    expect(bad.en.status).toBe(400);
    const paths = (x: { body: { error: { details: { issues: Array<{ path: string }> } } } }) => x.body.error.details.issues.map((i) => i.path);
    expect(paths(bad.zh)).toEqual(paths(bad.en));
    const byPath = Object.fromEntries((bad.zh.body.error.details.issues as Array<{ path: string; message: string }>).map((i) => [i.path, i.message]));
    expect(byPath['body.channel']).toMatch(/^应为以下之一：/);
    expect(byPath['body.location.lng']).toBe('应为数字，实际为字符串');
    expect(bad.zh.body.error.message).toMatch(/^body\.[\w.]+: \p{Script=Han}/u);
  });

  it('a missing required field', async () => {
    const r = await both('POST', '/api/v1/auth/login', { body: { username: 'someone' } });
    expect(r.en.status).toBe(400);
    expect(r.zh.body.error.message).toBe('body.password: 必填');
  });

  it('not found (or not visible)', async () => {
    const r = await both('GET', '/api/v1/cases/00000000-0000-0000-0000-000000000000', { user: 'intake' });
    expect(r.en.status).toBe(404);
    expect(r.en.body.error.message).toMatch(/^case \S+ not found \(or not visible to you\)$/);
    expect(r.zh.body.error.message).toMatch(/^案件 \S+ 不存在（或您无权查看）$/);
  });

  it('bad JSON, no sign-in, unknown route', async () => {
    const json = await both('POST', '/api/v1/auth/login', { payload: '{"username":', headers: { 'content-type': 'application/json' } });
    expect(json.en.body.error).toEqual({ code: 'INVALID_JSON', message: 'the request body is not valid JSON' });
    expect(json.zh.body.error).toEqual({ code: 'INVALID_JSON', message: '请求体不是有效的 JSON' });

    const anon = await both('GET', '/api/v1/cases');
    expect(anon.en.status).toBe(401);
    expect(anon.zh.body.error.message).toBe('请先登录：请求需携带 Authorization: Bearer <令牌或 API 密钥>');

    const route = await both('GET', '/api/v1/no-such-thing?x=1');
    expect(route.en.body.error).toEqual({ code: 'NOT_FOUND', message: 'no route GET /api/v1/no-such-thing' });
    expect(route.zh.body.error).toEqual({ code: 'NOT_FOUND', message: '没有此接口：GET /api/v1/no-such-thing' });
  });

  it('an import refusal: the count in the message, each problem reason in Chinese', async () => {
    const feature = { type: 'Feature', properties: { code: 'zz1', name: '测试社区', kind: 'community', parentCode: 'nowhere' }, geometry: null };
    const r = await both('POST', '/api/v1/units/import', { user: 'admin', body: { type: 'FeatureCollection', features: [feature] } });
    expect(r.en.status).toBe(400);
    expect(r.en.body.error.message).toBe('1 feature(s) are invalid; nothing was imported');
    expect(r.zh.body.error.message).toBe('有 1 个要素不合格；未导入任何数据');
    expect(r.en.body.error.details.problems[0]).toEqual({ index: 0, reason: 'a community needs a Polygon or MultiPolygon geometry' });
    expect(r.zh.body.error.details.problems[0]).toEqual({ index: 0, reason: '社区需要 Polygon 或 MultiPolygon 几何图形' });
  });

  it('sign-in refused', async () => {
    const r = await both('POST', '/api/v1/auth/login', { body: { username: t.users.intake, password: 'wrong-password' } });
    expect(r.en.status).toBe(401);
    expect(r.zh.body.error.message).toBe('用户名或密码错误');
  });
});
