/**
 * A small synthetic district per test (tests share a database and run in parallel): a centre,
 * three departments, two streets of two communities with four grids each, users for every
 * role, the full national catalogue with the demo defaults.
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Role } from '@onegrid/domain/access/roles';
import { loadConfig } from '../../src/config.ts';
import { hashPassword } from '../../src/modules/auth/secrets.ts';
import type { DefaultsFile } from '../../src/modules/taxonomy/catalogue.ts';
import { dataFile } from '../../src/platform/paths.ts';
import { createServices, type Services } from '../../src/services.ts';
import type { Store } from '../../src/db/store.ts';
import { ManualClock } from '../../src/platform/clock.ts';

export const PASSWORD = 'test-password-1';
let hash: Promise<string> | null = null;

/** Monday 2026-03-02 09:00 Asia/Shanghai: inside working hours. */
export const MONDAY_9AM = Date.parse('2026-03-02T09:00:00+08:00');

const square = (x: number, y: number, d: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ],
  ],
});

export interface TestDistrict {
  s: Services;
  clock: ManualClock;
  districtId: string;
  code: string;
  /** unit id by short name: centre, cgj, slj, jtj, s1, s2, s1c1 …, s1c1g1 … */
  u: Record<string, string>;
  /** username by short name: intake, shift_leader, dispatcher, supervisor, leader, admin, h-cgj, h-s1, g-s1c1 … */
  users: Record<string, string>;
  /** A point inside the named grid (e.g. s1c1g1). */
  point(grid: string): { lng: number; lat: number };
}

export async function makeDistrict(store: Store, opts: { clock?: ManualClock; dataDir?: string } = {}): Promise<TestDistrict> {
  const clock = opts.clock ?? new ManualClock(MONDAY_9AM);
  // Tests move the clock by days; sessions must outlive that.
  const config = loadConfig({ ONEGRID_DATA_DIR: opts.dataDir ?? fs.mkdtempSync('/tmp/onegrid-test-'), ONEGRID_SESSION_TTL_HOURS: '100000', LOG_LEVEL: 'silent' });
  const s = await createServices(config, { store, clock, migrate: false });
  const tag = randomBytes(4).toString('hex');
  const code = `T${tag}`;
  const d = await s.org.createDistrict({ code, name: `测试区${tag}`, casePrefix: `T${tag.slice(0, 3).toUpperCase()}` });
  const f = (c: string, name: string, kind: string, parentCode: string | null, geometry: unknown = null) => ({
    type: 'Feature',
    properties: { code: c, name, kind, parentCode },
    geometry,
  });
  const features: unknown[] = [f('centre', '测试中心', 'centre', null), f('cgj', '城管局', 'department', null), f('slj', '水利局', 'department', null), f('jtj', '交通局', 'department', null)];
  const points: Record<string, { lng: number; lat: number }> = {};
  // Street i occupies a 0.04° square; communities split it in halves; grids split communities in 2x2.
  for (const si of [1, 2]) {
    const sx = 106.5 + (si - 1) * 0.04;
    features.push(f(`s${si}`, `街道${si}`, 'street', null, square(sx, 29.5, 0.04)));
    for (const ci of [1, 2]) {
      const cx = sx + (ci - 1) * 0.02;
      const cc = `s${si}c${ci}`;
      features.push(f(cc, `社区${si}-${ci}`, 'community', `s${si}`, { type: 'Polygon', coordinates: [[[cx, 29.5], [cx + 0.02, 29.5], [cx + 0.02, 29.54], [cx, 29.54], [cx, 29.5]]] }));
      let gi = 0;
      for (const gx of [0, 0.01]) {
        for (const gy of [0, 0.02]) {
          gi++;
          const gc = `${cc}g${gi}`;
          features.push(f(gc, `网格${gc}`, 'grid', cc, { type: 'Polygon', coordinates: [[[cx + gx, 29.5 + gy], [cx + gx + 0.01, 29.5 + gy], [cx + gx + 0.01, 29.52 + gy], [cx + gx, 29.52 + gy], [cx + gx, 29.5 + gy]]] }));
          points[gc] = { lng: cx + gx + 0.005, lat: 29.5 + gy + 0.01 };
        }
      }
    }
  }
  await s.org.importUnits(d.id, { type: 'FeatureCollection', features });
  const defaults = JSON.parse(fs.readFileSync(dataFile('taxonomy', 'jiangbei-defaults.json'), 'utf8')) as DefaultsFile;
  await s.taxonomy.seedCatalogue(d.id, dataFile('taxonomy', 'gbt47678-5-2026.csv'), defaults);
  const dir = await s.org.directory(d.id);
  const u: Record<string, string> = {};
  for (const unit of dir.all()) u[unit.code] = unit.id;
  hash ??= hashPassword(PASSWORD);
  const h = await hash;
  const users: Record<string, string> = {};
  const mk = (short: string, roles: Role[], unit: string) => {
    users[short] = `${short}-${tag}`;
    return { username: users[short], password: PASSWORD, displayName: short, roles, unitId: u[unit] as string };
  };
  await s.auth.createUsers(
    d.id,
    [
      mk('admin', ['admin'], 'centre'),
      mk('intake', ['intake'], 'centre'),
      mk('shift_leader', ['shift_leader'], 'centre'),
      mk('dispatcher', ['dispatcher'], 'centre'),
      mk('supervisor', ['supervisor'], 'centre'),
      mk('leader', ['leader'], 'centre'),
      mk('h-cgj', ['handler'], 'cgj'),
      mk('h-slj', ['handler'], 'slj'),
      mk('h-s1', ['handler', 'dispatcher'], 's1'),
      mk('h-s2', ['handler', 'dispatcher'], 's2'),
      mk('g-s1c1', ['grid_worker'], 's1c1'),
      mk('g-s2c1', ['grid_worker'], 's2c1'),
      mk('gateway', ['gateway'], 'centre'),
    ],
    { precomputedHash: h },
  );
  return {
    s,
    clock,
    districtId: d.id,
    code,
    u,
    users,
    point: (g) => {
      const p = points[g];
      if (!p) throw new Error(`no grid ${g}`);
      return p;
    },
  };
}
