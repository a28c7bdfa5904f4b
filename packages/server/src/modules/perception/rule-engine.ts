/**
 * Runs the domain state machine (`step`) for every (device, rule) a batch touches, inside the
 * caller's transaction: states are read, stepped, written back with a version check, and raise /
 * clear events open and close alarm rows in the same transaction. A state moved by another
 * process meanwhile aborts the transaction (StateConflict) and the caller retries from fresh
 * states; the late-reading check then makes a reading that both processes saw act only once.
 */
import { initialState, type Input, type RuleState, step } from '@onegrid/domain/perception/rules';
import type { Transaction } from 'kysely';
import type { DB, RuleStateRow } from '../../db/schema.ts';
import { isUniqueViolation } from '../../db/store.ts';
import { newId } from '../../platform/ids.ts';
import type { Device } from './device-service.ts';
import { perceptionRepository as repo } from './perception-repository.ts';
import type { Rule } from './rule-service.ts';

export class StateConflict extends Error {
  constructor() {
    super('a rule state changed in another process; retry the batch');
  }
}

/** What happened to alarms in a committed batch; the alarm service follows up on cases. */
export type AlarmEffect =
  | { kind: 'raised'; alarmId: string; device: Device; rule: Rule; at: number }
  | { kind: 'cleared'; alarmId: string; caseId: string | null; device: Device; rule: Rule; at: number; values: Record<string, number> };

export interface EngineResult {
  effects: AlarmEffect[];
  /** Readings that were not newer than the last one some rule applied (late or repeated). */
  lateItems: number;
}

export const openKey = (deviceId: string, ruleId: string) => `${deviceId}:${ruleId}`;

/** Transient failures of a batch transaction that a retry resolves. */
export function isRetryable(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return e instanceof StateConflict || isUniqueViolation(e) || code === '40P01' || code === '40001' || code === 'SQLITE_BUSY';
}

export async function applyRules(
  trx: Transaction<DB>,
  districtId: string,
  rules: Rule[],
  items: Array<{ device: Device; input: Input }>,
  now: number,
): Promise<EngineResult> {
  const byType = new Map<string, Rule[]>();
  for (const r of rules) byType.set(r.deviceType, [...(byType.get(r.deviceType) ?? []), r]);
  const touched = items.filter((i) => byType.has(i.device.type));
  if (!touched.length) return { effects: [], lateItems: 0 };
  const deviceIds = [...new Set(touched.map((i) => i.device.id))];
  const ruleIds = [...new Set(touched.flatMap((i) => (byType.get(i.device.type) ?? []).map((r) => r.id)))];
  const rows = new Map<string, RuleStateRow>();
  for (const r of await repo.states(trx, deviceIds, ruleIds)) rows.set(openKey(r.device_id, r.rule_id), r);

  const states = new Map<string, { device: Device; rule: Rule; state: RuleState; before: string | null }>();
  const events: Array<{ device: Device; rule: Rule; type: 'raise' | 'clear'; at: number; values: Record<string, number> }> = [];
  const late = new Set<{ device: Device; input: Input }>();
  // Readings in time order, so a batch that arrives shuffled is applied as it happened.
  const ordered = [...touched].sort((a, b) => timeOf(a.input) - timeOf(b.input));
  for (const item of ordered) {
    for (const rule of byType.get(item.device.type) ?? []) {
      const key = openKey(item.device.id, rule.id);
      let entry = states.get(key);
      if (!entry) {
        const row = rows.get(key);
        entry = { device: item.device, rule, state: row ? (JSON.parse(row.state) as RuleState) : initialState(item.device.createdAt), before: row?.state ?? null };
        states.set(key, entry);
      }
      const r = step(rule, entry.state, item.input);
      if (r.late) late.add(item);
      entry.state = r.state;
      for (const e of r.events) events.push({ device: item.device, rule, ...e });
    }
  }

  // A fixed order, so two transactions lock state rows in the same sequence.
  const updates: Array<{ row: RuleStateRow; expected: number }> = [];
  const inserts: RuleStateRow[] = [];
  for (const key of [...states.keys()].sort()) {
    const e = states.get(key);
    if (!e) continue;
    const json = JSON.stringify(e.state);
    if (json === e.before) continue;
    const old = rows.get(key);
    const row: RuleStateRow = {
      device_id: e.device.id,
      rule_id: e.rule.id,
      district_id: districtId,
      status: e.state.status,
      state: json,
      version: (old?.version ?? 0) + 1,
      updated_at: now,
    };
    if (old) updates.push({ row, expected: old.version });
    else inserts.push(row);
  }
  if (updates.length && (await repo.updateStates(trx, updates)) !== updates.length) throw new StateConflict();
  // A state row another process inserted meanwhile fails this insert as a unique violation: retried.
  await repo.insertStates(trx, inserts);

  const effects: AlarmEffect[] = [];
  for (const ev of events) {
    const key = openKey(ev.device.id, ev.rule.id);
    if (ev.type === 'raise') {
      const id = newId(now);
      const opened = await repo.openAlarm(trx, {
        id,
        district_id: districtId,
        device_id: ev.device.id,
        rule_id: ev.rule.id,
        open_key: key,
        status: 'raised',
        raised_at: ev.at,
        raised_values: JSON.stringify(ev.values),
        acknowledged_at: null,
        acknowledged_by: null,
        case_id: null,
        cleared_at: null,
        cleared_values: null,
      });
      if (opened) effects.push({ kind: 'raised', alarmId: id, device: ev.device, rule: ev.rule, at: ev.at });
    } else {
      const cleared = await repo.clearAlarm(trx, key, ev.at, JSON.stringify(ev.values));
      if (cleared) effects.push({ kind: 'cleared', alarmId: cleared.id, caseId: cleared.case_id, device: ev.device, rule: ev.rule, at: ev.at, values: ev.values });
    }
  }
  return { effects, lateItems: late.size };
}

function timeOf(i: Input): number {
  return i.kind === 'reading' ? i.at : i.now;
}
