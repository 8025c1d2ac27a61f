import { WeftError } from '../errors.js';

export type DegenerateReason = 'empty' | 'length_mismatch' | 'not_finite' | 'not_binary' | 'single_class' | 'constant' | 'too_few' | 'bad_option';

/**
 * Input on which a statistic is undefined (one class for an AUC, a constant series for a
 * correlation). A bootstrap counts resamples that raise it as degenerate and goes on; anything
 * else stops it.
 */
export class DegenerateInputError extends WeftError {
  readonly reason: DegenerateReason;
  constructor(reason: DegenerateReason, message: string) {
    super('INVALID_INPUT', message, { details: { reason } });
    this.reason = reason;
  }
}

export type Numbers = ArrayLike<number>;

export function requireSameLength(what: string, a: { readonly length: number }, b: { readonly length: number }): void {
  if (a.length !== b.length) throw new DegenerateInputError('length_mismatch', `${what}: ${a.length} values against ${b.length}`);
}

export function requireNonEmpty(what: string, values: { readonly length: number }): void {
  if (values.length === 0) throw new DegenerateInputError('empty', `${what}: no values`);
}

export function requireFinite(what: string, values: Numbers): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new DegenerateInputError('not_finite', `${what}: value ${i} is ${values[i]}, not a finite number`);
  }
}

export function requireBinary(what: string, labels: Numbers): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new DegenerateInputError('not_binary', `${what}: label ${i} is ${y}; labels must be 0 or 1`);
  }
}

export function requireWeights(what: string, weights: Numbers | undefined, n: number): void {
  if (weights === undefined) return;
  requireSameLength(`${what} (weights)`, weights, { length: n });
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] ?? Number.NaN;
    if (!(w >= 0) || !Number.isFinite(w)) throw new DegenerateInputError('not_finite', `${what}: weight ${i} is ${w}; weights must be finite and non-negative`);
  }
}

export const weightAt = (weights: Numbers | undefined, i: number): number => (weights === undefined ? 1 : (weights[i] ?? 0));

/** Weighted counts of positive and negative labels (a weight of 0 drops an item). */
export function classWeights(labels: Numbers, weights?: Numbers): { positive: number; negative: number } {
  let positive = 0;
  let negative = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = weightAt(weights, i);
    if (labels[i] === 1) positive += w;
    else negative += w;
  }
  return { positive, negative };
}

export function requireBothClasses(what: string, labels: Numbers, weights?: Numbers): { positive: number; negative: number } {
  const counts = classWeights(labels, weights);
  if (counts.positive === 0 || counts.negative === 0) {
    const only = counts.positive === 0 ? 'negative (0)' : 'positive (1)';
    throw new DegenerateInputError('single_class', `${what} is undefined: every label is ${only}; it needs both classes`);
  }
  return counts;
}
