/** The 1 + N + 12 + 128 organisation: which unit kinds exist and where each may sit. */
export const UNIT_KINDS = [
  'centre',
  'department',
  'street',
  'town',
  'community',
  'village',
  'grid',
  'social_grid',
] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Allowed parent kinds; null means a root (directly under the district). */
export const PARENT_KINDS: Record<UnitKind, ReadonlyArray<UnitKind | null>> = {
  centre: [null],
  department: [null, 'centre', 'department'],
  street: [null],
  town: [null],
  community: ['street', 'town'],
  village: ['street', 'town'],
  grid: ['community', 'village'],
  social_grid: ['community', 'village'],
};

export const AREA_KINDS: ReadonlySet<UnitKind> = new Set(['street', 'town', 'community', 'village', 'grid', 'social_grid']);
/** Units a case can be dispatched to as lead or co-handler. */
export const HANDLING_KINDS: ReadonlySet<UnitKind> = new Set(['centre', 'department', 'street', 'town', 'community', 'village']);

export function isUnitKind(s: string): s is UnitKind {
  return (UNIT_KINDS as readonly string[]).includes(s);
}
