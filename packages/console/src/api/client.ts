/**
 * The one API client: openapi-fetch over the generated paths, with the session's bearer token.
 * Refusals come back as ApiError carrying the server's stable code and message, which screens
 * show as they are (the message says what to fix).
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let token: string | null = sessionStorage.getItem('onegrid.token');
export const getToken = () => token;
export function setToken(t: string | null): void {
  token = t;
  if (t) sessionStorage.setItem('onegrid.token', t);
  else sessionStorage.removeItem('onegrid.token');
}

const auth: Middleware = {
  onRequest({ request }) {
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: location.origin });
api.use(auth);

/** The data of an openapi-fetch result, or an ApiError with the server's code and message. */
export async function ok<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<NonNullable<T>> {
  const r = await p;
  if (r.response.ok && r.data !== undefined) return r.data as NonNullable<T>;
  const e = (r.error ?? {}) as { error?: { code?: string; message?: string } };
  if (r.response.status === 401) window.dispatchEvent(new Event('onegrid:signed-out'));
  throw new ApiError(r.response.status, e.error?.code ?? `HTTP_${r.response.status}`, e.error?.message ?? r.response.statusText);
}
