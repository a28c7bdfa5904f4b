/**
 * Case numbers come from per-process blocks of the day's counter: still unique per district,
 * within one process under concurrency and across two server instances sharing a store.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { openStore, type Store } from '../../src/db/store.ts';
import { CASE_NUMBER_BLOCK } from '../../src/modules/case/case-numbers.ts';
import type { Principal } from '../../src/platform/principal.ts';
import type { Services } from '../../src/services.ts';
import { makeDistrict, PASSWORD, type TestDistrict } from '../support/district.ts';
import { STORES, type StoreKind } from '../support/stores.ts';

/** The same database from another process: the file for SQLite (':memory:' cannot be shared). */
async function sharedStore(kind: StoreKind): Promise<{ store: Store; env: Record<string, string> }> {
  if (kind.name === 'postgres') return { store: await kind.open(), env: { DATABASE_URL: process.env.DATABASE_URL_PG ?? '' } };
  const file = path.join(fs.mkdtempSync('/tmp/onegrid-numbers-'), 'shared.sqlite');
  const store = openStore({ sqliteFile: file });
  await migrateToLatest(store);
  return { store, env: { SQLITE_FILE: file } };
}

/** Starts the second process and resolves `ready` once it is signed in, `numbers` when it is done. */
function secondProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../support/report-proc.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let signal: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    signal = resolve;
  });
  child.stdout.on('data', (d) => {
    out += d;
    if (out.startsWith('ready\n')) signal();
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const numbers = new Promise<string[]>((resolve, reject) =>
    child.on('close', (code) => {
      signal();
      if (code !== 0) return reject(new Error(`report process exited ${code}: ${err}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '[]') as string[]);
    }),
  );
  return { ready, numbers };
}

async function principal(s: Services, t: TestDistrict): Promise<Principal> {
  const { token } = await s.auth.login(t.users.intake ?? 'intake', PASSWORD);
  const p = await s.auth.authenticate(token);
  if (!p) throw new Error('intake did not authenticate');
  return p;
}

const report = (s: Services, p: Principal, t: TestDistrict, i: number) =>
  s.cases.report(p, { channel: 'patrol', description: `编号测试 ${i}`, location: t.point(i % 2 ? 's1c1g1' : 's2c2g4') }).then((r) => r.view.number);

describe.each(STORES)('case numbers on $name', (kind) => {
  it('stay unique and gap-free within one process across several blocks, even when reports race', async () => {
    const store = await kind.open();
    const t = await makeDistrict(store);
    try {
      const p = await principal(t.s, t);
      const n = CASE_NUMBER_BLOCK * 2 + 30;
      const numbers: string[] = [];
      for (let i = 0; i < n; i += 25) numbers.push(...(await Promise.all(Array.from({ length: 25 }, (_, j) => report(t.s, p, t, i + j)))));
      expect(new Set(numbers).size).toBe(numbers.length);
      const serials = numbers.map((x) => Number(x.slice(-5))).sort((a, b) => a - b);
      // One process alone uses its blocks in order: 1 … n, nothing skipped.
      expect(serials).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
    } finally {
      await store.close();
    }
  });

  it('stay unique across two server processes reporting at the same time into one district', async () => {
    const { store, env } = await sharedStore(kind);
    const t = await makeDistrict(store);
    try {
      const p = await principal(t.s, t);
      const { token } = await t.s.auth.login(t.users.intake ?? 'intake', PASSWORD);
      const other = secondProcess({ ...env, TOKEN: token, NOW: String(t.clock.now()), COUNT: '150', POINT: JSON.stringify(t.point('s2c1g2')), DATA_DIR: fs.mkdtempSync('/tmp/onegrid-numbers-') });
      await other.ready;
      const mine: string[] = [];
      for (let i = 0; i < 150; i += 10) mine.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => report(t.s, p, t, i + j)))));
      const theirs = await other.numbers;
      expect(mine).toHaveLength(150);
      expect(theirs).toHaveLength(150);
      expect(new Set([...mine, ...theirs]).size).toBe(300);
      const stored = await store.db.selectFrom('cases').select('number').where('district_id', '=', t.districtId).execute();
      expect(new Set(stored.map((r) => r.number))).toEqual(new Set([...mine, ...theirs]));
    } finally {
      await store.close();
    }
  }, 60_000);
});
