/**
 * Fires SLA timers. A timer row fires at most once: the claim is a conditional update on
 * `fired_at is null`, so two workers (or a restarted one) can race and only one wins. An overdue
 * case is automatically supervised (督办) in the same transaction.
 */
import type { CaseEventRow } from '../../db/schema.ts';
import { skipLocked, type Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { enqueue, type OutboxMessage } from '../../platform/outbox.ts';
import { caseRepository } from '../case/case-repository.ts';

export class TimerWorker {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /**
   * Returns how many timers this call fired. `districtId` narrows the sweep to one district
   * (tests that share a database, each with its own clock).
   */
  async fireDue(limit = 100, districtId?: string): Promise<number> {
    const now = this.clock.now();
    return this.store.db.transaction().execute(async (trx) => {
      let q = trx
        .selectFrom('case_timers')
        .select(['id', 'case_id', 'kind', 'stage_seq', 'due_at'])
        .where('fired_at', 'is', null)
        .where('cancelled_at', 'is', null)
        .where('due_at', '<=', now);
      if (districtId) q = q.where('district_id', '=', districtId);
      const due = await skipLocked(this.store, q.orderBy('due_at').limit(limit)).execute();
      let fired = 0;
      for (const t of due) {
        const claimed = await trx
          .updateTable('case_timers')
          .set({ fired_at: now })
          .where('id', '=', t.id)
          .where('fired_at', 'is', null)
          .where('cancelled_at', 'is', null)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) === 0) continue;
        const c = await trx.selectFrom('cases').selectAll().where('id', '=', t.case_id).executeTakeFirst();
        if (!c || c.stage_seq !== t.stage_seq || c.suspended === 1) continue;
        fired++;
        const overdue = t.kind === 'overdue';
        const autoSupervise = overdue && c.supervised === 0;
        const n = autoSupervise ? 2 : 1;
        const last = await caseRepository.bumpEvents(trx, c.id, n, autoSupervise ? { supervised: 1 } : {});
        const base = { district_id: c.district_id, case_id: c.id, from_state: c.state, to_state: c.state, actor_user_id: null, actor_unit_id: null, at: now };
        const payload = JSON.stringify({ stage: c.stage, stageSeq: c.stage_seq, dueAt: new Date(t.due_at).toISOString() });
        const events: CaseEventRow[] = [
          { ...base, id: newId(now), seq: last - n + 1, action: overdue ? 'sla_overdue' : 'sla_warning', reason: null, payload },
        ];
        if (autoSupervise) {
          events.push({ ...base, id: newId(now), seq: last, action: 'supervise', reason: 'automatic: overdue', payload: JSON.stringify({ automatic: true }) });
        }
        await caseRepository.insertEvents(trx, events);
        const msg = (topic: string): OutboxMessage => ({
          districtId: c.district_id,
          topic,
          payload: { caseId: c.id, number: c.number, to: c.state, leadUnitId: c.lead_unit_id, streetId: c.street_id, communityId: c.community_id, stage: c.stage },
        });
        await enqueue(trx, [msg(overdue ? 'case.sla_overdue' : 'case.sla_warning'), ...(autoSupervise ? [msg('case.supervise')] : [])], now);
      }
      return fired;
    });
  }
}
