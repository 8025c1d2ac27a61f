import { WeftError } from '../errors.js';
import type { ClockModel } from '../time.js';

/** The same moment seen on the target device's clock and on the reference (session) clock. */
export interface SyncPair {
  readonly key: string;
  /** Target device time, microseconds. */
  readonly deviceUs: number;
  /** Reference time, session microseconds. */
  readonly referenceUs: number;
}

/**
 * `none`: offset only. `fit`: offset and drift (two or more pairs; with exactly two the line
 * goes through both). `auto`: drift only when the markers determine it: three or more pairs
 * whose fitted drift is at least three standard errors from zero. Otherwise a noisy drift
 * estimate would move times further than ignoring a real drift of tens of ppm does (two
 * markers a second apart in coarse logs give thousands of ppm).
 */
export type DriftMode = 'auto' | 'fit' | 'none';

export interface PairResidual extends SyncPair {
  /** Reference time minus the fitted model's time for the marker, microseconds. */
  readonly residualUs: number;
  /** Far from the others by a robust measure (more than 4 × 1.4826 × MAD from the median, and over 1 ms). */
  readonly outlier: boolean;
}

export interface ClockFit {
  /** session = (device - deviceOriginUs) * (1 + driftPpm / 1e6) + offsetUs */
  readonly model: ClockModel;
  readonly driftFitted: boolean;
  /** Why drift was or was not fitted. */
  readonly driftNote: string;
  readonly residuals: readonly PairResidual[];
  readonly rmsUs: number;
  /** Standard error of the offset at the origin, microseconds; null without degrees of freedom left. */
  readonly offsetStdErrUs: number | null;
  /** Standard error of the drift, ppm; null when drift was not fitted or no degrees of freedom are left. */
  readonly driftStdErrPpm: number | null;
}

const OUTLIER_FLOOR_US = 1000;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function invalid(message: string): WeftError {
  return new WeftError('INVALID_INPUT', message);
}

interface LineFit {
  readonly offset: number;
  /** Drift as a fraction (ppm / 1e6). */
  readonly rate: number;
  readonly residuals: number[];
  readonly sxx: number;
  readonly meanX: number;
}

/**
 * Least squares of z = reference - x on x, where x = device - origin: the slope of z is the
 * drift itself (a few 1e-5), so the fit never subtracts numbers of the size of the times.
 */
function fitLine(x: readonly number[], z: readonly number[], withDrift: boolean): LineFit {
  const n = x.length;
  const meanX = x.reduce((s, v) => s + v, 0) / n;
  const meanZ = z.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxz = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = (x[i] as number) - meanX;
    sxx += dx * dx;
    sxz += dx * ((z[i] as number) - meanZ);
  }
  const rate = withDrift ? sxz / sxx : 0;
  const offset = meanZ - rate * meanX;
  const residuals = x.map((xi, i) => (z[i] as number) - offset - rate * xi);
  return { offset, rate, residuals, sxx, meanX };
}

/**
 * Fits the clock model that takes target device time to reference session time from sync
 * markers: one marker gives an offset; two or more also give drift. The origin is the markers'
 * mean device time (rounded to a microsecond), where offset and drift are uncorrelated.
 * Ordinary least squares treats the device times as exact and puts all noise in the reference
 * times, which suits a precise device clock (an eye tracker's, in ms) against coarse reference
 * times (tutor logs, in seconds).
 */
export function fitClock(pairs: readonly SyncPair[], mode: DriftMode = 'auto'): ClockFit {
  const n = pairs.length;
  if (n === 0) throw invalid('No sync markers to fit a clock to: no marker key appears in both streams');
  for (const p of pairs) {
    if (!Number.isFinite(p.deviceUs) || !Number.isFinite(p.referenceUs)) {
      throw invalid(`Sync marker "${p.key}" has a time that is not a finite number (device ${p.deviceUs}, reference ${p.referenceUs})`);
    }
  }
  const first = (pairs[0] as SyncPair).deviceUs;
  const origin = Math.round(first + pairs.reduce((s, p) => s + (p.deviceUs - first), 0) / n);
  const x = pairs.map((p) => p.deviceUs - origin);
  const z = pairs.map((p, i) => p.referenceUs - (x[i] as number));
  const spread = Math.max(...x) - Math.min(...x);
  const wantsDrift = mode === 'fit' || (mode === 'auto' && n >= 3);
  if (wantsDrift && n < 2) throw invalid('Fitting drift needs at least two sync markers; one marker gives the offset only');
  if (wantsDrift && spread === 0) {
    throw invalid(`All ${n} sync markers are at the same device time (${origin} µs): they fix an offset but say nothing about drift. Use markers spread over the recording, or fit the offset only`);
  }

  let fit = fitLine(x, z, wantsDrift);
  let driftFitted = wantsDrift;
  let driftNote: string;
  const dof = (k: number): number => n - k;
  const sigma = (f: LineFit, k: number): number | null =>
    dof(k) > 0 ? Math.sqrt(f.residuals.reduce((s, r) => s + r * r, 0) / dof(k)) : null;

  if (!wantsDrift) {
    driftNote = mode === 'none' ? 'drift not fitted (asked for the offset only)' : `${n === 1 ? 'one marker' : 'two markers'}: offset only (drift needs three markers to be judged against their noise)`;
  } else if (mode === 'auto') {
    const sePpm = ((sigma(fit, 2) as number) / Math.sqrt(fit.sxx)) * 1e6;
    const ppm = fit.rate * 1e6;
    if (Math.abs(ppm) < 3 * sePpm) {
      driftNote = `drift ${ppm.toFixed(1)} ± ${sePpm.toFixed(1)} ppm is within three standard errors of zero: these markers cannot tell it from noise, so only the offset was fitted`;
      fit = fitLine(x, z, false);
      driftFitted = false;
    } else {
      driftNote = `drift ${ppm.toFixed(3)} ± ${sePpm.toFixed(3)} ppm, fitted`;
    }
  } else {
    driftNote = n === 2 ? 'two markers: offset and drift fitted exactly through both (no residual error to judge them by)' : 'offset and drift fitted, as asked';
  }
  if (1 + fit.rate <= 0) {
    throw invalid(`The fitted clock runs backwards (drift ${(fit.rate * 1e6).toFixed(0)} ppm): the markers are paired wrongly or out of order`);
  }

  const k = driftFitted ? 2 : 1;
  const s = sigma(fit, k);
  const centre = median(fit.residuals);
  const scale = 1.4826 * median(fit.residuals.map((r) => Math.abs(r - centre)));
  const residuals = pairs.map((p, i): PairResidual => {
    const r = fit.residuals[i] as number;
    return { ...p, residualUs: r, outlier: Math.abs(r - centre) > Math.max(4 * scale, OUTLIER_FLOOR_US) };
  });
  return {
    model: { offsetUs: Math.round(fit.offset), driftPpm: fit.rate * 1e6, deviceOriginUs: origin },
    driftFitted,
    driftNote,
    residuals,
    rmsUs: Math.sqrt(fit.residuals.reduce((sum, r) => sum + r * r, 0) / n),
    offsetStdErrUs: s === null ? null : driftFitted ? s * Math.sqrt(1 / n + (fit.meanX * fit.meanX) / fit.sxx) : s / Math.sqrt(n),
    driftStdErrPpm: driftFitted && s !== null ? (s / Math.sqrt(fit.sxx)) * 1e6 : null,
  };
}
