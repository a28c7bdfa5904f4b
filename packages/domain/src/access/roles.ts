/**
 * Roles and route permissions. A route declares one permission; a user holds roles; this table
 * says which roles grant which permission. Case actions are decided separately by the lifecycle
 * table, because they also depend on the case's state and the user's relation to it.
 */
/** Roles of people; 'gateway' (a sensor platform's integration user) is not one of them. */
const PEOPLE = ['intake', 'shift_leader', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'leader', 'admin'] as const;
export const ROLES = [...PEOPLE, 'gateway'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  'case.read': PEOPLE,
  'case.create': ['intake', 'shift_leader', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'admin'],
  'case.act': ['intake', 'shift_leader', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'leader'],
  'file.upload': ['intake', 'shift_leader', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'admin'],
  'org.read': PEOPLE,
  'org.write': ['admin'],
  'user.read': ['admin', 'shift_leader', 'leader'],
  'user.write': ['admin'],
  'taxonomy.read': PEOPLE,
  'taxonomy.write': ['admin'],
  'integration.manage': ['admin'],
  'notification.read': PEOPLE,
  'perception.read': ROLES,
  'perception.manage': ['admin'],
  'alarm.act': ['intake', 'shift_leader', 'dispatcher', 'supervisor'],
  // A sensor platform gets the API key of a user holding only 'gateway' (ingest and read status).
  'telemetry.ingest': ['gateway', 'admin'],
  // Evaluation (DOMAIN.md §5): the figures are read by everyone who manages work; what each
  // caller sees is cut to their unit's subtree by the service, not here.
  'evaluation.read': ['intake', 'shift_leader', 'dispatcher', 'handler', 'supervisor', 'leader', 'admin'],
  'evaluation.manage': ['supervisor', 'admin'],
  'supervision.read': ['intake', 'shift_leader', 'dispatcher', 'handler', 'supervisor', 'leader', 'admin'],
  'supervision.issue': ['shift_leader', 'supervisor', 'leader'],
  'supervision.respond': ['handler', 'dispatcher', 'leader', 'supervisor'],
  'target.read': ['intake', 'shift_leader', 'dispatcher', 'handler', 'supervisor', 'leader', 'admin'],
  'target.manage': ['supervisor', 'leader', 'admin'],
  'target.report': ['handler', 'supervisor', 'leader'],
  // Reviews (复盘) of closed cases and settled alarms; each is seen only with its subject.
  'review.read': ['intake', 'shift_leader', 'dispatcher', 'handler', 'supervisor', 'leader', 'admin'],
  'review.write': ['shift_leader', 'dispatcher', 'handler', 'supervisor', 'leader'],
  // The audit log (操作日志) of administrative changes: admins, and those who oversee them.
  'audit.read': ['admin', 'leader', 'supervisor'],
  'self': PEOPLE,
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function hasPermission(roles: readonly Role[], permission: Permission): boolean {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return roles.some((r) => allowed.includes(r));
}

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}
