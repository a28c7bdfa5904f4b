/**
 * The demo's work-report targets: every 2024 target of the Jiangbei report (§9) and a selection
 * of tasks load with their source sentences and lead units, quickly, and the invented 2024
 * progress makes the board, seen on 30 September 2024, show a mix of statuses.
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { seedTargets } from '../../src/modules/demo/seed-targets.ts';
import { dataFile } from '../../src/platform/paths.ts';
import type { Principal } from '../../src/platform/principal.ts';
import { createServices, type Services } from '../../src/services.ts';
import { STORES } from '../support/stores.ts';

const departments = JSON.parse(fs.readFileSync(dataFile('demo', 'jiangbei', 'departments.json'), 'utf8')) as {
  centre: { code: string; name: string };
  departments: Array<{ code: string; name: string }>;
};
const STREETS = ['500105001', '500105002', '500105003', '500105004', '500105005', '500105006', '500105007', '500105008', '500105009', '500105100', '500105101', '500105102'];

describe.each(STORES)('demo work-report targets ($name)', (kind) => {
  let s: Services;
  let districtId: string;
  let seeded: { targets: number; reports: number };
  let ms = 0;
  const principal = (unitCode: string, districtWide: boolean): Principal => {
    const unit = [...dirUnits()].find((u) => u.code === unitCode);
    return { userId: 'u', username: 'u', displayName: 'u', districtId, roles: ['leader'], unitId: unit?.id as string, unitKind: unit?.kind as string, districtWide, via: 'session' };
  };
  let dirUnits: () => Iterable<{ id: string; code: string; kind: string }> = () => [];

  beforeAll(async () => {
    const store = await kind.open();
    s = await createServices(loadConfig({ ONEGRID_DATA_DIR: fs.mkdtempSync('/tmp/onegrid-test-'), LOG_LEVEL: 'silent' }), { store, migrate: false });
    const tag = randomBytes(4).toString('hex');
    const d = await s.org.createDistrict({ code: `D${tag}`, name: `江北演示${tag}`, casePrefix: `D${tag.slice(0, 3).toUpperCase()}` });
    districtId = d.id;
    const feature = (code: string, name: string, k: string, geometry: unknown = null) => ({ type: 'Feature', properties: { code, name, kind: k, parentCode: null }, geometry });
    // Streets need an area; a row of small squares will do.
    const square = (i: number) => {
      const [x, y, e] = [106.5 + i * 0.01, 29.5, 0.01];
      return { type: 'Polygon', coordinates: [[[x, y], [x + e, y], [x + e, y + e], [x, y + e], [x, y]]] };
    };
    await s.org.importUnits(districtId, {
      type: 'FeatureCollection',
      features: [feature(departments.centre.code, departments.centre.name, 'centre'), ...departments.departments.map((x) => feature(x.code, x.name, 'department')), ...STREETS.map((c, i) => feature(c, `街道${c}`, 'street', square(i)))],
    });
    const dir = await s.org.directory(districtId);
    dirUnits = () => dir.all();
    const t0 = performance.now();
    seeded = await seedTargets(s, districtId);
    ms = performance.now() - t0;
  });
  afterAll(async () => {
    await s?.store.close();
  });

  it('loads every 2024 target of the report and a selection of tasks, each with its source sentence, fast', async () => {
    const all = await s.targets.list(principal('centre', true), { year: 2024 });
    const indicators = all.filter((x) => x.kind === 'indicator');
    const tasks = all.filter((x) => x.kind === 'task');
    expect(seeded.targets).toBe(all.length);
    expect(indicators).toHaveLength(19);
    expect(tasks.length).toBeGreaterThanOrEqual(8);
    expect(tasks.length).toBeLessThanOrEqual(12);
    expect(all.every((x) => x.sourceQuote && x.leadUnit.name)).toBe(true);
    const gdp = all.find((x) => x.code === 'GDP-GROWTH');
    expect(gdp).toMatchObject({ direction: 'growth_pct', targetValue: 6, leadUnit: { name: '区发展改革委' }, sourceQuote: '地区生产总值增长6%以上' });
    expect(all.find((x) => x.code === 'IND-OUTPUT')).toMatchObject({ targetValue: 1650, baseline: { value: 1509, year: 2023 } });
    expect(all.find((x) => x.code === 'GOOD-AIR-DAYS')).toMatchObject({ targetValue: 300, baseline: { value: 289, year: 2023 } });
    expect(all.find((x) => x.code === 'UNEMPLOYMENT')).toMatchObject({ direction: 'at_most', accrual: 'level', targetValue: 5.5 });
    expect(seeded.reports).toBeGreaterThan(100);
    // The demo seed's budget is 100 ms; the bound is loose for a shared machine.
    expect(ms).toBeLessThan(1000);
  });

  it('shows a mix of statuses on 30 September 2024, and two units with overdue reports', async () => {
    const asOf = Date.parse('2024-09-30T23:59:59+08:00');
    const board = await s.targets.board(principal('centre', true), { year: 2024, asOf });
    expect(board.byStatus).toEqual({ on_track: 16, at_risk: 8, behind: 5, achieved: 1 });
    expect(board.overdueByUnit.map((u) => [u.unit.code, u.count])).toEqual([
      ['tzcj', 2],
      ['mzj', 1],
    ]);
    expect(board.attention.filter((x) => x.status === 'behind').map((x) => x.code)).toEqual(['BIG-PROJECTS', 'FAI-GROWTH', 'HIGH-TECH', 'SCHOOLS', 'T-WASTE-FREE']);
  });

  it('lets a street see the tasks it co-runs, and nothing else', async () => {
    const mine = await s.targets.list(principal('500105006', false), { year: 2024 });
    expect(mine.map((x) => x.code).sort()).toEqual(['T-141', 'T-CGJ-COMMUNITY']);
  });
});
