/**
 * The cell directory in front of AreaIndex: a uniform grid over a layer's extent listing, per
 * cell, the polygons that reach it, smallest area first. Each entry is either WHOLE (the polygon
 * covers the entire cell: the answer needs no point-in-polygon test) or partial (one of its edges
 * passes through the cell: test the point). A list ends at its first WHOLE entry, since that
 * polygon wins over every larger one.
 *
 * Exactness: a cell is classed WHOLE or outside only when no edge comes within EPS of it. Every
 * point mapped to such a cell is then far (10⁴ ulps and more) from every edge, where the crossing
 * test of point-in-polygon.ts cannot be wrong, so it would give the same answer as the cell
 * centre. Boundary points always land in partial cells and follow the half-open rule as before.
 */
import type { BBox, Ring } from './geometry.ts';

// Negative values in head[] and items[] are markers, so every value stays a small integer for V8.
/** In head[]: the point is in no polygon of the layer. */
export const EMPTY = -1;
/** In head[]: the cell has too many candidates and the R-tree answers for it. */
export const CROWDED = -2;
/** In head[] or items[]: WHOLE - p (≤ WHOLE) means polygon p covers the whole cell, i.e. is the answer. */
export const WHOLE = -3;

/** Cells per polygon and per vertex: a layer gets whichever gives more cells. */
const CELLS_PER_PART = 4;
const CELLS_PER_VERTEX = 2;
/** Upper bound on the cells of one layer (4 bytes each, plus its entries). */
const MAX_CELLS = 1 << 22;
/** A cell with more entries than this defers to the R-tree. */
const MAX_CELL_CANDIDATES = 48;
/** Bounding-box entries allowed per cell on average before the layer goes R-tree only. */
const ENTRIES_PER_CELL_BUDGET = 8;
/** Degrees: how close an edge may pass to a cell for the cell to still count as crossed. */
const EPS = 1e-9;

// Classes of a cell for one polygon.
const OUTSIDE = 0;
const PARTIAL = 1;
const INSIDE = 2;

export interface DirectoryPart {
  /** Closed rings, outer first (even–odd, as in the index). */
  rings: Ring[];
  box: BBox;
  /** Where the polygon's record starts in the index's blob. */
  record: number;
}

export interface CellDirectory {
  minX: number;
  minY: number;
  cols: number;
  rows: number;
  invCellW: number;
  invCellH: number;
  /**
   * Per cell: EMPTY, CROWDED, WHOLE - p when polygon p is the answer for the whole cell (then
   * one read answers), else the offset in items of the cell's list.
   */
  head: Int32Array;
  /** Lists: a count, then that many entries, each a record offset (test the point) or WHOLE - p. */
  items: Int32Array;
}

/** The cell a coordinate maps to; locate() must map points exactly this way. */
export function cellOf(v: number, min: number, inv: number, n: number): number {
  const c = ((v - min) * inv) | 0;
  return c < n ? c : n - 1;
}

/** A growable list of 32-bit integers. */
class I32List {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/**
 * Builds the directory for polygons `parts` (visited in `byRank` order: smallest area first), or
 * returns null when their boxes overlap so much that the R-tree alone is the better index.
 */
export function buildCellDirectory(
  parts: DirectoryPart[],
  byRank: readonly number[],
  extent: BBox,
  vertices: number,
): CellDirectory | null {
  const [minX, minY, maxX, maxY] = extent;
  const w = maxX - minX;
  const h = maxY - minY;
  const target = Math.max(1, Math.min(MAX_CELLS, Math.max(parts.length * CELLS_PER_PART, vertices * CELLS_PER_VERTEX)));
  // Cells shaped like the extent.
  const cols = Math.max(1, Math.min(target, Math.round(Math.sqrt((target * w) / h))));
  const rows = Math.max(1, Math.ceil(target / cols));
  const grid = new Grid(minX, minY, cols, rows, cols / w, rows / h);
  const cells = cols * rows;

  let bound = 0;
  for (const part of parts) {
    const r = grid.range(part.box);
    bound += (r.c1 - r.c0 + 1) * (r.r1 - r.r0 + 1);
    if (bound > cells * ENTRIES_PER_CELL_BUDGET) return null;
  }

  // (cell, entry) pairs in rank order; a WHOLE entry closes its cell to larger polygons.
  const pairs = new I32List();
  const closed = new Uint8Array(cells);
  const classifier = new Classifier(grid);
  for (const p of byRank) {
    const part = parts[p] as DirectoryPart;
    classifier.classify(part);
    const { c0, r0, c1, r1 } = classifier;
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const m = classifier.mark[(r - r0) * (c1 - c0 + 1) + (c - c0)] as number;
        const cell = r * cols + c;
        if (m === OUTSIDE || closed[cell] === 1) continue;
        pairs.push(cell);
        if (m === PARTIAL) {
          pairs.push(part.record);
        } else {
          pairs.push(WHOLE - p);
          closed[cell] = 1;
        }
      }
    }
  }

  // Stable counting sort by cell keeps each cell's entries in rank order.
  const pair = pairs.data;
  const count = new Uint32Array(cells);
  for (let k = 0; k < pairs.length; k += 2) count[pair[k] as number] = (count[pair[k] as number] as number) + 1;
  const head = new Int32Array(cells);
  let total = 0;
  for (let c = 0; c < cells; c++) {
    const m = count[c] as number;
    if (m === 0) head[c] = EMPTY;
    else if (m > MAX_CELL_CANDIDATES) head[c] = CROWDED;
    else if (m > 1 || closed[c] === 0) {
      head[c] = total;
      total += m + 1;
    }
  }
  const items = new Int32Array(total);
  for (let k = 0; k < pairs.length; k += 2) {
    const c = pair[k] as number;
    const m = count[c] as number;
    const entry = pair[k + 1] as number;
    if (m === 1 && closed[c] === 1) {
      head[c] = entry;
    } else if (m <= MAX_CELL_CANDIDATES) {
      const at = head[c] as number;
      const n = (items[at] as number) + 1;
      items[at] = n;
      items[at + n] = entry;
    }
  }
  return { minX, minY, cols, rows, invCellW: grid.invW, invCellH: grid.invH, head, items };
}

