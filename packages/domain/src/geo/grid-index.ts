/**
 * Locate-a-point index for one layer of areas (management grids, social grids, communities or
 * towns/streets). Built once, immutable; locate() allocates nothing on its fast path.
 *
 * Two levels: a static flatbush R-tree over polygon bounding boxes, and in front of it a uniform
 * cell directory over the layer's extent listing, per cell, the polygons whose bbox reaches it,
 * smallest area first. A point query reads one cell and runs point-in-polygon on its few
 * candidates (first hit wins). The R-tree answers for the rare crowded cells, or for a whole
 * layer so overlapping that the directory would grow too large. On the development VM, over ~10k
 * lattice squares, a flatbush point search alone cost ~0.7 µs and the directory path ~0.15 µs.
 */
import Flatbush from 'flatbush';
import { DomainError } from '../errors.ts';
import type { BBox, MultiPolygon, Polygon, Ring } from './geometry.ts';
import { bbox, geometryAreaM2, polygonsOf, validateGeometry } from './geometry.ts';
import { ringContains } from './point-in-polygon.ts';

export interface IndexedArea {
  id: string;
  geometry: Polygon | MultiPolygon;
}

/** Directory cells per polygon: more cells, fewer candidates per query, more memory. */
const CELLS_PER_PART = 2;
/** A cell with more candidates than this defers to the R-tree. */
const MAX_CELL_CANDIDATES = 48;
/** Directory entries allowed per cell on average before the layer goes R-tree only. */
const ENTRIES_PER_CELL_BUDGET = 8;
/** Flag bit in cellStart marking a crowded cell; LOW masks it off. */
const CROWDED = 0x8000_0000;
const LOW = 0x7fff_ffff;

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
  /**
   * Cell c lists record offsets cellItems[cellStart[c], cellStart[c + 1] & LOW) smallest area
   * first; CROWDED set in cellStart[c] means the R-tree answers; null means R-tree only.
   */
  private readonly cellStart: Uint32Array | null = null;
  private readonly cellItems: Uint32Array = new Uint32Array(0);
  // Scratch for the R-tree path, read by the one filter function so locate() creates no closure
  // (safe: search() is synchronous and the index is otherwise never written after construction).
  private qx = 0;
  private qy = 0;
  private best = -1;
  private bestRank = 0;
  private readonly visit: (part: number) => boolean;

  constructor(areas: IndexedArea[]) {
    this.size = areas.length;
    const parts = collectParts(areas);
    const n = parts.list.length;
    spatialSort(parts.list);
    const rank = rankAreas(areas, parts.areaM2);

    this.blob = new Float64Array(n * (R_RINGS + 1) + parts.rings + parts.vertices * 2);
    this.partOffset = new Uint32Array(n);
    this.partIds = parts.list.map((part) => (areas[part.area] as IndexedArea).id);
    let o = 0;
    parts.list.forEach((part, p) => {
      const blob = this.blob;
      this.partOffset[p] = o;
      blob.set(part.box, o + R_BOX);
      blob[o + R_RANK] = rank[part.area] as number;
      blob[o + R_PART] = p;
      blob[o + R_RINGS] = part.rings.length;
      let c = o + R_RINGS + 1 + part.rings.length;
      part.rings.forEach((ring, k) => {
        for (let j = 0; j < ring.length - 1; j++) {
          const [x, y] = ring[j] as [number, number];
          blob[c++] = x;
          blob[c++] = y;
        }
        blob[o + R_RINGS + 1 + k] = c;
      });
      o = c;
    });

    this.visit = (part: number): boolean => {
      const rec = this.partOffset[part] as number;
      const r = this.blob[rec + R_RANK] as number;
      if (r < this.bestRank && this.recordContains(rec, this.qx, this.qy)) {
        this.best = part;
        this.bestRank = r;
      }
      // Never collect: the winner is tracked above, so flatbush's result array stays empty.
      return false;
    };

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

    // Cells shaped like the extent, about CELLS_PER_PART per polygon.
    const w = this.maxX - this.minX;
    const h = this.maxY - this.minY;
    const target = n * CELLS_PER_PART;
    this.cols = Math.max(1, Math.min(target, Math.round(Math.sqrt((target * w) / h))));
    this.rows = Math.max(1, Math.ceil(target / this.cols));
    this.invCellW = this.cols / w;
    this.invCellH = this.rows / h;
    const cells = this.cols * this.rows;

    // Polygons in rank order, so every cell's list comes out smallest area first.
    const byRank = Array.from({ length: n }, (_, p) => p);
    const rankOf = (p: number): number => rank[(parts.list[p] as Part).area] as number;
    byRank.sort((a, b) => rankOf(a) - rankOf(b) || a - b);
    const ranges = new Uint32Array(n * 4);
    parts.list.forEach((part, p) => {
      ranges.set(
        [this.cellX(part.box[0]), this.cellY(part.box[1]), this.cellX(part.box[2]), this.cellY(part.box[3])],
        p * 4,
      );
    });

    const count = new Uint32Array(cells);
    const budget = cells * ENTRIES_PER_CELL_BUDGET;
    let entries = 0;
    for (let p = 0; p < n; p++) {
      const cx0 = ranges[4 * p] as number;
      const cx1 = ranges[4 * p + 2] as number;
      const cy1 = ranges[4 * p + 3] as number;
      entries += (cx1 - cx0 + 1) * (cy1 - (ranges[4 * p + 1] as number) + 1);
      if (entries > budget) return;
      for (let cy = ranges[4 * p + 1] as number; cy <= cy1; cy++) {
        for (let cx = cx0; cx <= cx1; cx++) {
          const i = cy * this.cols + cx;
          count[i] = (count[i] as number) + 1;
        }
      }
    }
    const start = new Uint32Array(cells + 1);
    let total = 0;
    for (let i = 0; i < cells; i++) {
      const m = count[i] as number;
      if (m > MAX_CELL_CANDIDATES) {
        start[i] = total | CROWDED;
      } else {
        start[i] = total;
        total += m;
      }
    }
    start[cells] = total;
    const items = new Uint32Array(total);
    const fill = start.slice(0, cells);
    for (const p of byRank) {
      const cx0 = ranges[4 * p] as number;
      const cx1 = ranges[4 * p + 2] as number;
      const cy1 = ranges[4 * p + 3] as number;
      for (let cy = ranges[4 * p + 1] as number; cy <= cy1; cy++) {
        for (let cx = cx0; cx <= cx1; cx++) {
          const i = cy * this.cols + cx;
          const f = fill[i] as number;
          if ((f & CROWDED) === 0) {
            items[f] = this.partOffset[p] as number;
            fill[i] = f + 1;
          }
        }
      }
    }
    this.cellStart = start;
    this.cellItems = items;
  }

  /**
   * Id of the area containing (lng, lat), or null. Boundary points follow the half-open rule of
   * point-in-polygon.ts (the area to the east, then north, wins); overlaps go to the smallest
   * area, ties to the lowest id.
   */
  locate(lng: number, lat: number): string | null {
    // Also rejects NaN, which would otherwise slip through every comparison below.
    if (!(lng >= this.minX && lng <= this.maxX && lat >= this.minY && lat <= this.maxY)) return null;
    const start = this.cellStart;
    if (start === null) return this.locateInTree(lng, lat);
    const cell = this.cellY(lat) * this.cols + this.cellX(lng);
    const first = start[cell] as number;
    if ((first & CROWDED) !== 0) return this.locateInTree(lng, lat);
    const end = (start[cell + 1] as number) & LOW;
    const blob = this.blob;
    for (let i = first; i < end; i++) {
      const o = this.cellItems[i] as number;
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

  // Both mappings are monotone in the coordinate (rounding included), so a point inside a
  // polygon's bbox always maps into the cell range computed from that bbox's corners.
  private cellX(x: number): number {
    const cx = ((x - this.minX) * this.invCellW) | 0;
    return cx < this.cols ? cx : this.cols - 1;
  }

  private cellY(y: number): number {
    const cy = ((y - this.minY) * this.invCellH) | 0;
    return cy < this.rows ? cy : this.rows - 1;
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
