/**
 * Users, sign-in and credentials. Sessions are revocable bearer tokens; API keys are for
 * integrations and act as a (service) user. Both are stored hashed.
 */
import { isRole, type Role } from '@onegrid/domain/access/roles';
import { DomainError } from '@onegrid/domain/errors';
import type { UserRow } from '../../db/schema.ts';
import { isUniqueViolation, type Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { Principal } from '../../platform/principal.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { OrgService } from '../org/org-service.ts';
import { PrincipalCache } from './principal-cache.ts';
import { hashPassword, hashSecret, newSecret, secretKind, verifyPassword } from './secrets.ts';
import { userRepository as repo } from './user-repository.ts';

const MAX_FAILURES = 10;
let dummy: Promise<string> | null = null;
const dummyHash = (): Promise<string> => {
  dummy ??= hashPassword(newSecret('session'));
  return dummy;
};
const FAILURE_WINDOW_MS = 5 * 60_000;

export interface NewUser {
  username: string;
  password: string | null;
  displayName: string;
  roles: Role[];
  unitId: string;
  phone?: string | null;
}

export interface UserPatch {
  displayName?: string | undefined;
  roles?: Role[] | undefined;
  unitId?: string | undefined;
  phone?: string | null | undefined;
}

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  unitId: string;
  unitName: string | null;
  disabled: boolean;
}

export class AuthService {
  private readonly principals = new PrincipalCache();

  constructor(
    private readonly store: Store,
    private readonly org: OrgService,
    private readonly clock: Clock,
    private readonly sessionTtlMs: number,
    private readonly audit: AuditService,
  ) {}

