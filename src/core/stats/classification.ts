import { ascendingOrder } from './ranks.js';
import {
  DegenerateInputError,
  requireBinary,
  requireBothClasses,
  requireFinite,
  requireNonEmpty,
  requireSameLength,
  requireWeights,
  weightAt,
  type Numbers,
} from './validate.js';

function checkScored(what: string, labels: Numbers, scores: Numbers, weights?: Numbers): void {
  requireSameLength(what, labels, scores);
  requireNonEmpty(what, labels);
  requireBinary(what, labels);
  requireFinite(what, scores);
  requireWeights(what, weights, labels.length);
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random
 * negative, ties counting one half (the Mann–Whitney U statistic over midranks). `order` may
 * pass the ascending order of `scores` when it is reused across many weightings.
 */
export function auc(labels: Numbers, scores: Numbers, weights?: Numbers, order?: Int32Array): number {
  checkScored('AUC', labels, scores, weights);
  const { positive, negative } = requireBothClasses('AUC', labels, weights);
  const sorted = order ?? ascendingOrder(scores);
  let negativesBelow = 0;
  let sum = 0;
  let i = 0;
  while (i < sorted.length) {
    const score = scores[sorted[i] ?? 0];
    let pos = 0;
    let neg = 0;
    let j = i;
    while (j < sorted.length && scores[sorted[j] ?? 0] === score) {
      const k = sorted[j] ?? 0;
      const w = weightAt(weights, k);
      if (labels[k] === 1) pos += w;
      else neg += w;
      j++;
    }
    sum += pos * (negativesBelow + neg / 2);
    negativesBelow += neg;
    i = j;
  }
  return sum / (positive * negative);
}

export interface ConfusionCounts {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

/** Counts (weighted) of predicted against true labels, predicting positive when score >= threshold. */
export function confusionCounts(labels: Numbers, scores: Numbers, threshold: number, weights?: Numbers): ConfusionCounts {
  checkScored('Confusion counts', labels, scores, weights);
  if (!Number.isFinite(threshold)) throw new DegenerateInputError('bad_option', `threshold must be a finite number, got ${threshold}`);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = weightAt(weights, i);
    const predicted = (scores[i] ?? 0) >= threshold;
    if (labels[i] === 1) {
      if (predicted) tp += w;
      else fn += w;
    } else if (predicted) fp += w;
    else tn += w;
  }
  return { tp, fp, tn, fn };
}

/**
 * F1 of the positive class, predicting positive when score >= threshold. Needs at least one
 * positive label; with no positive predictions precision is taken as 0, so F1 is 0.
 */
export function f1AtThreshold(labels: Numbers, scores: Numbers, threshold: number, weights?: Numbers): number {
  const { tp, fp, fn } = confusionCounts(labels, scores, threshold, weights);
  requireBothClasses('F1', labels, weights);
  const denominator = 2 * tp + fp + fn;
  return denominator === 0 ? 0 : (2 * tp) / denominator;
}

/**
 * Cohen's kappa between the true labels and the predictions at a threshold. Needs both classes
 * among the labels; a constant prediction then has kappa 0.
 */
export function cohensKappaAtThreshold(labels: Numbers, scores: Numbers, threshold: number, weights?: Numbers): number {
  const { tp, fp, tn, fn } = confusionCounts(labels, scores, threshold, weights);
  requireBothClasses("Cohen's kappa", labels, weights);
  const n = tp + fp + tn + fn;
  const observed = (tp + tn) / n;
  const expected = ((tp + fn) * (tp + fp) + (tn + fp) * (tn + fn)) / (n * n);
  return (observed - expected) / (1 - expected);
}

/** Cohen's kappa of two raters' categorical labels. Undefined when both raters use one and the same category throughout. */
export function cohensKappa(a: readonly string[], b: readonly string[]): number {
  requireSameLength("Cohen's kappa", a, b);
  requireNonEmpty("Cohen's kappa", a);
  const n = a.length;
  const countA = new Map<string, number>();
  const countB = new Map<string, number>();
  let agree = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x === y) agree++;
    countA.set(x, (countA.get(x) ?? 0) + 1);
    countB.set(y, (countB.get(y) ?? 0) + 1);
  }
  let expected = 0;
  for (const [label, count] of countA) expected += (count / n) * ((countB.get(label) ?? 0) / n);
  if (expected === 1) throw new DegenerateInputError('single_class', "Cohen's kappa is undefined: both raters gave one and the same label throughout");
  return (agree / n - expected) / (1 - expected);
}

/** Mean squared difference between predicted probabilities and 0/1 outcomes. */
export function brierScore(labels: Numbers, probabilities: Numbers, weights?: Numbers): number {
  checkScored('Brier score', labels, probabilities, weights);
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i] ?? 0;
    if (p < 0 || p > 1) throw new DegenerateInputError('bad_option', `Brier score: probability ${i} is ${p}, outside [0, 1]`);
  }
  let sum = 0;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = weightAt(weights, i);
    const d = (probabilities[i] ?? 0) - (labels[i] ?? 0);
    sum += w * d * d;
    total += w;
  }
  if (total === 0) throw new DegenerateInputError('empty', 'Brier score: every weight is 0');
  return sum / total;
}
