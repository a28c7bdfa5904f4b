/**
 * Address text → gazetteer entries (地址匹配). 12345 calls often carry an address and no point:
 * "江北区建新北路十二号附近", "北城天街门口", "建新北陆12号" (a typo). This module normalises such
 * text the Chinese way, splits off the door number and the "near…" qualifier, and scores it against
 * roads, door plates (门牌), points of interest and areas with character-bigram Dice similarity,
 * edit distance and containment. Pure: no I/O; the server builds one AddressIndex per district.
 */

export const GAZETTEER_KINDS = ['road', 'door', 'poi', 'area'] as const;
export type GazetteerKind = (typeof GAZETTEER_KINDS)[number];

export function isGazetteerKind(k: string): k is GazetteerKind {
  return (GAZETTEER_KINDS as readonly string[]).includes(k);
}

export interface GazetteerEntry {
  id: string;
  kind: GazetteerKind;
  name: string;
  aliases: readonly string[];
  /** The road a door plate is on (doors require it). */
  road: string | null;
  /** Door number, canonical "12" or "12-1" (12号附1号). */
  number: string | null;
  lng: number;
  lat: number;
}

export interface ParsedAddress {
  /** Normalised text without prefixes and qualifiers. */
  core: string;
  /** `core` without the door number and what follows it; equals `core` when there is none. */
  place: string;
  road: string | null;
  number: string | null;
  /** 附近, 对面, 路口… when the caller placed the problem near, not at, the place. */
  qualifier: string | null;
}

export interface MatchCandidate {
  entry: GazetteerEntry;
  /** 0..1; 1 is an exact name or an exact road + door number. */
  confidence: number;
  reason: string;
}

export interface MatchResult {
  query: ParsedAddress;
  candidates: MatchCandidate[];
}

/**
 * Prefixes that say nothing inside one district. "重庆" and "江北" alone are not stripped:
 * 重庆大剧院 and 江北嘴 start with them.
 */
export const DEFAULT_STRIP: readonly string[] = ['中华人民共和国', '中国', '重庆市', '重庆江北区', '江北区'];

// Longest first, so 十字路口 wins over 路口 and 斜对面 over 对面 at the same position.
const QUALIFIERS = ['十字路口', '交叉口', '斜对面', '正对面', '对面', '附近', '旁边', '边上', '门口', '路口', '街口', '周边', '周围', '一带', '背后', '后面', '楼下', '对门', '旁'];
const QUALIFIER_RE = new RegExp(QUALIFIERS.join('|'), 'g');
const LEADING_QUALIFIER_RE = new RegExp(`^(?:${QUALIFIERS.join('|')})`);

