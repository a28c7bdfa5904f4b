/**
 * Locate-a-point index for one layer of areas (management grids, social grids, communities or
 * towns/streets). Built once, immutable; locate() allocates nothing on its fast path.
 *
 * Two levels: a static flatbush R-tree over polygon bounding boxes, and in front of it a uniform
 * cell directory (cell-directory.ts) listing, per cell, the polygons that reach it, smallest area
 * first, with those covering the whole cell marked. A point query reads one cell: most cells lie
 * inside one polygon and answer at once; on a cell an edge crosses, point-in-polygon runs on its
 * few candidates (first hit wins). The R-tree answers for the rare crowded cells, or for a whole
 * layer so overlapping that the directory would grow too large. On the bench VM a point costs
 * 0.1–0.5 µs through the directory (mostly cache misses), ~0.7 µs through flatbush alone.
 */
import Flatbush from 'flatbush';
import { DomainError } from '../errors.ts';
import type { CROWDED as DirCrowded, EMPTY as DirEmpty, WHOLE as DirWhole } from './cell-directory.ts';
import { buildCellDirectory, cellOf } from './cell-directory.ts';
import type { BBox, MultiPolygon, Polygon, Ring } from './geometry.ts';
import { bbox, geometryAreaM2, polygonsOf, validateGeometry } from './geometry.ts';
import { ringContains } from './point-in-polygon.ts';

export interface IndexedArea {
  id: string;
  geometry: Polygon | MultiPolygon;
}

// The directory's markers as local constants: V8 reloads an imported binding at every use, which
// made the empty-cell path 6× slower. The types pin each copy to the exported value.
const EMPTY: typeof DirEmpty = -1;
const CROWDED: typeof DirCrowded = -2;
const WHOLE: typeof DirWhole = -3;

/** Layout of one polygon's record in AreaIndex.blob (offsets from the record start). */
const R_BOX = 0; // minX, minY, maxX, maxY
const R_RANK = 4; // rank of the polygon's area
const R_PART = 5; // polygon number (flatbush item, index into partIds)
const R_RINGS = 6; // ring count R, then R ring end offsets (absolute), then the vertices

export class AreaIndex {
  readonly size: number;
  private readonly tree: Flatbush | null;
  /**
   * One record per polygon, neighbours stored next to each other, holding everything a point
   * test reads: with 100k polygons, memory misses and not arithmetic dominate locate().
   */
  private readonly blob: Float64Array;
  /** Polygon number → record offset in blob. */
  private readonly partOffset: Uint32Array;
  /** Polygon number → area id. */
  private readonly partIds: string[];
  // Extent of the layer and the cell directory over it.
  private readonly minX: number = 0;
  private readonly minY: number = 0;
  private readonly maxX: number = -1;
  private readonly maxY: number = -1;
  private readonly cols: number = 0;
  private readonly rows: number = 0;
  private readonly invCellW: number = 0;
  private readonly invCellH: number = 0;
  /** See CellDirectory; null means R-tree only. */
  private readonly cellHead: Int32Array | null = null;
  private readonly cellItems: Int32Array = new Int32Array(0);
  // Scratch for the R-tree path, read by the one filter function so locate() creates no closure
  // (safe: search() is synchronous and the index is otherwise never written after construction).
  private qx = 0;
  private qy = 0;
  private best = -1;
  private bestRank = 0;
  private readonly visit: (part: number) => boolean;

