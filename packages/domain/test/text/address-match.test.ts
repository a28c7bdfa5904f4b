import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AddressIndex,
  chineseNumeral,
  editDistance,
  type GazetteerEntry,
  normalizeDoorNumber,
  normalizeText,
  parseAddress,
  prepare,
  similarity,
} from '../../src/text/address-match.ts';

const entry = (id: string, kind: GazetteerEntry['kind'], name: string, extra: Partial<GazetteerEntry> = {}): GazetteerEntry => ({
  id,
  kind,
  name,
  aliases: [],
  road: null,
  number: null,
  lng: 106.53,
  lat: 29.57,
  ...extra,
});

const SMALL: GazetteerEntry[] = [
  entry('r1', 'road', '建新北路'),
  entry('r2', 'road', '建新南路'),
  entry('r3', 'road', '北滨一路', { aliases: ['北滨路一段'] }),
  entry('d1', 'door', '建新北路12号', { road: '建新北路', number: '12', lng: 106.531, lat: 29.577 }),
  entry('d2', 'door', '建新北路32号', { road: '建新北路', number: '32' }),
  entry('d3', 'door', '建新南路12号', { road: '建新南路', number: '12' }),
  entry('d4', 'door', '北滨一路368号', { road: '北滨路一段', number: '368' }),
  entry('p1', 'poi', '龙湖北城天街', { aliases: ['北城天街', '北城天街购物中心'] }),
  entry('p2', 'poi', '观音桥步行街', { aliases: ['Guanyinqiao Pedestrian Street'] }),
  entry('p3', 'poi', '重庆大剧院', { aliases: ['大剧院'] }),
  entry('a1', 'area', '观音桥街道', { aliases: ['观音桥'] }),
];

describe('normalisation', () => {
  it.each([
    ['full-width digits and letters', '建新北路１２号', '建新北路12号'],
    ['full-width punctuation and spaces', '建新北路　１２号，（北门）', '建新北路12号北门'],
    ['numerals before 号', '建新北路三十二号', '建新北路32号'],
    ['十 alone and 十 first', '建新北路十号', '建新北路10号'],
    ['百 with 零', '北滨一路一百零五号', '北滨一路105号'],
    ['〇 digit by digit', '北滨一路二〇八号', '北滨一路208号'],
    ['numerals before 栋 and 单元', '洋河花园三栋二单元', '洋河花园3栋2单元'],
    ['place names keep their numerals', '五里店九街北滨一路', '五里店九街北滨一路'],
    ['a single-digit road ordinal in Chinese', '北滨1路', '北滨一路'],
    ['附 door numbers', '建新北路12号附3号', '建新北路12-3号'],
    ['# as 号', '建新北路12#', '建新北路12号'],
    ['traditional 號', '建新北路12號', '建新北路12号'],
    ['city and district prefixes', '重庆市江北区建新北路', '建新北路'],
    ['重庆 and 江北 alone are names, not prefixes', '重庆大剧院', '重庆大剧院'],
    ['江北嘴 keeps 江北', '江北区江北嘴', '江北嘴'],
    ['only the prefix is stripped', '中国重庆市江北区', ''],
    ['spoken fillers', '五里店那个立交', '五里店立交'],
    ['Latin to lower case without spaces', 'Guanyinqiao Pedestrian Street', 'guanyinqiaopedestrianstreet'],
  ])('%s: %s → %s', (_what, input, want) => {
    expect(normalizeText(input)).toBe(want);
  });

  it.each([
    ['三十二', 32],
    ['十二', 12],
    ['二十', 20],
    ['一百零五', 105],
    ['二〇八', 208],
    ['两千零一十', 2010],
    ['三', 3],
  ])('chineseNumeral(%s) = %d', (s, n) => {
    expect(chineseNumeral(s)).toBe(n);
  });

  it.each([
    ['12', '12'],
    ['12号', '12'],
    ['十二号', '12'],
    ['012', '12'],
    ['12附1号', '12-1'],
    ['12-1', '12-1'],
    ['甲', null],
    ['', null],
  ])('normalizeDoorNumber(%s) = %s', (s, n) => {
    expect(normalizeDoorNumber(s)).toBe(n);
  });

  it.each([
    ['观音桥步行街附近', '观音桥步行街', '附近'],
    ['北城天街门口', '北城天街', '门口'],
    ['大剧院对面的垃圾桶', '大剧院', '对面'],
    ['建新北路12号旁边', '建新北路12号', '旁边'],
    ['建新北路口', '建新北路', '路口'],
    ['洋河十字路口', '洋河', '十字路口'],
    ['对面北城天街', '北城天街', '对面'],
    ['北城天街', '北城天街', null],
  ])('qualifier: %s → core %s, qualifier %s', (input, core, qualifier) => {
    const p = parseAddress(input);
    expect(p.core).toBe(core);
    expect(p.qualifier).toBe(qualifier);
  });

  it('parses road and door number', () => {
    expect(parseAddress('建新北路12号')).toMatchObject({ road: '建新北路', number: '12', place: '建新北路' });
    expect(parseAddress('江北区建新北路三十二号附近')).toMatchObject({ road: '建新北路', number: '32', qualifier: '附近' });
    expect(parseAddress('建新北路12号附3号')).toMatchObject({ road: '建新北路', number: '12-3' });
    expect(parseAddress('北滨一路368')).toMatchObject({ road: '北滨一路', number: '368' });
    expect(parseAddress('观音桥建新北路12号3栋')).toMatchObject({ road: '观音桥建新北路', number: '12', core: '观音桥建新北路12号3栋' });
    expect(parseAddress('12号')).toMatchObject({ road: null, number: null });
    expect(parseAddress('北城天街')).toMatchObject({ road: null, number: null, place: '北城天街' });
  });
});

