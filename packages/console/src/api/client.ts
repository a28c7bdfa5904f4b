/**
 * The one API client: openapi-fetch over the generated paths, with the session's bearer token.
 * Refusals come back as ApiError carrying the server's stable code and message, which screens
 * show as they are (the message says what to fix): every request names the console's language,
 * so the server words that message in it.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { storedLang } from '../i18n/i18n.tsx';
import type { paths } from './schema';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The refusal's details as sent (e.g. IMPORT_INVALID's per-feature problems). */
    readonly details?: unknown,
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

/** Headers for calls made with plain fetch (live stream, files, downloads): the same as the client's. */
export function apiHeaders(): Record<string, string> {
  return { ...(token ? { authorization: `Bearer ${token}` } : {}), 'accept-language': storedLang() };
}

const auth: Middleware = {
  onRequest({ request }) {
    for (const [k, v] of Object.entries(apiHeaders())) request.headers.set(k, v);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: location.origin });
api.use(auth);

/** The data of an openapi-fetch result, or an ApiError with the server's code and message. */
export async function ok<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<NonNullable<T>> {
  const r = await p;
  if (r.response.ok && r.data !== undefined) return r.data as NonNullable<T>;
  const e = (r.error ?? {}) as { error?: { code?: string; message?: string; details?: unknown } };
  if (r.response.status === 401) window.dispatchEvent(new Event('onegrid:signed-out'));
  throw new ApiError(r.response.status, e.error?.code ?? `HTTP_${r.response.status}`, e.error?.message ?? r.response.statusText, e.error?.details);
}