  /** `opts.by`: the admin creating them, recorded in the audit log (seeding and the CLI leave it out). */
  async createUsers(districtId: string, users: NewUser[], opts: { precomputedHash?: string; by?: Principal } = {}): Promise<UserRow[]> {
    const dir = await this.org.directory(districtId);
    const now = this.clock.now();
    const rows: UserRow[] = [];
    for (const u of users) {
      if (!dir.unit(u.unitId)) throw new DomainError('UNKNOWN_UNIT', `unit ${u.unitId} does not exist in this district`);
      rows.push({
        id: newId(),
        district_id: districtId,
        username: u.username,
        display_name: u.displayName,
        password_hash: u.password === null ? null : (opts.precomputedHash ?? (await hashPassword(u.password))),
        roles: u.roles.join(','),
        unit_id: u.unitId,
        phone: u.phone ?? null,
        disabled: 0,
        created_at: now,
      });
    }
    try {
      await this.store.db.transaction().execute(async (trx) => {
        await repo.insert(trx, rows);
        const by = opts.by;
        if (by) await this.audit.recordAll(trx, by, 'user.create', rows.map((r) => ({ subjectId: r.id, summary: { username: r.username, displayName: r.display_name, roles: r.roles.split(','), unitId: r.unit_id, phone: r.phone } })));
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError('ALREADY_EXISTS', 'a username is already taken; choose another');
      throw e;
    }
    return rows;
  }

  async login(username: string, password: string): Promise<{ token: string; expiresAt: number; principal: Principal }> {
    const now = this.clock.now();
    const f = await repo.loginFailures(this.store.db, username);
    if (f && now - Number(f.since) < FAILURE_WINDOW_MS && f.count >= MAX_FAILURES) {
      throw new DomainError('RATE_LIMITED', 'too many failed sign-ins for this user; wait five minutes');
    }
    const user = await repo.byUsername(this.store.db, username);
    // Always pay for one scrypt check, so timing does not reveal whether the username exists.
    const checked = await verifyPassword(password, user?.password_hash ?? (await dummyHash()));
    const ok = !!user && user.disabled === 0 && checked;
    if (!ok || !user) {
      await repo.recordLoginFailure(this.store.db, username, now, FAILURE_WINDOW_MS);
      throw new DomainError('UNAUTHENTICATED', 'wrong username or password');
    }
    if (f) await repo.clearLoginFailures(this.store.db, username);
    const token = newSecret('session');
    const expiresAt = now + this.sessionTtlMs;
    await repo.insertSession(this.store.db, {
      id: newId(),
      token_hash: hashSecret(token),
      user_id: user.id,
      created_at: now,
      expires_at: expiresAt,
      revoked_at: null,
    });
    return { token, expiresAt, principal: await this.principalOf(user, 'session') };
  }

  async logout(token: string): Promise<void> {
    const hash = hashSecret(token);
    await repo.revokeSession(this.store.db, hash, this.clock.now());
    this.principals.evict(hash);
  }

  /**
   * null for anything unknown, expired, revoked or disabled: the caller answers 401. A valid
   * credential is remembered for a few seconds (see PrincipalCache).
   */
  async authenticate(secret: string): Promise<Principal | null> {
    const kind = secretKind(secret);
    if (kind !== 'session' && kind !== 'api_key') return null;
    const hash = hashSecret(secret);
    const now = this.clock.now();
    const cached = this.principals.get(hash, now);
    if (cached) return cached;
    const epoch = this.principals.epoch();
    if (kind === 'session') {
      const u = await repo.sessionUser(this.store.db, hash);
      if (!u || u.revoked_at !== null || u.expires_at <= now || u.disabled) return null;
      const p = await this.principalOf(u, 'session');
      this.principals.set(hash, p, epoch, now, u.expires_at);
      return p;
    }
    const u = await repo.apiKeyUser(this.store.db, hash);
    if (!u || u.key_revoked_at !== null || u.disabled) return null;
    const p = await this.principalOf(u, 'api_key');
    this.principals.set(hash, p, epoch, now);
    return p;
  }

  async principalOf(user: UserRow, via: Principal['via']): Promise<Principal> {
    const dir = await this.org.directory(user.district_id);
    const roles = user.roles.split(',').filter(isRole);
    const unit = dir.unit(user.unit_id);
    const centre = dir.centre();
    return {
      userId: user.id,
      username: user.username,
      displayName: user.display_name,
      districtId: user.district_id,
      roles,
      unitId: user.unit_id,
      unitKind: unit?.kind ?? 'unknown',
      districtWide: roles.includes('leader') || roles.includes('admin') || (!!centre && dir.isWithin(user.unit_id, centre.id)),
      via,
    };
  }

  async createApiKey(p: Principal, input: { name: string; userId: string }): Promise<{ id: string; key: string; prefix: string }> {
    const user = await repo.byId(this.store.db, input.userId);
    if (!user || user.district_id !== p.districtId) throw new DomainError('NOT_FOUND', `user ${input.userId} not found`);
    const key = newSecret('api_key');
    const id = newId();
    await this.store.db.transaction().execute(async (trx) => {
      await repo.insertApiKey(trx, {
        id,
        key_hash: hashSecret(key),
        prefix: key.slice(0, 10),
        name: input.name,
        user_id: user.id,
        created_at: this.clock.now(),
        revoked_at: null,
        last_used_at: null,
      });
      await this.audit.record(trx, p, 'api_key.create', id, { name: input.name, userId: user.id, username: user.username });
    });
    return { id, key, prefix: key.slice(0, 10) };
  }

  async listApiKeys(p: Principal) {
    const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());
    return (await repo.listApiKeys(this.store.db, p.districtId)).map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      userId: k.user_id,
      username: k.username,
      createdAt: new Date(k.created_at).toISOString(),
      revokedAt: iso(k.revoked_at),
      lastUsedAt: iso(k.last_used_at),
    }));
  }

  async revokeApiKey(p: Principal, id: string): Promise<void> {
    const revoked = await this.store.db.transaction().execute(async (trx) => {
      const n = await repo.revokeApiKey(trx, p.districtId, id, this.clock.now());
      if (n > 0) await this.audit.record(trx, p, 'api_key.revoke', id, {});
      return n;
    });
    // Only the key's hash identifies its entry, and revocations are rare: forget every API key.
    this.principals.evictWhere((x) => x.via === 'api_key');
    if (revoked === 0) throw new DomainError('NOT_FOUND', `API key ${id} not found or already revoked`);
  }

  async listUsers(p: Principal, filter: { unitId?: string | undefined; limit: number }): Promise<UserView[]> {
    const dir = await this.org.directory(p.districtId);
    const scope = filter.unitId ? dir.subtreeIds(filter.unitId) : null;
    const rows = await repo.list(this.store.db, p.districtId, scope, filter.limit);
    return rows.map((u) => this.view(u, dir.unit(u.unit_id)?.name ?? null));
  }

  view(u: UserRow, unitName: string | null): UserView {
    return {
      id: u.id,
      username: u.username,
      displayName: u.display_name,
      roles: u.roles.split(',').filter(isRole),
      unitId: u.unit_id,
      unitName,
      disabled: u.disabled === 1,
    };
  }

  async setDisabled(p: Principal, userId: string, disabled: boolean): Promise<void> {
    const u = await repo.byId(this.store.db, userId);
    if (!u || u.district_id !== p.districtId) throw new DomainError('NOT_FOUND', `user ${userId} not found`);
    if (disabled && userId === p.userId) throw new DomainError('SELF_LOCKOUT', 'you cannot disable yourself; ask another admin');
    await this.store.db.transaction().execute(async (trx) => {
      await repo.setDisabled(trx, userId, disabled);
      if (disabled) await repo.revokeUserSessions(trx, userId, this.clock.now());
      await this.audit.record(trx, p, disabled ? 'user.disable' : 'user.enable', userId, { username: u.username });
    });
    this.principals.evictWhere((x) => x.userId === userId);
  }

  /**
   * An admin's change of another user's name, roles, unit or phone. Taking away one's own admin
   * role is refused, so a district cannot lock itself out of its own administration.
   */
  async updateUser(p: Principal, userId: string, patch: UserPatch): Promise<UserView> {
    const u = await repo.byId(this.store.db, userId);
    if (!u || u.district_id !== p.districtId) throw new DomainError('NOT_FOUND', `user ${userId} not found`);
    if (Object.values(patch).every((v) => v === undefined)) throw new DomainError('VALIDATION_FAILED', 'body: name at least one of displayName, roles, unitId, phone');
    const dir = await this.org.directory(p.districtId);
    if (patch.unitId !== undefined && !dir.unit(patch.unitId)) throw new DomainError('UNKNOWN_UNIT', `unit ${patch.unitId} does not exist in this district`);
    if (patch.roles && userId === p.userId && !patch.roles.includes('admin')) throw new DomainError('SELF_LOCKOUT', 'you cannot take the admin role away from yourself; ask another admin');
    const set = {
      ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
      ...(patch.roles !== undefined ? { roles: [...new Set(patch.roles)].join(',') } : {}),
      ...(patch.unitId !== undefined ? { unit_id: patch.unitId } : {}),
      ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
    };
    await this.store.db.transaction().execute(async (trx) => {
      await repo.update(trx, userId, set);
      await this.audit.record(trx, p, 'user.update', userId, { username: u.username, ...patch, ...(set.roles ? { roles: set.roles.split(',') } : {}) });
    });
    // Roles and unit are part of the principal: the next request must see the new ones.
    this.principals.evictWhere((x) => x.userId === userId);
    const row = { ...u, ...set };
    return this.view(row, dir.unit(row.unit_id)?.name ?? null);
  }

  /** An admin sets a new password for a user, who is signed out everywhere. */
  async resetPassword(p: Principal, userId: string, password: string): Promise<void> {
    const u = await repo.byId(this.store.db, userId);
    if (!u || u.district_id !== p.districtId) throw new DomainError('NOT_FOUND', `user ${userId} not found`);
    const hash = await hashPassword(password);
    await this.store.db.transaction().execute(async (trx) => {
      await repo.setPassword(trx, userId, hash);
      await repo.revokeUserSessions(trx, userId, this.clock.now());
      // Only that it happened: the password itself never reaches the log.
      await this.audit.record(trx, p, 'user.password_reset', userId, { username: u.username });
    });
    this.principals.evictWhere((x) => x.userId === userId);
  }

  /** A new password signs the user out everywhere else: every other session is revoked. */
  async changePassword(p: Principal, current: string, next: string, currentToken?: string): Promise<void> {
    const u = await repo.byId(this.store.db, p.userId);
    if (!u || !(await verifyPassword(current, u.password_hash))) {
      throw new DomainError('UNAUTHENTICATED', 'the current password is wrong');
    }
    const hash = await hashPassword(next);
    await this.store.db.transaction().execute(async (trx) => {
      await repo.setPassword(trx, u.id, hash);
      await repo.revokeUserSessions(trx, u.id, this.clock.now(), currentToken ? hashSecret(currentToken) : undefined);
    });
    this.principals.evictWhere((x) => x.userId === u.id);
  }

  userByUsername(username: string): Promise<UserRow | undefined> {
    return repo.byUsername(this.store.db, username);
  }

  async displayNames(ids: string[]): Promise<Map<string, string>> {
    const rows = await repo.names(this.store.db, ids);
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  /** Every user of the district with roles and unit (evaluation of posts and persons). */
  async members(districtId: string): Promise<Array<{ id: string; displayName: string; roles: Role[]; unitId: string }>> {
    const rows = await repo.list(this.store.db, districtId, null, 1_000_000);
    return rows.map((u) => ({ id: u.id, displayName: u.display_name, roles: u.roles.split(',').filter(isRole), unitId: u.unit_id }));
  }

  usersOfUnits(unitIds: string[]) {
    return repo.usersOfUnits(this.store.db, unitIds);
  }
}
