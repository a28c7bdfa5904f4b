/**
 * Composition: config → store → services. The HTTP app, the worker and the CLI all start from
 * `createServices`, so every entry point runs the same rules.
 */
import path from 'node:path';
import type { Config } from './config.ts';
import { migrateToLatest } from './db/migrate.ts';
import { openStore, type Store } from './db/store.ts';
import { Bus } from './platform/bus.ts';
import { NatsBusTransport } from './platform/nats-bus.ts';
import { type Clock, systemClock } from './platform/clock.ts';
import { AuditService } from './modules/audit/audit-service.ts';
import { AuthService } from './modules/auth/auth-service.ts';
import { CaseService } from './modules/case/case-service.ts';
import { FileService } from './modules/files/file-service.ts';
import { NotifyService } from './modules/notify/notify-service.ts';
import { OutboxProcessor } from './modules/notify/outbox-processor.ts';
import { WebhookSender } from './modules/notify/webhook-sender.ts';
import { OrgService } from './modules/org/org-service.ts';
import { CalendarService } from './modules/sla/calendar-service.ts';
import { TimerWorker } from './modules/sla/timer-worker.ts';
import { TaxonomyService } from './modules/taxonomy/taxonomy-service.ts';
import { IntakeService } from './modules/intake/intake-service.ts';
import { ClassifierService } from './modules/intake/classifier-service.ts';
import { GazetteerService } from './modules/intake/gazetteer-service.ts';
import { AlarmService } from './modules/perception/alarm-service.ts';
import { DeviceService } from './modules/perception/device-service.ts';
import { MqttIngest } from './modules/perception/mqtt-ingest.ts';
import { RollupService } from './modules/perception/rollup-service.ts';
import { RuleService } from './modules/perception/rule-service.ts';
import { TelemetryService } from './modules/perception/telemetry-service.ts';
import { EvaluationService } from './modules/evaluation/evaluation-service.ts';
import { BoardService } from './modules/cockpit/board-service.ts';
import { COCKPIT_TOPICS, CockpitService } from './modules/cockpit/cockpit-service.ts';
import { SupervisionService } from './modules/supervision/supervision-service.ts';
import { ReviewService } from './modules/targets/review-service.ts';
import { TargetService } from './modules/targets/target-service.ts';
import pino, { type Logger } from 'pino';

export interface Services {
  config: Config;
  store: Store;
  clock: Clock;
  bus: Bus;
  org: OrgService;
  audit: AuditService;
  auth: AuthService;
  taxonomy: TaxonomyService;
  calendars: CalendarService;
  files: FileService;
  cases: CaseService;
  intake: IntakeService;
  classifier: ClassifierService;
  gazetteer: GazetteerService;
  log: Logger;
  notify: NotifyService;
  timers: TimerWorker;
  outbox: OutboxProcessor;
  webhooks: WebhookSender;
  devices: DeviceService;
  rules: RuleService;
  alarms: AlarmService;
  telemetry: TelemetryService;
  rollups: RollupService;
  evaluation: EvaluationService;
  cockpit: CockpitService;
  boards: BoardService;
  supervision: SupervisionService;
  targets: TargetService;
  reviews: ReviewService;
  /** MQTT ingest when MQTT_URL is set; `onegrid start` starts it. */
  mqtt: MqttIngest | null;
  close(): Promise<void>;
}

export async function createServices(config: Config, opts: { store?: Store; clock?: Clock; migrate?: boolean; log?: Logger } = {}): Promise<Services> {
  const store = opts.store ?? openStore({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'onegrid.sqlite') });
  if (opts.migrate !== false) await migrateToLatest(store);
  const clock = opts.clock ?? systemClock;
  const bus = new Bus();
  const audit = new AuditService(store, clock);
  const org = new OrgService(store, clock, audit);
  const auth = new AuthService(store, org, clock, config.sessionTtlMs, audit);
  const taxonomy = new TaxonomyService(store, org, clock, audit);
  const calendars = new CalendarService(org, config.warnRatio);
  const files = new FileService(store, clock, path.join(config.dataDir, 'files'));
  const cases = new CaseService(store, clock, org, taxonomy, calendars, auth, files);
  const log = opts.log ?? pino({ level: config.logLevel });
  if (config.natsUrl) await bus.join(new NatsBusTransport(config.natsUrl, (err) => log.warn({ err }, 'NATS bus message dropped')));
  const classifier = new ClassifierService(store, clock, taxonomy, audit);
  const gazetteer = new GazetteerService(store, clock, org);
  const intake = new IntakeService(store, clock, org, taxonomy, cases, auth, log, classifier, gazetteer);
  const devices = new DeviceService(store, clock, org, taxonomy, audit);
  const rules = new RuleService(store, clock, taxonomy, audit);
  const alarms = new AlarmService(store, clock, devices, rules, cases, intake, log);
  const telemetry = new TelemetryService(store, clock, devices, rules, alarms, { retentionMs: config.telemetryRetentionMs, maxFutureMs: 5 * 60_000 }, log);
  const outbox = new OutboxProcessor(store, clock, org, bus);
  const supervision = new SupervisionService(store, clock, org, calendars, auth, files, cases, log);
  supervision.subscribe(outbox);
  const evaluation = new EvaluationService(store, clock, org, auth, cases, audit, supervision);
  const cockpit = new CockpitService(store, clock, org, taxonomy, audit);
  for (const topic of COCKPIT_TOPICS) outbox.on(topic, (trx, m) => cockpit.apply(trx, m));
  const targets = new TargetService(store, clock, org, files, log, audit, supervision);
  const reviews = new ReviewService(store, clock, cases, alarms);
  const boards = new BoardService(org, { cockpit, alarms, devices, evaluation, targets, supervision, now: () => clock.now() });
  const rollups = new RollupService(store, clock, devices, { batch: 20_000, minuteRetentionMs: config.telemetryRetentionMs });
  const mqtt = config.mqttUrl ? new MqttIngest(telemetry, org, log, { url: config.mqttUrl, capacity: config.mqttQueue, batchSize: 500, group: 'onegrid', connections: 4, lanes: store.dialect === 'postgres' ? 2 : 1 }) : null;
  if (mqtt) telemetry.attachMqtt(() => mqtt.status());
  return {
    config,
    store,
    clock,
    bus,
    org,
    audit,
    auth,
    taxonomy,
    calendars,
    files,
    cases,
    intake,
    classifier,
    gazetteer,
    log,
    notify: new NotifyService(store, clock, audit),
    timers: new TimerWorker(store, clock),
    outbox,
    webhooks: new WebhookSender(store, clock),
    devices,
    rules,
    alarms,
    telemetry,
    rollups,
    evaluation,
    cockpit,
    boards,
    supervision,
    targets,
    reviews,
    mqtt,
    close: async () => {
      await mqtt?.stop();
      await bus.close();
      await store.close();
    },
  };
}
