/** SQL for units and districts only. */
import type { Kysely, Transaction } from 'kysely';
import type { DB, DistrictRow, UnitRow } from '../../db/schema.ts';

type Q = Kysely<DB> | Transaction<DB>;

export const UNIT_COLUMNS = [
  'id',
  'district_id',
  'code',
  'name',
  'name_en',
  'kind',
  'parent_id',
  'path',
  'demo_geometry',
  'created_at',
  'updated_at',
] as const;
export type UnitHead = Pick<UnitRow, (typeof UNIT_COLUMNS)[number]>;

export const unitRepository = {
  async insertDistrict(q: Q, row: DistrictRow): Promise<void> {
    await q.insertInto('districts').values(row).execute();
  },
  async districtByCode(q: Q, code: string): Promise<DistrictRow | undefined> {
    return q.selectFrom('districts').selectAll().where('code', '=', code).executeTakeFirst();
  },
  async districtById(q: Q, id: string): Promise<DistrictRow | undefined> {
    return q.selectFrom('districts').selectAll().where('id', '=', id).executeTakeFirst();
  },
  async listDistricts(q: Q): Promise<DistrictRow[]> {
    return q.selectFrom('districts').selectAll().orderBy('created_at').execute();
  },
  async updateSettings(q: Q, id: string, settings: string): Promise<void> {
    await q.updateTable('districts').set({ settings }).where('id', '=', id).execute();
  },
  async insertUnits(q: Q, rows: UnitRow[]): Promise<void> {
    // Batches keep each statement under SQLite's bound-parameter limit.
    for (let i = 0; i < rows.length; i += 500) {
      await q.insertInto('units').values(rows.slice(i, i + 500)).execute();
    }
  },
  async heads(q: Q, districtId: string): Promise<UnitHead[]> {
    return q.selectFrom('units').select(UNIT_COLUMNS).where('district_id', '=', districtId).execute();
  },
  async geometries(q: Q, districtId: string): Promise<Array<{ id: string; kind: string; geometry: string }>> {
    const rows = await q
      .selectFrom('units')
      .select(['id', 'kind', 'geometry'])
      .where('district_id', '=', districtId)
      .where('geometry', 'is not', null)
      .execute();
    return rows as Array<{ id: string; kind: string; geometry: string }>;
  },
  async geometry(q: Q, districtId: string, id: string): Promise<string | null> {
    const r = await q
      .selectFrom('units')
      .select('geometry')
      .where('district_id', '=', districtId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r?.geometry ?? null;
  },
  async rename(q: Q, districtId: string, id: string, set: { name?: string; name_en?: string | null }, at: number): Promise<number> {
    const r = await q.updateTable('units').set({ ...set, updated_at: at }).where('district_id', '=', districtId).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows);
  },
  /** Cheap fingerprint so every process notices another one's import. */
  async fingerprint(q: Q, districtId: string): Promise<string> {
    const r = await q
      .selectFrom('units')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('t')])
      .where('district_id', '=', districtId)
      .executeTakeFirstOrThrow();
    return `${r.n}:${r.t ?? 0}`;
  },
};
