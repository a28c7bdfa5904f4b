/**
 * The district every bench runs in: the Jiangbei demo district (real outline, 12 towns/streets,
 * 132 communities/villages, ~9,900 grids, 20 departments, 170 users), seeded by the same code as
 * `onegrid start --demo`. Its size matters: point location, scope filters (a street's subtree
 * is ~900 units) and per-street selectivity all behave as they would in production, which the
 * two-street test district would flatter.
 */
import { DomainError } from '@onegrid/domain/errors';
import type { Directory } from '../../packages/server/src/modules/org/directory.ts';
import { DEMO_DISTRICT_CODE, seedDemo } from '../../packages/server/src/modules/demo/seed-demo.ts';
import { loadConfig } from '../../packages/server/src/config.ts';
import type { Store } from '../../packages/server/src/db/store.ts';
import { createServices, type Services } from '../../packages/server/src/services.ts';
import { rng, weighted } from './random.ts';

export const BENCH_PASSWORD = 'bench-password-1';

export interface Box {
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

export interface Area {
  id: string;
  code: string;
  name: string;
  kind: string;
}

export interface BenchDistrict {
  s: Services;
  districtId: string;
  casePrefix: string;
  dir: Directory;
  streets: Area[];
  departments: Area[];
  /** Active categories, catalogue order. */
  categories: Array<{ kind: 'component' | 'matter'; code: string; name: string }>;
  /** Bounding box of each town/street, by unit id, for sampling points inside it. */
  boxes: Map<string, Box>;
  /** Signs a demo user in (usernames as seeded: intake, dispatcher, h-<street code> …). */
  login(username: string): Promise<string>;
}

async function services(store: Store, dataDir: string): Promise<Services> {
  // The session lifetime only has to outlast a bench; everything else is the production default.
  const config = loadConfig({ ONEGRID_DATA_DIR: dataDir, ONEGRID_SESSION_TTL_HOURS: '24' });
  return createServices(config, { store, migrate: false });
}

/**
 * Seeds the demo district into a migrated, empty store. Intake automation (automatic merge and
 * accept/register/dispatch) is set explicitly, off by default as for any district that has not
 * opted in, so the benches measure the same path whatever the demo's own setting is.
 */
export async function seedBenchDistrict(store: Store, dataDir: string, opts: { automation?: boolean } = {}): Promise<BenchDistrict> {
  const s = await services(store, dataDir);
  const { districtId } = await seedDemo(s, { password: BENCH_PASSWORD });
  const current = (await s.org.districtById(districtId))?.settings ?? '{}';
  const intake = (JSON.parse(current) as { intake?: Record<string, unknown> }).intake ?? {};
  await s.org.updateSettings(districtId, { intake: { ...intake, automation: opts.automation ?? false } });
  return attach(s);
}

/** The demo district of a store seeded earlier (the persistent 1M-case data set). */
export async function openBenchDistrict(store: Store, dataDir: string): Promise<BenchDistrict> {
  return attach(await services(store, dataDir));
}

async function attach(s: Services): Promise<BenchDistrict> {
  const d = await s.org.districtByCode(DEMO_DISTRICT_CODE);
  if (!d) throw new Error(`no demo district ${DEMO_DISTRICT_CODE} in ${s.store.label}`);
  const dir = await s.org.directory(d.id);
  await s.taxonomy.warm(d.id);
  const area = (u: { id: string; code: string; name: string; kind: string }): Area => ({ id: u.id, code: u.code, name: u.name, kind: u.kind });
  const streets = dir.ofKind('street', 'town').map(area).sort((a, b) => a.code.localeCompare(b.code));
  const departments = dir.ofKind('department').map(area).sort((a, b) => a.code.localeCompare(b.code));
  const categories = (await s.taxonomy.list(d.id, {})).filter((c) => c.active).map((c) => ({ kind: c.kind, code: c.code, name: c.name }));
  const geoms = await s.store.db
    .selectFrom('units')
    .select(['id', 'geometry'])
    .where('district_id', '=', d.id)
    .where('kind', 'in', ['street', 'town'])
    .execute();
  const boxes = new Map<string, Box>();
  for (const g of geoms) {
    const box = { minLng: Infinity, minLat: Infinity, maxLng: -Infinity, maxLat: -Infinity };
    boxes.set(g.id, box);
    const walk = (v: unknown): void => {
      if (Array.isArray(v) && typeof v[0] === 'number') {
        const [lng, lat] = v as [number, number];
        box.minLng = Math.min(box.minLng, lng);
        box.maxLng = Math.max(box.maxLng, lng);
        box.minLat = Math.min(box.minLat, lat);
        box.maxLat = Math.max(box.maxLat, lat);
      } else if (Array.isArray(v)) v.forEach(walk);
    };
    if (g.geometry) walk((JSON.parse(g.geometry) as { coordinates: unknown }).coordinates);
  }
  return {
    s,
    districtId: d.id,
    casePrefix: d.case_prefix,
    dir,
    streets,
    departments,
    categories,
    boxes,
    async login(username) {
      try {
        return (await s.auth.login(username, BENCH_PASSWORD)).token;
      } catch (e) {
        if (e instanceof DomainError) throw new Error(`bench login as ${username}: ${e.message}`);
        throw e;
      }
    },
  };
}

export interface Placed {
  lng: number;
  lat: number;
  streetId: string;
  communityId: string | null;
  gridId: string | null;
  socialGridId: string | null;
}

/** Reports by channel, in percent: patrols and the hotline bring most. */
export const CHANNEL_MIX = [
  ['patrol', 35],
  ['hotline', 25],
  ['citizen', 20],
  ['video', 8],
  ['sensor', 4],
  ['assigned', 3],
  ['other', 5],
] as const;

/**
 * Each town/street's share of reported cases. Case volume follows population and commerce,
 * not area: the commercial centre (观音桥) reports most, the forest-park street (铁山坪) and
 * the rural towns little, though they cover most of the map. Rough, illustrative figures.
 */
const STREET_SHARE: Record<string, number> = {
  '500105006': 16, // 观音桥
  '500105004': 10, // 大石坝
  '500105007': 10, // 五里店
  '500105001': 9, // 华新街
  '500105003': 9, // 石马河
  '500105005': 9, // 寸滩
  '500105008': 7, // 郭家沱
  '500105002': 6, // 江北城
  '500105100': 8, // 鱼嘴镇
  '500105101': 6, // 复盛镇
  '500105009': 4, // 铁山坪
  '500105102': 3, // 五宝镇
};

/**
 * Distinct points inside the district, each with the areas it lies in: a town/street is
 * drawn by its share of cases, then a point by rejection sampling over its bounding box.
 */
export function placePoints(t: BenchDistrict, n: number, seed: number): Placed[] {
  const next = rng(seed);
  const street = weighted(t.streets.map((st) => [st, STREET_SHARE[st.code] ?? 5] as const));
  const out: Placed[] = [];
  const seen = new Set<string>();
  while (out.length < n) {
    const st = street(next());
    const b = t.boxes.get(st.id);
    if (!b) throw new Error(`no geometry for ${st.name}`);
    for (let tries = 0; tries < 1000; tries++) {
      // Six decimals (~0.1 m) is what a phone or patrol device reports.
      const lng = Math.round((b.minLng + next() * (b.maxLng - b.minLng)) * 1e6) / 1e6;
      const lat = Math.round((b.minLat + next() * (b.maxLat - b.minLat)) * 1e6) / 1e6;
      const loc = t.dir.locate(lng, lat);
      if (loc.streetId !== st.id) continue;
      const k = `${lng},${lat}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ lng, lat, streetId: st.id, communityId: loc.communityId, gridId: loc.gridId, socialGridId: loc.socialGridId });
      break;
    }
  }
  return out;
}
