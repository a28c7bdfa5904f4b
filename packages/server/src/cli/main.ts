/** The `onegrid` command line. Each command is a thin shell over the same services as the API. */
import fs from 'node:fs';
import path from 'node:path';
import { isRole, type Role } from '@onegrid/domain/access/roles';
import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { openStore } from '../db/store.ts';
import { DEMO_DISTRICT_CODE, seedDemo } from '../modules/demo/seed-demo.ts';
import { dataFile } from '../platform/paths.ts';
import type { DefaultsFile } from '../modules/taxonomy/catalogue.ts';
import { CliError, districtId, fail, readText, withProgress, withServices } from './context.ts';
import { simulate } from './simulate.ts';
import { simulateSensors } from './simulate-sensors.ts';
import { start } from './start.ts';

const program = new Command('onegrid').description('OneGrid 一网统管 — district city-operations centre').showHelpAfterError();

program
  .command('start')
  .description('migrate, then serve the API and run the worker')
  .option('--demo', 'seed and run the Jiangbei demo district (default passwords allowed)')
  .option('--port <n>', 'HTTP port (default PORT or 8080)', (v) => Number(v))
  .option('--host <h>', 'listen address (default HOST or 127.0.0.1)')
  .action((o) => start(o).catch(fail));

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const c = loadConfig();
    const store = openStore({ databaseUrl: c.databaseUrl, sqliteFile: `${c.dataDir}/onegrid.sqlite` });
    try {
      const applied = await migrateToLatest(store);
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
    } finally {
      await store.close();
    }
  });

program
  .command('init')
  .description('create a district with its centre, the national catalogue and an admin user')
  .requiredOption('--code <code>', 'district code, e.g. 500105')
  .requiredOption('--name <name>', 'district name')
  .requiredOption('--prefix <prefix>', 'case number prefix, e.g. JB')
  .requiredOption('--admin-password <pw>', 'password of the new "admin" user (min 12 characters)')
  .option('--centre-name <name>', 'name of the district centre', '数字化城市运行和治理中心')
  .option('--admin-username <u>', 'username of the new administrator', 'admin')
  .action((o) =>
    withServices(async (s) => {
      if (o.adminPassword.length < 12) throw new CliError('--admin-password must have at least 12 characters');
      if (o.adminPassword === s.config.demoPassword) throw new CliError('--admin-password must not be the demo password');
      // Check everything that can fail before writing, so a refused init leaves nothing behind.
      if (await s.org.districtByCode(o.code)) throw new CliError(`district ${o.code} already exists`);
      if (await s.store.db.selectFrom('users').select('id').where('username', '=', o.adminUsername).executeTakeFirst()) {
        throw new CliError(`a user named "${o.adminUsername}" already exists (usernames are unique across districts); pass --admin-username`);
      }
      const d = await s.org.createDistrict({ code: o.code, name: o.name, casePrefix: o.prefix });
      await s.org.importUnits(d.id, {
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: { code: 'centre', name: o.centreName, kind: 'centre' }, geometry: null }],
      });
      const defaults = JSON.parse(fs.readFileSync(dataFile('taxonomy', 'jiangbei-defaults.json'), 'utf8')) as DefaultsFile;
      const n = await s.taxonomy.seedCatalogue(d.id, dataFile('taxonomy', 'gbt47678-5-2026.csv'), defaults);
      const centre = (await s.org.directory(d.id)).unitByCode('centre');
      if (!centre) throw new Error('centre not created');
      await s.auth.createUsers(d.id, [{ username: o.adminUsername, password: o.adminPassword, displayName: 'Administrator', roles: ['admin'], unitId: centre.id }]);
      process.stdout.write(`district ${o.code} created with ${n} categories; sign in as "${o.adminUsername}"\n`);
    }).catch(fail),
  );

program
  .command('demo')
  .description('seed the Jiangbei demo district without starting the server')
  .action(() =>
    withServices(async (s) => {
      if (await s.org.districtByCode(DEMO_DISTRICT_CODE)) throw new CliError('the demo district already exists in this database');
      const r = await seedDemo(s, { password: s.config.demoPassword, onStep: (st) => process.stdout.write(`  ${st}\n`) });
      process.stdout.write(`demo district: ${r.units} units, ${r.users} users, ${r.categories} categories, ${r.rules} matrix rules, ${r.devices} sensors with ${r.sensorRules} alarm rules\n`);
    }).catch(fail),
  );

program
  .command('districts')
  .description('list districts in the database')
  .action(() =>
    withServices(async (s) => {
      for (const d of await s.org.listDistricts()) process.stdout.write(`${d.code}\t${d.name}\t${d.demo ? 'demo' : ''}\n`);
    }).catch(fail),
  );

const imp = program.command('import').description('import data files');
imp
  .command('units <file>')
  .description('import units/grids from a GeoJSON FeatureCollection (properties: code, name, kind, parentCode); any bad feature imports nothing')
  .option('--district <code>', 'district code (needed when the database has several)')
  .action((file: string, o: { district?: string }) =>
    withServices(async (s) => {
      let doc: unknown;
      try {
        doc = JSON.parse(readText(file));
      } catch (e) {
        throw e instanceof CliError ? e : new CliError(`${file}: not readable JSON (${(e as Error).message})`);
      }
      const id = await districtId(s, o.district);
      const r = await withProgress('units', (progress) => s.org.importUnits(id, doc, progress));
      process.stdout.write(`imported ${r.imported} units\n`);
    }).catch(fail),
  );

