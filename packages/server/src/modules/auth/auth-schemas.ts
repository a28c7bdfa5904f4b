/** Response schemas of the auth, user and API-key routes. */
import { ROLES } from '@onegrid/domain/access/roles';
import { z } from 'zod';
import { IsoTime } from '../../platform/schemas.ts';

export const PrincipalSchema = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  districtId: z.string(),
  roles: z.array(z.enum(ROLES)),
  unitId: z.string(),
  unitKind: z.string(),
  districtWide: z.boolean(),
  via: z.enum(['session', 'api_key']),
});

export const LoginResult = z.object({ token: z.string(), expiresAt: IsoTime, user: PrincipalSchema });

export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(ROLES)),
  unitId: z.string(),
  unitName: z.string().nullable(),
  disabled: z.boolean(),
});

/** An API key as listed: never the key itself, only its first characters. */
export const ApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  userId: z.string(),
  username: z.string(),
  createdAt: IsoTime,
  revokedAt: IsoTime.nullable(),
  lastUsedAt: IsoTime.nullable(),
});

export const NewApiKey = z.object({ id: z.string(), key: z.string().describe('shown once'), prefix: z.string() });
