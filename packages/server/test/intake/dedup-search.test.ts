/**
 * The dedup and repeat searches in the store: a crowd just outside the radius must not push
 * the cases inside it out of the candidates, a case closed in a neighbouring cell but outside
 * the radius is not "the same place", and both queries use the cases_dedup index by construction
 * (SQLite without ANALYZE statistics, as the app leaves it).
 */
import { randomUUID } from 'node:crypto';
import { OPEN_STATES } from '@onegrid/domain/case/lifecycle';
import { cellOf, haversineM, searchArea } from '@onegrid/domain/intake/dedup';
import { CompiledQuery, type Kysely, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseRow, DB } from '../../src/db/schema.ts';
import type { Store } from '../../src/db/store.ts';
import { intakeRepository as repo } from '../../src/modules/intake/intake-repository.ts';
import type { TestDistrict } from '../support/district.ts';
import type { Api } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

const M_PER_DEG = (Math.PI / 180) * 6_371_008.8;
const P = { lng: 106.53, lat: 29.575 };
const NOW = Date.UTC(2026, 4, 12, 2, 0);
const HOUR = 3600_000;
const OPEN = [...OPEN_STATES];

/** The point `dx` metres east and `dy` metres north of `p`. */
const at = (p: { lng: number; lat: number }, dx: number, dy: number) => ({
  lng: p.lng + dx / (M_PER_DEG * Math.cos((p.lat * Math.PI) / 180)),
  lat: p.lat + dy / M_PER_DEG,
});

/** Records the compiled queries a call runs, to explain them. */
class Capture implements KyselyPlugin {
  queries: PluginTransformQueryArgs[] = [];
  transformQuery(args: PluginTransformQueryArgs) {
    this.queries.push(args);
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs) {
    return args.result;
  }
}

async function planOf(store: Store, run: (q: Kysely<DB>) => Promise<unknown>): Promise<string> {
  const capture = new Capture();
  await run(store.db.withPlugin(capture));
  const q = capture.queries[0];
  if (!q) throw new Error('no query ran');
  const c = store.db.getExecutor().compileQuery(q.node, q.queryId);
  if (store.dialect === 'sqlite') {
    const r = await store.db.executeQuery(CompiledQuery.raw(`explain query plan ${c.sql}`, [...c.parameters]) as CompiledQuery<{ detail: string }>);
    return r.rows.map((x) => x.detail).join('\n');
  }
  // PostgreSQL plans from statistics, which autovacuum keeps in production; a few hundred rows are
  // a sequential scan's size, so with that off the choice left is between the indexes.
  await sql`analyze cases`.execute(store.db);
  return store.db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    const r = await trx.executeQuery(CompiledQuery.raw(`explain ${c.sql}`, [...c.parameters]) as CompiledQuery<{ 'QUERY PLAN': string }>);
    return r.rows.map((x) => x['QUERY PLAN']).join('\n');
  });
}

