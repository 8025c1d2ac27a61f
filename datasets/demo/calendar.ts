import { epochUsToLocal, zoneOffsetMs, zonedToEpochUs, type LocalDateTime } from '../../src/core/study/instants.js';

/**
 * Wall-clock arithmetic for the study's time zone. DataShop labels it `US/Eastern`; the IANA
 * name is used for the offset so that daylight saving time is right for any date.
 */

export const DATASHOP_TIME_ZONE = 'US/Eastern';
/** The IANA name of the demo school's zone, which the demo study is created with. */
export const DEMO_TIME_ZONE = 'America/New_York';

/** Minutes to add to UTC to get Eastern wall-clock time at that instant (-240 in summer, -300 in winter). */
export function easternOffsetMinutes(utcMs: number): number {
  return zoneOffsetMs(DEMO_TIME_ZONE, utcMs) / 60_000;
}

/** UTC milliseconds of an Eastern wall-clock time. */
export function easternToUtcMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  return zonedToEpochUs(DEMO_TIME_ZONE, year, month, day, hour, minute, second, 0) / 1000;
}

export type WallClock = LocalDateTime;

export function easternWallClock(utcMs: number): WallClock {
  return epochUsToLocal(DEMO_TIME_ZONE, utcMs * 1000);
}

const p2 = (n: number): string => String(n).padStart(2, '0');
const p3 = (n: number): string => String(n).padStart(3, '0');

/** `YYYY-MM-DD` of a wall clock. */
export const isoDate = (w: WallClock): string => `${w.year}-${p2(w.month)}-${p2(w.day)}`;

/** DataShop's `Time` format, `YYYY-MM-DD HH:MM:SS`, truncated to the second. */
export const datashopTime = (w: WallClock): string => `${isoDate(w)} ${p2(w.hour)}:${p2(w.minute)}:${p2(w.second)}`;

/** Tobii Studio's preamble date on a US-English Windows machine, `M/D/YYYY`. */
export const tobiiDate = (w: WallClock): string => `${w.month}/${w.day}/${w.year}`;

/** Tobii Studio's preamble time on a US-English Windows machine, `h:mm:ss AM`. */
export function tobiiTime(w: WallClock): string {
  const h12 = w.hour % 12 === 0 ? 12 : w.hour % 12;
  return `${h12}:${p2(w.minute)}:${p2(w.second)} ${w.hour < 12 ? 'AM' : 'PM'}`;
}

/** `HH:MM:SS.mmm` of a millisecond count within a day (wraps past midnight). */
export function clockOfDay(ms: number): string {
  const dayMs = 86_400_000;
  const t = ((Math.floor(ms) % dayMs) + dayMs) % dayMs;
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  const s = Math.floor((t % 60_000) / 1000);
  return `${p2(h)}:${p2(m)}:${p2(s)}.${p3(t % 1000)}`;
}

/** ISO-8601 UTC instant; whole seconds drop the fraction. */
export function isoUtc(utcMs: number): string {
  const iso = new Date(utcMs).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
