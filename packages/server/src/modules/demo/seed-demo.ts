/**
 * The Jiangbei demo district: the real outline, the 12 real towns/streets and their real
 * communities, generated demonstration grids, the centre and real-named departments, the
 * national catalogue with local limits, a plausible responsibility matrix and demo users.
 */
import fs from 'node:fs';
import type { Role } from '@onegrid/domain/access/roles';
import { hashPassword } from '../auth/secrets.ts';
import { dataFile } from '../../platform/paths.ts';
import type { Services } from '../../services.ts';
import type { DefaultsFile } from '../taxonomy/catalogue.ts';
import { loadJiangbeiDemoGeometry } from './district-geometry.ts';
import { seedSensors } from './seed-sensors.ts';
import { seedTargets } from './seed-targets.ts';

export const DEMO_DISTRICT_CODE = '500105';

interface Departments {
  centre: { code: string; name: string; nameEn: string };
  departments: Array<{ code: string; name: string; nameEn: string }>;
}

const readJson = <T>(...p: string[]): T => JSON.parse(fs.readFileSync(dataFile(...p), 'utf8')) as T;

export interface DemoSeedResult {
  districtId: string;
  units: number;
  users: number;
  categories: number;
  rules: number;
  devices: number;
  sensorRules: number;
  targets: number;
}

export async function seedDemo(s: Services, opts: { password: string; onStep?: (step: string) => void }): Promise<DemoSeedResult> {
  const step = opts.onStep ?? (() => {});
  step('district');
  const district = await s.org.createDistrict({
    code: DEMO_DISTRICT_CODE,
    name: '江北区',
    casePrefix: 'JB',
    demo: true,
    // The demo shows 自动派遣: unambiguous reports are merged or dispatched without a person.
    settings: { workingHours: [[510, 720], [840, 1050]], warnRatio: 0.8, intake: { automation: true } },
  });
  const deps = readJson<Departments>('demo', 'jiangbei', 'departments.json');
  step('geometry');
  const geo = loadJiangbeiDemoGeometry(dataFile('demo', 'jiangbei'));
  const feature = (code: string, name: string, kind: string, parentCode: string | null, geometry: unknown = null, nameEn?: string) => ({
    type: 'Feature',
    properties: { code, name, kind, parentCode, nameEn, demoGeometry: geometry !== null },
    geometry,
  });
  const features = [
    feature(deps.centre.code, deps.centre.name, 'centre', null, null, deps.centre.nameEn),
    ...deps.departments.map((d) => feature(d.code, d.name, 'department', null, null, d.nameEn)),
    ...geo.towns.map((t) => feature(t.code, t.name, t.kind, null, t.geometry)),
    ...geo.communities.map((c) => feature(c.code, c.name, c.kind, c.parentCode, c.geometry)),
    ...geo.grids.map((g) => feature(g.code, g.name, 'grid', g.parentCode, g.geometry)),
    ...geo.socialGrids.map((g) => feature(g.code, g.name, 'social_grid', g.parentCode, g.geometry)),
  ];
  step('units');
  const { imported } = await s.org.importUnits(district.id, { type: 'FeatureCollection', features });

  step('categories');
  const defaults = readJson<DefaultsFile>('taxonomy', 'jiangbei-defaults.json');
  const categories = await s.taxonomy.seedCatalogue(district.id, dataFile('taxonomy', 'gbt47678-5-2026.csv'), defaults);

  step('responsibility matrix');
  const dir = await s.org.directory(district.id);
  const id = (code: string) => {
    const u = dir.unitByCode(code);
    if (!u) throw new Error(`demo unit ${code} missing`);
    return u.id;
  };
  const streets = geo.towns.filter((t) => t.kind === 'street');
  const towns = geo.towns.filter((t) => t.kind === 'town');
  const matters = await s.taxonomy.list(district.id, { kind: 'matter' });
  const rules = [
    // In the nine urban streets street-order matters (09) go to urban-management law enforcement;
    // in the three rural towns the town itself handles them (属地).
    ...streets.flatMap((st) =>
      matters.filter((m) => m.majorCode === '09').map((m) => ({ categoryKind: 'matter', categoryCode: m.code, areaUnitId: id(st.code), unitId: id('cgj') })),
    ),
    ...towns.flatMap((t) =>
      matters.filter((m) => m.majorCode === '09' || m.majorCode === '06').map((m) => ({ categoryKind: 'matter', categoryCode: m.code, areaUnitId: id(t.code), unitId: id(t.code) })),
    ),
    // Riverside streets: water-body cleanliness goes to the water bureau.
    ...['500105002', '500105005', '500105008']
      .filter((c) => dir.unitByCode(c))
      .flatMap((c) => matters.filter((m) => m.name.includes('水域')).map((m) => ({ categoryKind: 'matter', categoryCode: m.code, areaUnitId: id(c), unitId: id('slj') }))),
  ];
  await s.taxonomy.addRules(district.id, rules);

  step('users');
  const hash = await hashPassword(opts.password);
  const centre = id(deps.centre.code);
  const user = (username: string, displayName: string, roles: Role[], unitId: string) => ({ username, displayName, roles, unitId, password: opts.password });
  const users = [
    user('admin', '系统管理员', ['admin'], centre),
    user('intake', '受理员 张敏', ['intake'], centre),
    user('shift_leader', '值班长 李强', ['shift_leader'], centre),
    user('dispatcher', '派遣员 王芳', ['dispatcher'], centre),
    user('supervisor', '督查员 陈刚', ['supervisor'], centre),
    user('leader', '分管领导 刘洋', ['leader'], centre),
    ...deps.departments.map((d) => user(`h-${d.code}`, `${d.name}处置员`, ['handler'], id(d.code))),
    ...geo.towns.map((t) => user(`h-${t.code}`, `${t.name}处置员`, ['handler', 'dispatcher'], id(t.code))),
    ...geo.communities.map((c) => user(`g-${c.code}`, `${c.name.replace(/居民委员会|村民委员会/, '')}网格员`, ['grid_worker', 'handler'], id(c.code))),
    // The sensor platform's integration user: no password, only API keys (README, "Perception").
    { ...user('iot-gateway', '物联网关 (sensor gateway)', ['gateway'], centre), password: null },
  ];
  await s.auth.createUsers(district.id, users, { precomputedHash: hash });
  await s.gazetteer.importFile(district.id, fs.readFileSync(dataFile('demo', 'jiangbei', 'gazetteer.csv'), 'utf8'), undefined, { source: 'demo' });
  step('sensors');
  const sensors = await seedSensors(s, district.id, geo);
  step('targets');
  const targets = await seedTargets(s, district.id);
  return { districtId: district.id, units: imported, users: users.length, categories, rules: rules.length, devices: sensors.devices, sensorRules: sensors.rules, targets: targets.targets };
}
