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

/** One problem with one input of a form, as the API names it ("retention_days", "export.k_anonymity.k"). */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

/** An error a form shows: the API's code and message, and the inputs it names. */
export interface ActionError extends ErrorView {
  readonly issues: readonly InputIssue[];
}

function isIssue(value: unknown): value is InputIssue {
  return typeof value === 'object' && value !== null && typeof (value as InputIssue).path === 'string' && typeof (value as InputIssue).message === 'string';
}

/**
 * The inputs an error names: INVALID_INPUT's `details.issues`, else the one a message names as
 * `at "path": …` (the policy check says where in the merged policy it failed that way).
 */
export function inputIssues(error: unknown): InputIssue[] {
  if (!isWeftError(error)) return [];
  const listed = error.details?.['issues'];
  if (Array.isArray(listed)) return listed.filter(isIssue);
  const named = /at "([^"]+)": (.+)$/.exec(error.message);
  return named?.[1] !== undefined && named[2] !== undefined ? [{ path: named[1], message: named[2] }] : [];
}

export function describeActionError(error: unknown): ActionError {
  return { ...describeError(error), issues: inputIssues(error) };
}

/** The message for one input, if the error names it. */
export function issueFor(error: ActionError | null, path: string): string | null {
  return error?.issues.find((issue) => issue.path === path)?.message ?? null;
}
