import type { ErrorCode } from '../core/errors.js';

/** Exit codes scripts can rely on; documented in the README. */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  notFound: 3,
  locked: 4,
  tooNew: 5,
  badInput: 6,
  refused: 7,
  sqlError: 8,
  conflict: 9,
  cancelled: 130,
} as const;

const BY_CODE: Record<ErrorCode, number> = {
  INVALID_INPUT: EXIT.usage,
  UNKNOWN_METHOD: EXIT.internal,
  UNAUTHORIZED: EXIT.refused,
  NOT_A_STUDY: EXIT.notFound,
  STUDY_EXISTS: EXIT.conflict,
  SCHEMA_TOO_NEW: EXIT.tooNew,
  STUDY_LOCKED: EXIT.locked,
  STUDY_READ_ONLY: EXIT.refused,
  NO_STUDY_OPEN: EXIT.notFound,
  NOT_FOUND: EXIT.notFound,
  SQL_NOT_READ_ONLY: EXIT.refused,
  SQL_NOT_ALLOWED: EXIT.refused,
  SQL_SYNTAX: EXIT.sqlError,
  SQL_ERROR: EXIT.sqlError,
  PARSE_ERROR: EXIT.badInput,
  UNSUPPORTED_FORMAT: EXIT.badInput,
  CONSENT_MISSING: EXIT.refused,
  POLICY_REFUSED: EXIT.refused,
  CONFLICT: EXIT.conflict,
  CANCELLED: EXIT.cancelled,
  INTERNAL: EXIT.internal,
};

export function exitCodeFor(code: ErrorCode): number {
  return BY_CODE[code];
}
