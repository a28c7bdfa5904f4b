/**
 * `onegrid simulate`: a realistic flow through a running server over its public API, as the demo
 * users would act: reports from every channel at places inside the district, categories weighted
 * by how often they occur, then accept → register → dispatch → sign → handle → check → close →
 * visit with human-like delays, and some rejections, returns, reworks and stalled cases.
 */
import { geometryContains } from '@onegrid/domain/geo/point-in-polygon';
import { bbox, type AreaGeometry } from '@onegrid/domain/geo/geometry';
import { loadConfig } from '../config.ts';
import { seededRandom as prng } from '@onegrid/domain/random';

interface Opts {
  url: string;
  rate: number;
  duration?: number;
  password?: string;
  seed: number;
}

type Json = Record<string, any>;


const CHANNELS: Array<[string, number]> = [
  ['patrol', 45],
  ['hotline', 25],
  ['citizen', 15],
  ['video', 8],
  ['sensor', 5],
  ['assigned', 2],
];
/** Street order (09) and city appearance (06) dominate real intake; infrastructure follows. */
const MAJOR_WEIGHT: Record<string, number> = { '06': 30, '09': 25, '01': 12, '02': 8, '04': 6, '08': 8, '07': 5, '03': 3, '05': 1, '10': 2 };
const OPENERS = ['', '市民反映：', '巡查发现', '接12345热线转办：', '视频监控发现', ''];
const PLACES = ['路口', '小区门口', '公交站旁', '人行道上', '商场附近', '学校周边', '菜市场旁', '河边步道'];
const TAILS = ['，影响通行，请尽快处理。', '，已持续两天。', '，存在安全隐患。', '，群众意见较大。', '。'];

