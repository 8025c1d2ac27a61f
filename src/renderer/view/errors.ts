import { isWeftError, type ErrorCode } from '../../core/errors.js';

export interface ErrorView {
  readonly code: ErrorCode | 'NETWORK';
  readonly message: string;
  /** What the reader can do about it, when Weft knows. */
  readonly hint: string | null;
}

const HINTS: Partial<Record<ErrorView['code'], string>> = {
  UNAUTHORIZED: 'Each launch of "weft serve" has its own token: open the full address it printed for the launch that is running now.',
  NO_STUDY_OPEN: 'Open a study first.',
  STUDY_LOCKED: 'Another Weft process holds this study; close it and reload.',
  SCHEMA_TOO_NEW: 'This study was written by a newer Weft; update Weft to open it.',
  NETWORK: 'The Weft server did not answer. Check that "weft serve" is still running, then retry.',
};

/** Any error the API client throws, as the error banner shows it. */
export function describeError(error: unknown): ErrorView {
  if (isWeftError(error)) return { code: error.code, message: error.message, hint: HINTS[error.code] ?? null };
  if (error instanceof TypeError) {
    return { code: 'NETWORK', message: error.message, hint: HINTS.NETWORK ?? null };
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error), hint: null };
}
