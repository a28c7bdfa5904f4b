/** SQL for intake decisions only: dedup candidates, recently closed cases at a place, routing outcomes. */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export interface NearbyCase {
  id: string;
  number: string;
  state: string;
  lng: number | null;
  lat: number | null;
  category_kind: string | null;
  category_code: string | null;
  description: string;
  created_at: number;
  closed_at: number | null;
}

const NEARBY = ['id', 'number', 'state', 'lng', 'lat', 'category_kind', 'category_code', 'description', 'created_at', 'closed_at'] as const;

export const intakeRepository = {
  /** Open cases reported since `since` in the given lattice cells (index cases_cell). */
  openNearby(q: Kysely<DB>, districtId: string, cells: number[], since: number, openStates: string[], limit: number): Promise<NearbyCase[]> {
    return q
      .selectFrom('cases')
      .select(NEARBY)
      .where('district_id', '=', districtId)
      .where('cell', 'in', cells)
      .where('created_at', '>=', since)
      .where('state', 'in', openStates)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  },
  /** Cases closed since `since` with this category in the given cells. */
  closedNearby(q: Kysely<DB>, districtId: string, cells: number[], category: { kind: string; code: string }, since: number): Promise<NearbyCase[]> {
    return q
      .selectFrom('cases')
      .select(NEARBY)
      .where('district_id', '=', districtId)
      .where('cell', 'in', cells)
      .where('category_kind', '=', category.kind)
      .where('category_code', '=', category.code)
      .where('closed_at', '>=', since)
      .orderBy('closed_at', 'desc')
      .limit(20)
      .execute();
  },
  /** Dispatch and return events of the district, for the per-rule return rate. */
  dispatchOutcomes(q: Kysely<DB>, districtId: string, since: number): Promise<Array<{ case_id: string; action: string; payload: string; seq: number }>> {
    return q
      .selectFrom('case_events')
      .select(['case_id', 'action', 'payload', 'seq'])
      .where('district_id', '=', districtId)
      .where('action', 'in', ['dispatch', 'return'])
      .where('at', '>=', since)
      .orderBy('case_id')
      .orderBy('seq')
      .execute();
  },
};
