import { zonedToEpochUs } from '../../../core/study/instants.js';
import type { ProLabColumn } from './tobiiProLabColumns.js';

/** Microseconds per unit of "Recording timestamp", when its header states the unit. */
export function statedScale(column: ProLabColumn): number | null {
  const unit = column.unit.replace('\u00b5', '\u03bc');
  if (unit === 'μs' || unit === 'us') return 1;
  if (unit === 'ms') return 1000;
  return null;
}

/**
 * The unit of an unlabelled "Recording timestamp", from the spacing of eye-tracker samples:
 * screen-based Tobii trackers sample at 30 to 1200 Hz, so consecutive samples are 0.8 to 34 ms
 * apart, which in microseconds is 800 to 34,000: the two ranges cannot be confused.
 */
export function inferredScale(sampleSteps: readonly number[]): { scale: number; medianStep: number } | null {
  const steps = sampleSteps.filter((s) => s > 0).sort((a, b) => a - b);
  const median = steps[Math.floor(steps.length / 2)];
  if (median === undefined) return null;
  if (median >= 0.5 && median <= 50) return { scale: 1000, medianStep: median };
  if (median >= 500 && median <= 50_000) return { scale: 1, medianStep: median };
  return null;
}

const DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const TIME = /^(\d{1,2}):(\d{2}):(\d{2})(?:[.:,](\d{1,6}))?$/;

/**
 * A recording start from Pro Lab's date and start time columns ("2021-03-04", "14:05:31.123"),
 * read in `zone` (UTC for the "… UTC" columns); null when either does not read as one.
 */
export function startInstant(date: string, time: string, zone: string): { epochUs: number; local: string } | null {
  const d = DATE.exec(date.trim());
  const t = TIME.exec(time.trim());
  if (d === null || t === null) return null;
  const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const [hour, minute, second] = [Number(t[1]), Number(t[2]), Number(t[3])];
  const fraction = t[4] ?? '';
  const micro = Number(fraction.padEnd(6, '0'));
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return {
    epochUs: zonedToEpochUs(zone, year, month, day, hour, minute, second, micro),
    local: `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${fraction === '' ? '' : `.${fraction}`}`,
  };
}
