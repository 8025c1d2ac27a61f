import { WeftError } from '../../../core/errors.js';
import { parseIsoInstant, zonedToEpochUs } from '../../../core/study/instants.js';
import type { TextReader } from '../textReader.js';
import type { ImportWarning } from '../types.js';

/**
 * The `#Key : value` lines iMotions 5 and 6 write before the column header, then a blank line
 * (padded with tabs by some versions). The keys iMotions writes there say nothing about the
 * respondent; any other key is listed by name only, in case it does.
 */
const KEPT = new Set(['Study', 'Date', 'Version', 'TestRunDate']);
const MAX_PREAMBLE_LINES = 200;
const LINE = /^#\s*([^:]+?)\s*:\s*(.*)$/;
/** "20151014 15:14:48.732 (-04:00)": the recording's local start and its UTC offset. */
const TEST_RUN_DATE = /^(\d{4})(\d{2})(\d{2})\s+(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?\s*(?:\(([+-]\d{2}):?(\d{2})\))?$/;

export interface RecordingStart {
  readonly epochUs: number;
  readonly text: string;
  /** How the instant was fixed: by the offset the file writes, or by the study's time zone. */
  readonly zone: string;
}

export interface IMotionsPreamble {
  readonly kept: Record<string, string>;
  /** Names, never values, of preamble fields left out. */
  readonly omitted: string[];
  readonly start: RecordingStart | undefined;
}

const stripPadding = (line: string): string => line.replace(/[\t ]+$/, '');

/** Whether a line belongs to the preamble (a `#` line or a blank one) rather than the header. */
export function isPreambleLine(line: string): boolean {
  const text = stripPadding(line);
  return text === '' || text.startsWith('#');
}

function recordingStart(path: string, value: string, line: number, column: number, timeZone: string, warn: (w: ImportWarning) => void): RecordingStart {
  const m = TEST_RUN_DATE.exec(value);
  if (m === null) {
    throw new WeftError('PARSE_ERROR', `${path}:${line}:${column}: #TestRunDate "${value}" is not a date Weft can read (yyyyMMdd HH:mm:ss.fff (+hh:mm), as iMotions writes it)`, {
      location: { file: path, line, column, field: 'TestRunDate' },
    });
  }
  const [, y, mo, d, h, mi, s, frac, offsetHours, offsetMinutes] = m;
  const local = `${y}-${mo}-${d}T${h}:${mi}:${s}${frac === undefined ? '' : `.${frac}`}`;
  const epochUs = offsetHours === undefined ? null : parseIsoInstant(`${local}${offsetHours}:${offsetMinutes}`);
  if (offsetHours !== undefined) {
    if (epochUs === null) {
      throw new WeftError('PARSE_ERROR', `${path}:${line}:${column}: #TestRunDate "${value}" is not a calendar date and time`, { location: { file: path, line, column, field: 'TestRunDate' } });
    }
    return { epochUs, text: value, zone: `the file's UTC offset (${offsetHours}:${offsetMinutes})` };
  }
  const micro = Number((frac ?? '').padEnd(6, '0'));
  warn({
    message: `#TestRunDate "${value}" has no UTC offset; it was read in the study's time zone, ${timeZone}`,
    location: { file: path, line, column, field: 'TestRunDate' },
  });
  return {
    epochUs: zonedToEpochUs(timeZone, Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), micro),
    text: value,
    zone: `the study's time zone (${timeZone}): the file gives no offset`,
  };
}

/** Reads the preamble, leaving the reader at the column header; a file without one gives an empty preamble. */
export async function readIMotionsPreamble(reader: TextReader, path: string, timeZone: string, warn: (w: ImportWarning) => void): Promise<IMotionsPreamble> {
  const kept: Record<string, string> = {};
  const omitted: string[] = [];
  let start: RecordingStart | undefined;
  for (let count = 0; ; count += 1) {
    const next = await reader.peekLine();
    if (next === null) throw new WeftError('PARSE_ERROR', `${path}: the file ends before its column header; is it a complete iMotions export?`, { location: { file: path, line: reader.line } });
    if (!isPreambleLine(next)) break;
    if (count >= MAX_PREAMBLE_LINES) {
      throw new WeftError('PARSE_ERROR', `${path}: no column header in the first ${MAX_PREAMBLE_LINES} lines`, { location: { file: path, line: reader.line } });
    }
    const line = reader.line;
    const text = stripPadding((await reader.readLine()) ?? '');
    const m = LINE.exec(text);
    if (m === null) continue;
    const key = m[1] ?? '';
    const value = (m[2] ?? '').trim();
    if (!KEPT.has(key)) {
      omitted.push(key);
      continue;
    }
    kept[key] = value;
    if (key === 'TestRunDate') start = recordingStart(path, value, line, text.length - (m[2] ?? '').length + 1, timeZone, warn);
  }
  return { kept, omitted, start };
}
