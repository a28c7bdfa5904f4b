/**
 * Aggregates over cases for other modules' rollups (the cockpit rebuilds from these), so that
 * they never query the case tables themselves.
 */
import type { Store } from '../../db/store.ts';
import { caseRepository as repo } from './case-repository.ts';

export const caseAggregates = {
  /** Open cases with their stage clocks. */
  openClocks: (store: Store, districtId: string) => repo.openClocks(store.db, districtId),
  /** Cases per district-local day of `column` and per key expression over the case's columns. */
  casesPerDay: (store: Store, districtId: string, column: 'created_at' | 'closed_at', key: string) => repo.casesPerDay(store.db, districtId, column, key),
  /** Open cases with a place (the cockpit map). */
  openPoints: (store: Store, districtId: string, streetId: string | null, limit: number) => repo.openPoints(store.db, districtId, streetId, limit),
  /** Events of one action per district-local day and street. */
  eventsPerDay: (store: Store, districtId: string, action: string) => repo.eventsPerDay(store.db, districtId, action),
};
