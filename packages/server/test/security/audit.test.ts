/**
 * The audit log (操作日志): every administrative change writes exactly one row in its own
 * transaction, with what changed and never a secret; a refused or failed change writes none;
 * only admins, leaders and supervisors read it, each their own district alone, page by page.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Store } from '../../src/db/store.ts';
import { makeDistrict, type TestDistrict } from '../support/district.ts';
import { api, type Api, type Client, type Res } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

interface Row {
  id: string;
  at: string;
  actorUserId: string | null;
  actorUsername: string;
  action: string;
  subjectKind: string;
  subjectId: string;
  summary: Record<string, unknown>;
}

const SECRET = /password|secret|whsec_|oga_|ogs_|hash/i;

describe.each(STORES)('audit log on $name', (kind) => {
  let store: Store;
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ store, t, a } = x);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const send = async (method: string, url: string, body?: unknown): Promise<Res> => a.raw(method, url, { token: (await a.as('admin')).token, ...(body !== undefined ? { body } : {}) });
  const log = async (query: Record<string, string>, as = 'admin'): Promise<Row[]> => {
    const r = await (await a.as(as)).get(`/api/v1/audit?${new URLSearchParams({ limit: '500', ...query })}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.items as Row[];
  };
  /** The one row the change wrote; fails on none or several. */
  const only = async (action: string, subjectId: string): Promise<Row> => {
    const rows = await log({ action, subjectId });
    expect(rows, `${action} ${subjectId}`).toHaveLength(1);
    const row = rows[0] as Row;
    expect(JSON.stringify(row.summary)).not.toMatch(SECRET);
    expect(row.actorUsername).toBe(t.users.admin);
    return row;
  };
  const ok = (r: Res, status = 200) => {
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    return r.body;
  };

  it('records user create, update, disable, enable and password reset, without the password', async () => {
    const username = `audited-${t.code}`;
    const user = ok(await send('POST', '/api/v1/users', { username, password: 'a-secret-password-1', displayName: '张三', roles: ['grid_worker'], unitId: t.u.s1c1 }), 201);
    expect((await only('user.create', user.id)).summary).toMatchObject({ username, displayName: '张三', roles: ['grid_worker'], unitId: t.u.s1c1 });
    ok(await send('PATCH', `/api/v1/users/${user.id}`, { displayName: '张三丰', roles: ['handler', 'handler'] }));
    const upd = await only('user.update', user.id);
    expect(upd.summary).toEqual({ username, displayName: '张三丰', roles: ['handler'] });
    expect(upd.subjectKind).toBe('user');
    ok(await send('POST', `/api/v1/users/${user.id}/disable`));
    ok(await send('POST', `/api/v1/users/${user.id}/enable`));
    await only('user.disable', user.id);
    await only('user.enable', user.id);
    ok(await send('POST', `/api/v1/users/${user.id}/password`, { password: 'another-secret-pw-2' }));
    expect((await only('user.password_reset', user.id)).summary).toEqual({ username });
    expect(JSON.stringify(await log({ subjectId: user.id }))).not.toContain('secret-p');
  });

  it('records API key create and revoke without the key', async () => {
    const key = ok(await send('POST', '/api/v1/api-keys', { name: '对接平台', userId: (await t.s.auth.userByUsername(t.users.gateway as string))?.id }), 201);
    const row = await only('api_key.create', key.id);
    expect(row.summary).toMatchObject({ name: '对接平台', username: t.users.gateway });
    expect(JSON.stringify(row)).not.toContain(key.key);
    expect(JSON.stringify(row)).not.toContain(key.prefix);
    ok(await send('DELETE', `/api/v1/api-keys/${key.id}`));
    await only('api_key.revoke', key.id);
    // Revoking again is refused and writes nothing more.
    expect((await send('DELETE', `/api/v1/api-keys/${key.id}`)).status).toBe(404);
    await only('api_key.revoke', key.id);
  });

  it('records unit import and rename', async () => {
    const code = `x${t.code.slice(1, 6)}`;
    ok(await send('POST', '/api/v1/units/import', { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code, name: '新部门', kind: 'department', parentCode: null }, geometry: null }] }));
    const imported = (await log({ action: 'unit.import' })).filter((r) => (r.summary.codes as string[]).includes(code));
    expect(imported).toHaveLength(1);
    expect(imported[0]?.summary.imported).toBe(1);
    ok(await send('PATCH', `/api/v1/units/${t.u.s1}`, { name: '第一街道' }));
    expect((await only('unit.rename', t.u.s1 as string)).summary).toEqual({ name: '第一街道' });
  });

  it('records category edits and responsibility rules', async () => {
    ok(await send('PATCH', '/api/v1/categories/matter/06010', { active: false }));
    expect((await only('category.update', 'matter:06010')).summary).toEqual({ active: false });
    ok(await send('PATCH', '/api/v1/categories/matter/06010', { active: true }));
    expect(await log({ action: 'category.update', subjectId: 'matter:06010' })).toHaveLength(2);
    const [rule] = ok(await send('POST', '/api/v1/responsibility-rules', { rules: [{ categoryKind: 'matter', categoryCode: '06010', areaUnitId: t.u.s1, unitId: t.u.cgj }] }), 201).items;
    expect((await only('responsibility_rule.create', rule.id)).summary).toEqual({ categoryKind: 'matter', categoryCode: '06010', areaUnitId: t.u.s1, unitId: t.u.cgj });
    ok(await send('PATCH', `/api/v1/responsibility-rules/${rule.id}`, { unitId: t.u.slj }));
    expect((await only('responsibility_rule.update', rule.id)).summary).toEqual({ unitId: t.u.slj });
    ok(await send('DELETE', `/api/v1/responsibility-rules/${rule.id}`));
    await only('responsibility_rule.delete', rule.id);
  });

  it('records calendar, intake and supervision settings, boards and the evaluation scheme', async () => {
    ok(await send('PUT', '/api/v1/settings/calendar', { warnRatio: 0.7 }));
    expect((await only('settings.calendar', t.districtId)).summary).toEqual({ warnRatio: 0.7 });
    ok(await send('PUT', '/api/v1/settings/intake', { automation: true }));
    expect((await only('settings.intake', t.districtId)).summary).toEqual({ automation: true });
    ok(await send('PUT', '/api/v1/settings/supervision', { responseWorkingHours: 16 }));
    expect((await only('settings.supervision', t.districtId)).summary).toEqual({ responseWorkingHours: 16 });
    const board = { code: 'hotline', title: { zh: '热线', en: 'Hotline' }, widgets: [{ source: 'cases.trend', type: 'bar', span: 24, params: { days: 30 } }] };
    ok(await send('PUT', '/api/v1/cockpit/boards', { boards: [board] }));
    expect((await only('boards.save', t.districtId)).summary).toEqual({ boards: [{ code: 'hotline', widgets: 1 }] });
    const { scheme } = ok(await send('GET', '/api/v1/evaluation/scheme'));
    const saved = ok(await send('PUT', '/api/v1/evaluation/scheme', { ...scheme, name: '审计测试方案' }), 201);
    expect((await only('evaluation_scheme.save', String(saved.version))).summary).toMatchObject({ version: saved.version, name: '审计测试方案' });
  });

  it('records webhook create, pause, resume and delete without the signing secret', async () => {
    const hook = ok(await send('POST', '/api/v1/webhooks', { url: 'https://example.com/hook', topics: ['case.*'] }), 201);
    const created = await only('webhook.create', hook.id);
    expect(created.summary).toEqual({ url: 'https://example.com/hook', topics: ['case.*'] });
    expect(JSON.stringify(created)).not.toContain(hook.secret);
    ok(await send('POST', `/api/v1/webhooks/${hook.id}/disable`));
    ok(await send('POST', `/api/v1/webhooks/${hook.id}/enable`));
    ok(await send('DELETE', `/api/v1/webhooks/${hook.id}`));
    for (const action of ['webhook.pause', 'webhook.resume', 'webhook.delete']) await only(action, hook.id);
  });

  it('records alarm rule create, update, disable and enable, and one row per device import', async () => {
    const p = t.point('s1c1g1');
    const csv = ['code,type,name,lng,lat', `AU-1,water_level,审计积水点1,${p.lng},${p.lat}`, `AU-2,water_level,审计积水点2,${p.lng + 0.001},${p.lat}`, `AU-3,noise,审计噪声,${p.lng},${p.lat + 0.001}`].join('\n');
    ok(await a.raw('POST', '/api/v1/perception/devices/import', { token: (await a.as('admin')).token, payload: csv, headers: { 'content-type': 'text/csv' } }));
    expect((await only('device.import', t.districtId)).summary).toEqual({ imported: 3, byType: { water_level: 2, noise: 1 }, codes: ['AU-1', 'AU-2', 'AU-3'] });

    const body = { code: 'au-high', name: '审计积水', deviceType: 'water_level', condition: { kind: 'threshold', measurement: 'currentLevel', direction: 'above', raise: 0.3, clear: 0.2 } };
    const rule = ok(await send('POST', '/api/v1/perception/rules', body), 201);
    const created = await only('alarm_rule.create', rule.id);
    expect(created.subjectKind).toBe('alarm_rule');
    expect(created.summary).toMatchObject({ ...body, urgency: 'normal', active: true, autoReport: false, forMinutes: 0 });
    ok(await send('PUT', `/api/v1/perception/rules/${rule.id}`, { ...body, name: '审计积水（改）', urgency: 'urgent' }));
    expect((await only('alarm_rule.update', rule.id)).summary).toEqual({ code: 'au-high', name: '审计积水（改）', urgency: 'urgent' });
    ok(await send('PUT', `/api/v1/perception/rules/${rule.id}`, { ...body, name: '审计积水（改）', urgency: 'urgent', active: false }));
    expect((await only('alarm_rule.disable', rule.id)).summary).toEqual({ code: 'au-high', name: '审计积水（改）' });
    ok(await send('PUT', `/api/v1/perception/rules/${rule.id}`, { ...body, name: '审计积水（改）', urgency: 'urgent' }));
    await only('alarm_rule.enable', rule.id);
    expect(await log({ action: 'alarm_rule.update', subjectId: rule.id })).toHaveLength(1);
  });

  it('records target create, update and import, but not progress reports', async () => {
    const target = { year: 2026, code: 'AUD1', name: '审计指标', category: '民生', kind: 'indicator', direction: 'at_least', targetValue: 100, leadUnit: 'cgj', cadence: 'monthly' };
    const made = ok(await send('POST', '/api/v1/targets', target), 201);
    const created = await only('target.create', made.id);
    expect(created.subjectKind).toBe('target');
    expect(created.summary).toMatchObject({ year: 2026, code: 'AUD1', name: '审计指标', targetValue: 100, leadUnitId: t.u.cgj, coUnitIds: [] });
    ok(await send('PUT', `/api/v1/targets/${made.id}`, { ...target, targetValue: 120, version: made.version }));
    expect((await only('target.update', made.id)).summary).toEqual({ year: 2026, code: 'AUD1', version: 2, targetValue: 120 });
    ok(await send('POST', '/api/v1/targets/import', [{ ...target, targetValue: 130 }, { ...target, code: 'AUD2', name: '审计指标二' }]));
    const imported = await only('target.import', t.districtId);
    expect(imported.summary).toEqual({ created: 1, updated: 1, codes: ['2026:AUD1', '2026:AUD2'] });
    // A unit's report is operational data with its own history, not an administrative change.
    const reported = await (await a.as('h-cgj')).post(`/api/v1/targets/${made.id}/progress`, { period: '2026-01', value: 10, narrative: '一月进展' });
    expect(reported.status, JSON.stringify(reported.body)).toBe(201);
    expect(await log({ subjectId: made.id })).toHaveLength(2);
  });

  it('records a cockpit rebuild and a classifier retrain against the district', async () => {
    const rebuilt = ok(await send('POST', '/api/v1/cockpit/rebuild', {}));
    expect((await only('cockpit.rebuild', t.districtId)).summary).toEqual(rebuilt);
    const model = ok(await send('POST', '/api/v1/intake/models/retrain'), 201);
    expect((await only('classifier.retrain', t.districtId)).summary).toEqual({ version: model.version, examples: model.examples });
  });

  it('writes no row for a refused change', async () => {
    const before = (await log({})).length;
    expect((await send('PATCH', `/api/v1/users/${t.u.centre}`, { displayName: 'x' })).status).toBe(404);
    expect((await send('PATCH', '/api/v1/categories/matter/99999', { active: false })).status).toBe(404);
    expect((await send('PUT', '/api/v1/settings/calendar', { workingHours: [[600, 500]] })).status).toBe(400);
    expect((await send('PUT', '/api/v1/settings/supervision', { cards: [{ indicator: 'x', yellowAbove: 5, redAbove: 1 }] })).status).toBe(400);
    expect((await send('DELETE', '/api/v1/responsibility-rules/nope')).status).toBe(404);
    expect((await send('POST', '/api/v1/webhooks/nope/disable')).status).toBe(404);
    const rule = { code: 'refused', name: 'x', deviceType: 'noise', condition: { kind: 'offline', minutes: 5 } };
    expect((await send('POST', '/api/v1/perception/rules', { ...rule, deviceType: 'nonsense' })).status).toBe(400);
    expect((await send('PUT', '/api/v1/perception/rules/nope', rule)).status).toBe(404);
    expect((await send('POST', '/api/v1/perception/devices/import', { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: 'FAR', type: 'noise', name: 'x' }, geometry: { type: 'Point', coordinates: [0, 0] } }] })).status).toBe(400);
    const target = { year: 2026, code: 'REFUSED', name: 'x', category: 'x', kind: 'indicator', direction: 'at_least', targetValue: 1, leadUnit: 'zzz' };
    expect((await send('POST', '/api/v1/targets', target)).status).toBe(400);
    expect((await send('POST', '/api/v1/targets/import', [target])).status).toBe(400);
    const made = ok(await send('POST', '/api/v1/targets', { ...target, code: 'STALE', leadUnit: 'cgj' }), 201);
    expect((await send('PUT', `/api/v1/targets/${made.id}`, { ...target, code: 'STALE', leadUnit: 'cgj', version: made.version + 1 })).status).toBe(409);
    expect((await (await a.as('supervisor')).post('/api/v1/cockpit/rebuild', {})).status).toBe(403);
    expect((await (await a.as('intake')).post('/api/v1/intake/models/retrain')).status).toBe(403);
    // Only the target the stale update needed was recorded.
    expect((await log({}))[0]?.summary).toMatchObject({ code: 'STALE' });
    expect(await log({})).toHaveLength(before + 1);
  });

  it('leaves no change without its row: a failure writing the row rolls the change back', async () => {
    const leader = await t.s.auth.userByUsername(t.users.leader as string);
    const settingsBefore = (await t.s.org.districtById(t.districtId))?.settings;
    vi.spyOn(t.s.audit, 'record').mockRejectedValue(new Error('audit store down'));
    expect((await send('PATCH', `/api/v1/users/${leader?.id}`, { displayName: '不该改' })).status).toBe(500);
    expect((await send('PUT', '/api/v1/settings/calendar', { warnRatio: 0.5 })).status).toBe(500);
    expect((await send('POST', '/api/v1/webhooks', { url: 'https://example.com/lost', topics: ['case.*'] })).status).toBe(500);
    expect((await send('POST', '/api/v1/perception/rules', { code: 'lost', name: 'x', deviceType: 'noise', condition: { kind: 'offline', minutes: 5 } })).status).toBe(500);
    expect((await send('POST', '/api/v1/targets', { year: 2026, code: 'LOST', name: 'x', category: 'x', kind: 'task', leadUnit: 'cgj' })).status).toBe(500);
    vi.restoreAllMocks();
    expect((ok(await send('GET', '/api/v1/perception/rules')).items as Array<{ code: string }>).map((r) => r.code)).not.toContain('lost');
    expect((ok(await send('GET', '/api/v1/targets?year=2026')).items as Array<{ code: string }>).map((r) => r.code)).not.toContain('LOST');
    expect((await t.s.auth.userByUsername(t.users.leader as string))?.display_name).toBe('leader');
    t.s.org.invalidate(t.districtId);
    expect((await t.s.org.districtById(t.districtId))?.settings).toBe(settingsBefore);
    const hooks = ok(await send('GET', '/api/v1/webhooks')).items as Array<{ url: string }>;
    expect(hooks.map((h) => h.url)).not.toContain('https://example.com/lost');
    expect(await log({ subjectId: leader?.id as string })).toHaveLength(0);
  });

  it('is read by admins, leaders and supervisors only', async () => {
    for (const who of ['leader', 'supervisor']) expect((await (await a.as(who)).get('/api/v1/audit')).status).toBe(200);
    for (const who of ['dispatcher', 'intake', 'shift_leader', 'h-cgj', 'g-s1c1', 'gateway']) {
      const r = await (await a.as(who)).get('/api/v1/audit');
      expect(r.status, who).toBe(403);
      expect(r.body.error.code).toBe('FORBIDDEN');
    }
  });

  it('filters by actor, subject kind and time, and pages newest first with a cursor', async () => {
    const admin: Client = await a.as('admin');
    for (const ratio of [0.61, 0.62, 0.63, 0.64, 0.65]) {
      t.clock.advance(1000);
      ok(await admin.put('/api/v1/settings/calendar', { warnRatio: ratio }));
    }
    const all = await log({ action: 'settings.calendar' });
    const seen: Row[] = [];
    let cursor: string | null = null;
    do {
      const q: Record<string, string> = { action: 'settings.calendar', limit: '2', ...(cursor ? { before: cursor } : {}) };
      const r = await admin.get(`/api/v1/audit?${new URLSearchParams(q)}`);
      expect(r.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.items);
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen.map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(seen.slice(0, 5).map((r) => r.summary.warnRatio)).toEqual([0.65, 0.64, 0.63, 0.62, 0.61]);
    expect(new Set(seen.map((r) => r.id)).size).toBe(seen.length);

    const byActor = await log({ actor: t.users.admin as string, subjectKind: 'district' });
    expect(byActor.length).toBeGreaterThanOrEqual(5);
    expect(byActor.every((r) => r.actorUsername === t.users.admin && r.subjectKind === 'district')).toBe(true);
    expect(await log({ actor: t.users.leader as string })).toHaveLength(0);
    const last = seen[0] as Row;
    expect((await log({ action: 'settings.calendar', from: last.at })).map((r) => r.id)).toEqual([last.id]);
    expect((await log({ action: 'settings.calendar', to: last.at })).map((r) => r.id)).not.toContain(last.id);
    expect((await admin.get('/api/v1/audit?action=nonsense')).status).toBe(400);
  });

  it('shows another district nothing', async () => {
    const other = await makeDistrict(store);
    const b = await api(other);
    try {
      ok(await (await b.as('admin')).put('/api/v1/settings/calendar', { warnRatio: 0.66 }));
      const theirs = (await (await b.as('admin')).get('/api/v1/audit?limit=500')).body.items as Row[];
      expect(theirs.map((r) => r.action)).toEqual(['settings.calendar']);
      const ours = await log({});
      expect(ours.some((r) => r.subjectId === other.districtId)).toBe(false);
      expect(ours.every((r) => r.subjectKind !== 'district' || r.subjectId === t.districtId)).toBe(true);
    } finally {
      await b.app.close();
    }
  });
});
