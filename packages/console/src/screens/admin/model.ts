/** What the admin screens read from the API (the list routes answer these shapes). */
import { api, ok } from '../../api/client.ts';

export interface UnitItem {
  id: string;
  code: string;
  name: string;
  nameEn: string | null;
  kind: string;
  parentId: string | null;
}

export interface UserItem {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  unitId: string;
  unitName: string | null;
  disabled: boolean;
}

export interface Limit {
  amount: number;
  unit: 'minute' | 'hour' | 'day';
}
export type StageLimits = Record<(typeof STAGES)[number], Limit>;

export interface CategoryItem {
  kind: 'component' | 'matter';
  code: string;
  majorName: string;
  name: string;
  local: boolean;
  defaultUrgency: (typeof URGENCIES)[number];
  limits: Record<(typeof URGENCIES)[number], StageLimits>;
  active: boolean;
}

export const STAGES = ['accept', 'register', 'dispatch', 'handle', 'check'] as const;
export const URGENCIES = ['normal', 'urgent', 'emergency'] as const;
export const PEOPLE_ROLES = ['intake', 'shift_leader', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'leader', 'admin', 'gateway'] as const;

/** Every unit of the district, grids included. */
export async function allUnits(): Promise<UnitItem[]> {
  const r = await ok(api.GET('/api/v1/units', { params: { query: { limit: 20000 } } }));
  return (r as unknown as { items: UnitItem[] }).items;
}

export async function allCategories(): Promise<CategoryItem[]> {
  const r = await ok(api.GET('/api/v1/categories', { params: { query: {} } }));
  return (r as unknown as { items: CategoryItem[] }).items;
}

export const unitLabel = (u: UnitItem) => `${u.name}（${u.code}）`;
