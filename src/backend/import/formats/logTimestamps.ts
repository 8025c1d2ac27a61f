import { parseIsoInstant, parseLocalDateTime, zonedToEpochUs } from '../../../core/study/instants.js';

/** ISO 8601 extended date-time, as xAPI, Caliper and most JSON logs write it; the zone may be missing. */
export const ISO_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export type Instant = { readonly us: number; readonly zoned: boolean } | null;

/**
 * An ISO 8601 timestamp as microseconds since 1970: with its own zone when it has one, else read
 * in `fallbackZone` (`zoned` says which, so the caller can report it). Null when it is not one.
 */
export function isoTimestampUs(text: string, fallbackZone: string): Instant {
  const m = ISO_TIMESTAMP.exec(text.trim());
  if (m === null) return null;
  const [, date, time, zone] = m;
  const clock = (time ?? '').replace(',', '.').replace(/(\.\d{6})\d+$/, '$1');
  if (zone !== undefined) {
    const offset = zone === 'Z' || zone === 'z' ? 'Z' : zone.length === 3 ? `${zone}:00` : zone;
    const us = parseIsoInstant(`${date ?? ''}T${clock}${offset}`);
    return us === null ? null : { us, zoned: true };
  }
  const local = parseLocalDateTime(`${date ?? ''}T${clock}`);
  if (local === null) return null;
  return { us: zonedToEpochUs(fallbackZone, local.year, local.month, local.day, local.hour, local.minute, local.second, local.micro), zoned: false };
}
