/**
 * The gazetteer: CSV/GeoJSON import over HTTP and the CLI (all or nothing, bad rows by line),
 * geocoding address text to a point and its units, the confidence threshold, and the demo file.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { geometryContains } from '@onegrid/domain/geo/point-in-polygon';
import type { Polygon } from '@onegrid/domain/geo/geometry';
import { AreaIndex } from '@onegrid/domain/geo/grid-index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import type { Store } from '../../src/db/store.ts';
import { openStore } from '../../src/db/store.ts';
import { loadJiangbeiDemoGeometry } from '../../src/modules/demo/district-geometry.ts';
import { parseGazetteerFile } from '../../src/modules/intake/gazetteer-service.ts';
import { parseCsv } from '../../src/platform/data-file.ts';
import { dataFile } from '../../src/platform/paths.ts';
import { createServices } from '../../src/services.ts';
import { PASSWORD, type TestDistrict } from '../support/district.ts';
import type { Api, Client } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../../..');
const CLI = path.join(ROOT, 'packages/server/bin/onegrid.js');
const HEADER = 'kind,name,aliases,road,number,lng,lat';

/** A CSV of rows placed at the test district's grid centres (t.point). */
function csvFor(t: TestDistrict, rows: Array<[string, string, string, string, string, string]>): string {
  return [HEADER, ...rows.map(([kind, name, aliases, road, number, grid]) => [kind, name, aliases, road, number, t.point(grid).lng, t.point(grid).lat].join(','))].join('\n');
}

