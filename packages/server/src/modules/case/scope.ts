/**
 * Who may see a case and how the caller relates to it. Visibility: the district centre,
 * leaders and admins see all; others see cases located in their unit's area, cases assigned
 * (now or before) to their unit's subtree, and cases they reported themselves.
 */
import type { Relation } from '@onegrid/domain/case/lifecycle';
import type { CaseRow, CaseUnitRow } from '../../db/schema.ts';
import type { Principal } from '../../platform/principal.ts';
import type { Directory } from '../org/directory.ts';
import type { ScopeFilter } from './case-repository.ts';

const AREA_COLUMN: Record<string, ScopeFilter['areaColumn']> = {
  street: 'street_id',
  town: 'street_id',
  community: 'community_id',
  village: 'community_id',
  grid: 'grid_id',
  social_grid: 'social_grid_id',
};

export function scopeFilter(p: Principal, dir: Directory): ScopeFilter | null {
  if (p.districtWide) return null;
  return {
    areaColumn: AREA_COLUMN[p.unitKind] ?? null,
    areaUnitId: p.unitId,
    unitPath: dir.unit(p.unitId)?.path ?? null,
    userId: p.userId,
  };
}

function mostSpecificArea(c: CaseRow): string | null {
  return c.grid_id ?? c.social_grid_id ?? c.community_id ?? c.street_id;
}

export function relationsOf(p: Principal, c: CaseRow, units: CaseUnitRow[], dir: Directory): Set<Relation> {
  const rel = new Set<Relation>();
  const centre = dir.centre();
  if (centre && dir.isWithin(p.unitId, centre.id)) rel.add('centre');
  if (c.lead_unit_id && dir.isWithin(c.lead_unit_id, p.unitId)) rel.add('lead');
  if (units.some((u) => u.role === 'cohandler' && u.active === 1 && dir.isWithin(u.unit_id, p.unitId))) rel.add('cohandler');
  if (AREA_COLUMN[p.unitKind] && (dir.isWithin(mostSpecificArea(c), p.unitId) || dir.isWithin(c.social_grid_id, p.unitId))) {
    rel.add('area');
  }
  return rel;
}

export function canSee(p: Principal, c: CaseRow, units: CaseUnitRow[], rel: Set<Relation>, dir: Directory): boolean {
  return (
    p.districtWide ||
    rel.has('area') ||
    rel.has('lead') ||
    c.created_by === p.userId ||
    units.some((u) => dir.isWithin(u.unit_id, p.unitId))
  );
}
