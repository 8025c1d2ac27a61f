/** Parsing of wall-clock instants as they appear in manifests and exports. */

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

/** An ISO-8601 instant with an explicit zone ("Z" or "+01:00") as microseconds since 1970, or null. */
export function parseIsoInstant(text: string): number | null {
  const m = ISO_INSTANT.exec(text.trim());
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? '0'));
  if (Number.isNaN(ms)) return null;
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return null;
  const micros = frac === undefined ? 0 : Number(frac.padEnd(6, '0').slice(0, 6));
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  return (ms - offsetMinutes * 60_000) * 1000 + micros;
}

/** A calendar date "YYYY-MM-DD" as the microsecond instant of its midnight, UTC, or null. */
export function parseIsoDate(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (m === null) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(m[3]) || check.getUTCMonth() !== Number(m[2]) - 1) return null;
  return ms * 1000;
}

export function isoFromEpochUs(us: number): string {
  const ms = Math.floor(us / 1000);
  const rest = us - ms * 1000;
  const base = new Date(ms).toISOString();
  return rest === 0 ? base : base.replace('Z', `${String(rest).padStart(3, '0')}Z`);
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();
const zoneOffsets = new Map<string, number>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = zoneFormatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    zoneFormatters.set(zone, formatter);
  }
  return formatter;
}

/** Whether the runtime knows this IANA time zone name. */
export function isKnownTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** Offset of a zone from UTC at an instant, milliseconds (UTC+1 gives 3,600,000). */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  const hour = Math.floor(utcMs / 3_600_000);
  const key = `${zone}\u0000${hour}`;
  const cached = zoneOffsets.get(key);
  if (cached !== undefined) return cached;
  const parts = formatterFor(zone).formatToParts(new Date(hour * 3_600_000));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const offset = asUtc - hour * 3_600_000;
  if (zoneOffsets.size > 100_000) zoneOffsets.clear();
  zoneOffsets.set(key, offset);
  return offset;
}

/**
 * A local wall-clock time in an IANA zone as microseconds since 1970 UTC. In the hour a
 * daylight-saving change repeats, the earlier instant is taken.
 */
export function zonedToEpochUs(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  micro: number,
): number {
  const localAsUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  let utc = localAsUtc - zoneOffsetMs(zone, localAsUtc);
  const corrected = localAsUtc - zoneOffsetMs(zone, utc);
  if (corrected !== utc) utc = Math.min(utc, corrected);
  return utc * 1000 + micro;
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;

export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly micro: number;
}

/** "2015-11-02 19:49:38" or "2015-11-02 19:49:38.123", without a zone, or null. */
export function parseLocalDateTime(text: string): LocalDateTime | null {
  const m = LOCAL_DATE_TIME.exec(text);
  if (m === null) return null;
  const value = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6] ?? '0'),
    micro: m[7] === undefined ? 0 : Number(m[7].padEnd(6, '0')),
  };
  if (value.month < 1 || value.month > 12 || value.day < 1 || value.day > 31 || value.hour > 23 || value.minute > 59 || value.second > 60) return null;
  return value;
}

/** Times a spreadsheet program reformatted to minutes and seconds, losing date and hour. */
export const SPREADSHEET_DAMAGED_TIME = /^\d{1,2}:\d{2}(\.\d{1,3})?$/;

/** The local wall-clock time in an IANA zone of an instant given in microseconds since 1970 UTC. */
export function epochUsToLocal(zone: string, us: number): LocalDateTime {
  const ms = Math.floor(us / 1000);
  const local = new Date(ms + zoneOffsetMs(zone, ms));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    micro: local.getUTCMilliseconds() * 1000 + (us - ms * 1000),
  };
}