const CN_DIGIT: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CN_UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const CN_ORDINAL = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
// Numerals are converted only before these markers, so 五里店, 九街 and 北滨一路 keep their names.
const CN_NUMBER_RE = /[〇零一二两三四五六七八九十百千]+(?=号|栋|幢|楼|单元|层|室|附)/g;
// Spelling variants only: 路, 街 and 大道 name different things (北城天街 is not a road), so they
// are never merged; traditional and colloquial forms of the same word are.
const VARIANTS: Array<[RegExp, string]> = [
  [/號/g, '号'],
  [/衖/g, '弄'],
  [/巷子/g, '巷'],
  [/衚衕/g, '胡同'],
  [/大廈/g, '大厦'],
  [/(\d)#/g, '$1号'],
];
const VARIANT_CHARS = /[號衖巷衚廈#]/;
const NOT_WORD_RE = /[^\p{L}\p{N}-]+/gu;
const LONE_HYPHEN_RE = /(?<!\d)-|-(?!\d)/g;
const NUMBER_MARKER_RE = /[号栋幢楼单元层室附]/;
const ANNEX_RE = /(\d+)号?附(\d+)号?/g;
const DIGIT_RE = /\d/;
const ROAD_ORDINAL_RE = /(?<=[\u4e00-\u9fff])([1-9])(?=支路|路|街)/g;
// Spoken fillers a hotline operator types as heard ("五里店那个立交"): they are never part of a name.
const FILLERS = /那个|这个|那儿|这儿|那里|这里|那边|这边/g;

/** Value of a Chinese numeral: positional (三十二, 一百零五) or digit by digit (二〇八). */
export function chineseNumeral(s: string): number | null {
  if (s.length === 0) return null;
  let positional = false;
  for (const ch of s) {
    if (CN_UNIT[ch] !== undefined) positional = true;
    else if (CN_DIGIT[ch] === undefined) return null;
  }
  if (!positional) {
    let v = 0;
    for (const ch of s) v = v * 10 + (CN_DIGIT[ch] as number);
    return v;
  }
  let total = 0;
  let current = -1;
  for (const ch of s) {
    const unit = CN_UNIT[ch];
    if (unit !== undefined) {
      total += (current < 0 ? 1 : current) * unit;
      current = -1;
    } else if (ch !== '零' && ch !== '〇') {
      current = CN_DIGIT[ch] as number;
    }
  }
  return total + Math.max(current, 0);
}

function stripPrefixes(t: string, strip: readonly string[]): string {
  for (let again = true; again; ) {
    again = false;
    for (const p of strip) {
      if (p && t.length > p.length && t.startsWith(p)) {
        t = t.slice(p.length);
        again = true;
      }
    }
  }
  return strip.includes(t) ? '' : t;
}

/**
 * The shared spelling of query and gazetteer text: NFKC (full-width → half-width), lower case,
 * spelling variants, no spaces or punctuation, no district prefixes, numerals in door numbers as
 * digits (三十二号 → 32号) and single-digit road ordinals in Chinese (北滨1路 → 北滨一路).
 */
export function normalizeText(text: string, strip: readonly string[] = DEFAULT_STRIP): string {
  let t = text.normalize('NFKC').toLowerCase();
  // Each rewrite runs only when its trigger is present: most queries need three of the nine.
  if (VARIANT_CHARS.test(t)) for (const [re, to] of VARIANTS) t = t.replace(re, to);
  t = t.replace(NOT_WORD_RE, '');
  if (t.includes('-')) t = t.replace(LONE_HYPHEN_RE, '');
  if (t.includes('那') || t.includes('这')) t = t.replace(FILLERS, '');
  t = stripPrefixes(t, strip);
  if (NUMBER_MARKER_RE.test(t)) t = t.replace(CN_NUMBER_RE, (m) => String(chineseNumeral(m) ?? m));
  if (t.includes('附')) t = t.replace(ANNEX_RE, '$1-$2号');
  return DIGIT_RE.test(t) ? t.replace(ROAD_ORDINAL_RE, (d) => CN_ORDINAL[Number(d)] ?? d) : t;
}

/** "12号", "十二", "12附1号", "12-1" → "12" / "12-1"; null when it is not a door number. */
export function normalizeDoorNumber(raw: string): string | null {
  const t = normalizeText(`${raw.trim().replace(/[号號]$/, '')}号`, []);
  const m = /^(\d+)(?:-(\d+))?号$/.exec(t);
  if (!m) return null;
  return m[2] ? `${Number(m[1])}-${Number(m[2])}` : String(Number(m[1]));
}

const DOOR_RE = /(\d+)(?:-(\d+))?号/;
const TRAILING_NUMBER_RE = /^(.*[路街巷弄道])(\d+)(?:-(\d+))?$/;

/** Normalises, splits off qualifiers, and finds a road + door number when there is one. */
export function parseAddress(text: string, strip: readonly string[] = DEFAULT_STRIP): ParsedAddress {
  let t = normalizeText(text, strip);
  let qualifier: string | null = null;
  const lead = LEADING_QUALIFIER_RE.exec(t);
  if (lead) {
    qualifier = lead[0];
    t = t.slice(lead[0].length);
  }
  QUALIFIER_RE.lastIndex = 1;
  const q = QUALIFIER_RE.exec(t);
  if (q) {
    qualifier = q[0];
    // "建新北路口" is 建新北路 + 口: the road keeps its 路.
    const keep = q[0] === '路口' || q[0] === '街口' ? 1 : 0;
    t = t.slice(0, q.index + keep);
  }
  let road: string | null = null;
  let number: string | null = null;
  const door = DOOR_RE.exec(t);
  const trailing = door ? null : TRAILING_NUMBER_RE.exec(t);
  const before = door ? t.slice(0, door.index) : trailing?.[1];
  const main = door ? door[1] : trailing?.[2];
  const sub = door ? door[2] : trailing?.[3];
  // A number with nothing but digits before it (a bare "12号") names no road.
  if (before !== undefined && main !== undefined && /[^\d-]/.test(before)) {
    road = before;
    number = sub ? `${Number(main)}-${Number(sub)}` : String(Number(main));
  }
  return { core: t, place: road ?? t, road, number, qualifier };
}

/** A string with its sorted, distinct character bigrams (a lone character is its own gram). */
export interface Prepared {
  text: string;
  grams: number[];
}

export function gramsOf(text: string): number[] {
  if (text.length === 0) return [];
  if (text.length === 1) return [text.charCodeAt(0) * 65536];
  const out: number[] = [];
  for (let i = 0; i + 1 < text.length; i++) out.push(text.charCodeAt(i) * 65536 + text.charCodeAt(i + 1));
  out.sort((a, b) => a - b);
  let w = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[w - 1]) out[w++] = out[i] as number;
  out.length = w;
  return out;
}

export function prepare(text: string): Prepared {
  return { text, grams: gramsOf(text) };
}

function dice(a: number[], b: number[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      common++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return (2 * common) / (a.length + b.length);
}

let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  if (rowA.length <= b.length) {
    rowA = new Int32Array(b.length * 2 + 1);
    rowB = new Int32Array(b.length * 2 + 1);
  }
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] as number) + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const del = (prev[j] as number) + 1;
      const ins = (cur[j - 1] as number) + 1;
      cur[j] = Math.min(sub, del, ins);
    }
    const tmp = prev;
    prev = cur;
    cur = tmp;
  }
  return prev[b.length] as number;
}