class Grid {
  constructor(
    readonly minX: number,
    readonly minY: number,
    readonly cols: number,
    readonly rows: number,
    readonly invW: number,
    readonly invH: number,
  ) {}

  /** Cells a point of this box can map to (the mapping is monotone, rounding included). */
  range(box: BBox): { c0: number; r0: number; c1: number; r1: number } {
    return {
      c0: cellOf(box[0], this.minX, this.invW, this.cols),
      r0: cellOf(box[1], this.minY, this.invH, this.rows),
      c1: cellOf(box[2], this.minX, this.invW, this.cols),
      r1: cellOf(box[3], this.minY, this.invH, this.rows),
    };
  }
}

/**
 * Classifies the cells of one polygon's bbox range, in cell units (u = column, v = row, cell
 * (c, r) spanning [c, c+1) × [r, r+1)), reusing its scratch buffers from polygon to polygon.
 */
class Classifier {
  /** After classify(): OUTSIDE, PARTIAL or INSIDE per cell of the range, row by row. */
  mark = new Uint8Array(64);
  // The range classified last.
  c0 = 0;
  r0 = 0;
  c1 = 0;
  r1 = 0;
  private width = 0;
  private xs = new Float64Array(64);
  private rowCount = new Uint32Array(64);
  private readonly epsU: number;
  private readonly epsV: number;

  constructor(private readonly grid: Grid) {
    this.epsU = EPS * grid.invW;
    this.epsV = EPS * grid.invH;
  }

  /** Classifies every cell of the polygon's bbox range into mark. */
  classify(part: DirectoryPart): void {
    const g = this.grid;
    const { c0, r0, c1, r1 } = g.range(part.box);
    this.c0 = c0;
    this.r0 = r0;
    this.c1 = c1;
    this.r1 = r1;
    this.width = c1 - c0 + 1;
    const height = r1 - r0 + 1;
    if (this.mark.length < this.width * height) this.mark = new Uint8Array(this.width * height * 2);
    this.mark.fill(0, 0, this.width * height);
    if (this.rowCount.length < height + 1) this.rowCount = new Uint32Array(height * 2 + 1);
    this.rowCount.fill(0, 0, height + 1);

    // Pass 1: mark crossed cells and count each row centre's crossings; pass 2 records them.
    for (let pass = 0; pass < 2; pass++) {
      if (pass === 1) {
        let sum = 0;
        for (let r = 0; r <= height; r++) {
          const n = this.rowCount[r] as number;
          this.rowCount[r] = sum;
          sum += n;
        }
        if (this.xs.length < sum) this.xs = new Float64Array(sum * 2);
      }
      for (const ring of part.rings) {
        for (let j = 0; j + 1 < ring.length; j++) {
          const a = ring[j] as [number, number];
          const b = ring[j + 1] as [number, number];
          const ua = (a[0] - g.minX) * g.invW;
          const va = (a[1] - g.minY) * g.invH;
          const ub = (b[0] - g.minX) * g.invW;
          const vb = (b[1] - g.minY) * g.invH;
          if (pass === 0) this.markEdge(ua, va, ub, vb);
          this.rowCrossings(ua, va, ub, vb, pass === 1);
        }
      }
    }

    for (let r = r0; r <= r1; r++) {
      // After pass 2 each row's counter points at its end, which is where the next row starts.
      const from = r === r0 ? 0 : (this.rowCount[r - r0 - 1] as number);
      const to = this.rowCount[r - r0] as number;
      const xs = this.xs;
      // A row of one polygon usually holds a handful of crossings: insertion sort, unless many.
      if (to - from > 32) xs.subarray(from, to).sort();
      for (let i = from + 1; i < to; i++) {
        const v = xs[i] as number;
        let j = i - 1;
        while (j >= from && (xs[j] as number) > v) {
          xs[j + 1] = xs[j] as number;
          j--;
        }
        xs[j + 1] = v;
      }
      // Crossings west of the cell centre so far; the parity of those east of it decides.
      let k = from;
      const row = (r - r0) * this.width;
      for (let c = c0; c <= c1; c++) {
        if (this.mark[row + c - c0] === PARTIAL) continue;
        while (k < to && (xs[k] as number) < c + 0.5) k++;
        if (((to - k) & 1) === 1) this.mark[row + c - c0] = INSIDE;
      }
    }
  }

