/**
 * The one validated configuration object, read once at boot from the environment. No other
 * module reads process.env; an invalid value stops the process with a message naming it.
 */
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  ONEGRID_DATA_DIR: z.string().default('.onegrid'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (leave unset for the embedded SQLite store)')
    .optional(),
  ONEGRID_DEMO: bool.default(false),
  ONEGRID_DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('onegrid-demo'),
  ONEGRID_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ONEGRID_MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  ONEGRID_MAX_BODY_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  ONEGRID_WORKER_POLL_MS: z.coerce.number().int().min(10).default(1000),
  ONEGRID_OUTBOX_POLL_MS: z.coerce.number().int().min(10).default(100),
  ONEGRID_WARN_RATIO: z.coerce.number().gt(0).lt(1).default(0.8),
  ONEGRID_SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  ONEGRID_PUBLIC_URL: z.string().url().optional(),
  MQTT_URL: z
    .string()
    .regex(/^(mqtts?|wss?|tcp):\/\//, 'must be an mqtt://, mqtts://, ws:// or wss:// URL (leave unset to ingest over HTTP only)')
    .optional(),
  NATS_URL: z
    .string()
    .regex(/^(nats|tls|wss?):\/\/|^[\w.-]+:\d+$/, 'must be a nats:// URL or host:port (leave unset for one process)')
    .optional(),
  ONEGRID_MQTT_QUEUE: z.coerce.number().int().min(10).default(10_000),
  ONEGRID_TELEMETRY_RETENTION_DAYS: z.coerce.number().positive().default(30),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  demo: boolean;
  demoPassword: string;
  role: 'all' | 'api' | 'worker';
  logLevel: string;
  maxUploadBytes: number;
  maxBodyBytes: number;
  workerPollMs: number;
  /** The outbox's own, shorter loop: live views (SSE, cockpit) wait on it. */
  outboxPollMs: number;
  warnRatio: number;
  sessionTtlMs: number;
  publicUrl: string | undefined;
  mqttUrl: string | undefined;
  /** Joins the live-event bus of every instance (SSE from any instance); unset: one process. */
  natsUrl: string | undefined;
  mqttQueue: number;
  telemetryRetentionMs: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.ONEGRID_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    demo: e.ONEGRID_DEMO,
    demoPassword: e.ONEGRID_DEMO_PASSWORD,
    role: e.ONEGRID_ROLE,
    logLevel: e.LOG_LEVEL,
    maxUploadBytes: e.ONEGRID_MAX_UPLOAD_BYTES,
    maxBodyBytes: e.ONEGRID_MAX_BODY_BYTES,
    workerPollMs: e.ONEGRID_WORKER_POLL_MS,
    outboxPollMs: e.ONEGRID_OUTBOX_POLL_MS,
    warnRatio: e.ONEGRID_WARN_RATIO,
    sessionTtlMs: e.ONEGRID_SESSION_TTL_HOURS * 3600_000,
    publicUrl: e.ONEGRID_PUBLIC_URL,
    mqttUrl: e.MQTT_URL,
    natsUrl: e.NATS_URL,
    mqttQueue: e.ONEGRID_MQTT_QUEUE,
    telemetryRetentionMs: e.ONEGRID_TELEMETRY_RETENTION_DAYS * 86_400_000,
    ...overrides,
  };
}