describe.each(STORES)('gazetteer on $name', (kind) => {
  let store: Store;
  let t: TestDistrict;
  let a: Api;
  let admin: Client;
  let intake: Client;
  useDistrict(kind, (x) => {
    ({ store, t, a } = x);
  });
  beforeAll(async () => {
    admin = await a.as('admin');
    intake = await a.as('intake');
  });

  const count = async () =>
    Number((await store.db.selectFrom('gazetteer_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('district_id', '=', t.districtId).executeTakeFirstOrThrow()).n);
  const importCsv = (c: Client, csv: string, query = '') =>
    a.raw('POST', `/api/v1/intake/gazetteer/import${query}`, { token: c.token, payload: csv, headers: { 'content-type': 'text/csv; charset=utf-8' } });
  const geocode = (c: Client, q: string) => c.get(`/api/v1/intake/geocode?q=${encodeURIComponent(q)}`);

  it('imports a CSV and geocodes a door, an alias and a road to their points and units', async () => {
    const csv = csvFor(t, [
      ['road', '测试大道', '', '', '', 's1c1g1'],
      ['door', '测试大道8号', '', '测试大道', '8', 's1c1g2'],
      ['door', '测试大道18号', '', '测试大道', '十八号', 's1c2g3'],
      ['poi', '测试中心广场', '"中心广场|东门广场"', '', '', 's2c1g4'],
      ['area', '东片区', '', '', '', 's2c2g1'],
    ]);
    const r = await importCsv(admin, csv);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ imported: 5, replaced: 0 });
    expect(await count()).toBe(5);

    // The district's own name is a prefix that says nothing inside it.
    const door = await geocode(intake, `测试区${t.code.slice(1)}测试大道八号附近`);
    expect(door.status, JSON.stringify(door.body)).toBe(200);
    expect(door.body.query).toMatchObject({ road: '测试大道', number: '8', qualifier: '附近' });
    expect(door.body.best).toMatchObject({
      kind: 'door',
      name: '测试大道8号',
      ...t.point('s1c1g2'),
      confidence: 0.95,
      unitIds: { street: t.u.s1, community: t.u.s1c1, grid: t.u.s1c1g2 },
    });
    expect(door.body.needsConfirmation).toBe(false);
    expect(door.body.threshold).toBe(0.8);

    const numeral = await geocode(intake, '测试大道18号');
    expect(numeral.body.best).toMatchObject({ name: '测试大道18号', confidence: 1, unitIds: { grid: t.u.s1c2g3 } });

    const alias = await geocode(await a.as('g-s2c1'), '东门广场');
    expect(alias.body.best).toMatchObject({ kind: 'poi', name: '测试中心广场', confidence: 1, unitIds: { street: t.u.s2, community: t.u.s2c1, grid: t.u.s2c1g4 } });

    const road = await geocode(intake, '测试大道');
    expect(road.body.best).toMatchObject({ kind: 'road', name: '测试大道', confidence: 1, unitIds: { grid: t.u.s1c1g1 } });
  });

  it('low confidence needs a person: candidates, no silent choice', async () => {
    const unknownDoor = await geocode(intake, '测试大道99号');
    expect(unknownDoor.status).toBe(200);
    expect(unknownDoor.body.needsConfirmation).toBe(true);
    expect(unknownDoor.body.best.confidence).toBeLessThan(0.8);
    const names = (unknownDoor.body.candidates as Array<{ name: string }>).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['测试大道', '测试大道18号']));
    expect(unknownDoor.body.candidates.length).toBeLessThanOrEqual(5);

    const area = await geocode(intake, '东片区');
    expect(area.body.best.name).toBe('东片区');
    expect(area.body.needsConfirmation).toBe(true);

    const nothing = await geocode(intake, 'Mars base, Gale crater');
    expect(nothing.status).toBe(200);
    expect(nothing.body.needsConfirmation).toBe(true);
    expect(nothing.body.best?.confidence ?? 0).toBeLessThan(0.5);

    expect((await geocode(intake, '')).status).toBe(400);
  });

  it('the threshold is a district setting', async () => {
    await t.s.org.updateSettings(t.districtId, { geocodeThreshold: 0.6 });
    t.clock.advance(16_000);
    try {
      const r = await geocode(intake, '测试大道99号');
      expect(r.body.threshold).toBe(0.6);
      expect(r.body.needsConfirmation).toBe(false);
    } finally {
      await t.s.org.updateSettings(t.districtId, { geocodeThreshold: null });
      t.clock.advance(16_000);
    }
    expect((await geocode(intake, '测试大道99号')).body.threshold).toBe(0.8);
  });

  it('a CSV with 2 bad rows → 400 listing their lines, and nothing is imported', async () => {
    const n0 = await count();
    const good = csvFor(t, [
      ['poi', '西门菜市场', '', '', '', 's1c1g3'],
      ['poi', '南桥头', '', '', '', 's1c2g2'],
    ]).split('\n');
    const csv = [
      good[0],
      good[1],
      // Line 3: far outside the district (in Chengdu).
      'poi,远方广场,,,,104.06,30.67',
      good[2],
      // Line 5: an unknown kind and a door without number.
      `shop,某商店,,测试大道,,${t.point('s1c1g1').lng},${t.point('s1c1g1').lat}`,
    ].join('\r\n');
    const r = await importCsv(admin, csv);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('IMPORT_INVALID');
    expect(r.body.error.message).toMatch(/^2 row\(s\) are invalid; nothing was imported/);
    const problems = r.body.error.details.problems as Array<{ line: number; reason: string }>;
    expect(problems.map((p) => p.line)).toEqual([3, 5]);
    expect(problems[0]?.reason).toMatch(/outside every town\/street of the district/);
    expect(problems[1]?.reason).toMatch(/kind "shop"/);
    expect(await count()).toBe(n0);
    const absent = await geocode(intake, '西门菜市场');
    expect(absent.body.best?.name).not.toBe('西门菜市场');

    // Fixed, the file goes in and is found at once (the index is rebuilt after an import).
    const fixed = await importCsv(admin, [good[0], good[1], good[2]].join('\n'));
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
    expect(await count()).toBe(n0 + 2);
    expect((await geocode(intake, '西门菜市场')).body.best).toMatchObject({ name: '西门菜市场', confidence: 1 });
  });

  it('reports shape errors, duplicates and outside-China points by line', async () => {
    const n0 = await count();
    const p = t.point('s2c1g1');
    const csv = [
      HEADER,
      `door,无号门牌,,测试大道,,${p.lng},${p.lat}`,
      `poi,,,,,${p.lng},${p.lat}`,
      `poi,伦敦眼,,,,-0.1196,51.5033`,
      `poi,重复点,,,,${p.lng},${p.lat}`,
      `poi,重复点,,,,${p.lng},${p.lat}`,
      `poi,测试中心广场,,,,${p.lng},${p.lat}`,
      `road,太短,,,`,
      `door,测试大道8号,,测试大道,甲,${p.lng},${p.lat}`,
      `poi,坐标坏了,,,,abc,${p.lat}`,
    ].join('\n');
    const r = await importCsv(admin, csv);
    expect(r.status).toBe(400);
    const problems = r.body.error.details.problems as Array<{ line: number; reason: string }>;
    expect(problems.map((x) => x.line)).toEqual([2, 3, 4, 6, 7, 8, 9, 10]);
    const at = (line: number) => problems.find((x) => x.line === line)?.reason ?? '';
    expect(at(2)).toMatch(/a door needs its number/);
    expect(at(3)).toMatch(/name is required/);
    expect(at(4)).toMatch(/outside China/);
    expect(at(6)).toMatch(/repeats the poi "重复点" of line 5/);
    expect(at(7)).toMatch(/already in the gazetteer/);
    expect(at(8)).toMatch(/5 fields where the header has 7/);
    expect(at(9)).toMatch(/not a door number/);
    expect(at(10)).toMatch(/not a longitude and latitude/);
    expect(await count()).toBe(n0);

    for (const bad of ['', 'name,lng,lat\n某地,106.5,29.5', '{"type":"FeatureCollection"']) {
      const x = await importCsv(admin, bad);
      expect(x.status, bad).toBe(400);
      expect(x.body.error.code).toBe('IMPORT_INVALID');
    }
    expect(await count()).toBe(n0);
  });

  it('imports GeoJSON points, and replace swaps the whole gazetteer in one transaction', async () => {
    const p = t.point('s2c2g2');
    const doc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { kind: 'poi', name: '北门公园', aliases: ['北门'] }, geometry: { type: 'Point', coordinates: [p.lng, p.lat] } },
        { type: 'Feature', properties: { kind: 'door', name: '测试大道8号', road: '测试大道', number: 8 }, geometry: { type: 'Point', coordinates: [p.lng, p.lat] } },
      ],
    };
    const post = (query: string) =>
      a.raw('POST', `/api/v1/intake/gazetteer/import${query}`, { token: admin.token, payload: JSON.stringify(doc), headers: { 'content-type': 'application/geo+json' } });
    const dup = await post('');
    expect(dup.status).toBe(400);
    expect(dup.body.error.details.problems).toEqual([{ index: 1, reason: expect.stringMatching(/already in the gazetteer/) }]);
    const n0 = await count();
    const r = await post('?replace=true');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ imported: 2, replaced: n0 });
    expect(await count()).toBe(2);
    expect((await geocode(intake, '北门')).body.best).toMatchObject({ name: '北门公园', unitIds: { grid: t.u.s2c2g2 } });
    expect((await geocode(intake, '测试大道8号')).body.best).toMatchObject({ name: '测试大道8号', unitIds: { grid: t.u.s2c2g2 } });
    expect((await geocode(intake, '西门菜市场')).body.best?.name).not.toBe('西门菜市场');

    const notPoints = await a.raw('POST', '/api/v1/intake/gazetteer/import', {
      token: admin.token,
      payload: JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { kind: 'poi', name: 'x' }, geometry: { type: 'Polygon', coordinates: [] } }] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(notPoints.status).toBe(400);
    expect(notPoints.body.error.details.problems).toEqual([{ index: 0, reason: 'not a GeoJSON Feature with a Point geometry' }]);
  });

  it('another process on the same database sees an import within the recheck interval', async () => {
    const s2 = await createServices(t.s.config, { store, clock: t.clock, migrate: false });
    const app2 = await buildApp(s2);
    try {
      const token = (await app2.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: t.users.intake, password: PASSWORD } })).json().token;
      const geo2 = async (q: string) =>
        (await app2.inject({ method: 'GET', url: `/api/v1/intake/geocode?q=${encodeURIComponent(q)}`, headers: { authorization: `Bearer ${token}` } })).json();
      expect((await geo2('南门水塔')).best?.name).not.toBe('南门水塔');
      const r = await importCsv(admin, csvFor(t, [['poi', '南门水塔', '', '', '', 's1c2g4']]));
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      t.clock.advance(16_000);
      expect((await geo2('南门水塔')).best).toMatchObject({ name: '南门水塔', unitIds: { grid: t.u.s1c2g4 } });
    } finally {
      await app2.close();
    }
  });

  it('geocoding needs case.create, importing needs org.write', async () => {
    expect((await geocode(await a.as('leader'), '测试大道')).status).toBe(403);
    expect((await a.raw('GET', '/api/v1/intake/geocode?q=x')).status).toBe(401);
    for (const who of ['intake', 'dispatcher', 'h-s1', 'g-s1c1']) {
      expect((await geocode(await a.as(who), '测试大道')).status, who).toBe(200);
      const r = await importCsv(await a.as(who), csvFor(t, [['poi', '偷偷加的点', '', '', '', 's1c1g1']]));
      expect(r.status, who).toBe(403);
    }
    expect((await geocode(intake, '偷偷加的点')).body.best?.name).not.toBe('偷偷加的点');
  });
});

