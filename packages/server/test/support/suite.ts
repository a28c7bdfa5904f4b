/** The per-suite set-up every store-parametrised suite shares: a store, a district, an API client. */
import { afterAll, beforeAll } from 'vitest';
import type { Store } from '../../src/db/store.ts';
import { makeDistrict, type TestDistrict } from './district.ts';
import { api, type Api } from './http.ts';
import type { StoreKind } from './stores.ts';

export interface SuiteContext {
  store: Store;
  t: TestDistrict;
  a: Api;
}

export function useDistrict(kind: StoreKind, ready: (ctx: SuiteContext) => void): void {
  let ctx: SuiteContext | undefined;
  beforeAll(async () => {
    const store = await kind.open();
    const t = await makeDistrict(store);
    ctx = { store, t, a: await api(t) };
    ready(ctx);
  });
  afterAll(async () => {
    await ctx?.a.app.close();
    await ctx?.store.close();
  });
}
