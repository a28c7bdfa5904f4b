/**
 * The event log of a period, read for evaluation: every case with an event in [start, end),
 * with its whole history up to `end` (earlier periods included, since a case dispatched last
 * month and closed this month is judged on both), its channel and its area.
 */
import type { FoldEvent } from '@onegrid/domain/evaluation/counts';
import type { Store } from '../../db/store.ts';
import { caseRepository as repo, type HistoryRow } from './case-repository.ts';

export interface CaseHistory {
  id: string;
  channel: string;
  streetId: string | null;
  communityId: string | null;
  gridId: string | null;
  /** In sequence order, all before the period's end. */
  events: FoldEvent[];
}

const CHUNK = 2000;

export async function historyOfPeriod(store: Store, districtId: string, start: number, end: number): Promise<CaseHistory[]> {
  const rows = await repo.eventsBetween(store.db, districtId, start, end);
  const byCase = new Map<string, Array<HistoryRow>>();
  for (const r of rows) {
    const list = byCase.get(r.case_id);
    if (list) list.push(r);
    else byCase.set(r.case_id, [r]);
  }
  const ids = [...byCase.keys()];
  // Cases whose first event in the period is not their first event began earlier: fetch that past.
  const older = ids.filter((id) => !(byCase.get(id) as HistoryRow[]).some((r) => r.seq === 1));
  for (let i = 0; i < older.length; i += CHUNK) {
    for (const r of await repo.eventsBefore(store.db, older.slice(i, i + CHUNK), start)) (byCase.get(r.case_id) as HistoryRow[]).push(r);
  }
  const out: CaseHistory[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    for (const c of await repo.areasOf(store.db, ids.slice(i, i + CHUNK))) {
      const list = byCase.get(c.id) as HistoryRow[];
      list.sort((a, b) => a.seq - b.seq);
      out.push({
        id: c.id,
        channel: c.channel,
        streetId: c.street_id,
        communityId: c.community_id,
        gridId: c.grid_id,
        events: list,
      });
    }
  }
  return out;
}