  constructor(areas: IndexedArea[]) {
    this.size = areas.length;
    // Made in a method of its own: a closure created here would share this scope and keep the
    // validated copies of every geometry (about 4× the index) alive as long as the index.
    this.visit = this.treeVisitor();
    const parts = collectParts(areas);
    const n = parts.list.length;
    spatialSort(parts.list);
    const rank = rankAreas(areas, parts.areaM2);

    this.blob = new Float64Array(n * (R_RINGS + 1) + parts.rings + parts.vertices * 2);
    this.partOffset = new Uint32Array(n);
    this.partIds = parts.list.map((part) => (areas[part.area] as IndexedArea).id);
    let o = 0;
    for (let p = 0; p < n; p++) {
      const part = parts.list[p] as Part;
      const blob = this.blob;
      this.partOffset[p] = o;
      blob.set(part.box, o + R_BOX);
      blob[o + R_RANK] = rank[part.area] as number;
      blob[o + R_PART] = p;
      blob[o + R_RINGS] = part.rings.length;
      let c = o + R_RINGS + 1 + part.rings.length;
      for (let k = 0; k < part.rings.length; k++) {
        const ring = part.rings[k] as Ring;
        for (let j = 0; j < ring.length - 1; j++) {
          const [x, y] = ring[j] as [number, number];
          blob[c++] = x;
          blob[c++] = y;
        }
        blob[o + R_RINGS + 1 + k] = c;
      }
      o = c;
    }

    if (n === 0) {
      this.tree = null;
      return;
    }
    const tree = new Flatbush(n);
    for (const part of parts.list) tree.add(part.box[0], part.box[1], part.box[2], part.box[3]);
    tree.finish();
    this.tree = tree;
    this.minX = tree.minX;
    this.minY = tree.minY;
    this.maxX = tree.maxX;
    this.maxY = tree.maxY;

    // Polygons in rank order, so every cell's list comes out smallest area first.
    const byRank = Array.from({ length: n }, (_, p) => p);
    const rankOfPart = Float64Array.from(parts.list, (part) => rank[part.area] as number);
    byRank.sort((a, b) => (rankOfPart[a] as number) - (rankOfPart[b] as number) || a - b);
    const dir = buildCellDirectory(
      parts.list.map((part, p) => ({ rings: part.rings, box: part.box, record: this.partOffset[p] as number })),
      byRank,
      [this.minX, this.minY, this.maxX, this.maxY],
      parts.vertices,
    );
    if (dir === null) return;
    this.cols = dir.cols;
    this.rows = dir.rows;
    this.invCellW = dir.invCellW;
    this.invCellH = dir.invCellH;
    this.cellHead = dir.head;
    this.cellItems = dir.items;
  }

  /**
   * Id of the area containing (lng, lat), or null. Boundary points follow the half-open rule of
   * point-in-polygon.ts (the area to the east, then north, wins); overlaps go to the smallest
   * area, ties to the lowest id.
   */
  locate(lng: number, lat: number): string | null {
    // Also rejects NaN, which would otherwise slip through every comparison below.
    if (!(lng >= this.minX && lng <= this.maxX && lat >= this.minY && lat <= this.maxY)) return null;
    const heads = this.cellHead;
    if (heads === null) return this.locateInTree(lng, lat);
    const head =
      heads[cellOf(lat, this.minY, this.invCellH, this.rows) * this.cols + cellOf(lng, this.minX, this.invCellW, this.cols)] as number;
    if (head <= WHOLE) return this.partIds[WHOLE - head] as string;
    if (head === EMPTY) return null;
    if (head === CROWDED) return this.locateInTree(lng, lat);
    const items = this.cellItems;
    const blob = this.blob;
    const end = head + (items[head] as number);
    for (let i = head + 1; i <= end; i++) {
      const o = items[i] as number;
      // The polygon covers the whole cell: no smaller one reached this point (they come first).
      if (o <= WHOLE) return this.partIds[WHOLE - o] as string;
      if (
        lng < (blob[o] as number) ||
        lat < (blob[o + 1] as number) ||
        lng > (blob[o + 2] as number) ||
        lat > (blob[o + 3] as number)
      )
        continue;
      // Candidates are in rank order, so the first containing polygon is the winner.
      if (this.recordContains(o, lng, lat)) return this.partIds[blob[o + R_PART] as number] as string;
    }
    return null;
  }

  private locateInTree(lng: number, lat: number): string | null {
    const tree = this.tree;
    if (tree === null) return null;
    this.qx = lng;
    this.qy = lat;
    this.best = -1;
    this.bestRank = Infinity;
    tree.search(lng, lat, lng, lat, this.visit);
    return this.best < 0 ? null : (this.partIds[this.best] as string);
  }

  private treeVisitor(): (part: number) => boolean {
    return (part: number): boolean => {
      const rec = this.partOffset[part] as number;
      const r = this.blob[rec + R_RANK] as number;
      if (r < this.bestRank && this.recordContains(rec, this.qx, this.qy)) {
        this.best = part;
        this.bestRank = r;
      }
      // Never collect: the winner is tracked above, so flatbush's result array stays empty.
      return false;
    };
  }

