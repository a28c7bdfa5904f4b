/**
 * Bench launcher: `npm run bench -- <name> [options]` imports bench/<name>.ts and calls its
 * exported run(args). Without a name it lists the benches.
 */
const BENCHES: Record<string, string> = {
  intake: 'POST /api/v1/cases over HTTP: max throughput, p50/p99 at half rate; baselines bare Fastify and raw INSERT',
  lifecycle: 'case actions (accept) over HTTP: transitions/s, p50/p99; baselines bare Fastify and raw UPDATE',
  'case-list': 'filtered first page of GET /api/v1/cases over 1,000,000 cases: p50/p99, server RSS; baseline the raw SQL',
  geocode: 'AreaIndex.locate() over the demo grids and 100,000 synthetic polygons (holes, multipolygons) against a brute-force scan and PostGIS ST_Contains',
  dedup: 'intake duplicate and repeat search (openNearby, closedNearby) over 1,000,000 open cases: p50/p99; baselines the old cell query and a lng/lat box',
  'geocode-address': 'address text → gazetteer entry (AddressIndex.match) over the demo gazetteer and 5,000 entries; baseline a naive scan',
  console: 'the web console: first-screen JavaScript (gzip), first paint and sign-in in Chromium against a 404 page, cockpit with 10,000 open cases',
  classify: 'description → top-3 categories (jieba + model) over the held-out corpus: descriptions/s, p50/p99, RSS; baseline tokenise only',
  telemetry: 'MQTT → validation → rules → rollups: readings/s, alarm-to-case p50/p99, server RSS slope; baseline raw Mosquitto pub→sub',
  evaluation: 'a month with 1,000,000 case events evaluated for every object type: p50/p99, read vs fold, RSS; baseline count(*) group by action',
  kpi: 'cockpit KPI queries (overview) over 10,000,000 cases through the incremental rollups: p50/p99, rebuild time, RSS; baseline the same figures from the raw cases table',
};

const [name, ...args] = process.argv.slice(2);

if (!name || name === '--help' || name === '-h') {
  process.stdout.write('usage: npm run bench -- <name> [--store sqlite|postgres] [options]\n\n');
  for (const [n, what] of Object.entries(BENCHES)) process.stdout.write(`  ${n.padEnd(10)} ${what}\n`);
  process.stdout.write('\nOptions are described at the top of each bench/<name>.ts and in docs/performance.md.\n');
  process.exit(name ? 0 : 1);
}

if (!(name in BENCHES)) {
  process.stderr.write(`unknown bench "${name}"; one of: ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(2);
}

const mod = (await import(`./${name}.ts`)) as { run(args: string[]): Promise<void> | void };
try {
  await mod.run(args);
  // Pools, timers or a stray keep-alive socket must not keep a finished bench alive.
  process.exit(0);
} catch (e) {
  process.stderr.write(`bench ${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
}
