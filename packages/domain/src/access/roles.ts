/**
 * Roles and route permissions. A route declares one permission; a user holds roles; this table
 * says which roles grant which permission. Case actions are decided separately by the lifecycle
 * table, because they also depend on the case's state and the user's relation to it.
 */
export const ROLES = [
  'intake',
  'shift_leader',
  'dispatcher',
  'handler',
  'grid_worker',
  'supervisor',
  'leader',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  'case.read': ROLES,
  'case.create': ['intake', 'shift_leader', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'admin'],
  'case.act': ['intake', 'shift_leader', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'leader'],
  'file.upload': ['intake', 'shift_leader', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'admin'],
  'org.read': ROLES,
  'org.write': ['admin'],
  'user.read': ['admin', 'shift_leader', 'leader'],
  'user.write': ['admin'],
  'taxonomy.read': ROLES,
  'taxonomy.write': ['admin'],
  'integration.manage': ['admin'],
  'notification.read': ROLES,
  'perception.read': ROLES,
  'perception.manage': ['admin'],
  'alarm.act': ['intake', 'shift_leader', 'dispatcher', 'supervisor'],
  // Granted to admin only until a least-privilege gateway role exists: give the API key of a
  // dedicated integration user (users are per unit) rather than a person's account.
  'telemetry.ingest': ['admin'],
  // Evaluation (DOMAIN.md §5): the figures are read by everyone who manages work; what each
  // caller sees is cut to their unit's subtree by the service, not here.
  'evaluation.read': ['intake', 'shift_leader', 'dispatcher', 'handler', 'supervisor', 'leader', 'admin'],
  'evaluation.manage': ['supervisor', 'admin'],
  'self': ROLES,
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function hasPermission(roles: readonly Role[], permission: Permission): boolean {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return roles.some((r) => allowed.includes(r));
}

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}
