import { WeftError } from '../../../core/errors.js';
import type { TextReader } from '../textReader.js';
import type { PreambleValue } from './tobiiStudioClock.js';

/**
 * Which preamble fields may be kept as provenance, by section. Everything else is left out:
 * `System User Name` and `Machine Name` identify lab staff and machines, and `Participant
 * properties` (sex, glasses, handedness, …) are data about the participant, not the recording.
 * Filter settings are the fixation filter's parameters and are all kept.
 */
const KEPT = new Map<string, ReadonlySet<string> | 'all'>([
  ['system properties', new Set(['Operating System'])],
  [
    'data properties',
    new Set([
      'Recording name', 'Recording date', 'Recording time', 'Recording resolution', 'Export date', 'Export time',
      'Participant', 'Study', 'Subject', 'Recording', 'Screen resolution', 'Coordinate unit',
    ]),
  ],
  ['participant properties', new Set()],
  ['filter settings', 'all'],
]);
/** Fixation-Data exports open with "Data properties:"; the others with "System Properties:". */
const FIRST_SECTION = 'data properties';
const MAX_PREAMBLE_LINES = 500;

export interface TobiiPreamble {
  /** Fields kept for provenance, named as in the file. */
  readonly kept: Record<string, string>;
  /** Names (never values) of the fields left out. */
  readonly omitted: string[];
  readonly values: ReadonlyMap<string, PreambleValue>;
  readonly participant: string | undefined;
  readonly resolution: { readonly width: number; readonly height: number } | undefined;
  /** `Eye` of the filter settings, as the fixations' eye column spells it. */
  readonly eye: 'left' | 'right' | 'both' | undefined;
}

const TOBII_HEADER_MARKERS = ['Event', 'GazePointX', 'GazePointXLeft', 'GazePointXRight', 'ValidityLeft', 'ValidityRight', 'FixationDuration'];

/** Whether a line is the column header of a Tobii Studio 2 TSV export (All-, Event- or Fixation-Data). */
export function isTobiiHeader(line: string): boolean {
  const names = line.split('\t').map((n) => n.trim());
  return names.length >= 3 && names.includes('Timestamp') && TOBII_HEADER_MARKERS.some((m) => names.includes(m));
}

const PREAMBLE_LINE = /^([^:\t]+):[\t ]*(.*)$/;

function eyeOf(filter: string | undefined): TobiiPreamble['eye'] {
  const value = filter?.trim().toLowerCase();
  if (value === 'average' || value === 'both') return 'both';
  if (value === 'left' || value === 'right') return value;
  return undefined;
}

/**
 * Reads the metadata lines before the column header, leaving the reader at the header.
 * An export without a preamble (Tobii Studio can leave it out) gives an empty one.
 */
export async function readPreamble(reader: TextReader, path: string): Promise<TobiiPreamble> {
  const kept: Record<string, string> = {};
  const omitted: string[] = [];
  const values = new Map<string, PreambleValue>();
  let section = FIRST_SECTION;
  for (let count = 0; ; count += 1) {
    const next = await reader.peekLine();
    if (next === null) throw new WeftError('PARSE_ERROR', `${path}: the file ends before its column header (a line starting Timestamp or FixationIndex); is it a complete Tobii Studio export?`, { location: { file: path, line: reader.line } });
    if (isTobiiHeader(next)) break;
    if (count >= MAX_PREAMBLE_LINES) {
      throw new WeftError('PARSE_ERROR', `${path}: no Tobii Studio column header in the first ${MAX_PREAMBLE_LINES} lines`, { location: { file: path, line: reader.line } });
    }
    const line = reader.line;
    const text = (await reader.readLine()) ?? '';
    const m = PREAMBLE_LINE.exec(text);
    if (m === null) continue;
    const key = (m[1] ?? '').trim();
    const value = (m[2] ?? '').trim();
    if (value === '' && KEPT.has(key.toLowerCase())) {
      section = key.toLowerCase();
      continue;
    }
    const column = text.length - (m[2] ?? '').length + 1;
    const allowed = KEPT.get(section);
    if (allowed === 'all' || allowed?.has(key) === true) {
      kept[key] = value;
      values.set(key, { value, line, column });
    } else {
      omitted.push(key);
    }
  }
  const resolution = /^(\d+)\s*x\s*(\d+)$/i.exec(kept['Recording resolution'] ?? kept['Screen resolution'] ?? '');
  const participant = kept['Participant'] ?? kept['Subject'];
  return {
    kept,
    omitted,
    values,
    participant: participant === undefined || participant === '' ? undefined : participant,
    resolution: resolution === null ? undefined : { width: Number(resolution[1]), height: Number(resolution[2]) },
    eye: eyeOf(kept['Eye']),
  };
}