  /**
   * Marks the cells the edge passes within EPS of, walking its longer axis one cell at a time
   * so the interpolation never multiplies rounding by a steep slope.
   */
  private markEdge(ua: number, va: number, ub: number, vb: number): void {
    if (Math.abs(ub - ua) >= Math.abs(vb - va)) {
      if (ua > ub) [ua, va, ub, vb] = [ub, vb, ua, va];
      const ca = Math.max(this.c0, Math.floor(ua - this.epsU));
      const cb = Math.min(this.c1, Math.floor(ub + this.epsU));
      for (let c = ca; c <= cb; c++) {
        const lo = Math.max(ua, c - this.epsU);
        const hi = Math.min(ub, c + 1 + this.epsU);
        const vl = ub === ua ? va : va + ((vb - va) * (lo - ua)) / (ub - ua);
        const vh = ub === ua ? vb : va + ((vb - va) * (hi - ua)) / (ub - ua);
        this.markSpan(c, Math.min(vl, vh) - this.epsV, Math.max(vl, vh) + this.epsV, false);
      }
    } else {
      if (va > vb) [ua, va, ub, vb] = [ub, vb, ua, va];
      const ra = Math.max(this.r0, Math.floor(va - this.epsV));
      const rb = Math.min(this.r1, Math.floor(vb + this.epsV));
      for (let r = ra; r <= rb; r++) {
        const lo = Math.max(va, r - this.epsV);
        const hi = Math.min(vb, r + 1 + this.epsV);
        const ul = ua + ((ub - ua) * (lo - va)) / (vb - va);
        const uh = ua + ((ub - ua) * (hi - va)) / (vb - va);
        this.markSpan(r, Math.min(ul, uh) - this.epsU, Math.max(ul, uh) + this.epsU, true);
      }
    }
  }

  /** Marks column `at` over rows floor(lo)…floor(hi), or row `at` over columns when `across`. */
  private markSpan(at: number, lo: number, hi: number, across: boolean): void {
    if (across) {
      const ca = Math.max(this.c0, Math.floor(lo));
      const cb = Math.min(this.c1, Math.floor(hi));
      for (let c = ca; c <= cb; c++) this.mark[(at - this.r0) * this.width + (c - this.c0)] = PARTIAL;
    } else {
      const ra = Math.max(this.r0, Math.floor(lo));
      const rb = Math.min(this.r1, Math.floor(hi));
      for (let r = ra; r <= rb; r++) this.mark[(r - this.r0) * this.width + (at - this.c0)] = PARTIAL;
    }
  }

  /**
   * Where the edge crosses the centre line v = r + 0.5 of each row of the range, under the same
   * half-open rule as the point test (exactly one endpoint strictly above). Counts them, or
   * stores them when `store` (after the counts became offsets).
   */
  private rowCrossings(ua: number, va: number, ub: number, vb: number, store: boolean): void {
    const ra = Math.max(this.r0, Math.floor(Math.min(va, vb) - 0.5));
    const rb = Math.min(this.r1, Math.ceil(Math.max(va, vb)));
    for (let r = ra; r <= rb; r++) {
      const v = r + 0.5;
      if (va > v === vb > v) continue;
      const i = r - this.r0;
      if (!store) {
        this.rowCount[i] = (this.rowCount[i] as number) + 1;
        continue;
      }
      const slot = this.rowCount[i] as number;
      this.xs[slot] = ua + ((v - va) * (ub - ua)) / (vb - va);
      this.rowCount[i] = slot + 1;
    }
  }
}
