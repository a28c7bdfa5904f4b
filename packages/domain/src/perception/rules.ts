/**
 * Alarm rules as data and the state machine that runs one rule for one device. A rule is a
 * condition (threshold with hysteresis, rate of change, offline, or the AND of two of them) plus
 * how long it must hold before an alarm is raised (sustained for N minutes) and how long it must
 * be false before the alarm clears (which suppresses flapping). `step` is pure: the server keeps
 * the state in a row, so alarms survive restarts and any process can continue from it.
 */
import { type DeviceTypeCode, measurementOf } from './device-types.ts';
import type { Values } from './readings.ts';

export type Condition =
  /** above: true at value ≥ raise, false at value ≤ clear, unchanged in between (hysteresis); below mirrors it. */
  | { kind: 'threshold'; measurement: string; direction: 'above' | 'below'; raise: number; clear: number }
  /** Change per minute between the two latest readings of the measurement, with the same hysteresis. */
  | { kind: 'rate'; measurement: string; direction: 'rising' | 'falling'; raise: number; clear: number }
  /** No reading of any measurement for this many minutes. */
  | { kind: 'offline'; minutes: number }
  /** Both hold (true), either is false (false), otherwise unchanged. */
  | { kind: 'all'; of: [Condition, Condition] };

export interface RuleSpec {
  deviceType: DeviceTypeCode;
  condition: Condition;
  /** The condition must hold this long before the alarm is raised. */
  forMinutes: number;
  /** The condition must be false this long before the alarm clears. */
  clearMinutes: number;
}

export type Status = 'normal' | 'pending' | 'active' | 'clearing';

export interface RuleState {
  status: Status;
  /** When the current pending or clearing phase began. */
  since: number | null;
  /** The condition at the last evaluation (null: undecided, e.g. no data yet or inside the hysteresis band). */
  cond: boolean | null;
  /** Time of the latest reading applied: older or equal readings are late and do not move the state. */
  lastAt: number | null;
  /** Last sign of life, for offline; starts at the device's creation. */
  lastSeen: number;
  /** Latest value per measurement, with the one before it for rates. */
  values: Record<string, { v: number; at: number; pv?: number; pat?: number }>;
}

export type Input = { kind: 'reading'; at: number; values: Values } | { kind: 'tick'; now: number };

export interface AlarmEvent {
  type: 'raise' | 'clear';
  at: number;
  values: Values;
}

export interface StepResult {
  state: RuleState;
  events: AlarmEvent[];
  /** The reading was late (not newer than the last one applied) and changed nothing. */
  late: boolean;
}

const MINUTE = 60_000;

export function initialState(since: number): RuleState {
  return { status: 'normal', since: null, cond: null, lastAt: null, lastSeen: since, values: {} };
}

/** The condition as of `now`, from the latest values in the state. */
export function evaluate(c: Condition, s: RuleState, now: number): boolean | null {
  switch (c.kind) {
    case 'threshold': {
      const x = s.values[c.measurement];
      if (!x) return null;
      return band(c.direction === 'above' ? x.v : -x.v, c.direction === 'above' ? c.raise : -c.raise, c.direction === 'above' ? c.clear : -c.clear);
    }
    case 'rate': {
      const x = s.values[c.measurement];
      if (!x || x.pv === undefined || x.pat === undefined || x.at === x.pat) return null;
      const perMin = (x.v - x.pv) / ((x.at - x.pat) / MINUTE);
      const sign = c.direction === 'rising' ? 1 : -1;
      return band(sign * perMin, sign * c.raise, sign * c.clear);
    }
    case 'offline':
      return now - s.lastSeen >= c.minutes * MINUTE;
    case 'all': {
      const [a, b] = c.of.map((x) => evaluate(x, s, now));
      if (a === false || b === false) return false;
      return a === true && b === true ? true : null;
    }
  }
}

/** Rising sense: true at or above raise, false at or below clear, undecided between. */
function band(v: number, raise: number, clear: number): boolean | null {
  if (v >= raise) return true;
  if (v <= clear) return false;
  return null;
}

