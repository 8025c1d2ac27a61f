import { majorityClass, shuffleWithinClusters } from './baselines.js';
import { DEFAULT_BOOTSTRAP, clusterBootstrap, clusterIndex, percentileInterval, validateBootstrapOptions, type BootstrapOptions, type Estimate } from './bootstrap.js';
import { reliabilityCurve, type ReliabilityCurve } from './calibration.js';
import { auc, brierScore, cohensKappaAtThreshold, f1AtThreshold } from './classification.js';
import { createRng } from './prng.js';
import { ascendingOrder } from './ranks.js';
import { DegenerateInputError, requireBinary, requireBothClasses, requireNonEmpty, requireSameLength, type Numbers } from './validate.js';

export interface BinaryItems {
  /** 1 for the positive class, 0 otherwise. */
  readonly labels: Numbers;
  readonly probabilities: Numbers;
  /** The participant each item belongs to: the unit of resampling. */
  readonly participants: readonly string[];
}

export interface BinaryReportOptions {
  /** Positive prediction when probability >= threshold (F1 and kappa). */
  readonly threshold?: number;
  readonly bins?: number;
  readonly bootstrap?: BootstrapOptions;
  /** Within-participant label shuffles for the shuffled-label baseline. */
  readonly shuffles?: number;
}

export interface BinaryMetrics<T> {
  readonly auc: T;
  readonly f1: T;
  readonly kappa: T;
  readonly brier: T;
}

export interface ParticipantBinary {
  readonly participant_id: string;
  readonly n: number;
  readonly positives: number;
  /** Null when the participant's labels are a single class. */
  readonly auc: number | null;
  readonly f1: number | null;
  readonly kappa: number | null;
  readonly brier: number;
  readonly undefined_reason: string | null;
}

export interface Distribution {
  readonly mean: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  /** Shuffles on which the metric was undefined. */
  readonly degenerate: number;
}

export interface BinaryReport {
  readonly n: number;
  readonly positives: number;
  readonly prevalence: number;
  readonly participants: number;
  readonly threshold: number;
  /** Pooled over every item, with participant-bootstrap intervals. */
  readonly overall: BinaryMetrics<Estimate>;
  /** Mean over participants of each one's own AUC (participants with both classes only). */
  readonly participant_mean_auc: Estimate | null;
  readonly reliability: ReliabilityCurve;
  readonly per_participant: readonly ParticipantBinary[];
  readonly baselines: {
    /** Always the majority label, with the evaluated data's own base rate as its probability. */
    readonly majority_class: { readonly majority: 0 | 1; readonly prevalence: number } & BinaryMetrics<Estimate>;
    /** The model's probabilities against labels shuffled within each participant. */
    readonly shuffled_labels: { readonly shuffles: number; readonly level: number } & BinaryMetrics<Distribution>;
  };
  readonly method: {
    readonly interval: string;
    readonly resamples: number;
    readonly seed: number;
    readonly level: number;
  };
}

type Stat = (weights: Float64Array) => number;

function metricStatistics(labels: Numbers, scores: Numbers, threshold: number): BinaryMetrics<Stat> {
  const order = ascendingOrder(scores);
  return {
    auc: (w) => auc(labels, scores, w, order),
    f1: (w) => f1AtThreshold(labels, scores, threshold, w),
    kappa: (w) => cohensKappaAtThreshold(labels, scores, threshold, w),
    brier: (w) => brierScore(labels, scores, w),
  };
}

function attempt(fn: () => number): number | null {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DegenerateInputError) return null;
    throw error;
  }
}

function validateItems(items: BinaryItems): void {
  requireSameLength('Evaluation (probabilities)', items.labels, items.probabilities);
  requireSameLength('Evaluation (participants)', items.labels, items.participants);
  requireNonEmpty('Evaluation', items.labels);
  requireBinary('Evaluation', items.labels);
}

/**
 * AUC, F1, Cohen's kappa and Brier score of probabilities against binary labels, pooled and per
 * participant, with participant-bootstrap intervals, a reliability curve, and both baselines.
 * A label set with one class is an error: the discrimination metrics would mean nothing.
 */
