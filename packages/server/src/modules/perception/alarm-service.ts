/**
 * The alarm lifecycle around cases: raised (by the rule engine) → acknowledged by a person →
 * a case reported through the normal intake as the district's system user (channel "sensor",
 * category from the rule or the device's component, location from the device) → cleared by the
 * engine when readings are back to normal, which adds a comment to the case. One open case per
 * device and rule: an alarm raised again while its earlier case is open is linked to that case
 * and noted on it instead of opening another. A rule with autoReport skips the person: its
 * alarms are acknowledged by the system user as soon as they are raised.
 */
import { OPEN_STATES } from '@onegrid/domain/case/lifecycle';
import { DomainError } from '@onegrid/domain/errors';
import { describe } from '@onegrid/domain/perception/rules';
import type { Logger } from 'pino';
import type { AlarmRow } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Principal } from '../../platform/principal.ts';
import type { CaseService } from '../case/case-service.ts';
import type { IntakeService } from '../intake/intake-service.ts';
import type { Device, DeviceService } from './device-service.ts';
import { perceptionRepository as repo } from './perception-repository.ts';
import type { AlarmEffect } from './rule-engine.ts';
import type { Rule, RuleService } from './rule-service.ts';

export interface AlarmView {
  id: string;
  status: AlarmRow['status'];
  device: { id: string; code: string; name: string; type: string; lng: number; lat: number };
  rule: { id: string; code: string; name: string };
  raisedAt: string;
  raisedValues: Record<string, number>;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  caseId: string | null;
  clearedAt: string | null;
  clearedValues: Record<string, number> | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const fmt = (v: Record<string, number>) =>
  Object.entries(v)
    .map(([k, x]) => `${k}=${x}`)
    .join(', ');

export class AlarmService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly devices: DeviceService,
    private readonly rules: RuleService,
    private readonly cases: CaseService,
    private readonly intake: IntakeService,
    private readonly log: Pick<Logger, 'warn'>,
  ) {}

  /** Follows up committed alarm changes on cases. A failure is logged: the alarm rows are already right. */
  async afterCommit(districtId: string, effects: AlarmEffect[]): Promise<void> {
    for (const e of effects) {
      try {
        if (e.kind === 'raised') {
          const caseId = await this.openCaseOf(districtId, e.device.id, e.rule.id);
          if (caseId) {
            await repo.setAlarmCase(this.store.db, e.alarmId, caseId);
            await this.comment(districtId, caseId, `感知告警再次触发 (alarm raised again): ${e.rule.name}, ${e.device.name} (${e.device.code}) at ${iso(e.at)}`);
          }
          // The same path as a person's acknowledgement, so it is idempotent by the alarm id.
          if (e.rule.autoReport) await this.acknowledge(await this.system(districtId), e.alarmId);
        } else if (e.caseId) {
          await this.comment(
            districtId,
            e.caseId,
            `读数恢复正常，告警已自动解除 (readings back to normal, alarm cleared): ${e.rule.name}, ${e.device.name} (${e.device.code}) at ${iso(e.at)}; ${fmt(e.values)}`,
          );
        }
      } catch (err) {
        this.log.warn({ err, alarmId: e.alarmId }, 'alarm follow-up on its case failed');
      }
    }
  }

  /**
   * A person has seen the alarm: report it as a case (or link the device's open case for this
   * rule). The case is reported with the alarm id as idempotency key, so two people
   * acknowledging at once, or a retry, produce one case.
   */
  async acknowledge(p: Principal, id: string): Promise<AlarmView> {
    const a = await repo.alarmById(this.store.db, id);
    if (!a || a.district_id !== p.districtId) throw new DomainError('NOT_FOUND', `alarm ${id} not found`);
    if (a.status === 'acknowledged') return this.view(a);
    if (a.status === 'cleared') throw new DomainError('ALARM_NOT_OPEN', `alarm ${id} cleared at ${iso(a.cleared_at)} before it was acknowledged; nothing is left to report`);
    const [device, rule] = await Promise.all([this.devices.get(p.districtId, a.device_id), this.rules.get(a.rule_id)]);
    if (!rule) throw new DomainError('NOT_FOUND', `rule ${a.rule_id} not found`);
    const caseId = a.case_id ?? (await this.openCaseOf(p.districtId, a.device_id, a.rule_id)) ?? (await this.report(p.districtId, a, device, rule));
    const now = this.clock.now();
    // Cleared meanwhile: the case stands (a person asked for it) and stays linked to the alarm.
    if (!(await repo.acknowledge(this.store.db, id, p.userId, now, caseId))) await repo.setAlarmCase(this.store.db, id, caseId);
    const fresh = await repo.alarmById(this.store.db, id);
    if (!fresh) throw new DomainError('NOT_FOUND', `alarm ${id} not found`);
    return this.view(fresh);
  }

  async list(p: Principal, f: { status?: AlarmRow['status'][] | undefined; deviceId?: string | undefined; limit: number }): Promise<AlarmView[]> {
    const rows = await repo.alarms(this.store.db, p.districtId, f);
    return Promise.all(rows.map((r) => this.view(r)));
  }

  async get(p: Principal, id: string): Promise<AlarmView> {
    const a = await repo.alarmById(this.store.db, id);
    if (!a || a.district_id !== p.districtId) throw new DomainError('NOT_FOUND', `alarm ${id} not found`);
    return this.view(a);
  }

  private async view(a: AlarmRow): Promise<AlarmView> {
    const [device, rule] = await Promise.all([this.devices.get(a.district_id, a.device_id), this.rules.get(a.rule_id)]);
    return {
      id: a.id,
      status: a.status,
      device: { id: device.id, code: device.code, name: device.name, type: device.type, lng: device.lng, lat: device.lat },
      rule: { id: a.rule_id, code: rule?.code ?? '', name: rule?.name ?? '' },
      raisedAt: new Date(a.raised_at).toISOString(),
      raisedValues: JSON.parse(a.raised_values) as Record<string, number>,
      acknowledgedAt: iso(a.acknowledged_at),
      acknowledgedBy: a.acknowledged_by,
      caseId: a.case_id,
      clearedAt: iso(a.cleared_at),
      clearedValues: a.cleared_values ? (JSON.parse(a.cleared_values) as Record<string, number>) : null,
    };
  }

  private async report(districtId: string, a: AlarmRow, device: Device, rule: Rule): Promise<string> {
    const system = await this.system(districtId);
    const category = rule.category ?? (device.componentCode ? { kind: 'component', code: device.componentCode } : undefined);
    const values = JSON.parse(a.raised_values) as Record<string, number>;
    const { view } = await this.intake.report(
      system,
      {
        channel: 'sensor',
        description: `[感知告警] ${rule.name}: ${device.name} (${device.code}) ${describe(rule.condition, device.type)}; ${fmt(values)} at ${iso(a.raised_at)}`,
        location: { lng: device.lng, lat: device.lat, crs: 'gcj02' },
        category,
        urgency: rule.urgency,
      },
      `alarm:${a.id}`,
    );
    return view.id;
  }

  /** The case of an earlier alarm of this device and rule, while that case is still open. */
  private async openCaseOf(districtId: string, deviceId: string, ruleId: string): Promise<string | null> {
    const caseId = await repo.lastCaseOf(this.store.db, deviceId, ruleId);
    if (!caseId) return null;
    const c = await this.cases.get(await this.system(districtId), caseId);
    return OPEN_STATES.has(c.state) ? caseId : null;
  }

  private async comment(districtId: string, caseId: string, note: string): Promise<void> {
    const system = await this.system(districtId);
    // Someone may act on the case between our read and our write: read again and retry.
    for (let i = 0; ; i++) {
      const c = await this.cases.get(system, caseId);
      try {
        await this.cases.act(system, caseId, 'comment', { version: c.version, note });
        return;
      } catch (e) {
        if (!(e instanceof DomainError && e.code === 'CASE_CONFLICT') || i >= 4) throw e;
      }
    }
  }

  /** The district's system user; a second process creating it at the same moment is not an error. */
  private async system(districtId: string): Promise<Principal> {
    for (let i = 0; ; i++) {
      try {
        const p = await this.intake.systemPrincipal(districtId);
        if (!p) throw new DomainError('INTERNAL', 'the district has no centre to act for it');
        return p;
      } catch (e) {
        if (!(e instanceof DomainError && e.code === 'ALREADY_EXISTS') || i >= 2) throw e;
      }
    }
  }
}
