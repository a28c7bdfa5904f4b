/** SQL for intake decisions only: dedup candidates, recently closed cases at a place, routing outcomes. */
import type { SearchArea } from '@onegrid/domain/intake/dedup';
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
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

/**
 * The area in the leading columns of index cases_dedup (district_id, cell, lng, lat, created_at,
 * closed_at): each cell is one range scan on lng; lat and the flat-earth circle (planarDeg2, a
 * superset of the radius) are tested on the index entry, so the box's corners are never read.
 */
function inArea(eb: ExpressionBuilder<DB, 'cases'>, districtId: string, a: SearchArea) {
  return eb.and([
    eb('district_id', '=', districtId),
    eb('cell', 'in', a.cells),
    eb('lng', '>=', a.box.minLng),
    eb('lng', '<=', a.box.maxLng),
    eb('lat', '>=', a.box.minLat),
    eb('lat', '<=', a.box.maxLat),
    eb(planarDeg2(a), '<=', a.maxDeg2),
  ]);
}

/** planarDeg2 in SQL. */
function planarDeg2(a: SearchArea) {
  const lng = sql.ref('lng');
  const lat = sql.ref('lat');
  return sql<number>`(${lng} - ${a.lng}) * (${lng} - ${a.lng}) * ${a.lngScale * a.lngScale} + (${lat} - ${a.lat}) * (${lat} - ${a.lat})`;
}

export const intakeRepository = {
  /**
   * Open cases reported since `since` in the area, nearest first. The time window uses `+created_at`
   * so that no index on created_at (cases_list, cases_state) competes with cases_dedup, whichever
   * statistics the store has; the index still tests it before reading the row. `limit` only guards
   * against a pathological crowd: it drops the farthest cases, never nearer ones.
   */
  openNearby(q: Kysely<DB>, districtId: string, area: SearchArea, since: number, openStates: string[], limit: number): Promise<NearbyCase[]> {
    return q
      .selectFrom('cases')
      .select(NEARBY)
      .where((eb) => inArea(eb, districtId, area))
      .where(sql<number>`+${sql.ref('created_at')}`, '>=', since)
      .where('state', 'in', openStates)
      .orderBy(planarDeg2(area))
      .limit(limit)
      .execute();
  },
  /**
   * Cases closed since `since` with this category in the area, most recently closed first. The
   * category is compared as one `kind:code` key so that cases_category cannot compete either.
   */
  closedNearby(q: Kysely<DB>, districtId: string, area: SearchArea, category: { kind: string; code: string }, since: number, limit: number): Promise<NearbyCase[]> {
    return q
      .selectFrom('cases')
      .select(NEARBY)
      .where((eb) => inArea(eb, districtId, area))
      .where(sql<number>`+${sql.ref('closed_at')}`, '>=', since)
      .where(sql<string>`${sql.ref('category_kind')} || ':' || ${sql.ref('category_code')}`, '=', `${category.kind}:${category.code}`)
      .orderBy('closed_at', 'desc')
      .limit(limit)
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
