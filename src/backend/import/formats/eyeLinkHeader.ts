import { zonedToEpochUs } from '../../../core/study/instants.js';
import type { ImportWarning } from '../types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
/** "Wed Mar  8 09:25:20 2023", as C's asctime() writes it. */
const ASCTIME = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat)\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})$/;
/** A build date inside a header line: "v6.12 Feb  1 2018", "Apr 12 2021". */
const BUILD_DATE = /(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{1,2})\s+(\d{4})/;

/**
 * Header lines ("** KEY: value") kept as provenance. Everything else is left out and only its
 * name listed: CONVERTED FROM holds the path of the EDF on the lab computer, SERIAL NUMBER and
 * CAMERA_CONFIG identify the tracker, RECORDED BY names the experiment program and the SREB line
 * carries the host software's licence id.
 */
const KEPT = new Set(['DATE', 'TYPE', 'VERSION', 'SOURCE', 'CAMERA']);

export interface AscHeader {
  readonly kept: Record<string, string>;
  readonly omitted: string[];
  /** The tracker model and firmware line ("EYELINK II CL v6.12 Feb  1 2018 (EyeLink Portable Duo)"). */
  tracker: string | undefined;
  /** When edf2asc converted the file, as its CONVERTED FROM line states. */
  convertedAt: string | undefined;
  converter: string | undefined;
  dateLine: number | undefined;
}

export function emptyHeader(): AscHeader {
  return { kept: {}, omitted: [], tracker: undefined, convertedAt: undefined, converter: undefined, dateLine: undefined };
}

/** Takes one "**" line into the header. */
export function addHeaderLine(header: AscHeader, text: string, line: number): void {
  const body = text.replace(/^\*\*\s*/, '').trimEnd();
  if (body === '') return;
  const converted = /^CONVERTED FROM\s.*?\susing\s(.*)\son\s(\w{3}\s+\w{3}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}\s+\d{4})$/.exec(body);
  if (body.startsWith('CONVERTED FROM')) {
    header.omitted.push('CONVERTED FROM (the EDF file\'s path)');
    if (converted !== null) {
      header.converter = converted[1]?.trim();
      header.convertedAt = converted[2];
    }
    return;
  }
  const colon = /^([A-Z_ ]+):\s*(.*)$/.exec(body);
  if (colon !== null) {
    const key = (colon[1] ?? '').trim();
    if (KEPT.has(key)) {
      header.kept[key] = (colon[2] ?? '').trim();
      if (key === 'DATE') header.dateLine = line;
    } else {
      header.omitted.push(key);
    }
    return;
  }
  if (/^EYELINK\b/i.test(body)) {
    header.tracker = body;
    return;
  }
  if (body.startsWith('RECORDED BY')) header.omitted.push('RECORDED BY');
  else if (body.startsWith('SREB')) header.omitted.push('SREB (host software build and licence id)');
  else header.omitted.push(body.split(/\s+/)[0] ?? body);
}

/** The UTC midnight of an asctime() date ("Fri Mar 10 18:07:57 2023"), or null. */
function asctimeDay(text: string | undefined): number | null {
  const m = text === undefined ? null : ASCTIME.exec(text.trim());
  return m === null ? null : Date.UTC(Number(m[7]), MONTHS.indexOf(m[2] ?? ''), Number(m[3]));
}

function buildDate(text: string | undefined): number | null {
  const m = text === undefined ? null : BUILD_DATE.exec(text);
  if (m === null) return null;
  return Date.UTC(Number(m[3]), MONTHS.indexOf(m[1] ?? ''), Number(m[2]));
}

export interface RecordingDate {
  /** The wall-clock instant of `** DATE`, µs since 1970 UTC. */
  readonly epochUs: number;
  readonly local: string;
}

const DAY_MS = 86_400_000;

/**
 * The wall-clock time `** DATE` gives for when the tracker opened the EDF file, read in the
 * study's time zone (the EyeLink host writes local time without a zone). EyeLink host PCs are
 * rarely on a network and their clocks are often wrong (eyelinker's documentation warns of it),
 * so a date that contradicts the file itself is not used: a weekday that does not match the
 * date, a date before the tracker software was built, or a date after edf2asc converted it.
 */
export function recordingDate(header: AscHeader, zone: string, path: string, warn: (w: ImportWarning) => void): RecordingDate | null {
  const text = header.kept['DATE'];
  if (text === undefined) return null;
  const location = { file: path, ...(header.dateLine === undefined ? {} : { line: header.dateLine }), field: 'DATE' };
  const refuse = (why: string): null => {
    warn({ message: `** DATE "${text}" ${why}, so it was not used to place the recording on the session timeline; give the file's clock_offset_s or session_start instead`, location });
    return null;
  };
  const m = ASCTIME.exec(text);
  if (m === null) return refuse('is not a date in EyeLink\'s "Wed Mar  8 09:25:20 2023" form');
  const [year, month, day] = [Number(m[7]), MONTHS.indexOf(m[2] ?? '') + 1, Number(m[3])];
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
  const utcDay = new Date(Date.UTC(year, month - 1, day));
  if (utcDay.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return refuse('is not a calendar date and time');
  if (WEEKDAYS[utcDay.getUTCDay()] !== m[1]) return refuse(`calls ${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')} a ${m[1] ?? ''}, but it was a ${WEEKDAYS[utcDay.getUTCDay()] ?? ''} (the tracker's clock was not set, or the date was altered)`);
  const built = buildDate(header.tracker);
  if (built !== null && utcDay.getTime() + DAY_MS < built) return refuse(`is before the tracker software in the file was built (${header.tracker ?? ''}): the tracker's clock was not set`);
  const converted = asctimeDay(header.convertedAt);
  if (converted !== null && utcDay.getTime() > converted + DAY_MS) return refuse(`is after edf2asc converted the file (${header.convertedAt ?? ''})`);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return {
    epochUs: zonedToEpochUs(zone, year, month, day, hour, minute, second, 0),
    local: `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}`,
  };
}
