/**
 * `onegrid simulate sensors`: a virtual fleet posting readings to a running server over HTTP with
 * an API key, as real gateways would. `normal` sends diurnal values with noise in real time;
 * `rainstorm` compresses a two-hour storm into the run: rain rises, water rises at the
 * waterlogging points past the thresholds, alarms fire, then levels fall and the alarms clear.
 */
import { seededRandom as prng } from '@onegrid/domain/random';
import { loadConfig } from '../config.ts';

interface Opts {
  url: string;
  rate: number;
  duration?: number;
  scenario: 'normal' | 'rainstorm';
  ack: boolean;
  apiKey?: string;
  password?: string;
  seed: number;
}

type Json = Record<string, any>;
interface Device {
  code: string;
  type: string;
  componentCode: string | null;
  latest: Record<string, { at: string }>;
}

const MINUTE = 60_000;
/** The simulated length of a rainstorm, compressed into the run's duration. */
const STORM_MS = 120 * MINUTE;
const DEFAULT_STORM_SECONDS = 120;

/** A stable number in [0, 1) per device code, so each device keeps its character between runs. */
function trait(code: string, salt: number): number {
  let h = 2166136261 ^ salt;
  for (let i = 0; i < code.length; i++) h = Math.imul(h ^ code.charCodeAt(i), 16777619);
  return ((h >>> 0) % 100_000) / 100_000;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const round = (v: number, digits: number) => Number(v.toFixed(digits));
/** Hour of day in Chongqing (UTC+8). */
const hourOf = (at: number) => (((at / 3_600_000 + 8) % 24) + 24) % 24;
/** 0 at night, 1 in the early afternoon. */
const daylight = (h: number) => Math.max(0, Math.sin(((h - 6) / 14) * Math.PI));

/** Storm shape at progress p ∈ [0, 1]: rain first, water follows and drains after the rain stops. */
export function storm(p: number): { rain: number; water: number } {
  const bump = (from: number, to: number) => (p <= from || p >= to ? 0 : Math.sin(((p - from) / (to - from)) * Math.PI));
  return { rain: bump(0.08, 0.7), water: bump(0.15, 0.9) };
}

/** One reading of a device at time `at`; `p` is the storm's progress (null: no storm). */
export function readingOf(d: Device, at: number, p: number | null, rnd: () => number): Record<string, number> {
  const noise = (amp: number) => (rnd() * 2 - 1) * amp;
  const h = hourOf(at);
  const s = p === null ? { rain: 0, water: 0 } : storm(p);
  switch (d.type) {
    case 'water_level': {
      // Low-lying points flood deeper: peak depth 0.1–1.0 m, most of them past the 0.3 m threshold.
      const peak = 0.1 + 0.9 * trait(d.code, 1);
      const rain = s.rain * (55 + 25 * trait(d.code, 2));
      return { currentLevel: round(clamp(peak * s.water + Math.abs(noise(0.01)), 0, 20), 3), precipitation: round(clamp(rain + (rain > 0 ? noise(3) : 0), 0, 500), 1) };
    }
    case 'manhole_cover': {
      // A cover or two is left open; in a storm, water pressure lifts some storm-drain covers.
      const stuckOpen = trait(d.code, 3) < 0.015;
      const lifted = d.componentCode === '01003' && s.water > 0.8 && trait(d.code, 4) < 0.1;
      const open = stuckOpen || lifted;
      return { open: open ? 1 : 0, tiltAngle: round(open ? 30 + noise(5) : Math.abs(noise(1.5)), 1) };
    }
    case 'waste_bin': {
      // Emptied at 06:00; fills at 2–8 % an hour, faster in the daytime.
      const since = (h - 6 + 24) % 24;
      const fill = since * (0.02 + 0.06 * trait(d.code, 5)) * (0.8 + 0.4 * daylight(h));
      return { fillingLevel: round(clamp(fill + noise(0.02), 0, 1), 3) };
    }
    case 'street_light':
      return { powerState: h >= 18.5 || h < 6.5 ? 1 : 0, status: trait(d.code, 6) < 0.03 ? 1 : 0 };
    case 'air_quality': {
      // Rain washes particles out of the air.
      const pm25 = clamp((35 + 30 * daylight(h) + noise(8)) * (1 - 0.6 * s.rain), 2, 2000);
      return { pm25: round(pm25, 1), pm10: round(pm25 * (1.5 + 0.3 * trait(d.code, 7)), 1) };
    }
    case 'noise': {
      const loud = trait(d.code, 8) < 0.1 ? 9 : 0;
      return { LAeq: round(clamp(45 + 17 * daylight(h) + loud + 6 * s.rain + noise(3), 0, 150), 1) };
    }
    default:
      return {};
  }
}

export async function simulateSensors(o: Opts): Promise<void> {
  const rnd = prng(o.seed);
  const password = o.password ?? loadConfig().demoPassword;
  const login = async (username: string): Promise<Json> => {
    const r = await fetch(`${o.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    const j = (await r.json()) as Json;
    if (!j.token) throw new Error(`login ${username} failed: ${JSON.stringify(j)}`);
    return j;
  };
  const call = async (token: string, method: string, path: string, body?: unknown): Promise<Json> => {
    const res = await fetch(`${o.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : null,
    });
    const j = (await res.json()) as Json;
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${j.error?.code}: ${j.error?.message}`);
    return j;
  };

  const admin = await login('admin');
  // Ingest takes an API key of a user holding telemetry.ingest: the demo's gateway user (role
  // gateway) when it exists, else admin. A key made here is revoked at the end.
  let created: { id: string; key: string } | null = null;
  if (!o.apiKey) {
    const users = (await call(admin.token, 'GET', '/api/v1/users?limit=1000')).items as Json[];
    const gateway = users.find((u) => u.username === 'iot-gateway');
    const userId = gateway?.id ?? admin.user.userId ?? admin.user.id;
    created = (await call(admin.token, 'POST', '/api/v1/api-keys', { name: `simulate sensors ${new Date().toISOString()}`, userId })) as { id: string; key: string };
  }
  const key = o.apiKey ?? created?.key ?? '';
  // Acknowledging is a person's step and admin does not hold alarm.act: the shift leader does it.
  const acker = o.ack ? (await login('shift_leader')).token : null;

  const devices = (await call(admin.token, 'GET', '/api/v1/perception/devices')).items as Device[];
  if (!devices.length) throw new Error('the server has no devices; start it with --demo or import devices first');
  const water = devices.filter((d) => d.type === 'water_level');
  const others = devices.filter((d) => d.type !== 'water_level');

  const t0 = Date.now();
  const storming = o.scenario === 'rainstorm';
  const durationMs = (o.duration ?? (storming ? DEFAULT_STORM_SECONDS : 0)) * 1000;
  // Storm readings are stamped on a compressed clock that ends at the real end of the run; it
  // starts after every reading already stored, or rules would treat them as late.
  const newest = Math.max(0, ...devices.flatMap((d) => Object.values(d.latest).map((l) => Date.parse(l.at))));
  let simStart = t0 + durationMs - STORM_MS;
  if (storming && simStart <= newest) {
    simStart = newest + 1000;
    process.stdout.write(`simulate sensors: readings up to ${new Date(newest).toISOString()} exist; the storm spans only ${Math.round((t0 + durationMs - simStart) / MINUTE)} simulated minutes, so sustained rules may not fire\n`);
  }
  // Capped at the end of the run, so that no reading is stamped after the real clock.
  const stampAt = (now: number) => (storming ? Math.round(simStart + (Math.min(now - t0, durationMs) / durationMs) * (t0 + durationMs - simStart)) : now);

  const stats = { sent: 0, accepted: 0, rejected: 0, late: 0, errors: 0, openAlarms: 0, acknowledged: 0 };
  const cases = new Set<string>();
  process.stdout.write(
    `simulate sensors: ${devices.length} devices (${water.length} water-level), ${o.rate} readings/s, scenario ${o.scenario}${durationMs ? ` for ${durationMs / 1000}s` : ' until Ctrl-C'}${o.ack ? ', acknowledging alarms' : ''}\n`,
  );

  let cursor = 0;
  let lastStamp = 0;
  const tickOnce = async () => {
    const now = Date.now();
    const at = Math.max(stampAt(now), lastStamp + 1);
    lastStamp = at;
    const p = storming ? clamp((now - t0) / durationMs, 0, 1) : null;
    // In a storm every waterlogging point reports each second; the rest share what the rate leaves.
    const batch = storming ? water.slice(0, o.rate) : [];
    const room = Math.min(o.rate - batch.length, storming ? others.length : devices.length);
    const pool = storming ? others : devices;
    for (let i = 0; i < room; i++) batch.push(pool[(cursor + i) % pool.length] as Device);
    cursor = (cursor + room) % Math.max(1, pool.length);
    const readings = batch.map((d) => ({ device: d.code, at: new Date(at).toISOString(), values: readingOf(d, at, p, rnd) }));
    stats.sent += readings.length;
    const r = await call(key, 'POST', '/api/v1/telemetry', readings);
    stats.accepted += r.accepted as number;
    stats.rejected += r.rejected as number;
    stats.late += r.late as number;
  };
  const ackOnce = async () => {
    if (!acker) return;
    const raised = (await call(acker, 'GET', '/api/v1/perception/alarms?status=raised&limit=1000')).items as Json[];
    for (const a of raised) {
      const v = await call(acker, 'POST', `/api/v1/perception/alarms/${a.id}/acknowledge`);
      stats.acknowledged++;
      if (v.caseId) cases.add(v.caseId as string);
    }
  };
  const countOpen = async () => {
    const open = (await call(admin.token, 'GET', '/api/v1/perception/alarms?status=raised,acknowledged&limit=1000')).items as Json[];
    stats.openAlarms = open.length;
    // Rules with autoReport make cases without anyone acknowledging: count those too.
    for (const a of open) if (a.caseId) cases.add(a.caseId as string);
  };
  const line = () => `simulate sensors: ${JSON.stringify({ ...stats, cases: cases.size })}`;
  const guard = (f: () => Promise<void>) => () =>
    void f().catch((e: Error) => {
      stats.errors++;
      process.stderr.write(`simulate sensors: ${e.message}\n`);
    });

  // Acknowledging runs between batches, as one operator would. (A stall seen once while ingest and
  // acknowledgements overlapped did not recur in runs that overlapped them on purpose.)
  let busy = false;
  let ticks = 0;
  const tick = setInterval(
    guard(async () => {
      if (busy) return;
      busy = true;
      try {
        await tickOnce();
        if (++ticks % 2 === 0) await ackOnce();
      } finally {
        busy = false;
      }
    }),
    1000,
  );
  const report = setInterval(
    guard(async () => {
      await countOpen();
      process.stdout.write(`${line()}\n`);
    }),
    10_000,
  );
  const finish = async () => {
    clearInterval(tick);
    clearInterval(report);
    try {
      while (busy) await new Promise((r) => setTimeout(r, 50));
      await ackOnce();
      await countOpen();
      const states = new Map<string, number>();
      for (const id of cases) {
        const c = await call(admin.token, 'GET', `/api/v1/cases/${id}`);
        states.set(c.state as string, (states.get(c.state as string) ?? 0) + 1);
      }
      process.stdout.write(`${line()}\nsimulate sensors: cases by state ${JSON.stringify(Object.fromEntries(states))}\n`);
      if (created) await call(admin.token, 'DELETE', `/api/v1/api-keys/${created.id}`);
    } finally {
      process.exit(0);
    }
  };
  if (durationMs) setTimeout(() => void finish(), durationMs + 1500);
  process.once('SIGINT', () => void finish());
}
