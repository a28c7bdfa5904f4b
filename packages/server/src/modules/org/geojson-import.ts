/**
 * Validates a GeoJSON FeatureCollection of units before anything is written: each bad feature
 * is reported by index and reason, and a file with any error imports nothing.
 */
import { validateGeometry, type MultiPolygon, type Polygon } from '@onegrid/domain/geo/geometry';
import { AREA_KINDS, isUnitKind, PARENT_KINDS, type UnitKind } from './unit-kinds.ts';

export interface UnitDraft {
  index: number;
  code: string;
  name: string;
  nameEn: string | null;
  kind: UnitKind;
  parentCode: string | null;
  geometry: Polygon | MultiPolygon | null;
  demoGeometry: boolean;
}

export interface ImportProblem {
  index: number;
  reason: string;
}

/** Known units, so parents may come from the database as well as from the file. */
export type ExistingUnits = (code: string) => { kind: string } | undefined;

export function parseUnitFeatures(doc: unknown, existing: ExistingUnits): { drafts: UnitDraft[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const drafts: UnitDraft[] = [];
  const d = doc as { type?: unknown; features?: unknown };
  if (!d || typeof d !== 'object' || d.type !== 'FeatureCollection' || !Array.isArray(d.features)) {
    return { drafts, problems: [{ index: -1, reason: 'the file is not a GeoJSON FeatureCollection with a "features" array' }] };
  }
  const seen = new Map<string, number>();
  for (const [index, f] of (d.features as unknown[]).entries()) {
    const bad = (reason: string): void => {
      problems.push({ index, reason });
    };
    const feature = f as { type?: unknown; properties?: Record<string, unknown> | null; geometry?: unknown };
    if (feature?.type !== 'Feature') {
      bad('not a GeoJSON Feature');
      continue;
    }
    const p = feature.properties ?? {};
    const code = typeof p.code === 'string' ? p.code.trim() : typeof p.code === 'number' ? String(p.code) : '';
    const name = typeof p.name === 'string' ? p.name.trim() : '';
    const kind = typeof p.kind === 'string' ? p.kind : '';
    if (!/^[A-Za-z0-9_.-]{1,40}$/.test(code)) {
      bad('properties.code must be 1–40 ASCII letters, digits, "_", "-" or "."');
      continue;
    }
    if (!name) {
      bad('properties.name is required');
      continue;
    }
    if (!isUnitKind(kind)) {
      bad(`properties.kind "${kind}" is not one of the unit kinds`);
      continue;
    }
    if (seen.has(code)) {
      bad(`code ${code} appears twice (first at feature ${seen.get(code)})`);
      continue;
    }
    if (existing(code)) {
      bad(`code ${code} already exists in this district`);
      continue;
    }
    seen.set(code, index);
    let geometry: Polygon | MultiPolygon | null = null;
    if (feature.geometry != null) {
      const g = validateGeometry(feature.geometry);
      if (!g.ok) {
      bad(`geometry: ${g.reason}`);
      continue;
    }
      geometry = g.geometry;
    } else if (AREA_KINDS.has(kind)) {
      bad(`a ${kind} needs a Polygon or MultiPolygon geometry`);
      continue;
    }
    const parentCode = p.parentCode == null || p.parentCode === '' ? null : String(p.parentCode);
    drafts.push({
      index,
      code,
      name,
      nameEn: typeof p.nameEn === 'string' ? p.nameEn : null,
      kind,
      parentCode,
      geometry,
      demoGeometry: p.demoGeometry === true,
    });
  }
  const inFile = new Map(drafts.map((x) => [x.code, x]));
  for (const x of drafts) {
    const parentKind = x.parentCode === null ? null : (inFile.get(x.parentCode)?.kind ?? existing(x.parentCode)?.kind);
    if (x.parentCode !== null && parentKind === undefined) {
      problems.push({ index: x.index, reason: `parentCode ${x.parentCode} is neither in the file nor in the district` });
    } else if (!PARENT_KINDS[x.kind].includes((parentKind ?? null) as UnitKind | null)) {
      problems.push({
        index: x.index,
        reason: `a ${x.kind} cannot sit under ${parentKind ?? 'the district root'}; allowed parents: ${PARENT_KINDS[x.kind].map((k) => k ?? 'root').join(', ')}`,
      });
    }
  }
  for (const x of drafts) {
    let steps = 0;
    for (let p = x.parentCode ? inFile.get(x.parentCode) : undefined; p; p = p.parentCode ? inFile.get(p.parentCode) : undefined) {
      if (p === x || ++steps > drafts.length) {
        problems.push({ index: x.index, reason: `parentCode chain of ${x.code} loops back on itself` });
        break;
      }
    }
  }
  problems.sort((a, b) => a.index - b.index);
  return { drafts, problems };
}

/** Parents before children, so paths can be computed in one pass. */
export function orderByDepth(drafts: UnitDraft[], existing: ExistingUnits): UnitDraft[] {
  const inFile = new Map(drafts.map((x) => [x.code, x]));
  const depth = new Map<string, number>();
  const depthOf = (x: UnitDraft): number => {
    const known = depth.get(x.code);
    if (known !== undefined) return known;
    const parent = x.parentCode ? inFile.get(x.parentCode) : undefined;
    const dd = parent ? depthOf(parent) + 1 : x.parentCode && existing(x.parentCode) ? 1 : 0;
    depth.set(x.code, dd);
    return dd;
  };
  return [...drafts].sort((a, b) => depthOf(a) - depthOf(b));
}
