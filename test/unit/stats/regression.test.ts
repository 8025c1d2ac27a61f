import { describe, expect, it } from 'vitest';
import { quantile, thresholdAtQuantile } from '../../../src/core/stats/quantile.js';
import { midranks } from '../../../src/core/stats/ranks.js';
import { pearson, rmse, spearman } from '../../../src/core/stats/regression.js';

// Computed offline with scipy 1.17 (spearmanr, pearsonr) and numpy 2.4 (quantile, linear method).
const X = [1.5, -0.4, -0.3, 0.4, -0.1, -0.2, -1.1, -0, -0.4, 1.2, 0.7, -0, 0.7, -0.3, 1.1, -0, 0.6, -1.3, 0.3, -1.7, -2, -0.3, -0.9, 0.2, 2.2, -0.8, -0.6, 0.2, 0.5, -0.2];
const Z = [0.5, 0.5, 0.4, -0.8, -0.1, -0.1, -1.6, 0.3, -1.1, 1.6, 0.5, 0.1, -0.2, -0.3, -1.4, -1.1, 0.7, -2.8, 1, -2.6, -0.2, -1, 0.3, 0.2, -0.4, 0.8, 1.1, 0, -0, -0.3];

describe('ranks and correlations', () => {
  it('gives ties the mean of the ranks they span', () => {
    expect([...midranks([10, 20, 20, 5, 20])]).toEqual([2, 4, 4, 1, 4]);
  });

  it('match scipy for Spearman (with ties) and Pearson', () => {
    expect(spearman(X, Z)).toBeCloseTo(0.26059322681938474, 12);
    expect(pearson(X, Z)).toBeCloseTo(0.3749274140123396, 12);
  });

  it('Spearman with weights equals Spearman of the replicated data', () => {
    const w = X.map((_, i) => 1 + (i % 3));
    const xs = X.flatMap((x, i) => Array<number>(w[i] ?? 0).fill(x));
    const zs = Z.flatMap((z, i) => Array<number>(w[i] ?? 0).fill(z));
    expect(spearman(X, Z, w)).toBeCloseTo(spearman(xs, zs), 12);
  });

  it('is +1 or -1 for monotone series', () => {
    expect(spearman([1, 2, 3, 4], [1, 4, 9, 16])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [8, 4, 2, 1])).toBeCloseTo(-1, 12);
  });

  it('refuses a constant series', () => {
    expect(() => spearman([1, 2, 3], [5, 5, 5])).toThrow(/second series is constant/);
    expect(() => pearson([2, 2], [1, 3])).toThrow(/first series is constant/);
  });

  it('RMSE matches numpy', () => {
    expect(rmse(X, Z)).toBeCloseTo(1.0692676621563626, 12);
  });
});

describe('quantiles', () => {
  it('interpolate linearly like numpy', () => {
    const expected = [-2.8, -1.42, -0.7, -0.05, 0.82, 1.6];
    [0, 0.1, 0.25, 0.5, 0.9, 1].forEach((q, i) => expect(quantile(Z, q)).toBeCloseTo(expected[i] ?? 0, 12));
  });

  it('threshold a reference strictly above its quantile', () => {
    const t = thresholdAtQuantile([1, 2, 3, 4, 5, 6, 7, 8], 0.75);
    expect(t.threshold).toBeCloseTo(6.25, 12);
    expect([...t.labels]).toEqual([0, 0, 0, 0, 0, 0, 1, 1]);
    expect(t.positives).toBe(2);
  });

  it('refuse thresholds that leave a single class', () => {
    expect(() => thresholdAtQuantile([1, 1, 1, 1, 2], 0.5)).not.toThrow();
    expect(() => thresholdAtQuantile([3, 3, 3, 3], 0.5)).toThrow(/leaves a single class/);
    expect(() => quantile([1, 2], 1.5)).toThrow(/quantile must be in \[0, 1\]/);
  });
});
