/**
 * The gazetteer: imports roads, door plates, points of interest and areas (CSV or GeoJSON, all or
 * nothing), and geocodes address text through a per-district AddressIndex that is rebuilt after
 * an import — here at once, in other processes within RECHECK_MS.
 */
import { DomainError } from '@onegrid/domain/errors';
import { outsideChina } from '@onegrid/domain/geo/coords';
import { validLngLat } from '@onegrid/domain/geo/geometry';
import {
  AddressIndex,
  DEFAULT_STRIP,
  type GazetteerEntry,
  type GazetteerKind,
  isGazetteerKind,
  normalizeDoorNumber,
  normalizeText,
  type ParsedAddress,
} from '@onegrid/domain/text/address-match';
import type { GazetteerEntryRow } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { Directory } from '../org/directory.ts';
import type { OrgService } from '../org/org-service.ts';
import { gazetteerRepository as repo } from './gazetteer-repository.ts';
import { type FileProblem, parsePointFile } from '../../platform/data-file.ts';

const RECHECK_MS = 15_000;
export const DEFAULT_GEOCODE_THRESHOLD = 0.8;
export const CSV_COLUMNS = ['kind', 'name', 'aliases', 'road', 'number', 'lng', 'lat'] as const;
const MAX_NAME = 100;
const MAX_ALIASES = 20;

export type GazetteerProblem = FileProblem;

export interface GazetteerDraft {
  where: { line: number } | { index: number };
  kind: GazetteerKind;
  name: string;
  aliases: string[];
  road: string | null;
  number: string | null;
  lng: number;
  lat: number;
}

export interface UnitIds {
  street: string | null;
  community: string | null;
  grid: string | null;
}

export interface GeocodeCandidate {
  id: string;
  kind: GazetteerKind;
  name: string;
  lng: number;
  lat: number;
  confidence: number;
  reason: string;
  unitIds: UnitIds;
}

export interface GeocodeResult {
  query: ParsedAddress;
  best: GeocodeCandidate | null;
  candidates: GeocodeCandidate[];
  /** True when there is no candidate or the best is below the threshold: a person picks. */
  needsConfirmation: boolean;
  threshold: number;
}

interface Cached {
  index: AddressIndex;
  fingerprint: string;
  threshold: number;
}


type Raw = { kind: unknown; name: unknown; aliases: unknown; road: unknown; number: unknown; lng: unknown; lat: unknown };

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/** One row's shape, independent of the district; the reasons are joined so each row is one line. */
function draftOf(raw: Raw, where: GazetteerDraft['where']): GazetteerDraft | string {
  const reasons: string[] = [];
  const kind = text(raw.kind);
  if (!isGazetteerKind(kind)) reasons.push(`kind "${kind}" is not one of road, door, poi, area`);
  const name = text(raw.name);
  if (!name) reasons.push('name is required');
  else if (name.length > MAX_NAME) reasons.push(`name is longer than ${MAX_NAME} characters`);
  else if (!normalizeText(name)) reasons.push(`name "${name}" is empty once prefixes and punctuation are removed`);
  const aliasList = Array.isArray(raw.aliases) ? raw.aliases.map(text) : text(raw.aliases).split('|');
  const aliases = [...new Set(aliasList.map((a) => a.trim()).filter((a) => a.length > 0))];
  if (aliases.length > MAX_ALIASES) reasons.push(`more than ${MAX_ALIASES} aliases`);
  if (aliases.some((a) => a.length > MAX_NAME)) reasons.push(`an alias is longer than ${MAX_NAME} characters`);
  const road = text(raw.road) || null;
  const numberText = text(raw.number);
  let number: string | null = null;
  if (kind === 'door') {
    if (!road) reasons.push('a door needs its road');
    if (!numberText) reasons.push('a door needs its number');
    else {
      number = normalizeDoorNumber(numberText);
      if (number === null) reasons.push(`number "${numberText}" is not a door number such as 12, 12号 or 12-1`);
    }
  } else if (numberText) {
    reasons.push('only a door has a number');
  }
  const lngText = text(raw.lng);
  const latText = text(raw.lat);
  const lng = lngText === '' ? Number.NaN : Number(lngText);
  const lat = latText === '' ? Number.NaN : Number(latText);
  if (!validLngLat(lng, lat)) reasons.push(`lng, lat (${lngText || 'empty'}, ${latText || 'empty'}) are not a longitude and latitude`);
  else if (outsideChina(lng, lat)) reasons.push(`lng, lat (${lng}, ${lat}) lie outside China; give GCJ-02 coordinates`);
  if (reasons.length > 0) return reasons.join('; ');
  return { where, kind: kind as GazetteerKind, name, aliases, road, number, lng, lat };
}