/**
 * Similarity of a query string `q` and a gazetteer name `k` in [0, 1]: the best of bigram Dice,
 * normalised edit distance and containment. A name inside the query scores high (the query adds
 * context: "观音桥建新北路" holds 建新北路); a query inside a longer name scores by how much of
 * the name it covers, so a bare "江北" does not pass for 江北嘴.
 */
export function similarity(q: Prepared, k: Prepared): number {
  const a = q.text;
  const b = k.text;
  if (a === b) return a.length > 0 ? 1 : 0;
  if (a.length === 0 || b.length === 0) return 0;
  let best = dice(q.grams, k.grams);
  if (b.length >= 2 && a.includes(b)) best = Math.max(best, 0.9 + (0.1 * b.length) / a.length);
  else if (a.length >= 2 && b.includes(a)) best = Math.max(best, 0.45 + (0.4 * a.length) / b.length);
  // Edit distance is at least the length difference: skip it when it cannot win.
  const longer = Math.max(a.length, b.length);
  if (1 - Math.abs(a.length - b.length) / longer > best) {
    const ed = 1 - editDistance(a, b) / longer;
    if (ed > best) best = ed;
  }
  return best;
}

/**
 * An area is large: its point is a centre, not where the problem is, so even an exact name stays
 * under the default threshold (0.8) and a person confirms; it still outranks fuzzy matches.
 */
const AREA_FACTOR = 0.79;
const ALIAS_FACTOR = 0.98;
const PLACE_FACTOR = 0.95;
const QUALIFIER_FACTOR = 0.95;
const KIND_RANK: Record<GazetteerKind, number> = { door: 0, poi: 1, road: 2, area: 3 };
/** Keys scored per query, taken by descending bigram overlap. */
const MAX_EVAL = 16;
/** Below this best confidence the query is tried again on single characters (typos in short names). */
const RETRY_BELOW = 0.6;

