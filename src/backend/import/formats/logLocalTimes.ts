import { SPREADSHEET_DAMAGED_TIME, zonedToEpochUs } from '../../../core/study/instants.js';
import type { DelimitedRecord } from '../textReader.js';
import type { ImportSink } from '../types.js';
import { recordError } from './tabular.js';

export type DateOrder = 'month/day/year' | 'day/month/year';

/** A wall-clock time as a log writes it, before the zone is applied. */
interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly micro: number;
  readonly hasSeconds: boolean;
}

const ISO_LOCAL = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;
/** "2/1/1996 0:02", "5/11/18, 10:15:00", "1/7/2012 12:00:28 PM": spreadsheet and LMS exports. */
const SLASH_LOCAL = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(?:\s*([AaPp])\.?[Mm]\.?)?$/;

const micros = (fraction: string | undefined): number => (fraction === undefined ? 0 : Number(fraction.padEnd(6, '0')));

/** POSIX strptime's rule for two-digit years: 69–99 are 1969–1999, 00–68 are 2000–2068. */
const fullYear = (text: string): number => (text.length === 4 ? Number(text) : Number(text) >= 69 ? 1900 + Number(text) : 2000 + Number(text));

function validParts(p: LocalParts): LocalParts | null {
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.hour > 23 || p.minute > 59 || p.second > 60) return null;
  const check = new Date(Date.UTC(p.year, p.month - 1, p.day));
  return check.getUTCMonth() === p.month - 1 && check.getUTCDate() === p.day ? p : null;
}

/**
 * The date order a file's slash dates must be read in, judged from sample values (the time columns
 * at the start of the file): a first number above 12 proves day/month, a second above 12 month/day.
 */
export function slashDateOrder(samples: Iterable<string>): { order: DateOrder; proven: boolean } | { conflict: string } | null {
  let dayFirst: string | undefined;
  let monthFirst: string | undefined;
  let seen = false;
  for (const sample of samples) {
    const m = SLASH_LOCAL.exec(sample.trim());
    if (m === null) continue;
    seen = true;
    const [a, b] = [Number(m[1]), Number(m[2])];
    if (a > 12 && b <= 12) dayFirst ??= sample.trim();
    else if (b > 12 && a <= 12) monthFirst ??= sample.trim();
  }
  if (dayFirst !== undefined && monthFirst !== undefined) return { conflict: `"${monthFirst}" reads only as month/day/year and "${dayFirst}" only as day/month/year` };
  if (dayFirst !== undefined) return { order: 'day/month/year', proven: true };
  if (monthFirst !== undefined) return { order: 'month/day/year', proven: true };
  return seen ? { order: 'month/day/year', proven: false } : null;
}

interface Tally {
  count: number;
  line: number;
  column: number;
  field: string;
}

/**
 * Reads the local wall-clock times of a log (`YYYY-MM-DD HH:MM:SS`, or the `M/D/YYYY H:MM` a
 * spreadsheet program writes when it re-saves one) as microseconds since 1970 in a given zone.
 * Slash dates are read in one order for the whole file, chosen from the sample dates (the file's
 * first rows) or, when every sample fits both readings, the format's usual order; a date that
 * contradicts it is an error. What had to be assumed or was lost (seconds, the century) is
 * reported once per file.
 */
export class LocalTimeReader {
  private readonly order: DateOrder;
  private readonly orderProven: boolean;
  private readonly orderConflict: string | undefined;
  private slashDates: Tally | undefined;
  private noSeconds: Tally | undefined;
  private twoDigitYears: Tally | undefined;
  private cachedPrefix = '';
  private cachedZone = '';
  private cachedHourUs = 0;

  constructor(
    private readonly path: string,
    samples: Iterable<string>,
    usualOrder: DateOrder,
    private readonly usualOrderReason: string,
  ) {
    const judged = slashDateOrder(samples);
    if (judged !== null && 'conflict' in judged) {
      this.order = usualOrder;
      this.orderProven = false;
      this.orderConflict = judged.conflict;
    } else {
      this.order = judged?.order === undefined || !judged.proven ? usualOrder : judged.order;
      this.orderProven = judged?.proven ?? false;
      this.orderConflict = undefined;
    }
  }

  /** Microseconds since 1970 of the time in column `index`, read in `zone`; errors name the cell. */
  read(record: DelimitedRecord, index: number, field: string, zone: string): number {
    const text = (record.field(index) ?? '').trim();
    const fast = this.sameHour(text, zone);
    if (fast !== null) return fast;
    const p = this.parts(record, index, field, text);
    const us = zonedToEpochUs(zone, p.year, p.month, p.day, p.hour, p.minute, p.second, p.micro);
    if (text.length >= 19 && text.charCodeAt(4) === 45 && p.hasSeconds) {
      const hourStart = zonedToEpochUs(zone, p.year, p.month, p.day, p.hour, 0, 0, 0);
      const hourEnd = zonedToEpochUs(zone, p.year, p.month, p.day, p.hour, 59, 59, 0);
      // An hour in which the zone's offset changes (Lord Howe moves by 30 minutes) is never cached.
      const steady = hourEnd - hourStart === 3_599_000_000 && us - hourStart === (p.minute * 60 + p.second) * 1_000_000 + p.micro;
      this.cachedZone = steady ? zone : '';
      this.cachedPrefix = text.slice(0, 14);
      this.cachedHourUs = hourStart;
    }
    return us;
  }

