import { ROLES } from '@onegrid/domain/access/roles';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { route } from '../../platform/http.ts';
import { itemsOf, Ok } from '../../platform/schemas.ts';
import type { Services } from '../../services.ts';
import { ApiKeySchema, LoginResult, NewApiKey, PrincipalSchema, UserSchema } from './auth-schemas.ts';

const Password = z.string().min(8, 'at least 8 characters').max(200);

export function authRoutes(app: FastifyInstance, s: Services): void {
  route(app, {
    method: 'POST',
    url: '/api/v1/auth/login',
    permission: 'public',
    summary: 'Sign in with username and password; returns a bearer token',
    tags: ['auth'],
    body: z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }),
    response: LoginResult,
    handler: async ({ body }) => {
      const r = await s.auth.login(body.username, body.password);
      return { token: r.token, expiresAt: new Date(r.expiresAt).toISOString(), user: r.principal };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/auth/logout',
    permission: 'self',
    summary: 'Revoke the session token used for this request',
    tags: ['auth'],
    response: Ok,
    handler: async ({ req }) => {
      const token = req.headers.authorization?.slice('Bearer '.length) ?? '';
      await s.auth.logout(token);
      return { ok: true };
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/me',
    permission: 'self',
    summary: 'The signed-in user, roles, unit and scope',
    tags: ['auth'],
    response: PrincipalSchema,
    handler: async ({ principal }) => principal,
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/me/password',
    permission: 'self',
    summary: 'Change your own password; every other session of yours is signed out',
    tags: ['auth'],
    body: z.object({ current: z.string().min(1), next: Password }),
    response: Ok,
    handler: async ({ principal, body, req }) => {
      const token = principal.via === 'session' ? req.headers.authorization?.slice('Bearer '.length) : undefined;
      await s.auth.changePassword(principal, body.current, body.next, token);
      return { ok: true };
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/users',
    permission: 'user.read',
    summary: 'Users of the district, optionally of one unit subtree',
    tags: ['users'],
    query: z.object({ unitId: z.string().optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) }),
    response: itemsOf(UserSchema),
    handler: async ({ principal, query }) => ({ items: await s.auth.listUsers(principal, query) }),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/users',
    permission: 'user.write',
    summary: 'Create a user in a unit with roles',
    tags: ['users'],
    successStatus: 201,
    body: z.object({
      username: z.string().regex(/^[A-Za-z0-9_.@-]{2,64}$/, '2–64 ASCII letters, digits or _ . @ -'),
      password: Password,
      displayName: z.string().min(1).max(100),
      roles: z.array(z.enum(ROLES)).min(1),
      unitId: z.string().min(1),
      phone: z.string().max(30).optional(),
    }),
    response: UserSchema,
    handler: async ({ principal, body }) => {
      const [row] = await s.auth.createUsers(principal.districtId, [{ ...body, phone: body.phone ?? null }], { by: principal });
      if (!row) throw new Error('user not created');
      return s.auth.view(row, null);
    },
  });
  route(app, {
    method: 'PATCH',
    url: '/api/v1/users/:id',
    permission: 'user.write',
    summary: "Change a user's display name, roles, unit or phone; omitted fields keep their value",
    tags: ['users'],
    params: z.object({ id: z.string() }),
    body: z.object({
      displayName: z.string().trim().min(1).max(100).optional(),
      roles: z.array(z.enum(ROLES)).min(1).optional(),
      unitId: z.string().min(1).optional(),
      phone: z.string().max(30).nullable().optional(),
    }),
    response: UserSchema,
    handler: async ({ principal, params, body }) => s.auth.updateUser(principal, params.id, body),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/users/:id/password',
    permission: 'user.write',
    summary: "Set a user's password (admin reset); the user is signed out everywhere",
    tags: ['users'],
    params: z.object({ id: z.string() }),
    body: z.object({ password: Password }),
    response: Ok,
    handler: async ({ principal, params, body }) => {
      await s.auth.resetPassword(principal, params.id, body.password);
      return { ok: true };
    },
  });
  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    route(app, {
      method: 'POST',
      url: `/api/v1/users/:id/${verb}`,
      permission: 'user.write',
      summary: disabled ? 'Disable a user and revoke their sessions' : 'Enable a user',
      tags: ['users'],
      params: z.object({ id: z.string() }),
      response: Ok,
      handler: async ({ principal, params }) => {
        await s.auth.setDisabled(principal, params.id, disabled);
        return { ok: true };
      },
    });
  }
  route(app, {
    method: 'GET',
    url: '/api/v1/api-keys',
    permission: 'integration.manage',
    summary: 'API keys of the district (never the key itself)',
    tags: ['integration'],
    response: itemsOf(ApiKeySchema),
    handler: async ({ principal }) => ({ items: await s.auth.listApiKeys(principal) }),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/api-keys',
    permission: 'integration.manage',
    summary: 'Create an API key acting as a user; the key is shown once',
    tags: ['integration'],
    successStatus: 201,
    body: z.object({ name: z.string().min(1).max(100), userId: z.string().min(1) }),
    response: NewApiKey,
    handler: async ({ principal, body }) => s.auth.createApiKey(principal, body),
  });
  route(app, {
    method: 'DELETE',
    url: '/api/v1/api-keys/:id',
    permission: 'integration.manage',
    summary: 'Revoke an API key',
    tags: ['integration'],
    params: z.object({ id: z.string() }),
    response: Ok,
    handler: async ({ principal, params }) => {
      await s.auth.revokeApiKey(principal, params.id);
      return { ok: true };
    },
  });
}
