import { DegenerateInputError, requireBinary, requireFinite, requireNonEmpty, requireSameLength, type Numbers } from './validate.js';

export interface ReliabilityBin {
  /** Bin edges; the last bin includes 1. */
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** Mean predicted probability in the bin; null when it is empty. */
  readonly mean_predicted: number | null;
  /** Share of positive labels in the bin; null when it is empty. */
  readonly observed_rate: number | null;
}

export interface ReliabilityCurve {
  readonly bins: readonly ReliabilityBin[];
  /** Expected calibration error: the count-weighted mean of |observed - predicted| over the bins. */
  readonly ece: number;
}

/** Binned calibration: `binCount` equal-width bins over [0, 1], each with its count. */
export function reliabilityCurve(labels: Numbers, probabilities: Numbers, binCount = 10): ReliabilityCurve {
  requireSameLength('Reliability curve', labels, probabilities);
  requireNonEmpty('Reliability curve', labels);
  requireBinary('Reliability curve', labels);
  requireFinite('Reliability curve', probabilities);
  if (!Number.isInteger(binCount) || binCount < 1) throw new DegenerateInputError('bad_option', `Reliability curve: bin count must be a positive integer, got ${binCount}`);
  const counts = new Float64Array(binCount);
  const predicted = new Float64Array(binCount);
  const positives = new Float64Array(binCount);
  for (let i = 0; i < labels.length; i++) {
    const p = probabilities[i] ?? 0;
    if (p < 0 || p > 1) throw new DegenerateInputError('bad_option', `Reliability curve: probability ${i} is ${p}, outside [0, 1]`);
    const bin = Math.min(Math.floor(p * binCount), binCount - 1);
    counts[bin] = (counts[bin] ?? 0) + 1;
    predicted[bin] = (predicted[bin] ?? 0) + p;
    positives[bin] = (positives[bin] ?? 0) + (labels[i] ?? 0);
  }
  let ece = 0;
  const bins: ReliabilityBin[] = [];
  for (let b = 0; b < binCount; b++) {
    const count = counts[b] ?? 0;
    const meanPredicted = count === 0 ? null : (predicted[b] ?? 0) / count;
    const observed = count === 0 ? null : (positives[b] ?? 0) / count;
    if (meanPredicted !== null && observed !== null) ece += (count / labels.length) * Math.abs(observed - meanPredicted);
    bins.push({ lower: b / binCount, upper: (b + 1) / binCount, count, mean_predicted: meanPredicted, observed_rate: observed });
  }
  return { bins, ece };
}
