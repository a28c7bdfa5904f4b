/**
 * Work-report targets over HTTP on both stores: the ledger (create, update, import, validation),
 * progress by lead unit and co-units with corrections, status on a hand-computed example, the
 * leaders' board and its scope, and overdue reports turned into supervision orders once each.
 */
import { describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.ts';
import { type SuiteContext, useDistrict } from '../support/suite.ts';

/** District time (UTC+8). */
const local = (s: string) => Date.parse(`${s}+08:00`);

const indicator = (over: Record<string, unknown> = {}) => ({
  year: 2026,
  code: 'JOBS',
  name: '城镇新增就业',
  nameEn: 'New urban jobs',
  category: '民生',
  kind: 'indicator',
  unitOfMeasure: '人',
  direction: 'at_least',
  targetValue: 1200,
  leadUnit: 'cgj',
  cadence: 'monthly',
  sourceQuote: '城镇新增就业1200人以上',
  ...over,
});

describe.each(STORES)('work-report targets ($name)', (kind) => {
  let ctx: SuiteContext;
  useDistrict(kind, (c) => {
    ctx = c;
  });
  const as = (u: string) => ctx.a.as(u);
  const ids = { jobs: '', pilot: '', air: '', behind: '' };

  async function create(body: Record<string, unknown>, who = 'supervisor') {
    const r = await (await as(who)).post('/api/v1/targets', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; version: number; status: { status: string } };
  }
  async function progress(who: string, id: string, body: Record<string, unknown>) {
    return (await as(who)).post(`/api/v1/targets/${id}/progress`, body);
  }

  it('creates an indicator and refuses bad targets with stable codes', async () => {
    const jobs = await create(indicator());
    ids.jobs = jobs.id;
    expect(jobs).toMatchObject({ code: 'JOBS', accrual: 'cumulative', deadline: '2026-12-31', leadUnit: { code: 'cgj' }, coUnits: [], version: 1 });
    const sup = await as('supervisor');
    const cases: Array<[Record<string, unknown>, number, string, RegExp]> = [
      [indicator({ code: 'X1', targetValue: undefined }), 400, 'VALIDATION_FAILED', /direction .* and targetValue/],
      [indicator({ code: 'X2', leadUnit: 'nope' }), 400, 'UNKNOWN_UNIT', /leadUnit: no unit nope/],
      [indicator({ code: 'X3', direction: 'growth_pct', accrual: 'cumulative' }), 400, 'VALIDATION_FAILED', /growth_pct target is a level/],
      [indicator({ code: 'X4', deadline: '2025-06-30' }), 400, 'VALIDATION_FAILED', /before the target year/],
      [indicator({ code: 'bad code!' }), 400, 'VALIDATION_FAILED', /body.code/],
      [indicator(), 409, 'ALREADY_EXISTS', /JOBS of 2026 already exists/],
      [
        { ...indicator({ code: 'X5', kind: 'task' }), milestones: [{ code: 'a', name: 'A', due: '2027-01-31' }] },
        400,
        'VALIDATION_FAILED',
        /after the deadline/,
      ],
    ];
    for (const [body, status, code, message] of cases) {
      const r = await sup.post('/api/v1/targets', body);
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(r.body.error.code).toBe(code);
      expect(r.body.error.message).toMatch(message);
    }
    // A handler may report but not manage.
    const h = await (await as('h-cgj')).post('/api/v1/targets', indicator({ code: 'X6' }));
    expect(h.status).toBe(403);
    expect(h.body.error.code).toBe('FORBIDDEN');
  });

  it('updates with the version read, and refuses a stale one or a changed code', async () => {
    const sup = await as('supervisor');
    const r = await sup.put(`/api/v1/targets/${ids.jobs}`, { ...indicator({ name: '城镇新增就业人数' }), version: 1 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ name: '城镇新增就业人数', version: 2 });
    const stale = await sup.put(`/api/v1/targets/${ids.jobs}`, { ...indicator(), version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('TARGET_CONFLICT');
    const recode = await sup.put(`/api/v1/targets/${ids.jobs}`, { ...indicator({ code: 'JOBS2' }), version: 2 });
    expect(recode.status).toBe(400);
    expect(recode.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('imports CSV and JSON, replacing by year and code; one bad row imports nothing', async () => {
    const sup = await as('supervisor');
    const csv = [
      'year,code,name,category,kind,direction,target_value,lead_unit,co_units,cadence,milestones,source_quote',
      '2026,AIR,空气质量优良天数,生态,indicator,at_least,300,slj,,monthly,,确保全年空气优良天数达300天以上',
      '2026,PILOT,城管进社区试点,城市管理,task,,,cgj,s2,quarterly,plan=2026-03-31=方案|run=2026-06-30=运行,"开展“城管进社区”试点"',
    ].join('\n');
    const ok = await ctx.a.raw('POST', '/api/v1/targets/import', { token: sup.token, payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toEqual({ created: 2, updated: 0 });
    const again = await sup.post('/api/v1/targets/import', [{ ...indicator({ code: 'AIR', name: '优良天数', targetValue: 310, leadUnit: 'slj' }) }]);
    expect(again.body).toEqual({ created: 0, updated: 1 });
    const bad = await sup.post('/api/v1/targets/import', { targets: [indicator({ code: 'NEW1' }), indicator({ code: 'NEW2', leadUnit: 'zzz' })] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('IMPORT_INVALID');
    expect(bad.body.error.details.problems).toEqual([{ index: 1, reason: 'leadUnit: no unit zzz in the district' }]);
    const list = (await sup.get('/api/v1/targets?year=2026')).body.items as Array<{ code: string; id: string; targetValue: number | null; coUnits: Array<{ code: string }>; milestones: unknown[] }>;
    expect(list.map((x) => x.code).sort()).toEqual(['AIR', 'JOBS', 'PILOT']);
    expect(list.find((x) => x.code === 'AIR')?.targetValue).toBe(310);
    const pilot = list.find((x) => x.code === 'PILOT');
    expect(pilot?.coUnits.map((u) => u.code)).toEqual(['s2']);
    expect(pilot?.milestones).toHaveLength(2);
    ids.pilot = pilot?.id as string;
    ids.air = list.find((x) => x.code === 'AIR')?.id as string;
  });

  it('takes progress from the lead unit and co-units only, and checks periods and values', async () => {
    // Now: Monday 2 March 2026.
    expect((await progress('h-cgj', ids.jobs, { period: '2026-01', value: 100, narrative: '1月' })).status).toBe(201);
    const feb = await progress('h-cgj', ids.jobs, { period: '2026-02', value: 190, narrative: '1-2月累计' });
    expect(feb.status, JSON.stringify(feb.body)).toBe(201);
    expect(feb.body.report).toMatchObject({ period: '2026-02', unit: { code: 'cgj' }, value: 190, current: true });
    // Attachments are uploaded files of the district (a PDF statistics sheet here).
    const who = await ctx.t.s.auth.authenticate((await as('h-cgj')).token);
    if (!who) throw new Error('no principal');
    const pdf = await ctx.t.s.files.save(who, Buffer.from('%PDF-1.4 就业统计表'));
    const withFile = await progress('h-cgj', ids.air, { period: '2026-02', value: 40, attachments: [pdf.id], unitId: 'slj' });
    expect(withFile.status).toBe(404);
    const slj = await progress('h-slj', ids.air, { period: '2026-02', value: 40, attachments: [pdf.id] });
    expect(slj.status, JSON.stringify(slj.body)).toBe(201);
    expect(slj.body.report.attachments).toEqual([pdf.id]);

    const refused: Array<[string, string, Record<string, unknown>, number, string]> = [
      ['an unrelated street', 'h-s2', { period: '2026-02', value: 1 }, 404, 'NOT_FOUND'],
      ['the water bureau', 'h-slj', { period: '2026-02', value: 1 }, 404, 'NOT_FOUND'],
      ['a period not begun', 'h-cgj', { period: '2026-04', value: 1 }, 400, 'TARGET_PERIOD_INVALID'],
      ['a quarter on a monthly target', 'h-cgj', { period: '2026Q1', value: 1 }, 400, 'TARGET_PERIOD_INVALID'],
      ['no value', 'h-cgj', { period: '2026-02' }, 400, 'VALIDATION_FAILED'],
      ['an unknown attachment', 'h-cgj', { period: '2026-02', value: 1, attachments: ['nope'] }, 400, 'VALIDATION_FAILED'],
      ['intake (no target.report)', 'intake', { period: '2026-02', value: 1 }, 403, 'FORBIDDEN'],
    ];
    for (const [name, who, body, status, code] of refused) {
      const r = await progress(who, ids.jobs, body);
      expect(r.status, `${name}: ${JSON.stringify(r.body)}`).toBe(status);
      expect(r.body.error.code, name).toBe(code);
    }

    // The co-unit (street 2) reports for itself, but not for the lead unit.
    const co = await progress('h-s2', ids.pilot, { period: '2026Q1', milestonesDone: ['plan'], narrative: '试点方案已印发' });
    expect(co.status, JSON.stringify(co.body)).toBe(201);
    expect(co.body.report.unit.code).toBe('s2');
    const forLead = await progress('h-s2', ids.pilot, { period: '2026Q1', narrative: 'x', unitId: 'cgj' });
    expect(forLead.status).toBe(403);
    expect(forLead.body.error.code).toBe('TARGET_REPORT_FORBIDDEN');
    const badMilestone = await progress('h-cgj', ids.pilot, { period: '2026Q1', milestonesDone: ['nope'], narrative: 'x' });
    expect(badMilestone.body.error.code).toBe('VALIDATION_FAILED');
    // Street 1 is neither lead nor co-unit: it does not see the target at all.
    expect((await (await as('h-s1')).get(`/api/v1/targets/${ids.pilot}`)).status).toBe(404);
  });

  it('judges status on a hand-computed example, and a correction replaces the value with history kept', async () => {
    // 1200 a year; the February figure describes 1 March 00:00, 59 of 365 days in:
    // expected 1200 × 59/365 = 193.97; 190 is within 10 % below → at_risk.
    const sup = await as('supervisor');
    const before = (await sup.get(`/api/v1/targets/${ids.jobs}?asOf=2026-03-31`)).body;
    expect(before.status).toMatchObject({ status: 'at_risk', actual: 190, latestPeriod: '2026-02', overdue: [] });
    expect(before.status.expected).toBeCloseTo((1200 * 59) / 365, 2);

    const fix = await progress('h-cgj', ids.jobs, { period: '2026-02', value: 200, narrative: '更正: 补录两个社区数据' });
    expect(fix.status).toBe(201);
    const after = (await sup.get(`/api/v1/targets/${ids.jobs}?asOf=2026-03-31`)).body;
    expect(after.status).toMatchObject({ status: 'on_track', actual: 200 });
    const feb = (after.progress as Array<{ period: string; value: number; current: boolean; supersededAt: string | null }>).filter((p) => p.period === '2026-02');
    expect(feb.map((p) => [p.value, p.current])).toEqual([
      [190, false],
      [200, true],
    ]);
    expect(feb[0]?.supersededAt).not.toBeNull();

    // By 20 April March's report (due 11 April) is missing: on_track becomes at_risk and it is listed.
    const late = (await sup.get(`/api/v1/targets/${ids.jobs}?asOf=2026-04-20`)).body;
    expect(late.status).toMatchObject({ status: 'at_risk', overdue: [{ period: '2026-03', dueAt: new Date(local('2026-04-11T00:00:00')).toISOString() }] });
    // Filter by status.
    const risky = (await sup.get('/api/v1/targets?year=2026&status=at_risk&asOf=2026-04-20')).body.items as Array<{ code: string }>;
    expect(risky.map((x) => x.code)).toContain('JOBS');
  });

  describe('the board (2025 targets, seen on 20 July 2025)', () => {
    it('counts by status and category, lists what needs attention and overdue reports by unit, within scope', async () => {
      ctx.t.clock.set(local('2025-07-15T10:00:00'));
      const q = (code: string, over: Record<string, unknown>) => create({ ...indicator({ year: 2025, code, cadence: 'quarterly' }), ...over });
      const x1 = await q('B-ON', { targetValue: 365, category: '经济发展' });
      const x2 = await q('B-RISK', { direction: 'growth_pct', targetValue: 6, leadUnit: 'slj', category: '经济发展' });
      const x3 = await q('B-BEHIND', { direction: 'at_most', targetValue: 5, category: '民生' });
      const x4 = await create({ year: 2025, code: 'B-DONE', name: '试点', category: '民生', kind: 'task', leadUnit: 's1', cadence: 'quarterly', milestones: [{ code: 'm', name: '完成', due: '2025-06-30' }] });
      ids.behind = x3.id;
      for (const [who, id, body] of [
        ['h-cgj', x1.id, { period: '2025Q1', value: 90 }],
        ['h-cgj', x1.id, { period: '2025Q2', value: 181 }],
        ['h-slj', x2.id, { period: '2025Q1', value: 6.1 }],
        ['h-slj', x2.id, { period: '2025Q2', value: 5.5 }],
        ['h-cgj', x3.id, { period: '2025Q1', value: 6 }],
        ['h-s1', x4.id, { period: '2025Q1', milestonesDone: ['m'] }],
      ] as const) {
        const r = await progress(who, id, body);
        expect(r.status, JSON.stringify(r.body)).toBe(201);
      }
      const board = (await (await as('leader')).get('/api/v1/targets/board?year=2025&asOf=2025-07-20')).body;
      expect(board).toMatchObject({ total: 4, byStatus: { on_track: 1, at_risk: 1, behind: 1, achieved: 1 } });
      expect(board.byCategory).toEqual([
        { category: '民生', total: 2, on_track: 0, at_risk: 0, behind: 1, achieved: 1 },
        { category: '经济发展', total: 2, on_track: 1, at_risk: 1, behind: 0, achieved: 0 },
      ]);
      expect(board.attention.map((x: { code: string; status: string }) => [x.code, x.status])).toEqual([
        ['B-BEHIND', 'behind'],
        ['B-RISK', 'at_risk'],
      ]);
      // B-BEHIND's Q2 report (due 10 July) is missing; the achieved task owes nothing more.
      expect(board.overdueByUnit).toEqual([{ unit: { id: ctx.t.u.cgj, code: 'cgj', name: '城管局' }, count: 1, items: [expect.objectContaining({ code: 'B-BEHIND', period: '2025Q2' })] }]);

      const street = (await (await as('h-s1')).get('/api/v1/targets/board?year=2025&asOf=2025-07-20')).body;
      expect(street).toMatchObject({ total: 1, byStatus: { achieved: 1 }, overdueByUnit: [] });
      const dept = (await (await as('h-cgj')).get('/api/v1/targets?year=2025')).body.items as Array<{ code: string }>;
      expect(dept.map((x) => x.code).sort()).toEqual(['B-BEHIND', 'B-ON']);
    });
  });

  it('turns an overdue report into one supervision call per dedupe key, and retries a failed one', async () => {
    ctx.t.clock.set(local('2025-07-20T10:00:00'));
    const calls: Array<{ districtId: string; dedupeKey: string; subject: unknown; source: string }> = [];
    let fail = true;
    ctx.t.s.targets.attachSupervision({
      async issue(districtId, order) {
        if (fail && order.dedupeKey.startsWith(`target:${ids.behind}:`)) {
          fail = false;
          throw new Error('supervision is down');
        }
        calls.push({ districtId, ...order });
        return {};
      },
    });
    const key = `target:${ids.behind}:2025Q2:${ctx.t.u.cgj}`;
    await ctx.t.s.targets.remindOverdue();
    expect(calls.filter((c) => c.dedupeKey === key)).toHaveLength(0);
    await ctx.t.s.targets.remindOverdue();
    await ctx.t.s.targets.remindOverdue();
    const mine = calls.filter((c) => c.dedupeKey === key);
    expect(mine).toEqual([{ districtId: ctx.t.districtId, dedupeKey: key, subject: { kind: 'target', targetId: ids.behind, unitId: ctx.t.u.cgj }, source: 'target_report_overdue', reason: expect.stringContaining('B-BEHIND'), issuedBy: null }]);
    // Every key is issued once, however many passes.
    const keys = calls.map((c) => c.dedupeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('issues a real supervision order (督办) for an overdue report through services.supervision', async () => {
    ctx.t.clock.set(local('2025-07-20T10:00:00'));
    ctx.t.s.targets.attachSupervision(ctx.t.s.supervision);
    const y = await create({ ...indicator({ year: 2025, code: 'B-SILENT', cadence: 'quarterly', leadUnit: 'jtj' }) });
    expect(await ctx.t.s.targets.remindOverdue()).toBeGreaterThanOrEqual(1);
    expect(await ctx.t.s.targets.remindOverdue()).toBe(0);
    const orders = await ctx.store.db.selectFrom('supervision_orders').select(['dedupe_key', 'source', 'unit_id']).where('district_id', '=', ctx.t.districtId).where('target_id', '=', y.id).execute();
    // Q2 is reminded once; Q1 fell due more than 90 days ago (10 April): history, not news.
    const key = (q: string) => `target:${y.id}:2025${q}:${ctx.t.u.jtj}`;
    expect(orders.filter((o) => o.dedupe_key === key('Q2'))).toEqual([{ dedupe_key: key('Q2'), source: 'target_report_overdue', unit_id: ctx.t.u.jtj }]);
    expect(orders.filter((o) => o.dedupe_key === key('Q1'))).toEqual([]);
  });
});