describe('gazetteer import through the CLI (SQLite data directory)', () => {
  let dataDir: string;
  let work: string;
  const env = () => {
    const e: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'DATABASE_URL' && !k.startsWith('ONEGRID_')) e[k] = v;
    return { ...e, ONEGRID_DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  };
  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const r = await run(process.execPath, [CLI, ...args], { cwd: ROOT, env: env(), timeout: 90_000 });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const x = e as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
    }
  }
  async function names(): Promise<string[]> {
    const s = openStore({ sqliteFile: path.join(dataDir, 'onegrid.sqlite') });
    try {
      return (await s.db.selectFrom('gazetteer_entries').select('name').orderBy('name').execute()).map((r) => r.name);
    } finally {
      await s.close();
    }
  }
  const write = (name: string, content: string) => {
    const f = path.join(work, name);
    fs.writeFileSync(f, content);
    return f;
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onegrid-gz-cli-'));
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'onegrid-gz-files-'));
    const init = await cli('init', '--code', 'T500998', '--name', '测试区', '--prefix', 'TG', '--admin-password', 'a-strong-admin-pw');
    expect(init.code, init.stderr).toBe(0);
    const rect = [[[106.5, 29.5], [106.54, 29.5], [106.54, 29.54], [106.5, 29.54], [106.5, 29.5]]];
    const units = write(
      'units.geojson',
      JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: 'k1', name: '街道一', kind: 'street' }, geometry: { type: 'Polygon', coordinates: rect } }] }),
    );
    const u = await cli('import', 'units', units);
    expect(u.code, u.stderr).toBe(0);
  }, 120_000);
  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('imports a good file: exit 0 and "imported N gazetteer entries"', async () => {
    const file = write('good.csv', `\ufeff${HEADER}\nroad,一号路,,,,106.51,29.51\ndoor,一号路3号,,一号路,3,106.512,29.51\npoi,街心花园,花园|小花园,,,106.52,29.52\n`);
    const r = await cli('import', 'gazetteer', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^imported 3 gazetteer entries$/m);
    expect(await names()).toEqual(['一号路', '一号路3号', '街心花园']);
  }, 120_000);

  it('refuses a file with bad rows: exit 1, one "line N:" per bad row, nothing added', async () => {
    const before = await names();
    const file = write('bad.csv', `${HEADER}\npoi,好的点,,,,106.53,29.53\npoi,城外,,,,106.7,29.7\nmall,商场,,,,106.52,29.52\n`);
    const r = await cli('import', 'gazetteer', file, '--district', 'T500998');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/IMPORT_INVALID: 2 row\(s\) are invalid/);
    expect(r.stderr).toMatch(/^\s*line 3: .*outside every town\/street/m);
    expect(r.stderr).toMatch(/^\s*line 4: .*kind "mall"/m);
    expect(r.stderr).not.toMatch(/line 2:/);
    expect(r.stdout).not.toMatch(/imported/);
    expect(await names()).toEqual(before);

    const missing = await cli('import', 'gazetteer', path.join(work, 'no-such-file.csv'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not readable/);
    const again = await cli('import', 'gazetteer', path.join(work, 'good.csv'));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/line 2: .*already in the gazetteer/);
    const replaced = await cli('import', 'gazetteer', path.join(work, 'good.csv'), '--replace');
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.stdout).toMatch(/imported 3 gazetteer entries \(replaced 3\)/);
    expect(await names()).toEqual(before);
  }, 120_000);
});

