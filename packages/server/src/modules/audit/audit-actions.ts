/** What the audit log records: one action per kind of administrative change, and its subject kind. */
export const AUDIT_ACTIONS = {
  'user.create': 'user',
  'user.update': 'user',
  'user.disable': 'user',
  'user.enable': 'user',
  'user.password_reset': 'user',
  'api_key.create': 'api_key',
  'api_key.revoke': 'api_key',
  'unit.import': 'district',
  'unit.rename': 'unit',
  'category.create': 'category',
  'category.update': 'category',
  'responsibility_rule.create': 'responsibility_rule',
  'responsibility_rule.update': 'responsibility_rule',
  'responsibility_rule.delete': 'responsibility_rule',
  'settings.calendar': 'district',
  'settings.intake': 'district',
  'settings.supervision': 'district',
  'webhook.create': 'webhook',
  'webhook.pause': 'webhook',
  'webhook.resume': 'webhook',
  'webhook.delete': 'webhook',
  'boards.save': 'district',
  'evaluation_scheme.save': 'evaluation_scheme',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as [AuditAction, ...AuditAction[]];
export const SUBJECT_KINDS = [...new Set(Object.values(AUDIT_ACTIONS))] as [string, ...string[]];
