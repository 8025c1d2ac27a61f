import { describe, expect, it } from 'vitest';
import { majorityClass, permutationWithinClusters, shuffleWithinClusters } from '../../../src/core/stats/baselines.js';
import { binaryReport } from '../../../src/core/stats/binaryReport.js';
import { clusterBootstrap, clusterIndex, percentileInterval } from '../../../src/core/stats/bootstrap.js';
import { auc } from '../../../src/core/stats/classification.js';
import { createRng } from '../../../src/core/stats/prng.js';
import { referenceReport } from '../../../src/core/stats/referenceReport.js';
import { DegenerateInputError } from '../../../src/core/stats/validate.js';

const weightedMean = (values: readonly number[]) => (w: Float64Array) => {
  let s = 0;
  let t = 0;
  values.forEach((v, i) => {
    s += (w[i] ?? 0) * v;
    t += w[i] ?? 0;
  });
  return s / t;
};

describe('participant-clustered bootstrap', () => {
  it('is reproducible from its seed and differs with another', () => {
    const { clusterOf, ids } = clusterIndex(['a', 'a', 'b', 'c', 'c', 'd']);
    const stat = { mean: weightedMean([1, 2, 3, 4, 5, 6]) };
    const one = clusterBootstrap(clusterOf, ids.length, stat, { resamples: 200, seed: 1, level: 0.9 });
    const again = clusterBootstrap(clusterOf, ids.length, stat, { resamples: 200, seed: 1, level: 0.9 });
    const other = clusterBootstrap(clusterOf, ids.length, stat, { resamples: 200, seed: 2, level: 0.9 });
    expect(again).toEqual(one);
    expect(other.mean.lower).not.toBe(one.mean.lower);
    expect(one.mean.value).toBeCloseTo(3.5, 12);
    expect(one.mean).toMatchObject({ resamples: 200, degenerate: 0, level: 0.9 });
  });

  it('resamples whole participants: two participants give resample means of 0, 1/2 or 1 in proportions 1:2:1', () => {
    // Participant a's item is 0 and b's is 1: a resample holds a twice, b twice, or one of each.
    const { clusterOf, ids } = clusterIndex(['a', 'b']);
    const seen = new Map<number, number>();
    const record = (w: Float64Array): number => {
      const m = weightedMean([0, 1])(w);
      seen.set(m, (seen.get(m) ?? 0) + 1);
      return m;
    };
    const result = clusterBootstrap(clusterOf, ids.length, { m: record }, { resamples: 4000, seed: 7, level: 0.95 });
    expect([...seen.keys()].sort()).toEqual([0, 0.5, 1]);
    expect((seen.get(0.5) ?? 0) / 4000).toBeGreaterThan(0.46);
    expect((seen.get(0.5) ?? 0) / 4000).toBeLessThan(0.54);
    expect([result.m.lower, result.m.upper]).toEqual([0, 1]);
  });

  it('counts resamples where the statistic is undefined and leaves them out', () => {
    // AUC with participant a holding every positive: resamples without a are single-class.
    const participants = ['a', 'a', 'b', 'b', 'c', 'c'];
    const labels = [1, 0, 0, 0, 0, 0];
    const scores = [0.9, 0.1, 0.2, 0.3, 0.4, 0.5];
    const { clusterOf, ids } = clusterIndex(participants);
    const result = clusterBootstrap(clusterOf, ids.length, { auc: (w) => auc(labels, scores, w) }, { resamples: 3000, seed: 3, level: 0.95 });
    // P(a not drawn in 3 draws) = (2/3)^3 = 0.296.
    expect(result.auc.degenerate / 3000).toBeGreaterThan(0.27);
    expect(result.auc.degenerate / 3000).toBeLessThan(0.33);
    expect(result.auc.value).toBe(1);
    expect([result.auc.lower, result.auc.upper]).toEqual([1, 1]);
  });

  it('gives no interval with a single participant', () => {
    const result = clusterBootstrap(new Int32Array([0, 0, 0]), 1, { m: weightedMean([1, 2, 3]) }, { resamples: 100, seed: 1, level: 0.95 });
    expect(result.m).toMatchObject({ value: 2, lower: null, upper: null, resamples: 0 });
  });

  it('propagates a statistic that is undefined on the full data', () => {
    expect(() => clusterBootstrap(new Int32Array([0, 1]), 2, { auc: (w) => auc([1, 1], [0.2, 0.3], w) }, { resamples: 10, seed: 1, level: 0.95 })).toThrow(
      DegenerateInputError,
    );
  });

  it('percentile intervals interpolate between order statistics', () => {
    expect(percentileInterval([1, 2, 3, 4, 5], 0.5)).toEqual({ lower: 2, upper: 4 });
    expect(percentileInterval([], 0.95)).toEqual({ lower: null, upper: null });
  });
});

