/** Drives the real Fastify app in-process (app.inject) as the district's users. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { PASSWORD, type TestDistrict } from './district.ts';

export interface Res {
  status: number;
  body: any;
  headers: Record<string, unknown>;
}

export interface Api {
  app: FastifyInstance;
  as(user: string): Promise<Client>;
  raw(method: string, url: string, opts?: { token?: string; body?: unknown; payload?: string | Buffer; headers?: Record<string, string> }): Promise<Res>;
}

export interface Client {
  token: string;
  get(url: string): Promise<Res>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<Res>;
  put(url: string, body: unknown): Promise<Res>;
  act(caseId: string, action: string, body?: Record<string, unknown>): Promise<Res>;
}

export async function api(t: TestDistrict): Promise<Api> {
  const app = await buildApp(t.s);
  const raw: Api['raw'] = async (method, url, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let payload: string | Buffer | undefined = opts.payload;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const r = await app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
    let body: unknown = r.body;
    try {
      body = JSON.parse(r.body);
    } catch {
      /* not JSON: keep the text */
    }
    return { status: r.statusCode, body, headers: r.headers };
  };
  const tokens = new Map<string, string>();
  return {
    app,
    raw,
    async as(user) {
      const username = t.users[user] ?? user;
      let token = tokens.get(username);
      if (!token) {
        const r = await raw('POST', '/api/v1/auth/login', { body: { username, password: PASSWORD } });
        if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
        token = r.body.token as string;
        tokens.set(username, token);
      }
      const tk = token;
      return {
        token: tk,
        get: (url) => raw('GET', url, { token: tk }),
        post: (url, body, headers) => raw('POST', url, { token: tk, body: body ?? {}, ...(headers ? { headers } : {}) }),
        put: (url, body) => raw('PUT', url, { token: tk, body }),
        act: async (caseId, action, body = {}) => {
          const version = body.version ?? (await raw('GET', `/api/v1/cases/${caseId}`, { token: tk })).body.version;
          return raw('POST', `/api/v1/cases/${caseId}/actions/${action}`, { token: tk, body: { version, ...body } });
        },
      };
    },
  };
}