/** A CSV text or a GeoJSON FeatureCollection of points → drafts and every problem found. */
export function parseGazetteerFile(file: unknown): { drafts: GazetteerDraft[]; problems: GazetteerProblem[] } {
  return parsePointFile(file, { required: CSV_COLUMNS }, (raw, where) => draftOf(raw as Raw, where));
}

const keyOf = (kind: string, name: string, number: string | null) => `${kind}\u0000${normalizeText(name)}\u0000${number ?? ''}`;

export class GazetteerService {
  private readonly cache = new Map<string, { entry: Promise<Cached>; checkedAt: number }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly org: OrgService,
    private readonly opts: { threshold?: number } = {},
  ) {}

  /**
   * Validates every row first (shape, China, inside one of the district's towns/streets, no
   * duplicates), then writes all rows in one transaction or none. `replace` swaps the district's
   * whole gazetteer; otherwise rows add to it and may not repeat an entry already there.
   */
  async importFile(
    districtId: string,
    file: unknown,
    onProgress?: (done: number, total: number) => void,
    opts: { replace?: boolean; source?: string } = {},
  ): Promise<{ imported: number; replaced: number }> {
    const { drafts, problems } = parseGazetteerFile(file);
    const dir = await this.org.directory(districtId);
    const existing = opts.replace ? new Set<string>() : new Set((await repo.keys(this.store.db, districtId)).map((k) => keyOf(k.kind, k.name, k.number)));
    const hasAreas = dir.ofKind('street', 'town').length > 0;
    const seen = new Map<string, string>();
    const streets = new Map<GazetteerDraft, string | null>();
    for (const d of drafts) {
      const where = 'line' in d.where ? { line: d.where.line } : { index: d.where.index };
      const label = 'line' in d.where ? `line ${d.where.line}` : `feature ${d.where.index}`;
      const reasons: string[] = [];
      const loc = dir.locate(d.lng, d.lat);
      if (loc.outsideJurisdiction) {
        reasons.push(hasAreas ? `(${d.lng}, ${d.lat}) lies outside every town/street of the district` : 'the district has no towns/streets yet: import its units first');
      }
      const key = keyOf(d.kind, d.name, d.number);
      const first = seen.get(key);
      if (first) reasons.push(`repeats the ${d.kind} "${d.name}" of ${first}`);
      else seen.set(key, label);
      if (existing.has(key)) reasons.push(`the ${d.kind} "${d.name}"${d.number ? ` ${d.number}` : ''} is already in the gazetteer (import with replace to swap it)`);
      if (reasons.length > 0) problems.push({ ...where, reason: reasons.join('; ') });
      streets.set(d, loc.streetId);
    }
    if (problems.length > 0) {
      problems.sort((a, b) => (a.line ?? a.index ?? 0) - (b.line ?? b.index ?? 0));
      throw new DomainError('IMPORT_INVALID', `${problems.length} row(s) are invalid; nothing was imported`, { problems: problems.slice(0, 1000) });
    }
    const now = this.clock.now();
    const rows: GazetteerEntryRow[] = drafts.map((d) => ({
      id: newId(now),
      district_id: districtId,
      kind: d.kind,
      name: d.name,
      aliases: JSON.stringify(d.aliases),
      road: d.road,
      number: d.number,
      lng: d.lng,
      lat: d.lat,
      unit_id: streets.get(d) ?? null,
      source: opts.source ?? 'import',
      created_at: now,
    }));
    let replaced = 0;
    await this.store.db.transaction().execute(async (trx) => {
      if (opts.replace) replaced = await repo.deleteDistrict(trx, districtId);
      for (let i = 0; i < rows.length; i += 500) {
        await repo.insert(trx, rows.slice(i, i + 500));
        onProgress?.(Math.min(i + 500, rows.length), rows.length);
      }
    });
    this.cache.delete(districtId);
    return { imported: rows.length, replaced };
  }

  /** Address text → the best entry and up to `limit` candidates, each with the units it lies in. */
  async geocode(districtId: string, query: string, opts: { limit?: number } = {}): Promise<GeocodeResult> {
    const [{ index, threshold }, dir] = await Promise.all([this.index(districtId), this.org.directory(districtId)]);
    const r = index.match(query, { limit: opts.limit ?? 5 });
    const candidates = r.candidates.map((c) => ({
      id: c.entry.id,
      kind: c.entry.kind,
      name: c.entry.name,
      lng: c.entry.lng,
      lat: c.entry.lat,
      confidence: c.confidence,
      reason: c.reason,
      unitIds: unitIds(dir, c.entry.lng, c.entry.lat),
    }));
    const best = candidates[0] ?? null;
    return { query: r.query, best, candidates, needsConfirmation: !best || best.confidence < threshold, threshold };
  }

  /** The district's index; re-read when this or another process imported since. */
  async index(districtId: string): Promise<Cached> {
    const now = this.clock.now();
    const hit = this.cache.get(districtId);
    if (hit && now - hit.checkedAt < RECHECK_MS) return hit.entry;
    if (hit) {
      hit.checkedAt = now;
      const current = await hit.entry;
      const [fingerprint, threshold] = await Promise.all([repo.fingerprint(this.store.db, districtId), this.threshold(districtId)]);
      if (fingerprint === current.fingerprint) {
        current.threshold = threshold;
        return current;
      }
    }
    const entry = this.load(districtId);
    this.cache.set(districtId, { entry, checkedAt: now });
    entry.catch(() => this.cache.delete(districtId));
    return entry;
  }

  private async load(districtId: string): Promise<Cached> {
    const fingerprint = await repo.fingerprint(this.store.db, districtId);
    const [rows, district, threshold] = await Promise.all([repo.list(this.store.db, districtId), this.org.districtById(districtId), this.threshold(districtId)]);
    const entries: GazetteerEntry[] = rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      name: r.name,
      aliases: JSON.parse(r.aliases) as string[],
      road: r.road,
      number: r.number,
      lng: r.lng,
      lat: r.lat,
    }));
    // The district's own name says nothing inside the district, whatever it is.
    const strip = district && !DEFAULT_STRIP.includes(district.name) ? [...DEFAULT_STRIP, district.name] : DEFAULT_STRIP;
    return { index: new AddressIndex(entries, strip), fingerprint, threshold };
  }

  /** districts.settings.geocodeThreshold, else the service default (0.8). */
  private async threshold(districtId: string): Promise<number> {
    const d = await this.org.districtById(districtId);
    const t = (JSON.parse(d?.settings ?? '{}') as { geocodeThreshold?: unknown }).geocodeThreshold;
    return typeof t === 'number' && t > 0 && t <= 1 ? t : (this.opts.threshold ?? DEFAULT_GEOCODE_THRESHOLD);
  }
}

function unitIds(dir: Directory, lng: number, lat: number): UnitIds {
  const loc = dir.locate(lng, lat);
  return { street: loc.streetId, community: loc.communityId, grid: loc.gridId };
}
