import type { MethodInput } from '../../core/api/contract.js';
import { WeftError } from '../../core/errors.js';

/** The import form as typed: every field text, empty when not given. */
export interface ImportDraft {
  /** One path per line. */
  readonly files: string;
  readonly participant: string;
  readonly session: string;
  readonly manifest: string;
  readonly format: string;
  /** Seconds, as typed. */
  readonly clockOffset: string;
}

/** The paths the files box holds: one a line, trimmed, blank lines skipped. */
export function chosenPaths(files: string): string[] {
  return files
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The session.import call the form asks for; an INVALID_INPUT error naming the field when it cannot be made. */
export function importInput(draft: ImportDraft): MethodInput<'session.import'> {
  const files = chosenPaths(draft.files);
  const manifest = draft.manifest.trim();
  if (files.length === 0 && manifest === '') {
    throw new WeftError('INVALID_INPUT', 'Give at least one file to import, or a manifest', { details: { issues: [{ path: 'files', message: 'No file given' }] } });
  }
  const offsetText = draft.clockOffset.trim();
  const offset = offsetText === '' ? undefined : Number(offsetText.replace(',', '.'));
  if (offset !== undefined && !Number.isFinite(offset)) {
    throw new WeftError('INVALID_INPUT', `Clock offset "${offsetText}" is not a number of seconds`, { details: { issues: [{ path: 'clock_offset_s', message: 'Not a number of seconds' }] } });
  }
  const optional = (key: string, value: string): Record<string, string> => (value.trim() === '' ? {} : { [key]: value.trim() });
  return {
    files,
    ...optional('manifest', manifest),
    ...optional('format', draft.format),
    ...optional('participant_id', draft.participant),
    ...optional('session_id', draft.session),
    ...(offset === undefined ? {} : { clock_offset_s: offset }),
  };
}
