import { DegenerateInputError, requireFinite, requireNonEmpty, type Numbers } from './validate.js';

/** The q-quantile with linear interpolation between order statistics (Hyndman & Fan type 7, numpy's default). */
export function quantile(values: Numbers, q: number): number {
  requireNonEmpty('Quantile', values);
  requireFinite('Quantile', values);
  return quantileOfSorted(Float64Array.from(values).sort(), q);
}

export function quantileOfSorted(sorted: Numbers, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new DegenerateInputError('bad_option', `quantile must be in [0, 1], got ${q}`);
  requireNonEmpty('Quantile', sorted);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? 0;
  return a + (h - lo) * (b - a);
}

export interface Thresholded {
  readonly q: number;
  readonly threshold: number;
  /** 1 where the value is strictly above the threshold. */
  readonly labels: Uint8Array;
  readonly positives: number;
}

/**
 * Binary labels from a numeric reference: positive when the value is strictly above its
 * q-quantile. An error when that leaves a single class (heavy ties at the threshold, say).
 */
export function thresholdAtQuantile(values: Numbers, q: number): Thresholded {
  const threshold = quantile(values, q);
  const labels = new Uint8Array(values.length);
  let positives = 0;
  for (let i = 0; i < values.length; i++) {
    if ((values[i] ?? 0) > threshold) {
      labels[i] = 1;
      positives++;
    }
  }
  if (positives === 0 || positives === values.length) {
    throw new DegenerateInputError(
      'single_class',
      `Thresholding the reference at its ${q} quantile (${threshold}) leaves a single class: ${positives} of ${values.length} values lie above it`,
    );
  }
  return { q, threshold, labels, positives };
}
