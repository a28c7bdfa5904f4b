/**
 * A failure at any point of a write leaves nothing half-written: a database trigger makes the
 * last insert of the transaction (outbox, or the event) fail for this test's district only.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/db/store.ts';
import type { TestDistrict } from '../support/district.ts';
import type { Api } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

async function failInsertsInto(store: Store, table: 'outbox' | 'case_events', districtId: string): Promise<() => Promise<void>> {
  const name = `fail_${table}_${districtId.replaceAll('-', '')}`;
  if (store.dialect === 'sqlite') {
    await sql
      .raw(`create trigger ${name} before insert on ${table} when new.district_id = '${districtId}' begin select raise(abort, 'injected failure'); end`)
      .execute(store.db);
    return async () => void (await sql.raw(`drop trigger ${name}`).execute(store.db));
  }
  await sql.raw(`create function ${name}() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$`).execute(store.db);
  await sql
    .raw(`create trigger ${name} before insert on ${table} for each row when (new.district_id = '${districtId}') execute function ${name}()`)
    .execute(store.db);
  return async () => {
    await sql.raw(`drop trigger ${name} on ${table}`).execute(store.db);
    await sql.raw(`drop function ${name}()`).execute(store.db);
  };
}

describe.each(STORES)('atomic writes on $name', (kind) => {
  let store: Store;
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ store, t, a } = x);
  });

  const count = async (table: 'cases' | 'case_events' | 'case_timers' | 'outbox' | 'idempotency_keys') =>
    Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('district_id' as never, '=', t.districtId as never).executeTakeFirstOrThrow()).n);

  it('a case whose outbox write fails is not created at all, and a retry with the same key then succeeds', async () => {
    const before = { cases: await count('cases'), events: await count('case_events'), timers: await count('case_timers') };
    const restore = await failInsertsInto(store, 'outbox', t.districtId);
    const intake = await a.as('intake');
    const body = { channel: 'hotline', description: '崩溃测试', location: t.point('s1c1g1') };
    const r = await intake.post('/api/v1/cases', body, { 'idempotency-key': 'crash-1' });
    await restore();
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe('INTERNAL');
    expect(JSON.stringify(r.body)).not.toContain('injected failure');
    expect({ cases: await count('cases'), events: await count('case_events'), timers: await count('case_timers') }).toEqual(before);
    const again = await intake.post('/api/v1/cases', body, { 'idempotency-key': 'crash-1' });
    expect(again.status).toBe(201);
    expect(await count('cases')).toBe(before.cases + 1);
  });

  it('an action whose event write fails leaves the case exactly as it was', async () => {
    const intake = await a.as('intake');
    const c = (await intake.post('/api/v1/cases', { channel: 'patrol', description: '事件失败', location: t.point('s1c1g2') })).body;
    const restore = await failInsertsInto(store, 'case_events', t.districtId);
    const r = await intake.act(c.id, 'accept', { version: 1 });
    await restore();
    expect(r.status).toBe(500);
    const now = (await intake.get(`/api/v1/cases/${c.id}`)).body;
    expect(now.state).toBe('REPORTED');
    expect(now.version).toBe(1);
    expect((await intake.get(`/api/v1/cases/${c.id}/events`)).body.items).toHaveLength(1);
    expect((await intake.act(c.id, 'accept', { version: 1 })).status).toBe(200);
  });
});
