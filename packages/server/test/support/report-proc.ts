/** A second server process for the case-number test: reports COUNT cases as TOKEN's user, prints their numbers. */
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/db/store.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { createServices } from '../../src/services.ts';

const env = process.env;
const store = openStore({ databaseUrl: env.DATABASE_URL, sqliteFile: env.SQLITE_FILE ?? '', poolSize: 3 });
const config = loadConfig({ ONEGRID_DATA_DIR: env.DATA_DIR ?? '', ONEGRID_SESSION_TTL_HOURS: '100000', LOG_LEVEL: 'silent' });
const s = await createServices(config, { store, clock: new ManualClock(Number(env.NOW)), migrate: false });
const p = await s.auth.authenticate(env.TOKEN ?? '');
if (!p) throw new Error('the token did not authenticate');
const location = JSON.parse(env.POINT ?? '{}') as { lng: number; lat: number };
process.stdout.write('ready\n');
const numbers: string[] = [];
for (let i = 0; i < Number(env.COUNT); i += 10) {
  const wave = Array.from({ length: 10 }, (_, j) => s.cases.report(p, { channel: 'patrol', description: `编号测试 b${i + j}`, location }));
  numbers.push(...(await Promise.all(wave)).map((r) => r.view.number));
}
process.stdout.write(`${JSON.stringify(numbers)}\n`);
await store.close();
