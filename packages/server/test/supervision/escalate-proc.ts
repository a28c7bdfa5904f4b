/** A separate worker process for the two-process escalation test: escalates due orders at a fixed "now". */
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/db/store.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { createServices } from '../../src/services.ts';

const store = openStore({ databaseUrl: process.env.DATABASE_URL, poolSize: 2 });
const s = await createServices(loadConfig({ ONEGRID_DATA_DIR: '/tmp/onegrid-escalate-proc', LOG_LEVEL: 'silent' }), {
  store,
  clock: new ManualClock(Number(process.env.NOW)),
  migrate: false,
});
let escalated = 0;
// Small batches so the two processes interleave on the same due rows.
for (let idle = 0; idle < 3; ) {
  const n = await s.supervision.escalateDue(3, process.env.DISTRICT_ID);
  escalated += n;
  idle = n === 0 ? idle + 1 : 0;
}
process.stdout.write(`${escalated}\n`);
await s.close();
