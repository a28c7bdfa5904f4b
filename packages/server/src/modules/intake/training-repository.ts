/** SQL for the classifier: confirmed cases to learn from, and the stored models. */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { ClassifierModelRow, DB } from '../../db/schema.ts';

type Q = Kysely<DB> | Transaction<DB>;

export interface ConfirmedCase {
  description: string;
  kind: string;
  code: string;
}

export type ModelSummaryRow = Omit<ClassifierModelRow, 'model'>;

export const trainingRepository = {
  /**
   * Cases whose category a person confirmed: the case has a category and a `register` event by
   * user. The district's system user (`system-<district code>`, see IntakeService) does not
   * count: its automatic registrations are the model's own guesses, not labels.
   */
  confirmedCases(q: Q, districtId: string, limit: number): Promise<ConfirmedCase[]> {
    return q
      .selectFrom('cases as c')
      .innerJoin('districts as d', 'd.id', 'c.district_id')
      .select(['c.description as description', 'c.category_kind as kind', 'c.category_code as code'])
      .where('c.district_id', '=', districtId)
      .where('c.category_kind', 'is not', null)
      .where('c.category_code', 'is not', null)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('case_events as e')
            .innerJoin('users as u', 'u.id', 'e.actor_user_id')
            .select('e.id')
            .whereRef('e.case_id', '=', 'c.id')
            .where('e.action', '=', 'register')
            .where('u.username', '!=', sql<string>`'system-' || d.code`),
        ),
      )
      .orderBy('c.created_at', 'desc')
      .orderBy('c.id')
      .limit(limit)
      .execute() as Promise<ConfirmedCase[]>;
  },

  /** Makes `row` the district's active model in the same transaction that stores it. */
  async insertActive(trx: Transaction<DB>, row: ClassifierModelRow): Promise<void> {
    await trx.updateTable('classifier_models').set({ active: 0 }).where('district_id', '=', row.district_id).where('active', '=', 1).execute();
    await trx.insertInto('classifier_models').values({ ...row, active: 1 }).execute();
  },

  /** The newest active row (two retrains racing on PostgreSQL could both leave one). */
  activeVersion(q: Q, districtId: string): Promise<{ id: string; version: string } | undefined> {
    return q
      .selectFrom('classifier_models')
      .select(['id', 'version'])
      .where('district_id', '=', districtId)
      .where('active', '=', 1)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  },

  async modelJson(q: Q, id: string): Promise<string | undefined> {
    return (await q.selectFrom('classifier_models').select('model').where('id', '=', id).executeTakeFirst())?.model;
  },

  list(q: Q, districtId: string, limit: number): Promise<ModelSummaryRow[]> {
    return q
      .selectFrom('classifier_models')
      .select(['id', 'district_id', 'version', 'created_at', 'examples', 'metrics', 'active'])
      .where('district_id', '=', districtId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  },
};
