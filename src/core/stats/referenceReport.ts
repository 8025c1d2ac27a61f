import { permutationWithinClusters } from './baselines.js';
import { DEFAULT_BOOTSTRAP, clusterBootstrap, clusterIndex, percentileInterval, validateBootstrapOptions, type BootstrapOptions, type Estimate } from './bootstrap.js';
import { auc } from './classification.js';
import { createRng } from './prng.js';
import { thresholdAtQuantile } from './quantile.js';
import { ascendingOrder } from './ranks.js';
import { rmse, spearman } from './regression.js';
import { DegenerateInputError, requireFinite, requireNonEmpty, requireSameLength, type Numbers } from './validate.js';
import type { Distribution } from './binaryReport.js';

export interface ReferenceItems {
  readonly probabilities: Numbers;
  /** The numeric reference the data carries for the same windows. */
  readonly reference: Numbers;
  readonly participants: readonly string[];
}

export interface ReferenceReportOptions {
  /** The reference is positive where it lies strictly above this quantile of all its values (pooled). */
  readonly quantile: number;
  readonly bootstrap?: BootstrapOptions;
  readonly shuffles?: number;
}

export interface ParticipantReference {
  readonly participant_id: string;
  readonly n: number;
  readonly spearman: number | null;
  readonly rmse: number;
  readonly auc: number | null;
  readonly undefined_reason: string | null;
}

export interface ReferenceReport {
  readonly n: number;
  readonly participants: number;
  readonly quantile: number;
  /** The pooled reference's quantile; fixed for the bootstrap and the per-participant values. */
  readonly threshold: number;
  readonly positives: number;
  readonly overall: { readonly spearman: Estimate; readonly rmse: Estimate; readonly auc: Estimate };
  readonly per_participant: readonly ParticipantReference[];
  readonly baselines: {
    /** Predicting the reference's pooled mean everywhere: its RMSE is the reference's spread; AUC 0.5. */
    readonly constant_mean: { readonly value: number; readonly rmse: number; readonly auc: number };
    /** The model's probabilities against the reference shuffled within each participant. */
    readonly shuffled_reference: { readonly shuffles: number; readonly level: number; readonly spearman: Distribution; readonly auc: Distribution };
  };
  readonly method: { readonly interval: string; readonly resamples: number; readonly seed: number; readonly level: number; readonly rmse_note: string };
}

function attempt(fn: () => number): number | null {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DegenerateInputError) return null;
    throw error;
  }
}

/**
 * A model's probabilities against a numeric reference (a detector score the data carries):
 * Spearman's correlation, RMSE, and the AUC of the probabilities for the reference thresholded
 * at a stated quantile, pooled and per participant, with participant-bootstrap intervals.
 */
export function referenceReport(items: ReferenceItems, options: ReferenceReportOptions): ReferenceReport {
  const { probabilities, reference, participants } = items;
  requireSameLength('Reference evaluation', probabilities, reference);
  requireSameLength('Reference evaluation (participants)', probabilities, participants);
  requireNonEmpty('Reference evaluation', probabilities);
  requireFinite('Reference evaluation (probabilities)', probabilities);
  requireFinite('Reference evaluation (reference)', reference);
  const bootstrap = options.bootstrap ?? DEFAULT_BOOTSTRAP;
  const shuffles = options.shuffles ?? 100;
  validateBootstrapOptions(bootstrap);
  const thresholded = thresholdAtQuantile(reference, options.quantile);
  const labels = thresholded.labels;
  const { clusterOf, ids } = clusterIndex(participants);
  const orders = { x: ascendingOrder(probabilities), y: ascendingOrder(reference) };
  const overall = clusterBootstrap(
    clusterOf,
    ids.length,
    {
      spearman: (w) => spearman(probabilities, reference, w, orders),
      rmse: (w) => rmse(probabilities, reference, w),
      auc: (w) => auc(labels, probabilities, w, orders.x),
    },
    bootstrap,
  );

  const perParticipant = ids.map((id, c): ParticipantReference => {
    const idx: number[] = [];
    for (let i = 0; i < clusterOf.length; i++) if (clusterOf[i] === c) idx.push(i);
    const p = idx.map((i) => probabilities[i] ?? 0);
    const r = idx.map((i) => reference[i] ?? 0);
    const y = idx.map((i) => labels[i] ?? 0);
    const rho = attempt(() => spearman(p, r));
    const a = attempt(() => auc(y, p));
    const reasons = [
      ...(rho === null ? ['Spearman is undefined (a constant series or a single window)'] : []),
      ...(a === null ? ['AUC is undefined (the reference lies on one side of the threshold throughout)'] : []),
    ];
    return { participant_id: id, n: idx.length, spearman: rho, rmse: rmse(p, r), auc: a, undefined_reason: reasons.length === 0 ? null : reasons.join('; ') };
  });

  let mean = 0;
  for (let i = 0; i < reference.length; i++) mean += (reference[i] ?? 0) / reference.length;
  const constant = new Float64Array(reference.length).fill(mean);

  const seeds = createRng(bootstrap.seed ^ 0x2545f491);
  const rhos: number[] = [];
  const aucs: number[] = [];
  let rhoDegenerate = 0;
  let aucDegenerate = 0;
  for (let s = 0; s < shuffles; s++) {
    const perm = permutationWithinClusters(clusterOf, seeds.int(2 ** 31));
    const shuffledReference = Float64Array.from(perm, (j) => reference[j] ?? 0);
    const shuffledLabels = Uint8Array.from(perm, (j) => labels[j] ?? 0);
    const rho = attempt(() => spearman(probabilities, shuffledReference, undefined, { x: orders.x, y: ascendingOrder(shuffledReference) }));
    const a = attempt(() => auc(shuffledLabels, probabilities, undefined, orders.x));
    if (rho === null) rhoDegenerate++;
    else rhos.push(rho);
    if (a === null) aucDegenerate++;
    else aucs.push(a);
  }
  const distribution = (values: number[], degenerate: number): Distribution => ({
    mean: values.length === 0 ? null : values.reduce((x, y) => x + y, 0) / values.length,
    ...percentileInterval(values, bootstrap.level),
    degenerate,
  });

  return {
    n: probabilities.length,
    participants: ids.length,
    quantile: options.quantile,
    threshold: thresholded.threshold,
    positives: thresholded.positives,
    overall,
    per_participant: perParticipant,
    baselines: {
      constant_mean: { value: mean, rmse: rmse(constant, reference), auc: 0.5 },
      shuffled_reference: { shuffles, level: bootstrap.level, spearman: distribution(rhos, rhoDegenerate), auc: distribution(aucs, aucDegenerate) },
    },
    method: {
      interval: 'percentile interval of a bootstrap that resamples participants with replacement',
      resamples: bootstrap.resamples,
      seed: bootstrap.seed,
      level: bootstrap.level,
      rmse_note: 'RMSE compares probabilities with the reference on its own scale; it is meaningful only when the reference is a probability too',
    },
  };
}