  /** Even–odd over the record's rings (outer, then holes). */
  private recordContains(o: number, x: number, y: number): boolean {
    const blob = this.blob;
    const rings = blob[o + R_RINGS] as number;
    let ringStart = o + R_RINGS + 1 + rings;
    let inside = false;
    for (let k = 0; k < rings; k++) {
      const ringEnd = blob[o + R_RINGS + 1 + k] as number;
      if (ringContains(blob, ringStart, ringEnd, x, y)) inside = !inside;
      ringStart = ringEnd;
    }
    return inside;
  }
}

/** Rank of each area in (area m² ascending, id ascending) order. */
function rankAreas(areas: IndexedArea[], areaM2: Float64Array): Uint32Array {
  const order = areas.map((_, i) => i);
  order.sort((a, b) => {
    const d = (areaM2[a] as number) - (areaM2[b] as number);
    if (d !== 0) return d;
    const ia = (areas[a] as IndexedArea).id;
    const ib = (areas[b] as IndexedArea).id;
    // Code-unit order, not localeCompare: the winner must not depend on the server's locale.
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  const rank = new Uint32Array(areas.length);
  order.forEach((area, r) => {
    rank[area] = r;
  });
  return rank;
}

interface Part {
  area: number;
  rings: Ring[];
  /** Bounding box of the outer ring (holes lie inside it). */
  box: BBox;
}

interface Parts {
  list: Part[];
  areaM2: Float64Array;
  vertices: number;
  rings: number;
}

/** Validates the areas and splits them into polygons; throws on the first bad area. */
function collectParts(areas: IndexedArea[]): Parts {
  const seen = new Set<string>();
  const list: Parts['list'] = [];
  const areaM2 = new Float64Array(areas.length);
  let vertices = 0;
  let rings = 0;
  areas.forEach((a, i) => {
    if (typeof a.id !== 'string' || a.id === '') {
      throw new DomainError('VALIDATION_FAILED', `Area #${i} has no id; every area needs a non-empty string id.`);
    }
    if (seen.has(a.id)) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Area id "${a.id}" appears twice in one layer; merge its parts into one MultiPolygon.`,
        { id: a.id },
      );
    }
    seen.add(a.id);
    const v = validateGeometry(a.geometry);
    if (!v.ok) {
      throw new DomainError('VALIDATION_FAILED', `Area "${a.id}" has an invalid geometry: ${v.reason}`, {
        id: a.id,
        reason: v.reason,
      });
    }
    areaM2[i] = geometryAreaM2(v.geometry);
    for (const polygon of polygonsOf(v.geometry)) {
      list.push({ area: i, rings: polygon, box: bbox({ type: 'Polygon', coordinates: polygon }) });
      rings += polygon.length;
      // Validated rings are closed; the closing repeat is not stored.
      for (const r of polygon) vertices += r.length - 1;
    }
  });
  return { list, areaM2, vertices, rings };
}

/** Sorts parts along a Z-order (Morton) curve of their bbox centres over the layer's extent. */
function spatialSort(list: Part[]): void {
  if (list.length < 2) return;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const { box } of list) {
    minX = Math.min(minX, box[0]);
    minY = Math.min(minY, box[1]);
    maxX = Math.max(maxX, box[2]);
    maxY = Math.max(maxY, box[3]);
  }
  const sx = 65535 / (maxX - minX || 1);
  const sy = 65535 / (maxY - minY || 1);
  const keyed = list.map((part, i) => {
    const x = Math.floor(((part.box[0] + part.box[2]) / 2 - minX) * sx);
    const y = Math.floor(((part.box[1] + part.box[3]) / 2 - minY) * sy);
    return { part, key: interleave16(x) | (interleave16(y) << 1), i };
  });
  // Unsigned keys, ties by input position: the packed layout is deterministic.
  keyed.sort((a, b) => (a.key >>> 0) - (b.key >>> 0) || a.i - b.i);
  keyed.forEach((e, i) => {
    list[i] = e.part;
  });
}

/** Spreads the low 16 bits of v to the even bit positions. */
function interleave16(v: number): number {
  let x = v & 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x;
}