/** One reading or clock tick applied to one (device, rule). */
export function step(rule: RuleSpec, prev: RuleState, input: Input): StepResult {
  let s: RuleState = { ...prev, values: { ...prev.values } };
  let t: number;
  if (input.kind === 'reading') {
    if (prev.lastAt !== null && input.at <= prev.lastAt) return { state: prev, events: [], late: true };
    t = input.at;
    for (const [m, v] of Object.entries(input.values)) {
      const old = s.values[m];
      s.values[m] = old ? { v, at: t, pv: old.v, pat: old.at } : { v, at: t };
    }
    s.lastAt = t;
    s.lastSeen = Math.max(s.lastSeen, t);
  } else {
    t = input.now;
  }
  const cond = evaluate(rule.condition, s, t);
  s.cond = cond;
  const events: AlarmEvent[] = [];
  const snapshot = (): Values => Object.fromEntries(Object.entries(s.values).map(([m, x]) => [m, x.v]));
  const forMs = rule.forMinutes * MINUTE;
  const clearMs = rule.clearMinutes * MINUTE;
  const raise = () => {
    s = { ...s, status: 'active', since: null };
    events.push({ type: 'raise', at: t, values: snapshot() });
  };
  const clear = () => {
    s = { ...s, status: 'normal', since: null };
    events.push({ type: 'clear', at: t, values: snapshot() });
  };
  switch (s.status) {
    case 'normal':
      if (cond === true) {
        if (forMs === 0) raise();
        else s = { ...s, status: 'pending', since: t };
      }
      break;
    case 'pending':
      // Undecided counts as not holding: a sustained condition must be plainly true throughout.
      if (cond !== true) s = { ...s, status: 'normal', since: null };
      else if (t - (s.since ?? t) >= forMs) raise();
      break;
    case 'active':
      if (cond === false) {
        if (clearMs === 0) clear();
        else s = { ...s, status: 'clearing', since: t };
      }
      break;
    case 'clearing':
      // Back above the clear level before the quiet period ends: still the same alarm (no flap).
      if (cond !== false) s = { ...s, status: 'active', since: null };
      else if (t - (s.since ?? t) >= clearMs) clear();
      break;
  }
  return { state: s, events, late: false };
}

export function hasOffline(c: Condition): boolean {
  return c.kind === 'offline' || (c.kind === 'all' && c.of.some(hasOffline));
}

/** Whether time alone can move this rule (offline, or a waiting period): the worker ticks these. */
export function needsTicks(rule: RuleSpec): boolean {
  return hasOffline(rule.condition) || rule.forMinutes > 0 || rule.clearMinutes > 0;
}

/** Every problem with a rule for its device type (empty: the rule is usable). */
export function ruleProblems(rule: RuleSpec): string[] {
  const out: string[] = [];
  const check = (c: Condition, path: string, depth: number) => {
    if (c.kind === 'all') {
      if (depth > 0) out.push(`${path}: a composite may not contain another composite`);
      if (!Array.isArray(c.of) || c.of.length !== 2) out.push(`${path}.of: exactly two conditions`);
      else for (const [i, x] of c.of.entries()) check(x, `${path}.of.${i}`, depth + 1);
      return;
    }
    if (c.kind === 'offline') {
      if (!(c.minutes > 0)) out.push(`${path}.minutes: more than 0`);
      return;
    }
    const m = measurementOf(rule.deviceType, c.measurement);
    if (!m) out.push(`${path}.measurement: ${rule.deviceType} has no measurement "${c.measurement}"`);
    const rising = c.direction === 'above' || c.direction === 'rising';
    if (rising ? c.clear > c.raise : c.clear < c.raise) {
      out.push(`${path}: clear (${c.clear}) must lie ${rising ? 'at or below' : 'at or above'} raise (${c.raise}), or the alarm could never settle`);
    }
  };
  check(rule.condition, 'condition', 0);
  if (!(rule.forMinutes >= 0)) out.push('forMinutes: 0 or more');
  if (!(rule.clearMinutes >= 0)) out.push('clearMinutes: 0 or more');
  return out;
}

/** A short human description, e.g. "currentLevel ≥ 0.3 m (clears ≤ 0.2)". */
export function describe(c: Condition, type: DeviceTypeCode): string {
  switch (c.kind) {
    case 'threshold': {
      const unit = measurementOf(type, c.measurement)?.unit ?? '';
      const [r, cl] = c.direction === 'above' ? ['≥', '≤'] : ['≤', '≥'];
      return `${c.measurement} ${r} ${c.raise} ${unit} (clears ${cl} ${c.clear})`;
    }
    case 'rate': {
      const unit = measurementOf(type, c.measurement)?.unit ?? '';
      return `${c.measurement} ${c.direction} ${c.raise} ${unit}/min (clears at ${c.clear})`;
    }
    case 'offline':
      return `no data for ${c.minutes} min`;
    case 'all':
      return c.of.map((x) => describe(x, type)).join(' AND ');
  }
}
