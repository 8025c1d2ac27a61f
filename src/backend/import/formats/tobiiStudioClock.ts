import { WeftError, type SourceLocation } from '../../../core/errors.js';
import { zonedToEpochUs } from '../../../core/study/instants.js';
import type { ImportWarning } from '../types.js';

/** A preamble value and where it is, so errors about it can point at it. */
export interface PreambleValue {
  readonly value: string;
  readonly line: number;
  readonly column: number;
}

type DateOrder = 'day/month/year' | 'month/day/year' | 'year-month-day';

interface DateParts {
  readonly first: number;
  readonly second: number;
  readonly third: number;
  readonly yearFirst: boolean;
}

export interface RecordingStart {
  readonly epochUs: number;
  /** Local wall-clock start as the file states it, ISO without a zone. */
  readonly local: string;
  readonly dateOrder: DateOrder;
  readonly dateOrderEvidence: string;
}

const DATE = /^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})$/;
/**
 * Event and All-Data exports write "5:05:34 PM" (the Windows locale's 12-hour clock);
 * Fixation-Data writes "17:05:34:000 (corresponds to time 0)".
 */
const TIME = /^(\d{1,2}):(\d{2}):(\d{2})(?:[:.,](\d{1,3}))?\s*(?:([AaPp])\.?\s*[Mm]\.?)?\s*(?:\(.*\))?$/;

function dateParts(text: string): DateParts | null {
  const m = DATE.exec(text.trim());
  if (m === null) return null;
  const [a, b, c] = [m[1] ?? '', m[2] ?? '', m[3] ?? ''];
  if (a.length === 4) return { first: Number(a), second: Number(b), third: Number(c), yearFirst: true };
  if (c.length !== 4 && c.length !== 2) return null;
  return { first: Number(a), second: Number(b), third: c.length === 2 ? 2000 + Number(c) : Number(c), yearFirst: false };
}

/** Which order a date's numbers must be in; 'either' when both day/month readings are possible. */
function orderOf(parts: DateParts): DateOrder | 'either' | null {
  if (parts.yearFirst) return 'year-month-day';
  const { first, second } = parts;
  if (first > 12 && second <= 12) return 'day/month/year';
  if (second > 12 && first <= 12) return 'month/day/year';
  if (first <= 12 && second <= 12) return 'either';
  return null;
}

function calendarDate(parts: DateParts, order: DateOrder): { year: number; month: number; day: number } | null {
  const [year, month, day] =
    order === 'year-month-day' ? [parts.first, parts.second, parts.third]
    : order === 'day/month/year' ? [parts.third, parts.second, parts.first]
    : [parts.third, parts.first, parts.second];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || day < 1 || check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return { year, month, day };
}

function preambleError(path: string, field: string, at: PreambleValue, message: string): WeftError {
  const location: SourceLocation = { file: path, line: at.line, column: at.column, field };
  return new WeftError('PARSE_ERROR', `${path}:${at.line}:${at.column}: ${message}`, { location });
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * The wall-clock instant of the recording's time 0, from `Recording date` and `Recording time`
 * read in the study's time zone (the export writes local time without a zone). Tobii Studio
 * writes dates in the Windows locale of the recording PC, so day/month and month/day both
 * occur; a date whose numbers fit either reading borrows the order from `Export date`, and
 * failing that is read day/month/year with a warning.
 */
export function recordingStart(
  path: string,
  zone: string,
  date: PreambleValue,
  time: PreambleValue,
  exportDate: PreambleValue | undefined,
  warn: (warning: ImportWarning) => void,
): RecordingStart {
  const parts = dateParts(date.value);
  const order = parts === null ? null : orderOf(parts);
  if (parts === null || order === null) {
    throw preambleError(path, 'Recording date', date, `Recording date "${date.value}" is not a date Weft can read (day/month/year, month/day/year or year-month-day, as Tobii Studio writes it)`);
  }
  let resolved: DateOrder;
  let evidence: string;
  if (order !== 'either') {
    resolved = order;
    evidence = 'Recording date';
  } else {
    const exportParts = exportDate === undefined ? null : dateParts(exportDate.value);
    const exportOrder = exportParts === null ? null : orderOf(exportParts);
    if (exportOrder !== null && exportOrder !== 'either') {
      resolved = exportOrder;
      evidence = 'Export date';
    } else {
      resolved = 'day/month/year';
      evidence = 'assumed';
      warn({
        message: `Recording date "${date.value}" reads as a date either day/month/year or month/day/year, and nothing else in the file tells which; it was read day/month/year. If the recording PC wrote month/day/year, give this file's session_start or clock_offset_s in a manifest`,
        location: { file: path, line: date.line, column: date.column, field: 'Recording date' },
      });
    }
  }
  const day = calendarDate(parts, resolved);
  if (day === null) {
    throw preambleError(path, 'Recording date', date, `Recording date "${date.value}" is not a calendar date when read ${resolved}`);
  }
  const m = TIME.exec(time.value.trim());
  if (m === null) {
    throw preambleError(path, 'Recording time', time, `Recording time "${time.value}" is not a time Weft can read (h:mm:ss AM/PM or hh:mm:ss:mmm)`);
  }
  let hour = Number(m[1]);
  const [minute, second, ms] = [Number(m[2]), Number(m[3]), Number((m[4] ?? '0').padEnd(3, '0'))];
  const meridiem = m[5]?.toUpperCase();
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) throw preambleError(path, 'Recording time', time, `Recording time "${time.value}" has hour ${hour} on a 12-hour clock`);
    hour = (hour % 12) + (meridiem === 'P' ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second > 59) {
    throw preambleError(path, 'Recording time', time, `Recording time "${time.value}" is not a time of day`);
  }
  return {
    epochUs: zonedToEpochUs(zone, day.year, day.month, day.day, hour, minute, second, ms * 1000),
    local: `${pad(day.year, 4)}-${pad(day.month)}-${pad(day.day)}T${pad(hour)}:${pad(minute)}:${pad(second)}.${pad(ms, 3)}`,
    dateOrder: resolved,
    dateOrderEvidence: evidence,
  };
}
