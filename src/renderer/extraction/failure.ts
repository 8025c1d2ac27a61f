import { WeftError } from '../../core/errors.js';

export type FailureCode = 'UNSUPPORTED_FORMAT' | 'PARSE_ERROR' | 'INTERNAL';

/** An error as the page reports it to its host: the codes the host turns into advice. */
export function failureOf(error: unknown): { code: FailureCode; message: string } {
  if (error instanceof WeftError && (error.code === 'UNSUPPORTED_FORMAT' || error.code === 'PARSE_ERROR')) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
