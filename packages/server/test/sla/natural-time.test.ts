/** Emergencies run on natural time; other urgencies on the working calendar. */
import { describe, expect, it } from 'vitest';
import type { TestDistrict } from '../support/district.ts';
import type { Api } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

describe.each(STORES)('time basis by urgency on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });

  it('a Friday-night emergency is due within minutes; a normal report waits for Monday morning', async () => {
    t.clock.set(Date.parse('2026-03-06T22:00:00+08:00'));
    const intake = await a.as('intake');
    const base = { channel: 'hotline', description: '燃气调压箱附近有很重的燃气味', location: t.point('s2c2g1'), category: { kind: 'component', code: '01049' } };
    const emergency = (await intake.post('/api/v1/cases', { ...base, urgency: 'emergency' })).body;
    const normal = (await intake.post('/api/v1/cases', { ...base, urgency: 'normal' })).body;
    expect(emergency.urgency).toBe('emergency');
    expect(Date.parse(emergency.deadlineAt) - t.clock.now()).toBe(5 * 60_000);
    expect(emergency.remainingWorkingMinutes).toBe(5);
    expect(normal.deadlineAt).toBe(new Date('2026-03-09T09:30:00+08:00').toISOString());
    t.clock.advance(10 * 60_000);
    expect((await intake.get(`/api/v1/cases/${emergency.id}`)).body.light).toBe('red');
    expect((await intake.get(`/api/v1/cases/${normal.id}`)).body.light).toBe('green');
  });
});
