import * as z from 'zod';

/**
 * Stable error codes. They cross every transport as data and scripts match on them,
 * so a code is never renamed or reused for a different meaning.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNKNOWN_METHOD',
  'UNAUTHORIZED',
  'NOT_A_STUDY',
  'STUDY_EXISTS',
  'SCHEMA_TOO_NEW',
  'STUDY_LOCKED',
  'STUDY_READ_ONLY',
  'NO_STUDY_OPEN',
  'NOT_FOUND',
  'SQL_NOT_READ_ONLY',
  'SQL_NOT_ALLOWED',
  'SQL_SYNTAX',
  'SQL_ERROR',
  'PARSE_ERROR',
  'UNSUPPORTED_FORMAT',
  'CONSENT_MISSING',
  'POLICY_REFUSED',
  'CONFLICT',
  'CANCELLED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Where in an input file something went wrong; lines and columns count from 1. */
export const sourceLocationSchema = z.object({
  file: z.string(),
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
  field: z.string().optional(),
});
export type SourceLocation = z.infer<typeof sourceLocationSchema>;

export const errorDataSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
  location: sourceLocationSchema.optional(),
});
export type ErrorData = z.infer<typeof errorDataSchema>;

export class WeftError extends Error {
  override readonly name = 'WeftError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly location: SourceLocation | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    extra: { details?: Record<string, unknown>; location?: SourceLocation; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = code;
    this.details = extra.details;
    this.location = extra.location;
  }

  toData(): ErrorData {
    const data: ErrorData = { code: this.code, message: this.message };
    if (this.details !== undefined) data.details = this.details;
    if (this.location !== undefined) data.location = this.location;
    return data;
  }

  static fromData(data: ErrorData): WeftError {
    const extra: { details?: Record<string, unknown>; location?: SourceLocation } = {};
    if (data.details !== undefined) extra.details = data.details;
    if (data.location !== undefined) extra.location = data.location;
    return new WeftError(data.code, data.message, extra);
  }
}

export function isWeftError(value: unknown): value is WeftError {
  return value instanceof WeftError;
}

/** "file.csv:12:3" style prefix for messages, as compilers and linters print it. */
export function formatLocation(location: SourceLocation): string {
  let text = location.file;
  if (location.line !== undefined) {
    text += `:${location.line}`;
    if (location.column !== undefined) text += `:${location.column}`;
  }
  if (location.field !== undefined) text += ` (${location.field})`;
  return text;
}

export function toErrorData(error: unknown): ErrorData {
  if (isWeftError(error)) return error.toData();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}
