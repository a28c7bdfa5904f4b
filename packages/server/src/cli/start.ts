/**
 * `onegrid start`: migrate, seed the demo district on first run (with --demo), then serve the
 * API and run the worker in this process (ONEGRID_ROLE=api|worker splits them).
 */
import pino from 'pino';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { verifyPassword } from '../modules/auth/secrets.ts';
import { DEMO_DISTRICT_CODE, seedDemo } from '../modules/demo/seed-demo.ts';
import { createServices } from '../services.ts';
import { Worker } from '../worker.ts';
import { CliError } from './context.ts';

export async function start(opts: { demo?: boolean; port?: number; host?: string }): Promise<void> {
  const overrides = {
    ...(opts.demo ? { demo: true } : {}),
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.host ? { host: opts.host } : {}),
  };
  const config = loadConfig(process.env, overrides);
  const log = pino({ level: config.logLevel, ...(process.stdout.isTTY ? {} : {}) });
  const s = await createServices(config);
  let demo = await s.org.districtByCode(DEMO_DISTRICT_CODE);
  if (config.demo && !demo) {
    const t0 = Date.now();
    log.info('seeding the Jiangbei demo district (first run)');
    await seedDemo(s, { password: config.demoPassword, onStep: (step) => log.info({ step }, 'demo seed') });
    demo = await s.org.districtByCode(DEMO_DISTRICT_CODE);
    log.info({ ms: Date.now() - t0 }, 'demo district ready');
  }
  if (!config.demo) await refuseDefaultPasswords(s);
  // A store from before the cockpit rollups: count its cases once, before this worker starts.
  if (config.role !== 'api') {
    for (const d of await s.org.listDistricts()) {
      if (await s.cockpit.needsRebuild(d.id)) log.info({ district: d.code, ...(await s.cockpit.rebuild(d.id)) }, 'cockpit rollups rebuilt from the cases');
    }
  }

  if (config.role !== 'worker') {
    const t0 = Date.now();
    await s.classifier.warm();
    log.info({ ms: Date.now() - t0 }, 'category classifier ready');
  }
  const worker = config.role !== 'api' ? new Worker(s, log) : null;
  const app = config.role !== 'worker' ? await buildApp(s, { logger: { level: config.logLevel === 'info' ? 'warn' : config.logLevel } }) : null;
  if (app) await app.listen({ port: config.port, host: config.host });
  // MQTT ingest goes with the API role; HTTP ingest needs no broker.
  if (s.mqtt && config.role !== 'worker') await s.mqtt.start();
  worker?.start();

  const addr = app?.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const base = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  const lines = [
    '',
    `OneGrid is running (${s.store.label}, role ${config.role})`,
    ...(app ? [`  Console  ${base}/`, `  API      ${base}/api/v1`, `  Docs     ${base}/docs`, `  OpenAPI  ${base}/api/v1/openapi.json`, `  Health   ${base}/healthz   Metrics ${base}/metrics`] : []),
    ...(s.mqtt && config.role !== 'worker' ? [`  MQTT     onegrid/<district>/<device>/telemetry on ${config.mqttUrl}`] : []),
  ];
  if (config.demo && demo) {
    lines.push(
      '',
      `Demo district 江北区 (Jiangbei). Every demo login uses the password "${config.demoPassword}":`,
      '  admin  intake  shift_leader  dispatcher  supervisor  leader   (district centre)',
      '  h-cgj  h-zjw  h-slj … (departments)   h-500105006 … (towns/streets)   g-500105006001 … (grid workers)',
      `  try:  curl -s ${base}/api/v1/auth/login -H 'content-type: application/json' -d '{"username":"intake","password":"${config.demoPassword}"}'`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await app?.close();
    await worker?.stop();
    await s.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/** A production start must not run with the published demo password on any account. */
async function refuseDefaultPasswords(s: Awaited<ReturnType<typeof createServices>>): Promise<void> {
  const demo = await s.org.districtByCode(DEMO_DISTRICT_CODE);
  if (!demo) return;
  const admin = await s.store.db.selectFrom('users').select('password_hash').where('username', '=', 'admin').executeTakeFirst();
  if (admin && (await verifyPassword(s.config.demoPassword, admin.password_hash))) {
    throw new CliError(
      'this database holds the demo district with its default passwords; start with --demo (or ONEGRID_DEMO=1) for a demo, or change the passwords / use a fresh ONEGRID_DATA_DIR for production',
    );
  }
}