describe.each(STORES)('dedup candidate search on $name', (kind) => {
  let store: Store;
  const districtId = `dedup-${randomUUID()}`;
  let n = 0;
  const insert = async (p: { lng: number; lat: number }, o: { state?: string; created?: number; closed?: number | null; code?: string } = {}) => {
    const id = randomUUID();
    const created = o.created ?? NOW - HOUR;
    n++;
    await store.db
      .insertInto('cases')
      .values({
        id,
        district_id: districtId,
        number: `T${String(n).padStart(6, '0')}`,
        channel: 'patrol',
        description: `case ${n}`,
        lng: p.lng,
        lat: p.lat,
        category_kind: 'matter',
        category_code: o.code ?? '06010',
        urgency: 'normal',
        state: o.state ?? 'HANDLING',
        version: 1,
        event_count: 1,
        stage_seq: 0,
        photos: '[]',
        created_at: created,
        updated_at: created,
        closed_at: o.closed ?? null,
        cell: cellOf(p.lng, p.lat).key,
      } satisfies Partial<CaseRow> as CaseRow)
      .execute();
    return id;
  };
  const inside: string[] = [];
  let crowd = 0;
  let closedInside = '';

  beforeAll(async () => {
    store = await kind.open();
    await store.db.insertInto('districts').values({ id: districtId, code: districtId, name: 'dedup search test', case_prefix: 'T', settings: '{}', demo: 0, created_at: NOW }).execute();
    // Five open cases within 100 m, reported 50–70 h ago…
    for (const [dx, dy] of [[0, 0], [40, 30], [-60, 50], [10, -95], [-99, 0]] as const) inside.push(await insert(at(P, dx, dy), { created: NOW - (50 + dx / 10) * HOUR }));
    // …and 300 newer ones 102–150 m away all round: newest first with LIMIT 200 would return only these.
    for (let i = 0; i < 300; i++) {
      const bearing = (2 * Math.PI * i) / 300;
      const d = 102 + (48 * i) / 300;
      await insert(at(P, d * Math.sin(bearing), d * Math.cos(bearing)), { created: NOW - HOUR + i * 1000 });
      crowd++;
    }
    // Not candidates: closed, or reported before the 72 h window.
    await insert(at(P, 5, 5), { state: 'CLOSED', closed: NOW - 2 * 86400_000, code: '09006' });
    await insert(at(P, -5, 5), { created: NOW - 80 * HOUR });
    // Repeat check: same category closed 5 and 3 days ago 30 and 40 m away, and more recently 140 m away (outside 100 m).
    await insert(at(P, 30, 0), { state: 'CLOSED', created: NOW - 9 * 86400_000, closed: NOW - 5 * 86400_000 });
    closedInside = await insert(at(P, 0, -40), { state: 'CLOSED', created: NOW - 9 * 86400_000, closed: NOW - 3 * 86400_000 });
    await insert(at(P, 99, 99), { state: 'CLOSED', created: NOW - 9 * 86400_000, closed: NOW - 2 * 86400_000 });
    await insert(at(P, 20, 0), { state: 'CLOSED', created: NOW - 9 * 86400_000, closed: NOW - 1 * 86400_000, code: '06013' });
  });
  afterAll(async () => {
    await store.close();
  });

  it('finds every open case within the radius despite a newer crowd just outside it, nearest first, and nothing else', async () => {
    const area = searchArea(P.lng, P.lat, 100);
    const rows = await repo.openNearby(store.db, districtId, area, NOW - 72 * HOUR, OPEN, 200);
    expect(crowd).toBe(300);
    expect(rows.map((r) => r.id).sort()).toEqual([...inside].sort());
    const d = rows.map((r) => haversineM(P.lng, P.lat, r.lng as number, r.lat as number));
    expect(d).toEqual([...d].sort((x, y) => x - y));
    expect(Math.max(...d)).toBeLessThanOrEqual(100);
    // A tight limit keeps the nearest.
    const three = await repo.openNearby(store.db, districtId, area, NOW - 72 * HOUR, OPEN, 3);
    expect(three.map((r) => r.id)).toEqual(rows.slice(0, 3).map((r) => r.id));
  });

  it('returns same-category cases closed in the window within the radius, most recent first', async () => {
    const rows = await repo.closedNearby(store.db, districtId, searchArea(P.lng, P.lat, 100), { kind: 'matter', code: '06010' }, NOW - 30 * 86400_000, 100);
    expect(rows.map((r) => [r.category_code, r.closed_at])).toEqual([
      ['06010', NOW - 3 * 86400_000],
      ['06010', NOW - 5 * 86400_000],
    ]);
    expect(rows[0]?.id).toBe(closedInside);
    expect(await repo.closedNearby(store.db, districtId, searchArea(P.lng, P.lat, 100), { kind: 'matter', code: '06010' }, NOW - 86400_000, 100)).toEqual([]);
  });

  it('plans both searches on cases_dedup', async () => {
    const area = searchArea(P.lng, P.lat, 100);
    const open = await planOf(store, (q) => repo.openNearby(q, districtId, area, NOW - 72 * HOUR, OPEN, 200));
    const closed = await planOf(store, (q) => repo.closedNearby(q, districtId, area, { kind: 'matter', code: '06010' }, NOW - 30 * 86400_000, 100));
    for (const plan of [open, closed]) {
      expect(plan).toContain('cases_dedup');
      for (const other of ['cases_list', 'cases_state', 'cases_category']) expect(plan).not.toContain(other);
    }
  });
});

describe.each(STORES)('repeat problems on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });

  it('flags a repeat only within the category’s radius (50 m for 06010), not anywhere in the neighbouring cells', async () => {
    const intake = await a.as('intake');
    const p = t.point('s1c2g4');
    const garbage = (q: { lng: number; lat: number }, text: string) => ({ channel: 'citizen', description: text, location: q, category: { kind: 'matter', code: '06010' } });
    const c = (await intake.post('/api/v1/cases', garbage(p, '垃圾桶旁边堆满垃圾'))).body;
    await intake.act(c.id, 'accept');
    await (await a.as('shift_leader')).act(c.id, 'register');
    await (await a.as('dispatcher')).act(c.id, 'dispatch', { leadUnitId: t.u.s1 });
    const h = await a.as('h-s1');
    await h.act(c.id, 'sign');
    await h.act(c.id, 'report_handled', { note: '已清运' });
    const sl = await a.as('shift_leader');
    await sl.act(c.id, 'check');
    await sl.act(c.id, 'check_pass');
    await sl.act(c.id, 'close');
    t.clock.advance(5 * 86400_000);
    const far = (await intake.post('/api/v1/cases', garbage(at(p, 70, 0), '这边也堆满了垃圾'))).body;
    expect(far.repeatOf).toBeNull();
    const near = (await intake.post('/api/v1/cases', garbage(at(p, 0, 30), '又堆满了垃圾'))).body;
    expect(near.repeatOf).toBe(c.id);
  });
});