describe('baselines', () => {
  it('majority class states the base rate as its probability', () => {
    expect(majorityClass([0, 0, 1, 0])).toEqual({ majority: 0, prevalence: 0.25 });
    expect(majorityClass([1, 0])).toEqual({ majority: 1, prevalence: 0.5 });
  });

  it('shuffles labels only within each participant, reproducibly', () => {
    const labels = [1, 1, 0, 0, 0, 1, 0, 0, 1, 0];
    const { clusterOf } = clusterIndex(['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'b']);
    const shuffled = shuffleWithinClusters(labels, clusterOf, 11);
    expect([...shuffleWithinClusters(labels, clusterOf, 11)]).toEqual([...shuffled]);
    expect([...shuffled.slice(0, 5)].reduce((a, b) => a + b, 0)).toBe(2);
    expect([...shuffled.slice(5)].reduce((a, b) => a + b, 0)).toBe(2);
    const perm = permutationWithinClusters(clusterOf, 5);
    perm.forEach((j, i) => expect(clusterOf[j]).toBe(clusterOf[i]));
    expect(new Set(perm).size).toBe(10);
  });
});

function simulated(seed: number, participants: number, perParticipant: number, signal: number) {
  const rng = createRng(seed);
  const labels: number[] = [];
  const probabilities: number[] = [];
  const ids: string[] = [];
  for (let p = 0; p < participants; p++) {
    for (let i = 0; i < perParticipant; i++) {
      const y = rng.next() < 0.3 ? 1 : 0;
      const logit = -1 + signal * (y - 0.3) + (rng.next() - 0.5) * 2;
      labels.push(y);
      probabilities.push(1 / (1 + Math.exp(-logit)));
      ids.push(`P${p}`);
    }
  }
  return { labels, probabilities, participants: ids };
}

describe('binary evaluation report', () => {
  it('reports metrics with intervals that hold the estimate, and baselines at chance', () => {
    const items = simulated(5, 8, 60, 3);
    const report = binaryReport(items, { bootstrap: { resamples: 300, seed: 9, level: 0.95 }, shuffles: 50 });
    expect(report.n).toBe(480);
    expect(report.participants).toBe(8);
    expect(report.overall.auc.value).toBeCloseTo(auc(items.labels, items.probabilities), 12);
    expect(report.overall.auc.value).toBeGreaterThan(0.75);
    for (const m of [report.overall.auc, report.overall.f1, report.overall.kappa, report.overall.brier]) {
      expect(m.lower).not.toBeNull();
      expect(m.lower ?? 0).toBeLessThanOrEqual(m.value);
      expect(m.upper ?? 0).toBeGreaterThanOrEqual(m.value);
    }
    expect(report.baselines.majority_class.auc.value).toBe(0.5);
    expect(report.baselines.majority_class.kappa.value).toBe(0);
    expect(report.baselines.majority_class.f1.value).toBe(0);
    expect(report.baselines.majority_class.brier.value).toBeCloseTo(report.prevalence * (1 - report.prevalence), 12);
    expect(report.baselines.shuffled_labels.auc.mean ?? 0).toBeGreaterThan(0.4);
    expect(report.baselines.shuffled_labels.auc.mean ?? 1).toBeLessThan(0.6);
    expect(report.baselines.shuffled_labels.auc.upper ?? 1).toBeLessThan(report.overall.auc.value);
    expect(report.per_participant).toHaveLength(8);
    expect(report.participant_mean_auc?.value ?? 0).toBeGreaterThan(0.7);
    expect(report.reliability.bins.reduce((s, b) => s + b.count, 0)).toBe(480);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('marks a participant with a single class and still pools the others', () => {
    const report = binaryReport(
      { labels: [0, 0, 1, 0, 1, 0], probabilities: [0.1, 0.2, 0.8, 0.3, 0.6, 0.4], participants: ['a', 'a', 'b', 'b', 'c', 'c'] },
      { bootstrap: { resamples: 50, seed: 1, level: 0.95 }, shuffles: 5 },
    );
    const a = report.per_participant.find((p) => p.participant_id === 'a');
    expect(a).toMatchObject({ auc: null, f1: null, kappa: null, positives: 0 });
    expect(a?.undefined_reason).toMatch(/every label is negative/);
    expect(report.overall.auc.value).toBe(1);
    expect(report.overall.auc.degenerate).toBeGreaterThan(0);
  });

  it('refuses a label set with a single class', () => {
    expect(() => binaryReport({ labels: [0, 0, 0], probabilities: [0.1, 0.5, 0.9], participants: ['a', 'b', 'c'] })).toThrow(
      /Evaluation against these labels is undefined: every label is negative/,
    );
  });
});

describe('reference evaluation report', () => {
  it('reports Spearman, RMSE and AUC against the thresholded reference', () => {
    const probabilities = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    const reference = [0.15, 0.1, 0.35, 0.45, 0.5, 0.65, 0.7, 0.9];
    const report = referenceReport(
      { probabilities, reference, participants: ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd'] },
      { quantile: 0.5, bootstrap: { resamples: 100, seed: 2, level: 0.95 }, shuffles: 20 },
    );
    expect(report.threshold).toBeCloseTo(0.475, 12);
    expect(report.positives).toBe(4);
    expect(report.overall.auc.value).toBe(1);
    expect(report.overall.spearman.value).toBeCloseTo(0.9761904761904762, 12);
    expect(report.overall.rmse.value).toBeCloseTo(Math.sqrt((0.0025 * 2 + 0.01 + 0.0025 * 2 + 0 + 0 + 0.01) / 8), 12);
    expect(report.per_participant[0]).toMatchObject({ participant_id: 'a', auc: null, spearman: -1 });
    expect(report.baselines.constant_mean.auc).toBe(0.5);
  });
});