describe('similarity', () => {
  it('is 1 for equal strings and falls with edits', () => {
    expect(similarity(prepare('建新北路'), prepare('建新北路'))).toBe(1);
    expect(similarity(prepare('建新北陆'), prepare('建新北路'))).toBeCloseTo(0.75);
    expect(similarity(prepare('火星基地'), prepare('建新北路'))).toBe(0);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
  it('rewards a name inside the query more than a query inside a name', () => {
    const within = similarity(prepare('观音桥建新北路'), prepare('建新北路'));
    const partial = similarity(prepare('江北'), prepare('江北嘴中央公园'));
    expect(within).toBeGreaterThan(0.9);
    expect(partial).toBeLessThan(0.6);
  });
});

describe('matching', () => {
  const idx = new AddressIndex(SMALL);
  const top = (q: string) => idx.match(q).candidates[0];

  it('an exact road + door number is certain', () => {
    const c = top('江北区建新北路12号');
    expect(c?.entry.id).toBe('d1');
    expect(c?.confidence).toBe(1);
    expect(c?.reason).toBe('door 12 on 建新北路');
  });
  it('Chinese numerals and full-width digits find the same door', () => {
    expect(top('建新北路十二号')?.entry.id).toBe('d1');
    expect(top('建新北路１２号')?.entry.id).toBe('d1');
  });
  it('a typo in the road still finds the door, with less confidence', () => {
    const c = top('建新北陆12号');
    expect(c?.entry.id).toBe('d1');
    expect(c?.confidence).toBeGreaterThan(0.8);
    expect(c?.confidence).toBeLessThan(1);
    expect(c?.reason).toMatch(/road 0\.75/);
  });
  it('a door on a road known by its alias', () => {
    expect(top('北滨路一段368号')?.entry.id).toBe('d4');
    expect(top('北滨一路368号')?.entry.id).toBe('d4');
  });
  it('an unknown door number falls back to the road, below the threshold', () => {
    const r = idx.match('建新北路99号');
    expect(r.candidates[0]?.entry.id).toBe('r1');
    expect(r.candidates[0]?.confidence).toBeLessThan(0.8);
    expect(r.candidates.map((c) => c.entry.id)).toContain('d2');
  });
  it('an alias finds its POI', () => {
    const c = top('北城天街');
    expect(c?.entry.id).toBe('p1');
    expect(c?.confidence).toBe(1);
    expect(c?.reason).toBe('alias 北城天街');
  });
  it('a qualifier is split off and lowers confidence a little', () => {
    const r = idx.match('观音桥步行街附近');
    expect(r.query.qualifier).toBe('附近');
    expect(r.candidates[0]?.entry.id).toBe('p2');
    expect(r.candidates[0]?.confidence).toBe(0.95);
    expect(r.candidates[0]?.reason).toMatch(/附近$/);
  });
  it('an area matches by name but stays below the threshold', () => {
    const c = top('观音桥');
    expect(c?.entry.id).toBe('a1');
    expect(c?.confidence).toBeLessThan(0.8);
  });
  it('an unknown place has low confidence', () => {
    for (const q of ['火星基地', '南京路步行街', '某某小区']) {
      expect(top(q)?.confidence ?? 0, q).toBeLessThanOrEqual(0.5);
    }
  });
  it('English and odd input do not crash', () => {
    expect(top('Guanyinqiao pedestrian street')?.entry.id).toBe('p2');
    for (const q of ['hello world', '', '   ', '!!!', '12号', '附近', '😀😀', 'a', 'x'.repeat(500), '江北区']) {
      const r = idx.match(q);
      expect(Array.isArray(r.candidates)).toBe(true);
      for (const c of r.candidates) expect(c.confidence).toBeLessThan(0.8);
    }
  });
  it('confidences are in [0, 1], one candidate per entry, at most the limit', () => {
    const r = idx.match('建新路', { limit: 3 });
    expect(r.candidates.length).toBeLessThanOrEqual(3);
    expect(new Set(r.candidates.map((c) => c.entry.id)).size).toBe(r.candidates.length);
    for (const c of r.candidates) expect(c.confidence).toBeGreaterThanOrEqual(0);
  });
});

/** The demo gazetteer has no quoted fields, so a plain split reads it. */
function demoEntries(): GazetteerEntry[] {
  const csv = fs.readFileSync(path.resolve(import.meta.dirname, '../../../../data/demo/jiangbei/gazetteer.csv'), 'utf8');
  expect(csv).not.toContain('"');
  return csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line, i) => {
      const [kind, name, aliases, road, number, lng, lat] = line.split(',');
      return entry(String(i), kind as GazetteerEntry['kind'], name ?? '', {
        aliases: aliases ? aliases.split('|') : [],
        road: road || null,
        number: number || null,
        lng: Number(lng),
        lat: Number(lat),
      });
    });
}

