import { describe, expect, it } from 'vitest';
import { gcj02ToWgs84, outsideChina, toStored, wgs84ToGcj02 } from '../../src/geo/coords.ts';

const metres = (a: [number, number], b: [number, number]) => {
  const k = (Math.PI / 180) * 6_371_008.8;
  return Math.hypot((a[0] - b[0]) * k * Math.cos((a[1] * Math.PI) / 180), (a[1] - b[1]) * k);
};

describe('WGS-84 ↔ GCJ-02', () => {
  it('shifts a Chongqing point by the few hundred metres the offset is known for, mostly eastward', () => {
    const wgs: [number, number] = [106.53, 29.575];
    const gcj = wgs84ToGcj02(...wgs);
    const d = metres(wgs, gcj);
    expect(d).toBeGreaterThan(200);
    expect(d).toBeLessThan(700);
    expect(gcj[0]).toBeGreaterThan(wgs[0]);
  });
  it('matches the widely published Beijing reference offset within 10 m', () => {
    // Tiananmen: WGS-84 (116.391349, 39.907375) is shown by GCJ-02 maps at about (116.397594, 39.908769).
    expect(metres(wgs84ToGcj02(116.391349, 39.907375), [116.397594, 39.908769])).toBeLessThan(10);
  });
  it('inverts to well under a millimetre over the district and far beyond', () => {
    for (let i = 0; i < 500; i++) {
      const p: [number, number] = [100 + ((i * 37) % 300) / 10, 20 + ((i * 53) % 250) / 10];
      const back = gcj02ToWgs84(...wgs84ToGcj02(...p));
      expect(metres(p, back)).toBeLessThan(0.001);
    }
  });
  it('leaves points outside China alone and GCJ-02 input as it is', () => {
    expect(outsideChina(2.35, 48.85)).toBe(true);
    expect(wgs84ToGcj02(2.35, 48.85)).toEqual([2.35, 48.85]);
    expect(toStored(106.5, 29.5, 'gcj02')).toEqual([106.5, 29.5]);
    expect(toStored(106.5, 29.5, 'wgs84')).toEqual(wgs84ToGcj02(106.5, 29.5));
  });
});
