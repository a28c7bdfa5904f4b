/**
 * Rule semantics, table-driven: each case feeds a sequence of readings and clock ticks to one
 * rule and states the events that must come out, and the status after each input.
 */
import { describe, expect, it } from 'vitest';
import { checkReading } from '../../src/perception/readings.ts';
import { type Condition, initialState, type Input, needsTicks, ruleProblems, type RuleSpec, step } from '../../src/perception/rules.ts';

const T0 = Date.parse('2026-06-01T00:00:00Z');
const min = (m: number) => T0 + m * 60_000;

const level = (raise: number, clear: number): Condition => ({ kind: 'threshold', measurement: 'currentLevel', direction: 'above', raise, clear });
const rule = (condition: Condition, forMinutes = 0, clearMinutes = 0): RuleSpec => ({ deviceType: 'water_level', condition, forMinutes, clearMinutes });

/** [minute, value] is a currentLevel reading; [minute] alone is a tick; [minute, {values}] several. */
type Feed = [number] | [number, number] | [number, Record<string, number>];

function run(spec: RuleSpec, feed: Feed[]) {
  let s = initialState(T0);
  const events: string[] = [];
  const statuses: string[] = [];
  let late = 0;
  for (const f of feed) {
    const input: Input =
      f.length === 1
        ? { kind: 'tick', now: min(f[0]) }
        : { kind: 'reading', at: min(f[0]), values: typeof f[1] === 'number' ? { currentLevel: f[1] } : f[1] };
    const r = step(spec, s, input);
    s = r.state;
    if (r.late) late++;
    for (const e of r.events) events.push(`${e.type}@${(e.at - T0) / 60_000}`);
    statuses.push(s.status);
  }
  return { events, statuses, late, state: s };
}

describe('threshold with hysteresis', () => {
  const spec = rule(level(0.3, 0.2));
  it.each([
    { name: 'raises at the raise level, not below it', feed: [[1, 0.29], [2, 0.3]], events: ['raise@2'] },
    { name: 'stays raised inside the band (no flapping)', feed: [[1, 0.35], [2, 0.25], [3, 0.31], [4, 0.21]], events: ['raise@1'] },
    { name: 'clears at the clear level', feed: [[1, 0.35], [2, 0.25], [3, 0.2]], events: ['raise@1', 'clear@3'] },
    { name: 'a value inside the band from normal raises nothing', feed: [[1, 0.25], [2, 0.28]], events: [] },
    { name: 'raises again after a clear', feed: [[1, 0.4], [2, 0.1], [3, 0.4]], events: ['raise@1', 'clear@2', 'raise@3'] },
  ] as Array<{ name: string; feed: Feed[]; events: string[] }>)('$name', ({ feed, events }) => {
    expect(run(spec, feed).events).toEqual(events);
  });

  it('below: mirrors above (e.g. a level that must not fall)', () => {
    const below = rule({ kind: 'threshold', measurement: 'currentLevel', direction: 'below', raise: 0, clear: 0.1 });
    expect(run(below, [[1, 0.5], [2, 0], [3, 0.05], [4, 0.1]]).events).toEqual(['raise@2', 'clear@4']);
  });
});

describe('sustained for N minutes, and a quiet period before clearing', () => {
  it.each([
    { name: 'a short spike never raises', spec: rule(level(0.3, 0.2), 5), feed: [[1, 0.5], [3, 0.1], [10]], events: [], last: 'normal' },
    { name: 'raises once it has held N minutes (on the reading that shows it)', spec: rule(level(0.3, 0.2), 5), feed: [[1, 0.5], [4, 0.5], [6, 0.5]], events: ['raise@6'], last: 'active' },
    { name: 'a clock tick raises it when readings are sparse', spec: rule(level(0.3, 0.2), 5), feed: [[1, 0.5], [5], [6]], events: ['raise@6'], last: 'active' },
    { name: 'inside the band while pending is not "holding": back to normal', spec: rule(level(0.3, 0.2), 5), feed: [[1, 0.5], [3, 0.25], [7, 0.5], [11]], events: [], last: 'pending' },
    { name: 'a dip shorter than the quiet period does not clear (flapping suppressed)', spec: rule(level(0.3, 0.2), 0, 10), feed: [[1, 0.5], [2, 0.1], [5, 0.5], [6, 0.1], [12]], events: ['raise@1'], last: 'clearing' },
    { name: 'clears after the quiet period', spec: rule(level(0.3, 0.2), 0, 10), feed: [[1, 0.5], [2, 0.1], [12]], events: ['raise@1', 'clear@12'], last: 'normal' },
  ] as Array<{ name: string; spec: RuleSpec; feed: Feed[]; events: string[]; last: string }>)('$name', ({ spec, feed, events, last }) => {
    const r = run(spec, feed);
    expect(r.events).toEqual(events);
    expect(r.statuses.at(-1)).toBe(last);
  });
});

