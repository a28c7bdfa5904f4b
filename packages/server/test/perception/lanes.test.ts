/** MQTT ingest lanes: each device's messages stay in one lane and in their order. */
import { describe, expect, it } from 'vitest';
import { laneSplit } from '../../src/modules/perception/mqtt-ingest.ts';

describe('laneSplit', () => {
  const batch = Array.from({ length: 200 }, (_, i) => ({ topic: `onegrid/D1/DEV-${i % 17}/telemetry`, n: i }));

  it('one lane is the batch itself', () => {
    expect(laneSplit(batch, 1)).toEqual([batch]);
  });

  it.each([2, 3, 4])('%i lanes: every message once, a device in one lane, in order', (lanes) => {
    const parts = laneSplit(batch, lanes);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.length).toBeLessThanOrEqual(lanes);
    expect(parts.flat().map((m) => m.n).sort((a, b) => a - b)).toEqual(batch.map((m) => m.n));
    const laneOf = new Map<string, number>();
    parts.forEach((part, lane) => {
      for (const m of part) {
        expect(laneOf.get(m.topic) ?? lane).toBe(lane);
        laneOf.set(m.topic, lane);
      }
      const ns = part.map((m) => m.n);
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
    });
  });
});
