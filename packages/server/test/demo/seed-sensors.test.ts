/**
 * The seeded demo fleet: seedDemo on an empty database (a fresh PostgreSQL database per run, since
 * the demo district code and usernames are global) yields the whole fleet inside the district,
 * owned by real units, and rules that the domain accepts for their device types.
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { measurementOf } from '@onegrid/domain/perception/device-types';
import { type Condition, ruleProblems } from '@onegrid/domain/perception/rules';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { openStore, type Store } from '../../src/db/store.ts';
import { seedDemo } from '../../src/modules/demo/seed-demo.ts';
import { DEMO_SENSOR_RULES } from '../../src/modules/demo/seed-sensors.ts';
import { createServices, type Services } from '../../src/services.ts';
import { STORES } from '../support/stores.ts';

const pgUrl = process.env.DATABASE_URL_PG;

async function pgAdmin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const leaves = (c: Condition): Condition[] => (c.kind === 'all' ? c.of : [c]);

describe.each(STORES)('demo sensor fleet ($name)', (kind) => {
  let store: Store;
  let s: Services;
  let districtId: string;
  let seeded: Awaited<ReturnType<typeof seedDemo>>;
  let dispose: () => Promise<void> = async () => {};

  beforeAll(async () => {
    if (kind.name === 'postgres') {
      const db = `onegrid_demo_${randomBytes(4).toString('hex')}`;
      await pgAdmin(`create database "${db}"`);
      const url = new URL(pgUrl as string);
      url.pathname = `/${db}`;
      store = openStore({ databaseUrl: url.toString(), poolSize: 5 });
      // Dropping "with (force)" can reach a pooled connection that is still closing, whose FATAL
      // then surfaces as an unhandled error: wait for the pool's sockets to go first.
      dispose = async () => {
        for (let i = 0; i < 50; i++) {
          try {
            return await pgAdmin(`drop database if exists "${db}"`);
          } catch {
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        await pgAdmin(`drop database if exists "${db}" with (force)`);
      };
    } else {
      store = openStore({ sqliteFile: ':memory:' });
    }
    await migrateToLatest(store);
    const config = loadConfig({ ONEGRID_DATA_DIR: fs.mkdtempSync('/tmp/onegrid-test-'), LOG_LEVEL: 'silent' });
    s = await createServices(config, { store, migrate: false });
    seeded = await seedDemo(s, { password: 'demo-password-1' });
    districtId = seeded.districtId;
  });
  afterAll(async () => {
    await (s ? s.close() : store?.close());
    await dispose();
  });

  it('places every device inside the district, owned by one of its units', async () => {
    const devices = await s.devices.list(districtId, {});
    expect(seeded.devices).toBe(364);
    expect(devices).toHaveLength(364);
    const count = (t: string) => devices.filter((d) => d.type === t).length;
    expect(count('water_level')).toBe(40);
    expect(count('manhole_cover')).toBe(120);
    expect(count('waste_bin')).toBe(100);
    expect(count('street_light')).toBe(80);
    const dir = await s.org.directory(districtId);
    for (const d of devices) {
      expect(dir.locate(d.lng, d.lat).outsideJurisdiction, `${d.code} at ${d.lng},${d.lat}`).toBe(false);
      expect(d.unitId, d.code).not.toBeNull();
    }
    const covers = new Set(devices.filter((d) => d.type === 'manhole_cover').map((d) => d.componentCode));
    expect([...covers].sort()).toEqual(['01001', '01002', '01003', '01005', '01007', '01011']);
    for (const c of covers) expect(await s.taxonomy.find(districtId, 'component', c as string), String(c)).toBeTruthy();
  });

  it('seeds usable rules over measurements the device types have', async () => {
    const rules = await s.rules.list(districtId);
    expect(rules.map((r) => r.code).sort()).toEqual(DEMO_SENSOR_RULES.map((r) => r.code).sort());
    const types = new Set((await s.devices.list(districtId, {})).map((d) => d.type));
    for (const r of rules) {
      expect(r.active, r.code).toBe(true);
      expect(types.has(r.deviceType), r.code).toBe(true);
      expect(ruleProblems(r), r.code).toEqual([]);
      for (const leaf of leaves(r.condition)) {
        if (leaf.kind === 'threshold' || leaf.kind === 'rate') expect(measurementOf(r.deviceType, leaf.measurement), `${r.code} ${leaf.measurement}`).toBeDefined();
      }
    }
    const composite = rules.find((r) => r.condition.kind === 'all');
    expect(composite?.deviceType).toBe('water_level');
    expect(rules.some((r) => r.condition.kind === 'offline')).toBe(true);
  });
});
