/** The session → principal cache: expiry, eviction, and no resurrection by a lookup that raced a revocation. */
import { describe, expect, it } from 'vitest';
import { PrincipalCache } from '../../src/modules/auth/principal-cache.ts';
import type { Principal } from '../../src/platform/principal.ts';

const who = (userId: string, via: Principal['via'] = 'session'): Principal => ({
  userId,
  username: userId,
  displayName: userId,
  districtId: 'd',
  roles: ['intake'],
  unitId: 'u',
  unitKind: 'centre',
  districtWide: true,
  via,
});

describe('PrincipalCache', () => {
  it('answers until the TTL or the credential expiry, whichever comes first', () => {
    const c = new PrincipalCache(5_000);
    c.set('a', who('ua'), c.epoch(), 1_000);
    c.set('b', who('ub'), c.epoch(), 1_000, 3_000);
    expect(c.get('a', 5_999)?.userId).toBe('ua');
    expect(c.get('b', 2_999)?.userId).toBe('ub');
    expect(c.get('b', 3_000)).toBeUndefined();
    expect(c.get('a', 6_000)).toBeUndefined();
    c.set('a', who('ua'), c.epoch(), 10_000);
    // A clock set back is not trusted either.
    expect(c.get('a', 9_000)).toBeUndefined();
  });

  it('evicts one credential, or every credential of a user or kind', () => {
    const c = new PrincipalCache();
    c.set('s1', who('u1'), c.epoch(), 0);
    c.set('s2', who('u1'), c.epoch(), 0);
    c.set('s3', who('u2'), c.epoch(), 0);
    c.set('k1', who('u2', 'api_key'), c.epoch(), 0);
    c.evict('s1');
    expect(c.get('s1', 1)).toBeUndefined();
    expect(c.get('s2', 1)?.userId).toBe('u1');
    c.evictWhere((p) => p.userId === 'u1');
    expect(c.get('s2', 1)).toBeUndefined();
    expect(c.get('s3', 1)?.userId).toBe('u2');
    c.evictWhere((p) => p.via === 'api_key');
    expect(c.get('k1', 1)).toBeUndefined();
    expect(c.get('s3', 1)?.userId).toBe('u2');
  });

  it('does not remember a lookup that read the store before a revocation finished', () => {
    const c = new PrincipalCache();
    const before = c.epoch();
    // The lookup has read a still-valid session; meanwhile the logout is written and evicts.
    c.evict('s1');
    c.set('s1', who('u1'), before, 0);
    expect(c.get('s1', 1)).toBeUndefined();
    c.set('s1', who('u1'), c.epoch(), 0);
    expect(c.get('s1', 1)?.userId).toBe('u1');
  });
});