imp
  .command('gazetteer <file>')
  .description('import gazetteer entries (roads, door plates, POIs, areas) from CSV with the header kind,name,aliases,road,number,lng,lat (aliases "|"-separated, GCJ-02) or from GeoJSON points; any bad row imports nothing')
  .option('--district <code>', 'district code (needed when the database has several)')
  .option('--replace', "swap the district's whole gazetteer instead of adding to it")
  .action((file: string, o: { district?: string; replace?: boolean }) =>
    withServices(async (s) => {
      const content = readText(file);
      const id = await districtId(s, o.district);
      const r = await withProgress('gazetteer', (progress) =>
        s.gazetteer.importFile(id, content, progress, { replace: o.replace === true, source: path.basename(file) }),
      );
      process.stdout.write(`imported ${r.imported} gazetteer entries${r.replaced ? ` (replaced ${r.replaced})` : ''}\n`);
    }).catch(fail),
  );

imp
  .command('devices <file>')
  .description('import sensors from CSV with the header code,type,name,lng,lat[,component][,unit] (GCJ-02; component a GB/T 47678.5 code, unit the owning unit code) or from GeoJSON points with those properties; any bad row imports nothing')
  .option('--district <code>', 'district code (needed when the database has several)')
  .action((file: string, o: { district?: string }) =>
    withServices(async (s) => {
      const content = readText(file);
      const id = await districtId(s, o.district);
      const r = await withProgress('devices', (progress) => s.devices.importFile(id, content, progress));
      process.stdout.write(`imported ${r.imported} devices\n`);
    }).catch(fail),
  );

program
  .command('users:create')
  .description('create a user')
  .requiredOption('--username <u>')
  .requiredOption('--password <p>')
  .requiredOption('--unit <code>', 'unit code')
  .requiredOption('--roles <list>', 'comma-separated roles: intake,shift_leader,dispatcher,handler,grid_worker,supervisor,leader,admin,gateway')
  .option('--name <displayName>')
  .option('--district <code>')
  .action((o) =>
    withServices(async (s) => {
      const roles = String(o.roles).split(',');
      const bad = roles.find((r) => !isRole(r));
      if (bad) throw new CliError(`unknown role ${bad}`);
      if (String(o.password).length < 8) throw new CliError('--password needs at least 8 characters');
      const id = await districtId(s, o.district);
      const unit = (await s.org.directory(id)).unitByCode(o.unit);
      if (!unit) throw new CliError(`no unit with code ${o.unit}`);
      await s.auth.createUsers(id, [{ username: o.username, password: o.password, displayName: o.name ?? o.username, roles: roles as Role[], unitId: unit.id }]);
      process.stdout.write(`user ${o.username} created in ${unit.name}\n`);
    }).catch(fail),
  );

program
  .command('train')
  .description("retrain the category classifier from the shipped corpus and the district's confirmed cases; the new model becomes active")
  .option('--district <code>', 'district code (needed when the database has several)')
  .action((o: { district?: string }) =>
    withServices(async (s) => {
      const id = await districtId(s, o.district);
      const m = await s.classifier.retrain(id);
      const h = m.metrics.heldOut;
      const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
      const name = async (label: string) => {
        const [kind, code] = label.split(':');
        return `${code} ${(kind && code && (await s.taxonomy.find(id, kind, code))?.name) || ''}`.trim();
      };
      process.stdout.write(`model ${m.version} (active)\n`);
      process.stdout.write(`  trained on ${m.examples} examples (${m.metrics.corpusExamples} corpus lines, ${m.metrics.confirmedCases} confirmed cases), ${m.metrics.labels} categories, ${m.metrics.features} features, ${m.metrics.trainMs} ms\n`);
      process.stdout.write(`  held-out (n=${h.n}): top-1 ${pct(h.top1)}, top-3 ${pct(h.top3)}, mean confidence ${pct(h.meanConfidence)}, ECE ${h.ece.toFixed(3)}\n`);
      process.stdout.write('  worst confusions (actual → predicted: count):\n');
      for (const c of m.metrics.confusion.slice(0, 10)) process.stdout.write(`    ${await name(c.actual)} → ${await name(c.predicted)}: ${c.count}\n`);
    }).catch(fail),
  );

program
  .command('simulate')
  .description('feed a realistic flow through a running server: cases acting as the demo users, or `simulate sensors` readings from the demo fleet')
  .argument('[what]', 'cases or sensors', 'cases')
  .option('--url <url>', 'server URL', 'http://127.0.0.1:8080')
  .option('--rate <n>', 'new cases per second (default 1), or sensor readings per second (default 100)', (v) => Number(v))
  .option('--duration <s>', 'stop after this many seconds (default: run until Ctrl-C; a rainstorm lasts 120)', (v) => Number(v))
  .option('--scenario <name>', 'sensors: normal or rainstorm', 'normal')
  .option('--ack', 'sensors: acknowledge raised alarms (as the shift leader) so that they become cases')
  .option('--api-key <key>', 'sensors: ingest with this API key instead of creating one for the run')
  .option('--password <pw>', 'demo password (default ONEGRID_DEMO_PASSWORD or onegrid-demo)')
  .option('--seed <n>', 'random seed', (v) => Number(v), 1)
  .action((what: string, o) => {
    if (what === 'sensors') {
      if (o.scenario !== 'normal' && o.scenario !== 'rainstorm') return fail(new CliError('--scenario: normal or rainstorm'));
      return simulateSensors({ ...o, rate: o.rate ?? 100, ack: o.ack === true }).catch(fail);
    }
    if (what !== 'cases') return fail(new CliError(`simulate ${what}: expected cases or sensors`));
    return simulate({ ...o, rate: o.rate ?? 1 }).catch(fail);
  });

await program.parseAsync(process.argv);
