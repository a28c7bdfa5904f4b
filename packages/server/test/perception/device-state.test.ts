/**
 * Device state on each store, as the console's device map colours it: offline until heard from,
 * online while readings arrive, alarm while an alarm of the device is not cleared, and offline
 * again after the silence its type's offline rule allows (an hour for types without one).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestDistrict } from '../support/district.ts';
import type { Api, Client } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';
import { at, type Fleet, fleet, post } from './fixtures.ts';

describe.each(STORES)('device state on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  let f: Fleet;
  let viewer: Client;
  useDistrict(kind, (x) => {
    ({ t, a } = x);
  });
  beforeAll(async () => {
    f = await fleet(t, a);
    viewer = await a.as('h-s1');
  });

  const states = async (query = '') => {
    const r = await viewer.get(`/api/v1/perception/devices${query}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return Object.fromEntries((r.body.items as Array<{ code: string; state: string; lastSeenAt: string | null }>).map((d) => [d.code, `${d.state}${d.lastSeenAt ? '' : ' never'}`]));
  };

  it('is offline until a device is heard from', async () => {
    expect(await states()).toEqual({ 'MC-1': 'offline never', 'MC-2': 'offline never', 'WL-1': 'offline never', 'WL-2': 'offline never' });
  });

  it('is online while readings arrive and alarm while an alarm is not cleared', async () => {
    const r = await post(a, f.key, [
      { device: 'WL-1', at: at(t), values: { currentLevel: 0.1 } },
      { device: 'WL-2', at: at(t), values: { currentLevel: 0.5 } },
      { device: 'MC-1', at: at(t), values: { open: 0, tiltAngle: 1 } },
    ]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await states()).toEqual({ 'MC-1': 'online', 'MC-2': 'offline never', 'WL-1': 'online', 'WL-2': 'alarm' });
    expect(await states('?state=alarm')).toEqual({ 'WL-2': 'alarm' });
    expect(await states('?type=water_level&state=online')).toEqual({ 'WL-1': 'online' });
  });

  it('goes offline after the silence the offline rule allows, or an hour without one', async () => {
    t.clock.advance(31 * 60_000);
    expect(await states('?state=online')).toEqual({ 'WL-1': 'online' });
    expect((await states())['MC-1']).toBe('offline');
    t.clock.advance(30 * 60_000);
    expect(await states('?state=online')).toEqual({});
  });

  it('refuses an unknown state with what to send', async () => {
    const r = await viewer.get('/api/v1/perception/devices?state=broken');
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/online/);
  });
});
