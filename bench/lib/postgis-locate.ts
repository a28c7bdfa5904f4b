/**
 * The PostGIS baseline of the geocode bench: the same polygons in a scratch database
 * (onegrid_bench_postgis, created and dropped by the bench), a GiST index, and ST_Contains point
 * lookups, both batched (one query over an unnest of points) and one point per query.
 * open() returns a reason instead of a session when PostgreSQL or PostGIS is not there.
 */
import pg from 'pg';
import type { IndexedArea } from '../../packages/domain/src/geo/grid-index.ts';
import { latencyOf, type Latency } from './report.ts';
import { databaseUrl, dropPgDatabase, pgBaseUrl } from './stores.ts';

export const POSTGIS_DATABASE = 'onegrid_bench_postgis';

export interface PostgisLoad {
  loadMs: number;
  indexMs: number;
  /** Rows for which ST_IsValid is false: their answers may legitimately differ. */
  invalid: number;
  /** The single-point query's plan, which should name the GiST index. */
  plan: string;
}

export interface PostgisRun {
  points: number;
  pointsPerS: number;
  /** Per query: one batch, or one point. */
  latencyMs: Latency;
  /** Area number (position in the loaded list) per point, -1 for none. */
  found: Int32Array;
}

const LOAD_ROWS = 1000;
const SRID = 4326;

const SINGLE_SQL = `select k from geocode_areas
  where st_contains(geom, st_setsrid(st_makepoint($1::float8, $2::float8), ${SRID}))
  order by rank limit 1`;

// Overlaps go to the lowest rank, as in AreaIndex; the subquery keeps one row per point.
const BATCH_SQL = `select p.i::int as i,
    (select a.k from geocode_areas a
      where st_contains(a.geom, st_setsrid(st_makepoint(p.x, p.y), ${SRID}))
      order by a.rank limit 1) as k
  from unnest($1::float8[], $2::float8[]) with ordinality as p(x, y, i)`;

export class PostgisBench {
  private constructor(
    private readonly client: pg.Client,
    readonly version: string,
  ) {}

  /** A session on a fresh scratch database with PostGIS, or why there is none. */
  static async open(): Promise<PostgisBench | string> {
    const admin = new pg.Client({ connectionString: pgBaseUrl() });
    try {
      await admin.connect();
      await admin.query(`drop database if exists ${POSTGIS_DATABASE}`);
      await admin.query(`create database ${POSTGIS_DATABASE}`);
    } catch (e) {
      return `PostgreSQL at ${new URL(pgBaseUrl()).host} not usable (${(e as Error).message})`;
    } finally {
      await admin.end().catch(() => undefined);
    }
    const client = new pg.Client({ connectionString: databaseUrl(pgBaseUrl(), POSTGIS_DATABASE) });
    try {
      await client.connect();
      await client.query('create extension postgis');
      const v = await client.query<{ v: string }>('select postgis_lib_version() as v');
      return new PostgisBench(client, v.rows[0]?.v ?? 'unknown');
    } catch (e) {
      await client.end().catch(() => undefined);
      await dropPgDatabase(POSTGIS_DATABASE);
      return `PostGIS not available (${(e as Error).message}); install it with apt-get install postgresql-15-postgis-3`;
    }
  }

  /** Replaces the table with these areas; rank[i] orders overlaps as the index does. */
  async load(areas: IndexedArea[], rank: Uint32Array): Promise<PostgisLoad> {
    const c = this.client;
    await c.query('drop table if exists geocode_areas');
    await c.query(`create table geocode_areas (k int primary key, rank int not null, geom geometry(Geometry, ${SRID}) not null)`);
    const t0 = performance.now();
    for (let from = 0; from < areas.length; from += LOAD_ROWS) {
      const slice = areas.slice(from, from + LOAD_ROWS);
      await c.query(
        `insert into geocode_areas (k, rank, geom)
         select k, r, st_setsrid(st_geomfromgeojson(g), ${SRID}) from unnest($1::int[], $2::int[], $3::text[]) as t(k, r, g)`,
        [
          slice.map((_, i) => from + i),
          slice.map((_, i) => rank[from + i] as number),
          slice.map((a) => JSON.stringify(a.geometry)),
        ],
      );
    }
    const t1 = performance.now();
    await c.query('create index geocode_areas_geom on geocode_areas using gist (geom)');
    await c.query('analyze geocode_areas');
    const t2 = performance.now();
    const invalid = await c.query<{ n: number }>('select count(*)::int as n from geocode_areas where not st_isvalid(geom)');
    const plan = await c.query<{ 'QUERY PLAN': string }>(
      `explain (costs off) ${SINGLE_SQL.replace('$1', '106.55').replace('$2', '29.6')}`,
    );
    return {
      loadMs: t1 - t0,
      indexMs: t2 - t1,
      invalid: invalid.rows[0]?.n ?? -1,
      plan: plan.rows.map((r) => r['QUERY PLAN'].trim()).join(' / '),
    };
  }

  /** Points xy[2i], xy[2i+1] in batches of `batch` per query. */
  async batched(xy: Float64Array, batch: number): Promise<PostgisRun> {
    const n = xy.length / 2;
    const found = new Int32Array(n).fill(-1);
    const ms: number[] = [];
    const t0 = performance.now();
    for (let from = 0; from < n; from += batch) {
      const to = Math.min(n, from + batch);
      const xs: number[] = [];
      const ys: number[] = [];
      for (let i = from; i < to; i++) {
        xs.push(xy[2 * i] as number);
        ys.push(xy[2 * i + 1] as number);
      }
      const q0 = performance.now();
      const r = await this.client.query<{ i: number; k: number | null }>({ name: 'geocode_batch', text: BATCH_SQL, values: [xs, ys] });
      ms.push(performance.now() - q0);
      for (const row of r.rows) found[from + row.i - 1] = row.k ?? -1;
    }
    return { points: n, pointsPerS: n / ((performance.now() - t0) / 1e3), latencyMs: latencyOf(ms), found };
  }

  /** One query per point, in sequence (the round trip a server would pay per report). */
  async single(xy: Float64Array): Promise<PostgisRun> {
    const n = xy.length / 2;
    const found = new Int32Array(n).fill(-1);
    const ms = new Float64Array(n);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const q0 = performance.now();
      const r = await this.client.query<{ k: number }>({ name: 'geocode_one', text: SINGLE_SQL, values: [xy[2 * i], xy[2 * i + 1]] });
      ms[i] = performance.now() - q0;
      found[i] = r.rows[0]?.k ?? -1;
    }
    return { points: n, pointsPerS: n / ((performance.now() - t0) / 1e3), latencyMs: latencyOf(ms), found };
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
    await dropPgDatabase(POSTGIS_DATABASE);
  }
}