describe('rate of change', () => {
  const rising = rule({ kind: 'rate', measurement: 'currentLevel', direction: 'rising', raise: 0.02, clear: 0 });
  it.each([
    { name: 'needs two readings', feed: [[0, 0.1]], events: [] },
    { name: 'raises at ≥ 0.02 m/min and clears when the level stops rising', feed: [[0, 0.1], [5, 0.2], [10, 0.25], [15, 0.25]], events: ['raise@5', 'clear@15'] },
    { name: 'a slow rise inside the band raises nothing', feed: [[0, 0.1], [10, 0.15]], events: [] },
  ] as Array<{ name: string; feed: Feed[]; events: string[] }>)('$name', ({ feed, events }) => {
    expect(run(rising, feed).events).toEqual(events);
  });
  it('falling uses negative levels', () => {
    const falling = rule({ kind: 'rate', measurement: 'currentLevel', direction: 'falling', raise: -0.02, clear: 0 });
    expect(run(falling, [[0, 1], [5, 0.8], [10, 0.9]]).events).toEqual(['raise@5', 'clear@10']);
  });
});

describe('offline', () => {
  const spec = rule({ kind: 'offline', minutes: 30 });
  it.each([
    { name: 'silent since creation: raised by a tick at 30 min', feed: [[29], [30]], events: ['raise@30'] },
    { name: 'silent since the last reading', feed: [[10, 0.1], [39], [40]], events: ['raise@40'] },
    { name: 'the next reading clears it', feed: [[40], [41, 0.1]], events: ['raise@40', 'clear@41'] },
    { name: 'regular readings keep it quiet', feed: [[20, 0.1], [45, 0.1], [70]], events: [] },
  ] as Array<{ name: string; feed: Feed[]; events: string[] }>)('$name', ({ feed, events }) => {
    expect(run(spec, feed).events).toEqual(events);
  });
  it('is ticked by the worker; a plain threshold without waiting periods is not', () => {
    expect(needsTicks(spec)).toBe(true);
    expect(needsTicks(rule(level(0.3, 0.2)))).toBe(false);
    expect(needsTicks(rule(level(0.3, 0.2), 5))).toBe(true);
  });
});

describe('composite: heavy rain AND rising water', () => {
  const spec = rule({
    kind: 'all',
    of: [
      { kind: 'threshold', measurement: 'precipitation', direction: 'above', raise: 30, clear: 10 },
      { kind: 'rate', measurement: 'currentLevel', direction: 'rising', raise: 0.01, clear: 0 },
    ],
  });
  it.each([
    { name: 'rain alone raises nothing', feed: [[0, { precipitation: 50, currentLevel: 0.1 }], [5, { precipitation: 50, currentLevel: 0.1 }]], events: [] },
    { name: 'rising water alone raises nothing', feed: [[0, { precipitation: 0, currentLevel: 0.1 }], [5, { precipitation: 0, currentLevel: 0.3 }]], events: [] },
    {
      name: 'both raise; either going false clears',
      feed: [[0, { precipitation: 50, currentLevel: 0.1 }], [5, { precipitation: 50, currentLevel: 0.3 }], [10, { precipitation: 5, currentLevel: 0.4 }]],
      events: ['raise@5', 'clear@10'],
    },
    {
      name: 'one undecided (rain inside its band) holds the alarm',
      feed: [[0, { precipitation: 50, currentLevel: 0.1 }], [5, { precipitation: 50, currentLevel: 0.3 }], [10, { precipitation: 20, currentLevel: 0.4 }]],
      events: ['raise@5'],
    },
  ] as Array<{ name: string; feed: Feed[]; events: string[] }>)('$name', ({ feed, events }) => {
    expect(run(spec, feed).events).toEqual(events);
  });
});