  /**
   * `YYYY-MM-DD HH:MM:SS[.ffffff]` in the hour of the previous time: only minutes, seconds and the
   * fraction differ, so the zone's offset is the one already worked out for that hour (zones
   * change their offset on the hour).
   */
  private sameHour(text: string, zone: string): number | null {
    const length = text.length;
    if (length < 19 || length > 26 || zone !== this.cachedZone || !text.startsWith(this.cachedPrefix)) return null;
    const m1 = text.charCodeAt(14) - 48;
    const m2 = text.charCodeAt(15) - 48;
    const s1 = text.charCodeAt(17) - 48;
    const s2 = text.charCodeAt(18) - 48;
    if (text.charCodeAt(16) !== 58 || m1 < 0 || m1 > 5 || m2 < 0 || m2 > 9 || s1 < 0 || s1 > 6 || s2 < 0 || s2 > 9) return null;
    let micro = 0;
    if (length > 19) {
      if (text.charCodeAt(19) !== 46 || length === 20) return null;
      let scale = 100_000;
      for (let i = 20; i < length; i += 1) {
        const d = text.charCodeAt(i) - 48;
        if (d < 0 || d > 9) return null;
        micro += d * scale;
        scale /= 10;
      }
    }
    return this.cachedHourUs + ((m1 * 10 + m2) * 60 + s1 * 10 + s2) * 1_000_000 + micro;
  }

  private parts(record: DelimitedRecord, index: number, field: string, text: string): LocalParts {
    const iso = ISO_LOCAL.exec(text);
    if (iso !== null) {
      const parts = validParts({
        year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]), hour: Number(iso[4]), minute: Number(iso[5]),
        second: Number(iso[6] ?? '0'), micro: micros(iso[7]), hasSeconds: iso[6] !== undefined,
      });
      if (parts === null) throw recordError(this.path, record, `${field} "${text}" is not a valid date and time`, index);
      if (!parts.hasSeconds) this.tally('noSeconds', record, index, field);
      return parts;
    }
    const slash = SLASH_LOCAL.exec(text);
    if (slash !== null) return this.slashParts(record, index, field, text, slash);
    if (SPREADSHEET_DAMAGED_TIME.test(text)) {
      throw recordError(this.path, record, `${field} "${text}" has lost its date and hour: a spreadsheet program reformatted the column as mm:ss.0 when it saved the file. Re-export the log, or format the column as yyyy-mm-dd hh:mm:ss before saving`, index);
    }
    throw recordError(this.path, record, `${field} "${text}" is not a date and time Weft can read (YYYY-MM-DD HH:MM:SS, or M/D/YYYY H:MM:SS as spreadsheet programs write it)`, index);
  }

  private slashParts(record: DelimitedRecord, index: number, field: string, text: string, m: RegExpExecArray): LocalParts {
    if (this.orderConflict !== undefined) {
      throw recordError(this.path, record, `the file mixes date orders (${this.orderConflict}); Weft cannot tell what ${field} "${text}" means`, index);
    }
    const [a, b] = [Number(m[1]), Number(m[2])];
    const [month, day] = this.order === 'month/day/year' ? [a, b] : [b, a];
    let hour = Number(m[4]);
    const meridiem = m[8]?.toLowerCase();
    if (meridiem !== undefined) {
      if (hour < 1 || hour > 12) throw recordError(this.path, record, `${field} "${text}" has hour ${hour} on a 12-hour clock`, index);
      hour = (hour % 12) + (meridiem === 'p' ? 12 : 0);
    }
    const parts = validParts({
      year: fullYear(m[3] ?? ''), month, day, hour, minute: Number(m[5]), second: Number(m[6] ?? '0'), micro: micros(m[7]), hasSeconds: m[6] !== undefined,
    });
    if (parts === null) {
      throw recordError(this.path, record, `${field} "${text}" is not a date when read ${this.order}, the order ${this.orderProven ? 'the dates at the start of the file prove' : 'assumed for this file'}: the file mixes date orders`, index);
    }
    this.tally('slashDates', record, index, field);
    if (!parts.hasSeconds) this.tally('noSeconds', record, index, field);
    if ((m[3] ?? '').length === 2) this.tally('twoDigitYears', record, index, field);
    return parts;
  }

  private tally(kind: 'slashDates' | 'noSeconds' | 'twoDigitYears', record: DelimitedRecord, index: number, field: string): void {
    const existing = this[kind];
    if (existing !== undefined) existing.count += 1;
    else this[kind] = { count: 1, line: record.fieldLines[index] ?? record.line, column: record.columns[index] ?? 1, field };
  }

  flushWarnings(sink: ImportSink): void {
    const where = (t: Tally): { file: string; line: number; column: number; field: string } => ({ file: this.path, line: t.line, column: t.column, field: t.field });
    if (this.slashDates !== undefined) {
      const t = this.slashDates;
      const how = this.orderProven ? 'as the dates in the file show' : `assumed (${this.usualOrderReason}; every date in the file also reads the other way)`;
      sink.warn({ message: `${t.field}: ${t.count} times are written with slashes, which read day/month or month/day (first at line ${t.line}); they were read ${this.order}, ${how}`, location: where(t), count: t.count });
    }
    if (this.noSeconds !== undefined) {
      const t = this.noSeconds;
      sink.warn({ message: `${t.field}: ${t.count} times have no seconds (first at line ${t.line}), so they are only accurate to the minute; a spreadsheet program most likely dropped them when it saved the file`, location: where(t), count: t.count });
    }
    if (this.twoDigitYears !== undefined) {
      const t = this.twoDigitYears;
      sink.warn({ message: `${t.field}: ${t.count} times have two-digit years (first at line ${t.line}); 69–99 were read as 1969–1999 and 00–68 as 2000–2068`, location: where(t), count: t.count });
    }
  }
}