export function binaryReport(items: BinaryItems, options: BinaryReportOptions = {}): BinaryReport {
  validateItems(items);
  const threshold = options.threshold ?? 0.5;
  const bootstrap = options.bootstrap ?? DEFAULT_BOOTSTRAP;
  const shuffles = options.shuffles ?? 100;
  validateBootstrapOptions(bootstrap);
  if (!Number.isInteger(shuffles) || shuffles < 0) throw new DegenerateInputError('bad_option', `shuffles must be a non-negative integer, got ${shuffles}`);
  const { labels, probabilities } = items;
  const counts = requireBothClasses('Evaluation against these labels', labels);
  const { clusterOf, ids } = clusterIndex(items.participants);

  const overall = clusterBootstrap(clusterOf, ids.length, metricStatistics(labels, probabilities, threshold), bootstrap);

  const perParticipant = ids.map((id, c): ParticipantBinary => {
    const idx = indicesOf(clusterOf, c);
    const y = idx.map((i) => labels[i] ?? 0);
    const p = idx.map((i) => probabilities[i] ?? 0);
    const positives = y.reduce((s, v) => s + v, 0);
    const single = positives === 0 || positives === y.length;
    return {
      participant_id: id,
      n: y.length,
      positives,
      auc: attempt(() => auc(y, p)),
      f1: attempt(() => f1AtThreshold(y, p, threshold)),
      kappa: attempt(() => cohensKappaAtThreshold(y, p, threshold)),
      brier: brierScore(y, p),
      undefined_reason: single ? `every label is ${positives === 0 ? 'negative' : 'positive'}: AUC, F1 and kappa are undefined` : null,
    };
  });

  const participantAuc = perParticipant.map((p) => p.auc);
  const participantMeanAuc = participantAuc.some((a) => a !== null)
    ? clusterBootstrap(Int32Array.from(ids, (_, c) => c), ids.length, { mean: (w) => weightedMeanOfDefined(participantAuc, w) }, bootstrap).mean
    : null;

  const majority = majorityClass(labels);
  const constantProbability = new Float64Array(labels.length).fill(majority.prevalence);
  const constantLabel = new Float64Array(labels.length).fill(majority.majority);
  const majorityStats: BinaryMetrics<Stat> = {
    auc: (w) => auc(labels, constantProbability, w),
    f1: (w) => f1AtThreshold(labels, constantLabel, 0.5, w),
    kappa: (w) => cohensKappaAtThreshold(labels, constantLabel, 0.5, w),
    brier: (w) => brierScore(labels, constantProbability, w),
  };
  const majorityMetrics = clusterBootstrap(clusterOf, ids.length, majorityStats, bootstrap);

  return {
    n: labels.length,
    positives: counts.positive,
    prevalence: counts.positive / labels.length,
    participants: ids.length,
    threshold,
    overall,
    participant_mean_auc: participantMeanAuc,
    reliability: reliabilityCurve(labels, probabilities, options.bins ?? 10),
    per_participant: perParticipant,
    baselines: {
      majority_class: { majority: majority.majority, prevalence: majority.prevalence, ...majorityMetrics },
      shuffled_labels: { shuffles, level: bootstrap.level, ...shuffledBaseline(labels, probabilities, clusterOf, threshold, shuffles, bootstrap) },
    },
    method: {
      interval: 'percentile interval of a bootstrap that resamples participants with replacement',
      resamples: bootstrap.resamples,
      seed: bootstrap.seed,
      level: bootstrap.level,
    },
  };
}

function indicesOf(clusterOf: Int32Array, c: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < clusterOf.length; i++) if (clusterOf[i] === c) out.push(i);
  return out;
}

function weightedMeanOfDefined(values: readonly (number | null)[], weights: Float64Array): number {
  let sum = 0;
  let total = 0;
  values.forEach((v, i) => {
    if (v === null) return;
    const w = weights[i] ?? 0;
    sum += w * v;
    total += w;
  });
  if (total === 0) throw new DegenerateInputError('single_class', 'No participant in the resample has both classes');
  return sum / total;
}

function shuffledBaseline(
  labels: Numbers,
  probabilities: Numbers,
  clusterOf: Int32Array,
  threshold: number,
  shuffles: number,
  bootstrap: BootstrapOptions,
): BinaryMetrics<Distribution> {
  const seeds = createRng(bootstrap.seed ^ 0x5f3759df);
  const values: BinaryMetrics<number[]> = { auc: [], f1: [], kappa: [], brier: [] };
  const degenerate = { auc: 0, f1: 0, kappa: 0, brier: 0 };
  const names = ['auc', 'f1', 'kappa', 'brier'] as const;
  for (let s = 0; s < shuffles; s++) {
    const shuffled = shuffleWithinClusters(labels, clusterOf, seeds.int(2 ** 31));
    const stats = metricStatistics(shuffled, probabilities, threshold);
    const ones = new Float64Array(labels.length).fill(1);
    for (const name of names) {
      const v = attempt(() => stats[name](ones));
      if (v === null) degenerate[name]++;
      else values[name].push(v);
    }
  }
  const summarize = (name: (typeof names)[number]): Distribution => {
    const list = values[name];
    const { lower, upper } = percentileInterval(list, bootstrap.level);
    return { mean: list.length === 0 ? null : list.reduce((a, b) => a + b, 0) / list.length, lower, upper, degenerate: degenerate[name] };
  };
  return { auc: summarize('auc'), f1: summarize('f1'), kappa: summarize('kappa'), brier: summarize('brier') };
}