describe('the demo gazetteer (data/demo/jiangbei/gazetteer.csv)', () => {
  const csv = fs.readFileSync(dataFile('demo', 'jiangbei', 'gazetteer.csv'), 'utf8');
  const { drafts, problems } = parseGazetteerFile(csv);

  it('is pure CSV with the expected header and 120+ valid rows', () => {
    expect(csv.split('\n')[0]).toBe(HEADER);
    expect(problems).toEqual([]);
    expect(drafts.length).toBeGreaterThanOrEqual(120);
    expect(drafts.map((d) => d.name)).not.toContain('江北机场');
    expect(drafts.map((d) => d.name).join(' ')).not.toMatch(/机场|重庆北站/);
  });

  it('every point lies inside the real district outline and inside a demo town/street', () => {
    const outline = JSON.parse(fs.readFileSync(dataFile('demo', 'jiangbei', 'outline.geojson'), 'utf8')).features[0].geometry as Polygon;
    const towns = new AreaIndex(loadJiangbeiDemoGeometry(dataFile('demo', 'jiangbei')).towns.map((x) => ({ id: x.code, geometry: x.geometry as Polygon })));
    const outside = drafts.filter((d) => !geometryContains(outline, d.lng, d.lat)).map((d) => d.name);
    expect(outside).toEqual([]);
    const noTown = drafts.filter((d) => towns.locate(d.lng, d.lat) === null).map((d) => d.name);
    expect(noTown).toEqual([]);
  });

  it('parses quoted CSV fields and reports the line a record starts on', () => {
    const r = parseCsv('a,b\n"x, ""y""",2\n"multi\nline",3\n\nlast,4');
    expect(r.problem).toBeNull();
    expect(r.records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, "y"', '2'] },
      { line: 3, fields: ['multi\nline', '3'] },
      { line: 6, fields: ['last', '4'] },
    ]);
    expect(parseCsv('a\n"open').problem).toEqual({ line: 2, reason: 'a quoted field is never closed' });
  });
});
