import { createRng } from './prng.js';
import { quantileOfSorted } from './quantile.js';
import { DegenerateInputError } from './validate.js';

export interface BootstrapOptions {
  /** Resamples to draw. */
  readonly resamples: number;
  readonly seed: number;
  /** Coverage of the interval, e.g. 0.95. */
  readonly level: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { resamples: 1000, seed: 20261123, level: 0.95 };

/** A statistic on the full data with its participant-bootstrap percentile interval. */
export interface Estimate {
  readonly value: number;
  /** Interval bounds; null when fewer than two participants or no resample gave a value. */
  readonly lower: number | null;
  readonly upper: number | null;
  readonly level: number;
  /** Resamples drawn. */
  readonly resamples: number;
  /** Resamples on which the statistic was undefined (e.g. a single class for an AUC), left out of the interval. */
  readonly degenerate: number;
}

/** Item weights to a statistic; a participant drawn k times gives each of its items weight k. */
export type WeightedStatistic = (weights: Float64Array) => number;

export function validateBootstrapOptions(options: BootstrapOptions): void {
  if (!Number.isInteger(options.resamples) || options.resamples < 0) {
    throw new DegenerateInputError('bad_option', `bootstrap resamples must be a non-negative integer, got ${options.resamples}`);
  }
  if (!(options.level > 0 && options.level < 1)) throw new DegenerateInputError('bad_option', `confidence level must be between 0 and 1, got ${options.level}`);
  if (!Number.isInteger(options.seed)) throw new DegenerateInputError('bad_option', `bootstrap seed must be an integer, got ${options.seed}`);
}

/** Percentile interval of bootstrap values: the (1-level)/2 and (1+level)/2 quantiles. */
export function percentileInterval(values: readonly number[], level: number): { lower: number | null; upper: number | null } {
  if (values.length === 0) return { lower: null, upper: null };
  const sorted = Float64Array.from(values).sort();
  return { lower: quantileOfSorted(sorted, (1 - level) / 2), upper: quantileOfSorted(sorted, (1 + level) / 2) };
}

/**
 * Participant-clustered bootstrap: each resample draws as many participants as there are, with
 * replacement, and evaluates every statistic on the same draw. Windows of one participant are
 * never split, so their dependence is kept. The value of each statistic on the full data must
 * be defined (its error propagates); resamples where it is not are counted and skipped.
 */
export function clusterBootstrap<K extends string>(
  clusterOf: Int32Array,
  clusterCount: number,
  statistics: Readonly<Record<K, WeightedStatistic>>,
  options: BootstrapOptions,
): Record<K, Estimate> {
  validateBootstrapOptions(options);
  const names = Object.keys(statistics) as K[];
  const ones = new Float64Array(clusterOf.length).fill(1);
  const values = new Map<K, number>(names.map((name) => [name, statistics[name](ones)]));
  const draws = new Map<K, number[]>(names.map((name) => [name, []]));
  const degenerate = new Map<K, number>(names.map((name) => [name, 0]));
  const resamples = clusterCount < 2 ? 0 : options.resamples;
  const rng = createRng(options.seed);
  const multiplicity = new Float64Array(clusterCount);
  const weights = new Float64Array(clusterOf.length);
  for (let r = 0; r < resamples; r++) {
    multiplicity.fill(0);
    for (let k = 0; k < clusterCount; k++) {
      const c = rng.int(clusterCount);
      multiplicity[c] = (multiplicity[c] ?? 0) + 1;
    }
    for (let i = 0; i < clusterOf.length; i++) weights[i] = multiplicity[clusterOf[i] ?? 0] ?? 0;
    for (const name of names) {
      try {
        draws.get(name)?.push(statistics[name](weights));
      } catch (error) {
        if (!(error instanceof DegenerateInputError)) throw error;
        degenerate.set(name, (degenerate.get(name) ?? 0) + 1);
      }
    }
  }
  const out = {} as Record<K, Estimate>;
  for (const name of names) {
    const { lower, upper } = percentileInterval(draws.get(name) ?? [], options.level);
    out[name] = { value: values.get(name) ?? Number.NaN, lower, upper, level: options.level, resamples, degenerate: degenerate.get(name) ?? 0 };
  }
  return out;
}

/** Dense cluster indices for a list of participant ids, in order of first appearance. */
export function clusterIndex(participants: readonly string[]): { clusterOf: Int32Array; ids: string[] } {
  const index = new Map<string, number>();
  const clusterOf = new Int32Array(participants.length);
  participants.forEach((p, i) => {
    let c = index.get(p);
    if (c === undefined) {
      c = index.size;
      index.set(p, c);
    }
    clusterOf[i] = c;
  });
  return { clusterOf, ids: [...index.keys()] };
}
