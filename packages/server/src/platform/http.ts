/**
 * Route plumbing. Every route is declared through `route()`: it names its permission (or
 * 'public'), its zod schemas (validated here, and turned into OpenAPI), and one handler that
 * calls one service. Fastify's own validation and serialization are bypassed so that every
 * validation failure has the same stable error shape.
 */
import { hasPermission, type Permission } from '@onegrid/domain/access/roles';
import { DomainError } from '@onegrid/domain/errors';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { z } from 'zod';
import { rememberZhIssues, zodZh } from './localize.ts';
import type { Principal } from './principal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    permission?: Permission | 'public';
  }
}

export interface Input<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  principal: Principal;
  req: FastifyRequest;
  reply: FastifyReply;
}

interface BaseSpec<B, Q, P> {
  method: HTTPMethods;
  url: string;
  summary: string;
  tags: string[];
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /** The JSON success body; tests parse every result with it (ONEGRID_CHECK_RESPONSES=1). */
  response?: z.ZodType;
  /** For a non-JSON success body (a file, CSV, xlsx, an event stream): its content type(s), documented instead of `response`. */
  produces?: string | string[];
  successStatus?: number;
  /** Headers documented in OpenAPI (e.g. Idempotency-Key). */
  headers?: z.ZodObject;
}

export type RouteSpec<B, Q, P> =
  | (BaseSpec<B, Q, P> & { permission: Permission; handler(input: Input<B, Q, P>): Promise<unknown> })
  | (BaseSpec<B, Q, P> & {
      permission: 'public';
      handler(input: Omit<Input<B, Q, P>, 'principal'> & { principal: Principal | null }): Promise<unknown>;
    });

function jsonSchema(s: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  return z.toJSONSchema(s, { target: 'draft-07', io, unrepresentable: 'any' }) as Record<string, unknown>;
}

export function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return value as T;
  const r = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (r.success) return r.data;
  const issuesOf = (e: z.ZodError) => e.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
  const issues = issuesOf(r.error);
  const first = issues[0];
  const err = new DomainError('VALIDATION_FAILED', first ? `${first.path}: ${first.message}` : `invalid ${where}`, { issues });
  // Only on failure: parse again with Chinese default messages, so the error handler can answer in either language.
  const zh = schema.safeParse(value ?? (where === 'body' ? undefined : {}), { error: zodZh });
  throw zh.success ? err : rememberZhIssues(err, issuesOf(zh.error));
}

/** Tests set this so every response is parsed with its documented schema: drift fails loudly. Read once; unset in production. */
const checkResponses = process.env.ONEGRID_CHECK_RESPONSES === '1';

/** What the client receives is the JSON text, so check that (Dates become strings, undefined keys vanish). */
export function checkResponse(spec: { method: HTTPMethods; url: string; response?: z.ZodType }, result: unknown): void {
  if (!spec.response || result === undefined) return;
  const r = spec.response.safeParse(JSON.parse(JSON.stringify(result)));
  if (r.success) return;
  const first = r.error.issues[0];
  const where = first ? `${['response', ...first.path.map(String)].join('.')}: ${first.message}` : 'response';
  throw new DomainError('INTERNAL', `${String(spec.method)} ${spec.url} returned a body that does not match its response schema (${where})`, {
    issues: r.error.issues.slice(0, 5).map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  });
}

export function route<B = unknown, Q = unknown, P = unknown>(app: FastifyInstance, spec: RouteSpec<B, Q, P>): void {
  const schema: Record<string, unknown> = { summary: spec.summary, tags: spec.tags };
  if (spec.body) schema.body = jsonSchema(spec.body);
  if (spec.query) schema.querystring = jsonSchema(spec.query);
  if (spec.params) schema.params = jsonSchema(spec.params);
  if (spec.headers) schema.headers = jsonSchema(spec.headers);
  if (spec.response) schema.response = { [spec.successStatus ?? 200]: jsonSchema(spec.response, 'output') };
  else if (spec.produces) {
    const content = Object.fromEntries([spec.produces].flat().map((type) => [type, { schema: { type: 'string', format: 'binary' } }]));
    schema.response = { [spec.successStatus ?? 200]: { description: 'not JSON: see the content type', content } };
  }
  if (spec.permission !== 'public') schema.security = [{ bearer: [] }];
  app.route({
    method: spec.method,
    url: spec.url,
    schema,
    config: { permission: spec.permission },
    handler: async (req, reply) => {
      const principal = req.principal;
      if (spec.permission !== 'public') {
        if (!principal) throw new DomainError('UNAUTHENTICATED', 'sign in first: send Authorization: Bearer <token or API key>');
        if (!hasPermission(principal.roles, spec.permission)) {
          throw new DomainError('FORBIDDEN', `this needs the "${spec.permission}" permission, which your roles do not grant`);
        }
      }
      const input = {
        params: validate(spec.params, req.params, 'params'),
        query: validate(spec.query, req.query, 'query'),
        body: validate(spec.body, req.body, 'body'),
        principal,
        req,
        reply,
      };
      const result = await (spec.handler as (i: typeof input) => Promise<unknown>)(input);
      if (reply.sent) return reply;
      if (checkResponses && spec.response) checkResponse(spec, result);
      reply.status(spec.successStatus ?? 200);
      return result;
    },
  });
}