/** Queries as a 12345 operator types them (typos, numerals, qualifiers, extra words) → the entry meant. */
const LABELLED: Array<[string, string]> = [
  ['江北区建新北路12号', '建新北路12号'],
  ['重庆市江北区建新北路三十二号附近', '建新北路32号'],
  ['建新北陆12号', '建新北路12号'],
  ['建新北路88号楼下', '建新北路88号'],
  ['建新南路16号', '建新南路16号'],
  ['建新东路三号', '建新东路3号'],
  ['建新西路6号旁边', '建新西路6号'],
  ['观音桥建新东路20号', '建新东路20号'],
  ['北滨一路368号', '北滨一路368号'],
  ['北滨1路288号对面', '北滨一路288号'],
  ['北滨二路188号', '北滨二路188号'],
  ['洋河一路68号', '洋河一路68号'],
  ['渝鲁大道600号', '渝鲁大道600号'],
  ['海尔路三百一十八号', '海尔路318号'],
  ['盘溪路188号', '盘溪路188号'],
  ['红石路209号', '红石路209号'],
  ['庆云路1号', '庆云路1号'],
  ['五红路口', '五红路'],
  ['北城天街门口', '龙湖北城天街'],
  ['北城天街负一楼', '龙湖北城天街'],
  ['观音桥步行街附近', '观音桥步行街'],
  ['观音桥不行街', '观音桥步行街'],
  ['观音桥步行街麦当劳旁边', '观音桥步行街'],
  ['九街酒吧街', '观音桥九街'],
  ['江北嘴中央公园', '江北嘴中央公园'],
  ['中央公园东门', '江北嘴中央公园'],
  ['大剧院对面', '重庆大剧院'],
  ['重庆大剧院广场', '重庆大剧院'],
  ['科技馆门口', '重庆科技馆'],
  ['五里店立交桥下', '五里店立交'],
  ['五里店轻轨站出口', '五里店轻轨站'],
  ['红旗河沟公交站', '红旗河沟交通枢纽'],
  ['嘉陵江大桥北桥头', '嘉陵江大桥北桥头'],
  ['黄花园大桥桥下', '黄花园大桥北桥头'],
  ['朝天们大桥江北这头', '朝天门大桥北桥头'],
  ['千厮门大桥', '千厮门大桥北桥头'],
  ['铁山平森林公园', '铁山坪森林公园'],
  ['鸿恩寺公元', '鸿恩寺公园'],
  ['寸滩港', '寸滩港'],
  ['寸滩', '寸滩街道'],
  ['郭家沱', '郭家沱街道'],
  ['鱼嘴镇', '鱼嘴镇'],
  ['复盛镇政府', '复盛镇人民政府'],
  ['石马河', '石马河街道'],
  ['江北区人民医院', '重庆市红十字会医院'],
  ['塔坪市场', '塔坪农贸市场'],
  ['鲤鱼池菜市场', '鲤鱼池农贸市场'],
  ['江北城站', '江北城轻轨站'],
  ['溉澜溪', '溉澜溪'],
  ['Chongqing Grand Theatre', '重庆大剧院'],
];

describe('the demo gazetteer on 50 labelled queries', () => {
  const entries = demoEntries();
  const idx = new AddressIndex(entries);

  it('ships 120+ entries of every kind', () => {
    expect(entries.length).toBeGreaterThanOrEqual(120);
    for (const kind of ['road', 'door', 'poi', 'area']) expect(entries.some((e) => e.kind === kind), kind).toBe(true);
  });

  it('top-1 accuracy is at least 90 %, and the index agrees with the exhaustive scan', () => {
    expect(LABELLED.length).toBe(50);
    const misses: string[] = [];
    for (const [q, want] of LABELLED) {
      const r = idx.match(q);
      const got = r.candidates[0];
      if (got?.entry.name !== want) misses.push(`${q} → ${got?.entry.name ?? 'nothing'} (${got?.confidence ?? 0}), wanted ${want}`);
      const scan = idx.match(q, { exhaustive: true }).candidates[0];
      expect(scan?.confidence, q).toBe(got?.confidence);
      expect(scan?.entry.name, q).toBe(got?.entry.name);
    }
    const accuracy = (LABELLED.length - misses.length) / LABELLED.length;
    console.log(`address matching: top-1 ${(accuracy * 100).toFixed(0)} % on ${LABELLED.length} labelled queries${misses.length ? `; misses:\n  ${misses.join('\n  ')}` : ''}`);
    expect(accuracy, misses.join('\n')).toBeGreaterThanOrEqual(0.9);
  });
});
