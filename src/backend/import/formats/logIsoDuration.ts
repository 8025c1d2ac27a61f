/**
 * ISO 8601 durations (ISO 8601:2004 4.4.3.2, the format xAPI and Caliper require):
 * `P[nY][nM][nD][T[nH][nM][nS]]` or `PnW`, the last component may have a decimal fraction.
 */
const DURATION = /^P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;
const WEEKS = /^P(\d+(?:[.,]\d+)?)W$/;

export type IsoDuration =
  | { readonly kind: 'exact'; readonly us: number }
  /** Years or months: their length depends on the calendar, so there is no number of microseconds. */
  | { readonly kind: 'calendar' }
  | { readonly kind: 'invalid' };

const num = (text: string | undefined): number => (text === undefined ? 0 : Number(text.replace(',', '.')));

/** Days count as 24 hours, as xAPI and Caliper use durations for elapsed time. */
export function parseIsoDuration(text: string): IsoDuration {
  const weeks = WEEKS.exec(text);
  if (weeks !== null) return { kind: 'exact', us: Math.round(num(weeks[1]) * 7 * 86_400e6) };
  const m = DURATION.exec(text);
  if (m === null || text === 'P' || text.endsWith('T')) return { kind: 'invalid' };
  const components = m.slice(1);
  const fractions = components.flatMap((c, i) => (c !== undefined && /[.,]/.test(c) ? [i] : []));
  if (fractions.length > 1 || (fractions.length === 1 && fractions[0] !== components.findLastIndex((c) => c !== undefined))) return { kind: 'invalid' };
  if (m[1] !== undefined || m[2] !== undefined) return { kind: 'calendar' };
  const seconds = num(m[3]) * 86_400 + num(m[4]) * 3_600 + num(m[5]) * 60 + num(m[6]);
  return { kind: 'exact', us: Math.round(seconds * 1e6) };
}
