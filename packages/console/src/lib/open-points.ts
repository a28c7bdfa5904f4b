/**
 * The cockpit map's open cases, kept current from live case events instead of reloading all of
 * them (10,000 on a busy day) for every event: the same rule the server's rollups use
 * (`nextStatus`) moves a point's state and light, drops it when the case leaves the open states,
 * and adds a new report where the event says it is.
 */
import type { CaseState } from '@onegrid/domain/case/lifecycle';
import { type LiveLight, nextStatus } from '@onegrid/domain/cockpit/open-cases';

export interface OpenPoint {
  id: string;
  lng: number;
  lat: number;
  state: string;
  light: string;
}

interface CaseEvent {
  caseId?: unknown;
  to?: unknown;
  lng?: unknown;
  lat?: unknown;
  streetId?: unknown;
}

/**
 * Applies one live message to `points` (in place). `street` limits the map to one town/street
 * (a street user's cockpit). Returns whether anything changed.
 */
export function applyCaseEvent(points: Map<string, OpenPoint>, topic: string, data: CaseEvent, street: string | null): boolean {
  if (!topic.startsWith('case.') || typeof data.caseId !== 'string' || typeof data.to !== 'string') return false;
  const id = data.caseId;
  const prev = points.get(id);
  const inScope = street === null || data.streetId === street;
  const next = inScope ? nextStatus(prev ? { state: prev.state as CaseState, light: prev.light as LiveLight } : null, topic.slice(5), data.to as CaseState) : null;
  if (!next) return points.delete(id);
  const lng = typeof data.lng === 'number' ? data.lng : prev?.lng;
  const lat = typeof data.lat === 'number' ? data.lat : prev?.lat;
  // A case without a place is not on the map (the server's points leave it out too).
  if (lng === undefined || lat === undefined) return points.delete(id);
  if (prev && prev.state === next.state && prev.light === next.light && prev.lng === lng && prev.lat === lat) return false;
  points.set(id, { id, lng, lat, state: next.state, light: next.light });
  return true;
}