export async function simulate(o: Opts): Promise<void> {
  const rnd = prng(o.seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const weighted = <T>(xs: Array<[T, number]>): T => {
    let r = rnd() * xs.reduce((a, [, w]) => a + w, 0);
    for (const [x, w] of xs) {
      r -= w;
      if (r <= 0) return x;
    }
    return xs[0]![0];
  };
  const password = o.password ?? loadConfig().demoPassword;
  const tokens = new Map<string, Promise<string>>();
  const call = async (username: string, method: string, path: string, body?: unknown): Promise<Json> => {
    if (!tokens.has(username)) {
      tokens.set(
        username,
        fetch(`${o.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
          .then((r) => r.json() as Promise<Json>)
          .then((j) => {
            if (!j.token) throw new Error(`login ${username} failed: ${JSON.stringify(j)}`);
            return j.token as string;
          }),
      );
    }
    const token = await tokens.get(username)!;
    const res = await fetch(`${o.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : null,
    });
    const j = (await res.json()) as Json;
    if (!res.ok) throw Object.assign(new Error(`${method} ${path} → ${res.status} ${j.error?.code}: ${j.error?.message}`), { status: res.status });
    return j;
  };

  process.stdout.write(`simulate: loading the district from ${o.url}\n`);
  const cats = ((await call('intake', 'GET', '/api/v1/categories?kind=matter')).items as Json[]).filter((c) => c.active);
  const weightedCats: Array<[Json, number]> = cats.map((c) => [c, (MAJOR_WEIGHT[c.majorCode as string] ?? 1) / cats.filter((x) => x.majorCode === c.majorCode).length]);
  const units = (await call('intake', 'GET', '/api/v1/units?limit=20000')).items as Json[];
  const byId = new Map(units.map((u) => [u.id as string, u]));
  const byCode = new Map(units.map((u) => [u.code as string, u]));
  const communities = units.filter((u) => u.kind === 'community' || u.kind === 'village');
  const shapes = await Promise.all(communities.map(async (c) => ({ c, g: (await call('intake', 'GET', `/api/v1/units/${c.id}`)).geometry as AreaGeometry })));

  const stats = { created: 0, autoDispatched: 0, merged: 0, closed: 0, errors: 0, rejected: 0, returned: 0, reworked: 0 };
  const later = (seconds: number, fn: () => Promise<void>) =>
    setTimeout(() => {
      fn().catch((e: Error & { status?: number }) => {
        stats.errors++;
        if (e.status !== 409) process.stderr.write(`simulate: ${e.message}\n`);
      });
    }, seconds * 1000).unref();
  const delay = (min: number, max: number) => min + rnd() * (max - min);

  const act = async (user: string, c: Json, action: string, extra: Json = {}): Promise<Json> =>
    call(user, 'POST', `/api/v1/cases/${c.id}/actions/${action}`, { version: c.version, ...extra });

  const handlerOf = (unitId: string) => `h-${byId.get(unitId)?.code}`;
  const checkerOf = (c: Json) => (c.area?.community?.code ? `g-${c.area.community.code}` : 'shift_leader');

  const flow = async () => {
    const { c: community, g } = pick(shapes);
    const [minX, minY, maxX, maxY] = bbox(g);
    let lng = 0;
    let lat = 0;
    for (let i = 0; i < 50; i++) {
      lng = minX + rnd() * (maxX - minX);
      lat = minY + rnd() * (maxY - minY);
      if (geometryContains(g, lng, lat)) break;
    }
    const cat = weighted(weightedCats);
    const channel = weighted(CHANNELS);
    const reporter = channel === 'hotline' || channel === 'citizen' ? { name: pick(['张先生', '李女士', '王先生', '刘女士', '陈先生']), phone: `13${Math.floor(100000000 + rnd() * 899999999)}` } : undefined;
    let c = await call(channel === 'patrol' ? `g-${community.code}` : 'intake', 'POST', '/api/v1/cases', {
      channel,
      description: `${pick(OPENERS)}${community.name.replace(/居民委员会|村民委员会/, '')}${pick(PLACES)}${cat.name}${pick(TAILS)}`,
      location: { lng: Number(lng.toFixed(6)), lat: Number(lat.toFixed(6)) },
      address: `江北区${community.name.replace(/居民委员会|村民委员会/, '')}${pick(PLACES)}`,
      ...(rnd() < 0.7 ? { category: { kind: 'matter', code: cat.code } } : {}),
      ...(reporter ? { reporter } : {}),
    });
    stats.created++;
    const dispatch = async () => {
      const resp = cat.responsible && cat.responsible !== 'street' ? byCode.get(cat.responsible)?.id : undefined;
      const lead = (resp ?? c.area?.street?.id) as string | undefined;
      if (!lead) return;
      c = await act('dispatcher', c, 'dispatch', { leadUnitId: lead });
      later(delay(2, 15), async () => {
        if (rnd() < 0.05) {
          c = await act(handlerOf(lead), c, 'return', { reason: '非本单位职责，请重新派遣' });
          stats.returned++;
          const street = c.area?.street?.id as string | undefined;
          if (street && street !== lead) later(delay(2, 8), async () => {
            c = await act('dispatcher', c, 'dispatch', { leadUnitId: street });
            later(delay(2, 10), () => handle(street));
          });
          return;
        }
        await handle(lead);
      });
    };
    const handle = async (lead: string) => {
      c = await act(handlerOf(lead), c, 'sign');
      // A few cases stall in handling and run into their deadline: the overdue path.
      if (rnd() < 0.03) return;
      later(delay(5, 40), async () => {
        c = await act(handlerOf(lead), c, 'report_handled', { note: '已安排人员现场处置完毕' });
        later(delay(3, 20), () => check(lead));
      });
    };
    const check = async (lead: string) => {
      const checker = checkerOf(c);
      c = await act(checker, c, 'check');
      if (rnd() < 0.08) {
        c = await act(checker, c, 'check_fail', { reason: '现场复核仍未整改到位' });
        stats.reworked++;
        later(delay(5, 20), async () => {
          c = await act(handlerOf(lead), c, 'report_handled', { note: '已返工整改' });
          later(delay(3, 10), () => check(lead));
        });
        return;
      }
      c = await act(checker, c, 'check_pass', { note: '现场核查已整改' });
      later(delay(1, 5), async () => {
        c = await act('shift_leader', c, 'close');
        stats.closed++;
        if (rnd() < 0.7) {
          later(delay(2, 10), async () => {
            c = await act('intake', c, 'visit', { satisfaction: weighted([['satisfied', 80], ['basically_satisfied', 15], ['unsatisfied', 5]]), resolved: rnd() < 0.95 });
          });
        }
      });
    };

    // Intake automation may already have merged or dispatched it.
    if (c.state === 'MERGED') {
      stats.merged++;
      return;
    }
    if (c.state === 'DISPATCHED') {
      stats.autoDispatched++;
      const lead = c.leadUnit.id as string;
      later(delay(2, 15), () => handle(lead));
      return;
    }
    later(delay(1, 6), async () => {
      if (rnd() < 0.03) {
        await act('intake', c, 'reject', { reason: '不属于城市管理范围' });
        stats.rejected++;
        return;
      }
      c = await act('intake', c, 'accept');
      later(delay(1, 6), async () => {
        c = await act('shift_leader', c, 'register', c.category ? {} : { category: { kind: 'matter', code: cat.code } });
        later(delay(1, 8), () => dispatch());
      });
    });
  };

  const started = Date.now();
  process.stdout.write(`simulate: ${o.rate} case(s)/s${o.duration ? ` for ${o.duration}s` : ' until Ctrl-C'}\n`);
  const report = setInterval(() => process.stdout.write(`simulate: ${JSON.stringify(stats)}\n`), 10_000);
  const tick = setInterval(() => {
    if (o.duration && Date.now() - started > o.duration * 1000) {
      clearInterval(tick);
      clearInterval(report);
      setTimeout(() => {
        process.stdout.write(`simulate: done ${JSON.stringify(stats)}\n`);
        process.exit(0);
      }, 2000);
      return;
    }
    flow().catch((e: Error) => {
      stats.errors++;
      process.stderr.write(`simulate: ${e.message}\n`);
    });
  }, 1000 / o.rate);
}
