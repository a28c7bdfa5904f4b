/**
 * Every route of the built app declares a permission (or says it is public), and every
 * non-public route refuses anonymous callers and garbage credentials with 401.
 *
 * Routes are collected with an `onRoute` hook installed on the Fastify instance as it is
 * created: `fastify` is wrapped (vi.mock) so the hook is in place before buildApp declares a
 * single route, and nothing in the server code is patched.
 */
import { hasPermission, PERMISSIONS, ROLES, type Permission } from '@onegrid/domain/access/roles';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestDistrict } from '../support/district.ts';
import type { Api } from '../support/http.ts';
import { STORES } from '../support/stores.ts';
import { useDistrict } from '../support/suite.ts';

const seen = vi.hoisted(() => ({ routes: [] as Array<{ method: string | string[]; url: string; options: { config?: unknown } }> }));

vi.mock('fastify', async (importOriginal) => {
  const mod = await importOriginal<typeof import('fastify')>();
  const real = mod.default as unknown as (opts?: object) => FastifyInstance;
  const wrapped = Object.assign((opts?: object) => {
    const app = real(opts);
    // Method and URL as they are now (Fastify reuses the options object for a prefix's "/" twin);
    // the options object itself for config, which a later onRoute hook (the docs plugin) may still set.
    app.addHook('onRoute', (r: RouteOptions) => {
      seen.routes.push({ method: Array.isArray(r.method) ? [...r.method] : r.method, url: r.url, options: r });
    });
    return app;
  }, real);
  return { ...mod, default: wrapped };
});

type Collected = { method: string; url: string; permission: unknown };

function flatten(routes: typeof seen.routes): Collected[] {
  const out: Collected[] = [];
  for (const r of routes) {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    const permission = (r.options.config as { permission?: unknown } | undefined)?.permission;
    for (const m of methods) out.push({ method: m.toUpperCase(), url: r.url, permission });
  }
  return out;
}

/** The check under test, kept separate so it can be shown to catch a bad route. */
function withoutValidPermission(routes: Collected[]): string[] {
  const valid = new Set<unknown>(['public', ...Object.keys(PERMISSIONS)]);
  return routes.filter((r) => !valid.has(r.permission)).map((r) => `${r.method} ${r.url} (permission: ${String(r.permission)})`);
}

/** Method + URL of every route in the router, read back from printRoutes' tree. */
function printedRoutes(tree: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] as string).length / 4;
    stack.length = depth;
    stack.push(m[2] as string);
    if (m[3]) for (const method of m[3].split(', ')) out.push(`${method} ${stack.join('')}`);
  }
  return out;
}

/** A concrete URL for a route pattern: every :param and * becomes a dummy value. */
function concrete(url: string): string {
  return url.replace(/:[A-Za-z_]+/g, 'dummy1').replace(/\*/g, 'dummy');
}

const PUBLIC_ALLOWED = [
  /^POST \/api\/v1\/auth\/login$/,
  /^(GET|HEAD) \/healthz$/,
  /^(GET|HEAD) \/readyz$/,
  /^(GET|HEAD) \/metrics$/,
  /^(GET|HEAD) \/api\/v1\/openapi\.json$/,
  /^(GET|HEAD) \/docs(\/.*)?$/,
  // The console: its page and its hashed assets (it signs in through the API).
  /^(GET|HEAD) \/$/,
  /^(GET|HEAD) \/assets\/\*$/,
];

describe('the permission check itself', () => {
  it('flags a route without config.permission and one with an unknown permission', async () => {
    seen.routes.length = 0;
    const Fastify = (await import('fastify')).default;
    const app = Fastify();
    app.get('/no-permission', async () => ({}));
    app.route({ method: 'GET', url: '/typo', config: { permission: 'case.raed' as Permission }, handler: async () => ({}) });
    app.route({ method: 'GET', url: '/fine', config: { permission: 'case.read' }, handler: async () => ({}) });
    await app.ready();
    const bad = withoutValidPermission(flatten(seen.routes));
    expect(bad).toEqual(expect.arrayContaining([expect.stringContaining('GET /no-permission'), expect.stringContaining('GET /typo')]));
    expect(bad.some((b) => b.includes('/fine'))).toBe(false);
    await app.close();
  });
});

