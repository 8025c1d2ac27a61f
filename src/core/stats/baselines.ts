import { createRng, shuffleInPlace } from './prng.js';
import { classWeights, requireBinary, requireNonEmpty, requireSameLength, type Numbers } from './validate.js';

export interface MajorityClass {
  /** The more frequent label (1 on an exact tie). */
  readonly majority: 0 | 1;
  /** Share of positive labels: the probability a majority-class predictor states for every window. */
  readonly prevalence: number;
}

/** The majority-class predictor of a label set: always the majority label, with the base rate as its probability. */
export function majorityClass(labels: Numbers): MajorityClass {
  requireNonEmpty('Majority class', labels);
  requireBinary('Majority class', labels);
  const { positive, negative } = classWeights(labels);
  const prevalence = positive / (positive + negative);
  return { majority: positive >= negative ? 1 : 0, prevalence };
}

/** A permutation of item indices (seeded) that moves each item only among its own participant's items. */
export function permutationWithinClusters(clusterOf: Int32Array, seed: number): Int32Array {
  const members = new Map<number, number[]>();
  clusterOf.forEach((c, i) => {
    let list = members.get(c);
    if (list === undefined) {
      list = [];
      members.set(c, list);
    }
    list.push(i);
  });
  const rng = createRng(seed);
  const permutation = new Int32Array(clusterOf.length);
  for (const indices of members.values()) {
    const shuffled = shuffleInPlace([...indices], rng);
    indices.forEach((i, k) => (permutation[i] = shuffled[k] ?? i));
  }
  return permutation;
}

/**
 * Labels permuted within each participant (seeded): each participant keeps their own base rate,
 * so a model scored against them shows what chance agreement looks like for these data.
 */
export function shuffleWithinClusters(labels: Numbers, clusterOf: Int32Array, seed: number): Uint8Array {
  requireSameLength('Shuffled labels', labels, clusterOf);
  requireBinary('Shuffled labels', labels);
  return Uint8Array.from(permutationWithinClusters(clusterOf, seed), (j) => labels[j] ?? 0);
}
