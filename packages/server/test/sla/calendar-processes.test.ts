/**
 * A calendar change made through one process's API reaches another process (the worker that
 * arms timers) within the district cache's few seconds, without a restart; and the process that
 * made it uses it at once.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services.ts';
import type { TestDistrict } from '../support/district.ts';
import type { Api } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

describe.each(STORES)('calendar changes across processes on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });

  it('a new district holiday reaches the other process within seconds', async () => {
    const config = loadConfig({ ONEGRID_DATA_DIR: fs.mkdtempSync('/tmp/onegrid-test-'), LOG_LEVEL: 'silent' });
    const worker = await createServices(config, { store: t.s.store, clock: t.clock, migrate: false });
    try {
      // Wednesday 2026-03-04 is an ordinary working day until the district says otherwise.
      expect((await worker.calendars.forDistrict(t.districtId)).calendar.isWorkingDay('2026-03-04')).toBe(true);
      const r = await (await a.as('admin')).put('/api/v1/settings/calendar', { holidays: ['2026-03-04'] });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect((await t.s.calendars.forDistrict(t.districtId)).calendar.isWorkingDay('2026-03-04')).toBe(false);
      t.clock.advance(6_000);
      expect((await worker.calendars.forDistrict(t.districtId)).calendar.isWorkingDay('2026-03-04')).toBe(false);
      // Unchanged settings keep the same calendar object (no rebuild per case).
      const same = await worker.calendars.forDistrict(t.districtId);
      t.clock.advance(6_000);
      expect(await worker.calendars.forDistrict(t.districtId)).toBe(same);
    } finally {
      // Not worker.close(): the store is the test district's, shared with the first process.
      await worker.bus.close();
    }
  });
});
