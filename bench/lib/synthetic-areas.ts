/**
 * A synthetic area layer for the geocode bench: irregular grid polygons that tile a box with no
 * gap or overlap, some with a hole filled by either an island area of its own or an exclave part
 * of another area (a MultiPolygon). Neighbours share bit-identical edge vertices, as a cleanly
 * drawn layer does, so every point has exactly one answer even on a boundary.
 */
import type { Polygon, MultiPolygon, Position, Ring } from '../../packages/domain/src/geo/geometry.ts';
import type { IndexedArea } from '../../packages/domain/src/geo/grid-index.ts';
import type { Box } from './district.ts';
import { rng } from './random.ts';

export interface SyntheticLayer {
  areas: IndexedArea[];
  box: Box;
  cols: number;
  rows: number;
  /** Cells with a hole; islands fill some of them, exclaves the rest. */
  holes: number;
  multiPolygons: number;
  /** Vertices stored, closing repeats excluded. */
  vertices: number;
}

/** Share of cells with a hole. */
const HOLE_SHARE = 0.05;
/** Corner jitter and edge-vertex offset, in cell sizes: small enough that no ring self-intersects. */
const CORNER_JITTER = 0.15;
const EDGE_JITTER = 0.05;
/** Interior vertices per cell edge: 0…MAX_EDGE_VERTICES, about 12 per cell on top of the 4 corners. */
const MAX_EDGE_VERTICES = 6;
const HOLE_RADIUS = 0.12;
const HOLE_VERTICES = 8;

/**
 * About `target` areas over `box` (exactly `target` when the hole budget allows). Deterministic
 * for a given target, box and seed.
 */