interface NameKey {
  p: Prepared;
  entry: number;
  alias: boolean;
}
interface RoadKey {
  p: Prepared;
  group: number;
  alias: boolean;
}
interface RoadGroup {
  name: string;
  roads: number[];
  /** main door number → entries */
  doors: Map<number, number[]>;
  numbers: number[];
}

// Why an entry scored; put into words only for the candidates returned.
const BY_NAME = 0;
const BY_ROAD = 1;
const ROAD_ONLY = 2;
const DOOR_EXACT = 3;
const DOOR_MAIN = 4;
const DOOR_NEAREST = 5;
const DOOR_ANY = 6;

interface Scored {
  entry: number;
  confidence: number;
  how: number;
  /** The name or road similarity behind the confidence. */
  s: number;
  /** The alias (normalised) that matched, for BY_NAME. */
  alias: string | null;
  group: RoadGroup | null;
}

interface Query extends ParsedAddress {
  coreP: Prepared;
  placeP: Prepared;
  roadP: Prepared;
  main: number | null;
}

const mainOf = (n: string): number => Number.parseInt(n, 10);
const fmt = (x: number) => x.toFixed(2);

/**
 * One district's gazetteer, indexed by character bigram. Doors are reached through their road
 * (one key per road, door numbers in a map), so thousands of door plates on a few hundred roads
 * cost one similarity each per road, not per plate. Immutable: rebuild after an import.
 */
export class AddressIndex {
  readonly entries: readonly GazetteerEntry[];
  private readonly nameKeys: NameKey[] = [];
  private readonly roadKeys: RoadKey[] = [];
  private readonly groups: RoadGroup[] = [];
  private readonly postings = new Map<number, Int32Array>();
  private readonly unigrams = new Map<number, Int32Array>();
  private readonly counts: Int32Array;
  private readonly stamp: Int32Array;
  private epoch = 0;
  /** Distinct bigrams and distinct characters of each key, for ranking candidates. */
  private readonly keyGrams: Int32Array;
  private readonly keyChars: Int32Array;
  // Per-query scratch, reused so that a query allocates little.
  private readonly best = new Map<number, Scored>();
  private readonly touched: number[] = [];
  private readonly picked: number[] = [];
  private readonly pickedRank = new Float64Array(MAX_EVAL);

