/**
 * Every refusal in OneGrid is a DomainError with a stable code. The HTTP layer maps codes to
 * status codes in one place (server/src/platform/errors.ts); messages say what to fix.
 */
export const ERROR_STATUS = {
  /** The request body, query or parameters do not match the schema. */
  VALIDATION_FAILED: 400,
  /** The body is not parseable JSON. */
  INVALID_JSON: 400,
  /** A referenced category (kind, code) does not exist or is inactive. */
  UNKNOWN_CATEGORY: 400,
  /** A referenced unit does not exist in the caller's district. */
  UNKNOWN_UNIT: 400,
  /** A GeoJSON import contains at least one bad feature; nothing was imported. */
  IMPORT_INVALID: 400,
  /** An uploaded file is of a type we do not accept. */
  UNSUPPORTED_MEDIA: 415,
  /** Body or upload exceeds the configured limit. */
  PAYLOAD_TOO_LARGE: 413,
  /** No credentials, or credentials that are unknown, expired or revoked. */
  UNAUTHENTICATED: 401,
  /** The caller is authenticated but its roles do not include the route's permission. */
  FORBIDDEN: 403,
  /** The caller may see the case but its roles or relation to the case do not allow this action. */
  CASE_ACTION_FORBIDDEN: 403,
  /** Not found, or outside the caller's scope (we do not reveal which). */
  NOT_FOUND: 404,
  /** The action is not possible in the case's current state. */
  CASE_INVALID_ACTION: 409,
  /** The case changed since the caller read it (version mismatch): reload and retry. */
  CASE_CONFLICT: 409,
  /** The alarm was cleared before it was acknowledged: there is nothing left to act on. */
  ALARM_NOT_OPEN: 409,
  /** The supervision order is past the step asked for (already responded or closed): reload it. */
  ORDER_NOT_OPEN: 409,
  /** The supervision order has no response yet, so it cannot be closed: wait for the response. */
  ORDER_NOT_RESPONDED: 409,
  /** The supervision order changed since the caller read it (version mismatch): reload and retry. */
  ORDER_CONFLICT: 409,
  /** The caller may see the supervision order but not act on it: only the responsible unit responds, only the issuing side closes. */
  ORDER_ACTION_FORBIDDEN: 403,
  /** A unique value (username, unit code, webhook URL…) is already taken. */
  ALREADY_EXISTS: 409,
  /** A progress period that is not one of the target's (cadence, year, deadline) or has not begun. */
  TARGET_PERIOD_INVALID: 400,
  /** The caller sees the target but its unit is neither the lead unit nor a co-unit of it. */
  TARGET_REPORT_FORBIDDEN: 403,
  /** The target changed since the caller read it (version mismatch): reload and retry. */
  TARGET_CONFLICT: 409,
  /** A review (复盘) needs a closed case, or an alarm that is acknowledged or cleared. */
  REVIEW_SUBJECT_OPEN: 409,
  /** The review changed since the caller read it (version mismatch): reload and retry. */
  REVIEW_CONFLICT: 409,
  /** Another evaluation scheme version was saved at the same moment: reload and save again. */
  SCHEME_CONFLICT: 409,
  /** An admin's change would take their own admin role away: another admin must do it. */
  SELF_LOCKOUT: 409,
  /** Too many requests or login attempts. */
  RATE_LIMITED: 429,
  /** Something unexpected: details are in the server log, never in the response. */
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
