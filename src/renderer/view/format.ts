/** Text for numbers, durations and instants as the overview shows them. */

const EM_DASH = '—';

export function formatCount(value: number, locale?: string): string {
  return new Intl.NumberFormat(locale).format(value);
}

/** "1 session", "3 sessions". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`, locale?: string): string {
  return `${formatCount(count, locale)} ${count === 1 ? singular : pluralForm}`;
}

const pad2 = (value: number): string => String(value).padStart(2, '0');

/** A length of time in microseconds for reading: "42 s", "8 min 01 s", "1 h 02 min". */
export function formatDuration(us: number | null): string {
  if (us === null || !Number.isFinite(us) || us < 0) return EM_DASH;
  const totalSeconds = Math.round(us / 1e6);
  if (totalSeconds < 60) return us > 0 && totalSeconds === 0 ? '< 1 s' : `${totalSeconds} s`;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours === 0) return `${minutes} min ${pad2(seconds)} s`;
  return `${hours} h ${pad2(minutes)} min`;
}

/** A point on the session clock as a stopwatch shows it: "0:42", "8:01", "1:02:05". */
export function formatSessionClock(us: number): string {
  const sign = us < 0 ? '−' : '';
  const totalSeconds = Math.round(Math.abs(us) / 1e6);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${sign}${hours}:${pad2(minutes)}:${pad2(seconds)}` : `${sign}${minutes}:${pad2(seconds)}`;
}

/** "0:00–8:01" on the session clock, or a dash when the span is unknown. */
export function formatSessionSpan(startUs: number | null, endUs: number | null): string {
  if (startUs === null || endUs === null) return EM_DASH;
  return `${formatSessionClock(startUs)}–${formatSessionClock(endUs)}`;
}

/**
 * An ISO-8601 instant as "2025-03-04 08:00 UTC". Instants are stored in UTC and a lab's data may
 * come from several time zones, so the overview names the zone rather than converting silently.
 */
export function formatInstant(iso: string | null): string {
  if (iso === null) return EM_DASH;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The calendar date of an ISO-8601 instant, in UTC: "2025-02-20". */
export function formatDate(iso: string | null): string {
  if (iso === null) return EM_DASH;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 10);
}

export function formatPercent(share: number, locale?: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}