  constructor(
    entries: readonly GazetteerEntry[],
    private readonly strip: readonly string[] = DEFAULT_STRIP,
  ) {
    this.entries = entries;
    const groupByName = new Map<string, number>();
    const groupOf = (name: string): number => {
      let g = groupByName.get(name);
      if (g === undefined) {
        g = this.groups.length;
        this.groups.push({ name, roads: [], doors: new Map(), numbers: [] });
        groupByName.set(name, g);
        this.roadKeys.push({ p: prepare(name), group: g, alias: false });
      }
      return g;
    };
    // Roads first, so their aliases are known when doors name the road by an alias.
    entries.forEach((e, i) => {
      if (e.kind !== 'road') return;
      const names = [e.name, ...e.aliases].map((n) => normalizeText(n, strip)).filter((n) => n.length > 0);
      const first = names[0];
      if (first === undefined) return;
      const g = groupByName.get(first) ?? groupOf(first);
      (this.groups[g] as RoadGroup).roads.push(i);
      for (const alias of names.slice(1)) {
        if (groupByName.has(alias)) continue;
        groupByName.set(alias, g);
        this.roadKeys.push({ p: prepare(alias), group: g, alias: true });
      }
    });
    entries.forEach((e, i) => {
      if (e.kind === 'road') return;
      const names = e.kind === 'door' ? e.aliases : [e.name, ...e.aliases];
      names.forEach((n, k) => {
        const text = normalizeText(n, strip);
        if (text) this.nameKeys.push({ p: prepare(text), entry: i, alias: e.kind === 'door' || k > 0 });
      });
      if (e.kind === 'door' && e.road && e.number) {
        const road = normalizeText(e.road, strip);
        if (!road) return;
        const group = this.groups[groupOf(road)] as RoadGroup;
        const main = mainOf(e.number);
        const list = group.doors.get(main);
        if (list) list.push(i);
        else group.doors.set(main, [i]);
      }
    });
    for (const g of this.groups) g.numbers = [...g.doors.keys()].sort((a, b) => a - b);

    const bigramLists = new Map<number, number[]>();
    const unigramLists = new Map<number, number[]>();
    const add = (m: Map<number, number[]>, gram: number, key: number) => {
      const l = m.get(gram);
      if (!l) m.set(gram, [key]);
      else if (l[l.length - 1] !== key) l.push(key);
    };
    const keys = this.allKeys();
    this.keyGrams = Int32Array.from(keys, (p) => p.grams.length);
    this.keyChars = Int32Array.from(keys, (p) => new Set(p.text).size);
    keys.forEach((p, key) => {
      for (const g of p.grams) add(bigramLists, g, key);
      for (const c of new Set(p.text)) add(unigramLists, c.charCodeAt(0), key);
    });
    for (const [g, l] of bigramLists) this.postings.set(g, Int32Array.from(l));
    for (const [g, l] of unigramLists) this.unigrams.set(g, Int32Array.from(l));
    const n = this.nameKeys.length + this.roadKeys.length;
    this.counts = new Int32Array(n);
    this.stamp = new Int32Array(n);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Name keys then road keys: key id k < nameKeys.length is a name key. */
  private allKeys(): Prepared[] {
    return [...this.nameKeys.map((k) => k.p), ...this.roadKeys.map((k) => k.p)];
  }

  parse(text: string): ParsedAddress {
    return parseAddress(text, this.strip);
  }

  /**
   * Scored candidates, best first, one per entry. `exhaustive` scores every entry one by one
   * (the naive baseline the benchmark compares against); it finds the same best match.
   */
  match(text: string, opts: { limit?: number; exhaustive?: boolean } = {}): MatchResult {
    const limit = opts.limit ?? 5;
    const parsed = this.parse(text);
    if (!parsed.core) return { query: parsed, candidates: [] };
    const coreP = prepare(parsed.core);
    const placeP = parsed.place === parsed.core ? coreP : prepare(parsed.place);
    // Fields spelt out: an object spread here cost more than the whole match.
    const q: Query = {
      core: parsed.core,
      place: parsed.place,
      road: parsed.road,
      number: parsed.number,
      qualifier: parsed.qualifier,
      coreP,
      placeP,
      roadP: parsed.road === null ? placeP : parsed.road === parsed.place ? placeP : prepare(parsed.road),
      main: parsed.number === null ? null : mainOf(parsed.number),
    };
    this.best.clear();
    if (opts.exhaustive) this.scanAll(q);
    else {
      this.scoreKeys(this.candidateKeys(coreP.grams, this.postings, false), q);
      let top = 0;
      for (const x of this.best.values()) if (x.confidence > top) top = x.confidence;
      if (top < RETRY_BELOW) {
        const chars = [...new Set(Array.from(q.core, (c) => c.charCodeAt(0)))];
        this.scoreKeys(this.candidateKeys(chars, this.unigrams, true), q);
      }
    }
    const qf = q.qualifier ? QUALIFIER_FACTOR : 1;
    const ranked = [...this.best.values()].sort((a, b) => {
      const ea = this.entries[a.entry] as GazetteerEntry;
      const eb = this.entries[b.entry] as GazetteerEntry;
      return (
        b.confidence - a.confidence ||
        KIND_RANK[ea.kind] - KIND_RANK[eb.kind] ||
        eb.name.length - ea.name.length ||
        (ea.id < eb.id ? -1 : ea.id > eb.id ? 1 : 0)
      );
    });
    const candidates = ranked.slice(0, limit).map((x) => {
      const reason = this.reason(x, q);
      return {
        entry: this.entries[x.entry] as GazetteerEntry,
        confidence: Math.round(x.confidence * qf * 1000) / 1000,
        reason: q.qualifier ? `${reason}; ${q.qualifier}` : reason,
      };
    });
    return { query: parsed, candidates };
  }

  private offer(entry: number, confidence: number, how: number, sim: number, alias: string | null, group: RoadGroup | null): void {
    if (confidence <= 0) return;
    const prev = this.best.get(entry);
    if (!prev) this.best.set(entry, { entry, confidence, how, s: sim, alias, group });
    else if (confidence > prev.confidence) {
      prev.confidence = confidence;
      prev.how = how;
      prev.s = sim;
      prev.alias = alias;
      prev.group = group;
    }
  }

  private reason(x: Scored, q: Query): string {
    const e = this.entries[x.entry] as GazetteerEntry;
    const road = x.group ? (x.s === 1 ? x.group.name : `${x.group.name} (road ${fmt(x.s)})`) : '';
    switch (x.how) {
      case BY_NAME: {
        const what = x.s === 1 ? (x.alias ? `alias ${x.alias}` : 'exact name') : `similar ${x.alias ? `alias ${x.alias}` : 'name'} (${fmt(x.s)})`;
        return e.kind === 'area' ? `${what}; an area: its centre` : what;
      }
      case BY_ROAD:
        return x.s === 1 ? 'exact road' : `similar road (${fmt(x.s)})`;
      case ROAD_ONLY:
        return `road ${road}; door ${q.number} not in the gazetteer`;
      case DOOR_EXACT:
        return `door ${e.number} on ${road}`;
      case DOOR_MAIN:
        return `door ${e.number} on ${road} (asked ${q.number})`;
      case DOOR_NEAREST:
        return `nearest door ${e.number} on ${road} (asked ${q.number})`;
      default:
        return `a door on ${road}; no door number asked`;
    }
  }

  /**
   * Keys most like the query by shared grams, at most MAX_EVAL: ranked by how much of the key and
   * how much of the query the shared grams cover, so an exact name (2) or a name inside the query
   * (1 + …) comes first and a long name sharing one common gram last.
   */
  private candidateKeys(grams: number[], postings: Map<number, Int32Array>, unigram: boolean): number[] {
    // Stamps mark keys counted in this pass, so counts need no clearing; reset before they wrap.
    if (++this.epoch === 0x7fffffff) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
    const touched = this.touched;
    touched.length = 0;
    for (const g of grams) {
      const list = postings.get(g);
      if (!list) continue;
      for (let i = 0; i < list.length; i++) {
        const k = list[i] as number;
        if (this.stamp[k] !== this.epoch) {
          this.stamp[k] = this.epoch;
          this.counts[k] = 0;
          touched.push(k);
        }
        this.counts[k] = (this.counts[k] as number) + 1;
      }
    }
    if (touched.length <= MAX_EVAL) return touched;
    const sizes = unigram ? this.keyChars : this.keyGrams;
    const out = this.picked;
    const rank = this.pickedRank;
    out.length = 0;
    for (const k of touched) {
      const c = this.counts[k] as number;
      const r = c / (sizes[k] as number) + c / grams.length;
      if (out.length === MAX_EVAL && r <= (rank[MAX_EVAL - 1] as number)) continue;
      // Insertion into a short sorted list: touched keys are few hundred at most.
      let at = Math.min(out.length, MAX_EVAL - 1);
      while (at > 0 && (rank[at - 1] as number) < r) {
        rank[at] = rank[at - 1] as number;
        out[at] = out[at - 1] as number;
        at--;
      }
      rank[at] = r;
      out[at] = k;
    }
    return out;
  }

  private scoreKeys(keys: number[], q: Query): void {
    const nNames = this.nameKeys.length;
    for (const k of keys) {
      if (k < nNames) {
        const key = this.nameKeys[k] as NameKey;
        this.scoreName(q, key.p, key.entry, key.alias);
      } else {
        const key = this.roadKeys[k - nNames] as RoadKey;
        this.scoreRoad(q, key);
      }
    }
  }

  private scoreName(q: Query, p: Prepared, entry: number, alias: boolean): void {
    const e = this.entries[entry] as GazetteerEntry;
    let s = similarity(q.coreP, p);
    if (q.placeP !== q.coreP && s < 1) s = Math.max(s, PLACE_FACTOR * similarity(q.placeP, p));
    let confidence = s < 1 && alias ? s * ALIAS_FACTOR : s;
    if (e.kind === 'area') confidence *= AREA_FACTOR;
    this.offer(entry, confidence, BY_NAME, s, alias ? p.text : null, null);
  }

  private roadSimilarity(q: Query, key: RoadKey): number {
    const s = similarity(q.roadP, key.p);
    return s < 1 && key.alias ? s * ALIAS_FACTOR : s;
  }

  /** A door with the asked number; otherwise the nearest numbers on either side and the road. */
  private scoreRoad(q: Query, key: RoadKey): void {
    const g = this.groups[key.group] as RoadGroup;
    const sr = this.roadSimilarity(q, key);
    if (sr <= 0) return;
    if (q.main !== null) {
      const exact = g.doors.get(q.main);
      if (exact) {
        for (const d of exact) this.scoreDoor(q, d, g, sr);
      } else if (g.numbers.length > 0) {
        let lo = 0;
        let hi = g.numbers.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((g.numbers[mid] as number) < q.main) lo = mid + 1;
          else hi = mid;
        }
        for (let at = lo - 1; at <= lo; at++) {
          const n = g.numbers[at];
          if (n !== undefined) for (const d of g.doors.get(n) ?? []) this.scoreDoor(q, d, g, sr);
        }
      }
      for (const r of g.roads) this.scoreRoadEntry(q, r, g, sr);
      return;
    }
    if (g.roads.length > 0) {
      for (const r of g.roads) this.scoreRoadEntry(q, r, g, sr);
    } else {
      const mid = g.numbers[g.numbers.length >> 1];
      for (const d of mid === undefined ? [] : (g.doors.get(mid) ?? [])) this.scoreDoor(q, d, g, sr);
    }
  }

