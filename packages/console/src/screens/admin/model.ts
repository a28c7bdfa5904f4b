/** What the admin screens read from the API (the list routes answer these shapes). */
import { api, ok } from '../../api/client.ts';
import type { ItemOf } from '../../api/types.ts';

export type UnitItem = ItemOf<'/api/v1/units', 'get'>;
export type UserItem = ItemOf<'/api/v1/users', 'get'>;
export type CategoryItem = ItemOf<'/api/v1/categories', 'get'>;

export interface Limit {
  amount: number;
  unit: 'minute' | 'hour' | 'day';
}
export type StageLimits = Record<(typeof STAGES)[number], Limit>;

export const STAGES = ['accept', 'register', 'dispatch', 'handle', 'check'] as const;
export const URGENCIES = ['normal', 'urgent', 'emergency'] as const;
export const PEOPLE_ROLES = ['intake', 'shift_leader', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'leader', 'admin', 'gateway'] as const;

/** Every unit of the district, grids included. */
export async function allUnits(): Promise<UnitItem[]> {
  return (await ok(api.GET('/api/v1/units', { params: { query: { limit: 20000 } } }))).items;
}

export async function allCategories(): Promise<CategoryItem[]> {
  return (await ok(api.GET('/api/v1/categories', { params: { query: {} } }))).items;
}

export const unitLabel = (u: UnitItem) => `${u.name}（${u.code}）`;
