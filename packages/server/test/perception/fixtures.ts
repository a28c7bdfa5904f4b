/** Shared set-up of the perception suites: devices, rules and a gateway API key in a test district. */
import { expect } from 'vitest';
import type { TestDistrict } from '../support/district.ts';
import type { Api } from '../support/http.ts';

export interface Fleet {
  /** API key of the district's telemetry gateway user. */
  key: string;
  rules: Record<string, string>;
}

/**
 * WL-1/WL-2 water level (积水点) in s1c1g1/s2c1g1, MC-1/MC-2 rain-water manhole covers (component
 * 01003, owned by 城管局); rules: wl-high (≥ 0.3 m, clears ≤ 0.2 m), mc-open (open for 2 min),
 * mc-offline (silent 30 min).
 */
export async function fleet(t: TestDistrict, a: Api): Promise<Fleet> {
  const admin = await a.as('admin');
  const p1 = t.point('s1c1g1');
  const p2 = t.point('s2c1g1');
  const p3 = t.point('s1c2g1');
  const csv = [
    'code,type,name,lng,lat,component,unit',
    `WL-1,water_level,观音桥积水点,${p1.lng},${p1.lat},,slj`,
    `WL-2,water_level,"北城天街积水点, 下穿道",${p2.lng},${p2.lat},,slj`,
    `MC-1,manhole_cover,雨水井盖1,${p3.lng},${p3.lat},01003,cgj`,
    `MC-2,manhole_cover,雨水井盖2,${p3.lng + 0.001},${p3.lat},01003,cgj`,
  ].join('\n');
  const imported = await a.raw('POST', '/api/v1/perception/devices/import', { token: admin.token, payload: csv, headers: { 'content-type': 'text/csv' } });
  expect(imported.status, JSON.stringify(imported.body)).toBe(200);
  expect(imported.body.imported).toBe(4);

  const rules: Record<string, string> = {};
  for (const body of [
    {
      code: 'wl-high',
      name: '积水超警戒',
      deviceType: 'water_level',
      condition: { kind: 'threshold', measurement: 'currentLevel', direction: 'above', raise: 0.3, clear: 0.2 },
      category: { kind: 'component', code: '01004' },
      urgency: 'urgent',
    },
    { code: 'mc-open', name: '井盖开启', deviceType: 'manhole_cover', condition: { kind: 'threshold', measurement: 'open', direction: 'above', raise: 1, clear: 0 }, forMinutes: 2 },
    { code: 'mc-offline', name: '井盖设备离线', deviceType: 'manhole_cover', condition: { kind: 'offline', minutes: 30 } },
  ]) {
    const r = await admin.post('/api/v1/perception/rules', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    rules[body.code] = r.body.id as string;
  }

  const gateway = await t.s.auth.createUsers(t.districtId, [
    { username: `iot-${t.code}`, password: null, displayName: '物联网关', roles: ['gateway'], unitId: t.u.centre as string },
  ]);
  const k = await admin.post('/api/v1/api-keys', { name: 'iot gateway', userId: gateway[0]?.id });
  expect(k.status).toBe(201);
  return { key: k.body.key as string, rules };
}

/** ISO time `minutes` from the district clock's now. */
export const at = (t: TestDistrict, minutes = 0) => new Date(t.clock.now() + minutes * 60_000).toISOString();

export async function post(a: Api, key: string, body: unknown, contentType = 'application/json') {
  return a.raw('POST', '/api/v1/telemetry', {
    token: key,
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': contentType },
  });
}