export function syntheticLayer(target: number, box: Box, seed: number): SyntheticLayer {
  const next = rng(seed);
  const midLat = ((box.minLat + box.maxLat) / 2) * (Math.PI / 180);
  const aspect = ((box.maxLng - box.minLng) * Math.cos(midLat)) / (box.maxLat - box.minLat);
  // Islands add areas on top of the cells: aim the cell count below the target.
  const cellsWanted = target / (1 + HOLE_SHARE / 2);
  const cols = Math.max(1, Math.round(Math.sqrt(cellsWanted * aspect)));
  const rows = Math.max(1, Math.round(cellsWanted / cols));
  const dx = (box.maxLng - box.minLng) / cols;
  const dy = (box.maxLat - box.minLat) / rows;
  const cells = cols * rows;

  // Corners (cols+1)×(rows+1), jittered except on the box's outline so the layer fills the box.
  const cx = new Float64Array((cols + 1) * (rows + 1));
  const cy = new Float64Array((cols + 1) * (rows + 1));
  for (let j = 0; j <= rows; j++) {
    for (let i = 0; i <= cols; i++) {
      const k = j * (cols + 1) + i;
      const jx = i === 0 || i === cols ? 0 : (next() * 2 - 1) * CORNER_JITTER;
      const jy = j === 0 || j === rows ? 0 : (next() * 2 - 1) * CORNER_JITTER;
      cx[k] = box.minLng + (i + jx) * dx;
      cy[k] = box.minLat + (j + jy) * dy;
    }
  }
  const corner = (i: number, j: number): Position => {
    const k = j * (cols + 1) + i;
    return [cx[k] as number, cy[k] as number];
  };

  // Each edge's interior vertices, stored once in its forward direction and reversed by the cell
  // that walks it backwards, so both neighbours hold the same doubles.
  const edgeVertices = (a: Position, b: Position, outline: boolean): Position[] => {
    const n = Math.floor(next() * (MAX_EDGE_VERTICES + 1));
    const ts = Array.from({ length: n }, () => 0.2 + 0.6 * next()).sort((p, q) => p - q);
    // Perpendicular offset in cell units, scaled per axis.
    const ex = b[0] - a[0];
    const ey = b[1] - a[1];
    const len = Math.hypot(ex / dx, ey / dy) || 1;
    return ts.map((t) => {
      const off = outline ? 0 : (next() * 2 - 1) * EDGE_JITTER;
      return [a[0] + t * ex - ((ey / dy) * off * dx) / len, a[1] + t * ey + ((ex / dx) * off * dy) / len];
    });
  };
  // Horizontal edge (i, j) runs corner(i, j) → corner(i+1, j); vertical (i, j) corner(i, j) → corner(i, j+1).
  const hEdges: Position[][] = [];
  for (let j = 0; j <= rows; j++) {
    for (let i = 0; i < cols; i++) hEdges.push(edgeVertices(corner(i, j), corner(i + 1, j), j === 0 || j === rows));
  }
  const vEdges: Position[][] = [];
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i <= cols; i++) vEdges.push(edgeVertices(corner(i, j), corner(i, j + 1), i === 0 || i === cols));
  }

  const outer = (i: number, j: number): Ring => {
    const south = hEdges[j * cols + i] as Position[];
    const north = hEdges[(j + 1) * cols + i] as Position[];
    const west = vEdges[j * (cols + 1) + i] as Position[];
    const east = vEdges[j * (cols + 1) + i + 1] as Position[];
    // Counter-clockwise: south edge eastwards, east edge northwards, north westwards, west southwards.
    return [
      corner(i, j),
      ...south,
      corner(i + 1, j),
      ...east,
      corner(i + 1, j + 1),
      ...[...north].reverse(),
      corner(i, j + 1),
      ...[...west].reverse(),
      corner(i, j),
    ];
  };

  const holeRing = (i: number, j: number): Ring => {
    const ox = box.minLng + (i + 0.5) * dx;
    const oy = box.minLat + (j + 0.5) * dy;
    const ring: Ring = [];
    for (let k = 0; k < HOLE_VERTICES; k++) {
      const a = (2 * Math.PI * k) / HOLE_VERTICES;
      const r = HOLE_RADIUS * (0.8 + 0.2 * next());
      ring.push([ox + Math.cos(a) * r * dx, oy + Math.sin(a) * r * dy]);
    }
    ring.push(ring[0] as Position);
    return ring;
  };

  const geometries: Array<Polygon | MultiPolygon> = [];
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) geometries.push({ type: 'Polygon', coordinates: [outer(i, j)] });
  }

  // Holed cells spread evenly; each hole's ring also bounds what fills it.
  const holes = Math.min(cells, Math.round(cells * HOLE_SHARE));
  const islands = Math.max(0, Math.min(holes, target - cells));
  const stride = cells / Math.max(1, holes);
  const holedCells = Array.from({ length: holes }, (_, h) => Math.floor(h * stride));
  const holed = new Set(holedCells);
  const extra: IndexedArea[] = [];
  let multiPolygons = 0;
  for (let h = 0; h < holes; h++) {
    const c = holedCells[h] as number;
    const ring = holeRing(c % cols, Math.floor(c / cols));
    (geometries[c] as Polygon).coordinates.push([...ring].reverse());
    if (h < islands) {
      extra.push({ id: `S-ISLAND-${String(h).padStart(6, '0')}`, geometry: { type: 'Polygon', coordinates: [ring] } });
      continue;
    }
    // Exclave: the hole belongs to a cell far away, which becomes a two-part MultiPolygon.
    let owner = (c + Math.floor(cells / 2) + 1) % cells;
    while (holed.has(owner) || geometries[owner]?.type === 'MultiPolygon') owner = (owner + 1) % cells;
    const home = geometries[owner] as Polygon;
    geometries[owner] = { type: 'MultiPolygon', coordinates: [home.coordinates, [ring]] };
    multiPolygons++;
  }

  const areas: IndexedArea[] = geometries.map((geometry, c) => ({ id: `S${String(c).padStart(7, '0')}`, geometry }));
  areas.push(...extra);
  let vertices = 0;
  for (const a of areas) {
    const polys = a.geometry.type === 'Polygon' ? [a.geometry.coordinates] : a.geometry.coordinates;
    for (const p of polys) for (const r of p) vertices += r.length - 1;
  }
  return { areas, box, cols, rows, holes, multiPolygons, vertices };
}