describe('late and out-of-order readings', () => {
  const spec = rule(level(0.3, 0.2));
  it('a reading older than the last applied changes nothing and is marked late', () => {
    const r = run(spec, [[5, 0.5], [3, 0.1], [4, 0.1]]);
    expect(r.events).toEqual(['raise@5']);
    expect(r.late).toBe(2);
    expect(r.state.values.currentLevel?.v).toBe(0.5);
  });
  it('a duplicate (same time) is late too, so a message delivered twice acts once', () => {
    const r = run(spec, [[5, 0.5], [5, 0.5], [6, 0.1], [6, 0.1]]);
    expect(r.events).toEqual(['raise@5', 'clear@6']);
    expect(r.late).toBe(2);
  });
  it('a late reading does not restart an offline clock', () => {
    const off = rule({ kind: 'offline', minutes: 30 });
    const r = run(off, [[20, 0.1], [10, 0.1], [50]]);
    expect(r.events).toEqual(['raise@50']);
  });
});

describe('rule validation', () => {
  it.each([
    { spec: rule(level(0.3, 0.2)), problems: 0 },
    { spec: rule(level(0.2, 0.3)), problems: 1 },
    { spec: rule({ kind: 'threshold', measurement: 'pm25', direction: 'above', raise: 1, clear: 0 }), problems: 1 },
    { spec: rule({ kind: 'offline', minutes: 0 }), problems: 1 },
    { spec: rule({ kind: 'all', of: [{ kind: 'offline', minutes: 5 }, { kind: 'all', of: [level(1, 0), level(1, 0)] }] }), problems: 1 },
    { spec: rule(level(0.3, 0.2), -1), problems: 1 },
  ])('$spec.condition.kind → $problems problem(s)', ({ spec, problems }) => {
    expect(ruleProblems(spec)).toHaveLength(problems);
  });
});

describe('reading validation', () => {
  const w = { now: min(0), maxFutureMs: 300_000, maxAgeMs: 86_400_000 };
  it.each([
    { type: 'water_level', msg: { values: { currentLevel: 0.2 } }, out: 'ok' },
    { type: 'water_level', msg: { values: { currentLevel: { value: 0.2, unit: 'm' } } }, out: 'ok' },
    { type: 'air_quality', msg: { values: { pm25: { value: 35, unit: 'µg/m³' } } }, out: 'ok' },
    { type: 'street_light', msg: { values: { powerState: 'on', status: 'defectiveLamp' } }, out: 'ok' },
    { type: 'manhole_cover', msg: { values: { open: true, tiltAngle: 3 } }, out: 'ok' },
    { type: 'water_level', msg: { values: { currentLevel: { value: 20, unit: 'cm' } } }, out: 'wrong_unit' },
    { type: 'water_level', msg: { values: { pm25: 3 } }, out: 'unknown_measurement' },
    { type: 'water_level', msg: { values: { currentLevel: 99 } }, out: 'out_of_range' },
    { type: 'street_light', msg: { values: { status: 'melted' } }, out: 'out_of_range' },
    { type: 'water_level', msg: { values: { currentLevel: '0.2' } }, out: 'malformed' },
    { type: 'water_level', msg: { values: {} }, out: 'malformed' },
    { type: 'water_level', msg: [1, 2], out: 'malformed' },
    { type: 'water_level', msg: { at: 'yesterday', values: { currentLevel: 1 } }, out: 'malformed' },
    { type: 'water_level', msg: { at: min(10), values: { currentLevel: 1 } }, out: 'future_time' },
    { type: 'water_level', msg: { at: min(-2000), values: { currentLevel: 1 } }, out: 'too_old' },
  ] as const)('$type $msg → $out', ({ type, msg, out }) => {
    const r = checkReading(type, msg, w);
    expect(r.ok ? 'ok' : r.reason).toBe(out);
  });
  it('labels and booleans are stored as numbers', () => {
    const r = checkReading('street_light', { at: '2026-06-01T00:00:00Z', values: { powerState: 'on', status: 'columnIssue' } }, w);
    expect(r).toEqual({ ok: true, at: T0, values: { powerState: 1, status: 2 } });
  });
});