  private scoreRoadEntry(q: Query, entry: number, g: RoadGroup, sr: number): void {
    if (q.number === null) this.offer(entry, sr, BY_ROAD, sr, null, g);
    else this.offer(entry, 0.7 * sr, ROAD_ONLY, sr, null, g);
  }

  private scoreDoor(q: Query, entry: number, g: RoadGroup, sr: number): void {
    const number = (this.entries[entry] as GazetteerEntry).number as string;
    if (q.number === null) this.offer(entry, 0.5 * sr, DOOR_ANY, sr, null, g);
    else if (number === q.number) this.offer(entry, 0.3 + 0.7 * sr, DOOR_EXACT, sr, null, g);
    else {
      const delta = Math.abs(mainOf(number) - (q.main as number));
      if (delta === 0) this.offer(entry, 0.25 + 0.7 * sr, DOOR_MAIN, sr, null, g);
      else this.offer(entry, sr * (0.6 - 0.1 * Math.min(1, delta / 50)), DOOR_NEAREST, sr, null, g);
    }
  }

  /** The naive baseline: every entry on its own, every name and road spelling, no index. */
  private scanAll(q: Query): void {
    for (const key of this.nameKeys) this.scoreName(q, key.p, key.entry, key.alias);
    for (const g of this.groups) {
      const keys = this.roadKeys.filter((k) => this.groups[k.group] === g);
      for (const r of g.roads) for (const key of keys) this.scoreRoadEntry(q, r, g, this.roadSimilarity(q, key));
      const median = g.numbers[g.numbers.length >> 1];
      for (const [n, doors] of g.doors) {
        // Without a number only the median door stands for a road that has no entry of its own.
        if (q.main === null && (g.roads.length > 0 || n !== median)) continue;
        for (const d of doors) for (const key of keys) this.scoreDoor(q, d, g, this.roadSimilarity(q, key));
      }
    }
  }
}
