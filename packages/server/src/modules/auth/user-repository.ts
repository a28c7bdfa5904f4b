/** SQL for users, sessions, API keys and failed sign-ins only. */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { ApiKeyRow, DB, SessionRow, UserRow } from '../../db/schema.ts';

type Q = Kysely<DB> | Transaction<DB>;

export const userRepository = {
  async insert(q: Q, rows: UserRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) await q.insertInto('users').values(rows.slice(i, i + 200)).execute();
  },
  byUsername(q: Q, username: string): Promise<UserRow | undefined> {
    return q.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  },
  byId(q: Q, id: string): Promise<UserRow | undefined> {
    return q.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  },
  list(q: Q, districtId: string, unitIds: string[] | null, limit: number): Promise<UserRow[]> {
    let qb = q.selectFrom('users').selectAll().where('district_id', '=', districtId);
    if (unitIds) qb = qb.where('unit_id', 'in', unitIds.length ? unitIds : ['']);
    return qb.orderBy('username').limit(limit).execute();
  },
  names(q: Q, ids: string[]): Promise<Array<Pick<UserRow, 'id' | 'display_name'>>> {
    if (ids.length === 0) return Promise.resolve([]);
    return q.selectFrom('users').select(['id', 'display_name']).where('id', 'in', ids).execute();
  },
  usersOfUnits(q: Q, unitIds: string[]): Promise<Array<Pick<UserRow, 'id' | 'unit_id' | 'roles'>>> {
    if (unitIds.length === 0) return Promise.resolve([]);
    return q
      .selectFrom('users')
      .select(['id', 'unit_id', 'roles'])
      .where('unit_id', 'in', unitIds)
      .where('disabled', '=', 0)
      .execute();
  },
  async setPassword(q: Q, id: string, hash: string): Promise<void> {
    await q.updateTable('users').set({ password_hash: hash }).where('id', '=', id).execute();
  },
  async update(q: Q, id: string, set: Partial<Pick<UserRow, 'display_name' | 'roles' | 'unit_id' | 'phone'>>): Promise<void> {
    await q.updateTable('users').set(set).where('id', '=', id).execute();
  },
  async setDisabled(q: Q, id: string, disabled: boolean): Promise<void> {
    await q.updateTable('users').set({ disabled: disabled ? 1 : 0 }).where('id', '=', id).execute();
  },
  async insertSession(q: Q, row: SessionRow): Promise<void> {
    await q.insertInto('sessions').values(row).execute();
  },
  sessionUser(q: Q, tokenHash: string): Promise<(UserRow & { expires_at: number; revoked_at: number | null }) | undefined> {
    return q
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .select(['sessions.expires_at', 'sessions.revoked_at'])
      .where('sessions.token_hash', '=', tokenHash)
      .executeTakeFirst();
  },
  loginFailures(q: Q, username: string): Promise<{ count: number; since: number } | undefined> {
    return q.selectFrom('login_failures').select(['count', 'since']).where('username', '=', username).executeTakeFirst();
  },
  /** One more failure, in a window that restarts once it is older than `windowMs`. */
  async recordLoginFailure(q: Q, username: string, now: number, windowMs: number): Promise<void> {
    const stale = now - windowMs;
    await q
      .insertInto('login_failures')
      .values({ username, count: 1, since: now })
      .onConflict((oc) =>
        oc.column('username').doUpdateSet({
          count: sql<number>`case when login_failures.since <= ${stale} then 1 else login_failures.count + 1 end`,
          since: sql<number>`case when login_failures.since <= ${stale} then ${now} else login_failures.since end`,
        }),
      )
      .execute();
  },
  async clearLoginFailures(q: Q, username: string): Promise<void> {
    await q.deleteFrom('login_failures').where('username', '=', username).execute();
  },
  async revokeSession(q: Q, tokenHash: string, at: number): Promise<void> {
    await q.updateTable('sessions').set({ revoked_at: at }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).execute();
  },
  async revokeUserSessions(q: Q, userId: string, at: number, exceptTokenHash?: string): Promise<void> {
    let u = q.updateTable('sessions').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null);
    if (exceptTokenHash) u = u.where('token_hash', '!=', exceptTokenHash);
    await u.execute();
  },
  async insertApiKey(q: Q, row: ApiKeyRow): Promise<void> {
    await q.insertInto('api_keys').values(row).execute();
  },
  apiKeyUser(q: Q, keyHash: string): Promise<(UserRow & { key_revoked_at: number | null }) | undefined> {
    return q
      .selectFrom('api_keys')
      .innerJoin('users', 'users.id', 'api_keys.user_id')
      .selectAll('users')
      .select(['api_keys.revoked_at as key_revoked_at'])
      .where('api_keys.key_hash', '=', keyHash)
      .executeTakeFirst();
  },
  listApiKeys(q: Q, districtId: string): Promise<Array<Omit<ApiKeyRow, 'key_hash'> & { username: string }>> {
    return q
      .selectFrom('api_keys')
      .innerJoin('users', 'users.id', 'api_keys.user_id')
      .select(['api_keys.id', 'api_keys.prefix', 'api_keys.name', 'api_keys.user_id', 'api_keys.created_at', 'api_keys.revoked_at', 'api_keys.last_used_at', 'users.username'])
      .where('users.district_id', '=', districtId)
      .orderBy('api_keys.created_at', 'desc')
      .execute();
  },
  async revokeApiKey(q: Q, districtId: string, id: string, at: number): Promise<number> {
    const r = await q
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .where('user_id', 'in', (eb) => eb.selectFrom('users').select('id').where('district_id', '=', districtId))
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  },
};
