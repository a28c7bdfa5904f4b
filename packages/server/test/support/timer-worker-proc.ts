/** A separate worker process for the two-process timer test: fires due timers at a fixed "now". */
import { openStore } from '../../src/db/store.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { TimerWorker } from '../../src/modules/sla/timer-worker.ts';

const store = openStore({ databaseUrl: process.env.DATABASE_URL, poolSize: 2 });
const worker = new TimerWorker(store, new ManualClock(Number(process.env.NOW)));
let fired = 0;
// Small batches so the two processes interleave on the same due rows.
for (let idle = 0; idle < 3; ) {
  const n = await worker.fireDue(5, process.env.DISTRICT_ID);
  fired += n;
  idle = n === 0 ? idle + 1 : 0;
}
process.stdout.write(`${fired}\n`);
await store.close();