describe.each(STORES)('route permissions on $name', (kind) => {
  let t: TestDistrict;
  let a: Api;
  let routes: Collected[];
  // Registered first, so it runs before the shared set-up builds the app.
  beforeAll(() => {
    seen.routes.length = 0;
  });
  useDistrict(kind, (x) => {
    ({ t, a } = x);
    routes = flatten(seen.routes);
  });

  it('collected every route the app serves', async () => {
    expect(routes.length).toBeGreaterThan(30);
    for (const r of routes) expect(a.app.hasRoute({ method: r.method as 'GET', url: r.url }), `${r.method} ${r.url}`).toBe(true);
    // Cross-check against the OpenAPI document: each documented operation was collected.
    const doc = (await a.raw('GET', '/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const keys = new Set(routes.map((r) => `${r.method} ${r.url}`));
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, ':$1')}`),
    );
    expect(documented.length).toBeGreaterThan(25);
    expect(documented.filter((k) => !keys.has(k))).toEqual([]);
    // And against the router itself: nothing it serves escaped the hook.
    const printed = printedRoutes(a.app.printRoutes({ commonPrefix: false }));
    expect(printed.length).toBeGreaterThan(30);
    // Two artefacts are allowed: the "/" twin Fastify adds for a prefixed route (same options, no
    // onRoute call) and the printer dropping the static part before a wildcard ("/docs/static/*").
    const explained = (k: string) =>
      keys.has(k) ||
      (k.endsWith('/') && keys.has(k.slice(0, -1))) ||
      (k.endsWith('/*') && [...keys].some((c) => c.endsWith('/*') && c.startsWith(k.slice(0, -1))));
    expect(printed.filter((k) => !explained(k))).toEqual([]);
  });

  it('every route declares config.permission, and it names a real permission or "public"', () => {
    expect(withoutValidPermission(routes)).toEqual([]);
  });

  it('only the expected routes are public', () => {
    const pub = routes.filter((r) => r.permission === 'public').map((r) => `${r.method} ${r.url}`);
    expect(pub.filter((k) => !PUBLIC_ALLOWED.some((re) => re.test(k)))).toEqual([]);
    // Sanity: the login route is public and the case API is not.
    expect(pub).toContain('POST /api/v1/auth/login');
    expect(routes.find((r) => r.method === 'GET' && r.url === '/api/v1/cases')?.permission).toBe('case.read');
  });

  /**
   * The status line only: streaming routes (Server-Sent Events) never end, so the response is
   * taken as a stream and the request aborted once the head is in.
   */
  async function statusOf(method: string, url: string, token: string, body: unknown): Promise<number> {
    const ac = new AbortController();
    const res = await a.app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      payloadAsStream: true,
      signal: ac.signal,
    });
    res.stream().on('error', () => {});
    ac.abort();
    return res.statusCode;
  }

  const bodyFor = (method: string) => (method === 'GET' || method === 'HEAD' || method === 'DELETE' ? undefined : {});

  it('every non-public route answers 401 without a token', async () => {
    const failures: string[] = [];
    for (const r of routes.filter((x) => x.permission !== 'public')) {
      const res = await a.raw(r.method, concrete(r.url), { body: bodyFor(r.method) });
      const code = r.method === 'HEAD' ? 'UNAUTHENTICATED' : res.body?.error?.code;
      if (res.status !== 401 || code !== 'UNAUTHENTICATED') failures.push(`${r.method} ${r.url} → ${res.status} ${code}`);
    }
    expect(failures).toEqual([]);
  });

  it('every non-public route answers 401 with a garbage, forged or malformed credential', async () => {
    const failures: string[] = [];
    const credentials = [
      { authorization: 'Bearer garbage' },
      { authorization: 'Bearer ogs_thisIsNotARealSessionToken' },
      { authorization: 'Bearer ogk_thisIsNotARealApiKey' },
      { authorization: 'Basic YWRtaW46YWRtaW4=' },
      { authorization: 'Bearer ' },
    ];
    for (const r of routes.filter((x) => x.permission !== 'public')) {
      for (const headers of credentials) {
        const res = await a.raw(r.method, concrete(r.url), { body: bodyFor(r.method), headers });
        if (res.status !== 401) failures.push(`${r.method} ${r.url} with "${headers.authorization}" → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('with a valid token of a role holding the permission the same calls are not 401 (the 401s above are about credentials)', async () => {
    const failures: string[] = [];
    const byRole: Record<string, string> = {
      intake: 'intake',
      shift_leader: 'shift_leader',
      dispatcher: 'dispatcher',
      supervisor: 'supervisor',
      leader: 'leader',
      admin: 'admin',
      handler: 'h-cgj',
      grid_worker: 'g-s1c1',
      gateway: 'gateway',
    };
    for (const r of routes.filter((x) => x.permission !== 'public')) {
      const role = ROLES.find((ro) => hasPermission([ro], r.permission as Permission));
      expect(role, `${r.method} ${r.url}`).toBeDefined();
      // Logout revokes the token it is called with: give it a fresh one of its own.
      const token =
        r.url === '/api/v1/auth/logout'
          ? (await a.raw('POST', '/api/v1/auth/login', { body: { username: t.users.admin, password: 'test-password-1' } })).body.token
          : (await a.as(byRole[role as string] as string)).token;
      const status = await statusOf(r.method, concrete(r.url), token, bodyFor(r.method));
      if (status === 401 || status === 403 || status >= 500) failures.push(`${r.method} ${r.url} as ${role} → ${status}`);
    }
    expect(failures).toEqual([]);
  });

  it("a role outside the route's permission gets 403 FORBIDDEN on every route that excludes some role", async () => {
    const failures: string[] = [];
    const userOf: Record<string, string> = {
      intake: 'intake',
      shift_leader: 'shift_leader',
      dispatcher: 'dispatcher',
      supervisor: 'supervisor',
      leader: 'leader',
      admin: 'admin',
      handler: 'h-cgj',
      grid_worker: 'g-s1c1',
      gateway: 'gateway',
    };
    let checked = 0;
    for (const r of routes.filter((x) => x.permission !== 'public')) {
      const outsider = ROLES.find((ro) => !hasPermission([ro], r.permission as Permission));
      if (!outsider) continue;
      checked++;
      const c = await a.as(userOf[outsider] as string);
      const res = await a.raw(r.method, concrete(r.url), { token: c.token, body: bodyFor(r.method) });
      const code = r.method === 'HEAD' ? 'FORBIDDEN' : res.body?.error?.code;
      if (res.status !== 403 || code !== 'FORBIDDEN') failures.push(`${r.method} ${r.url} as ${outsider} → ${res.status} ${code}`);
    }
    expect(checked).toBeGreaterThan(10);
    expect(failures).toEqual([]);
  });
});
