import { describe, expect, it } from 'vitest';
import { buildCellDirectory, CROWDED, EMPTY, WHOLE } from '../../src/geo/cell-directory.ts';
import type { BBox, Ring } from '../../src/geo/geometry.ts';

function rect(x0: number, y0: number, x1: number, y1: number): Ring {
  return [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ];
}

describe('buildCellDirectory', () => {
  // A small square (rank 0) inside a large one (rank 1) over the extent [0, 10]²; 20×20 cells of 0.5.
  const small = { rings: [rect(2.4, 2.4, 7.6, 7.6)], box: [2.4, 2.4, 7.6, 7.6] as BBox, record: 100 };
  const large = { rings: [rect(0, 0, 10, 10)], box: [0, 0, 10, 10] as BBox, record: 200 };
  const dir = buildCellDirectory([small, large], [0, 1], [0, 0, 10, 10], 200);
  if (dir === null) throw new Error('expected a directory');
  const cellAt = (x: number, y: number) => {
    const c = Math.min(dir.cols - 1, Math.floor(x * dir.invCellW));
    const r = Math.min(dir.rows - 1, Math.floor(y * dir.invCellH));
    return dir.head[r * dir.cols + c] as number;
  };
  const list = (head: number) => Array.from(dir.items.subarray(head + 1, head + 1 + (dir.items[head] as number)));

  it('answers cells inside one polygon from the head alone', () => {
    expect([dir.cols, dir.rows]).toEqual([20, 20]);
    expect(cellAt(4.2, 4.2)).toBe(WHOLE - 0);
    expect(cellAt(1.2, 8.8)).toBe(WHOLE - 1);
  });

  it('lists the smaller polygon to test, then the covering one, on a cell an edge crosses', () => {
    const head = cellAt(2.4, 2.4);
    expect(head).toBeGreaterThanOrEqual(0);
    expect(list(head)).toEqual([100, WHOLE - 1]);
  });

  it('marks empty cells, and crowded ones for the R-tree', () => {
    const far = { rings: [rect(0, 0, 1, 1)], box: [0, 0, 1, 1] as BBox, record: 0 };
    const other = { rings: [rect(9, 9, 10, 10)], box: [9, 9, 10, 10] as BBox, record: 50 };
    const sparse = buildCellDirectory([far, other], [0, 1], [0, 0, 10, 10], 8);
    expect(sparse?.head[Math.floor((sparse?.rows ?? 0) / 2) * (sparse?.cols ?? 0) + Math.floor((sparse?.cols ?? 0) / 2)]).toBe(EMPTY);
    // 60 identical partial polygons on one spot: more candidates than a cell list takes.
    const stack = Array.from({ length: 60 }, (_, k) => ({ rings: [rect(4.1, 4.1, 4.2, 4.2)], box: [4.1, 4.1, 4.2, 4.2] as BBox, record: k * 10 }));
    const crowded = buildCellDirectory([...stack, large], [...stack.keys(), 60], [0, 0, 10, 10], 300);
    const c = crowded as NonNullable<typeof crowded>;
    expect(c.head[Math.floor(4.15 * c.invCellH) * c.cols + Math.floor(4.15 * c.invCellW)]).toBe(CROWDED);
  });
});
