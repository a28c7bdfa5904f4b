/**
 * An action answers with the case as its transaction wrote it, without reading it back: the
 * answer must equal what a GET by the same user returns right after, at every step of the loop.
 */
import { describe, expect, it } from 'vitest';
import type { TestDistrict } from '../support/district.ts';
import type { Api, Client, Res } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

/** Cohandlers come from unordered rows, so they are compared as a set. */
const normal = (v: Record<string, unknown>) => ({
  ...v,
  cohandlers: [...((v.cohandlers as Array<{ id: string }>) ?? [])].sort((x, y) => x.id.localeCompare(y.id)),
});

describe.each(STORES)('action answers on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });

  async function step(who: Client, id: string, action: string, body: Record<string, unknown> = {}): Promise<Res['body']> {
    const r = await who.act(id, action, body);
    expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
    const read = await who.get(`/api/v1/cases/${id}`);
    expect(read.status).toBe(200);
    expect(normal(r.body), action).toEqual(normal(read.body));
    return r.body;
  }

  async function report(grid = 's1c1g1') {
    const r = await (await a.as('intake')).post('/api/v1/cases', {
      channel: 'hotline',
      description: '井盖缺失',
      location: t.point(grid),
      category: { kind: 'matter', code: '06010' },
      reporter: { name: '李女士', phone: '13900139000' },
    });
    expect(r.status).toBe(201);
    return r.body as { id: string };
  }

  it('through the whole loop with cohandlers, postponement, suspension and rework', async () => {
    const [intake, sl, disp, h, g] = await Promise.all(['intake', 'shift_leader', 'dispatcher', 'h-s1', 'g-s1c1'].map((u) => a.as(u)));
    if (!intake || !sl || !disp || !h || !g) throw new Error('missing user');
    const { id } = await report();
    await step(intake, id, 'accept');
    await step(sl, id, 'register', { urgency: 'urgent' });
    const d = await step(disp, id, 'dispatch', { leadUnitId: t.u.s1, cohandlerUnitIds: [t.u.slj] });
    expect(d.leadUnit.id).toBe(t.u.s1);
    const co = await step(disp, id, 'add_cohandler', { cohandlerUnitIds: [t.u.cgj] });
    expect(co.cohandlers.map((u: { id: string }) => u.id).sort()).toEqual([t.u.cgj, t.u.slj].sort());
    await step(h, id, 'sign');
    const until = new Date(Date.parse(d.deadlineAt) + 3 * 86400_000).toISOString();
    await step(h, id, 'postpone_request', { reason: '需协调', until });
    await step(disp, id, 'postpone_approve');
    t.clock.advance(3600_000);
    await step(sl, id, 'suspend', { reason: '等待批复' });
    t.clock.advance(3600_000);
    await step(sl, id, 'resume');
    await step(h, id, 'report_handled', { note: '已处理' });
    await step(g, id, 'check');
    await step(g, id, 'check_fail', { reason: '仍有问题' });
    await step(h, id, 'report_handled', { note: '返工完成' });
    await step(g, id, 'check');
    await step(g, id, 'check_pass');
    await step(sl, id, 'close');
    const done = await step(intake, id, 'visit', { satisfaction: 'satisfied', resolved: true });
    expect(done.state).toBe('EVALUATED');
  });

  it('after a return, a re-dispatch, and a merge', async () => {
    const [intake, sl, disp, h2] = await Promise.all(['intake', 'shift_leader', 'dispatcher', 'h-s2'].map((u) => a.as(u)));
    if (!intake || !sl || !disp || !h2) throw new Error('missing user');
    const { id } = await report('s2c1g1');
    await step(intake, id, 'accept');
    await step(sl, id, 'register');
    await step(disp, id, 'dispatch', { leadUnitId: t.u.s2, cohandlerUnitIds: [t.u.jtj] });
    const back = await step(h2, id, 'return', { reason: '非本单位职责' });
    expect(back.leadUnit).toBeNull();
    expect(back.cohandlers).toEqual([]);
    await step(disp, id, 'dispatch', { leadUnitId: t.u.cgj });

    const master = await report('s2c1g2');
    const dup = await report('s2c1g2');
    const merged = await step(intake, dup.id, 'merge', { masterCaseId: master.id });
    expect(merged.state).toBe('MERGED');
    expect(merged.mergedInto).toBe(master.id);
  });
});
