import { describe, expect, it } from 'vitest';
import { auc, brierScore, cohensKappa, cohensKappaAtThreshold, confusionCounts, f1AtThreshold } from '../../../src/core/stats/classification.js';
import { reliabilityCurve } from '../../../src/core/stats/calibration.js';
import { DegenerateInputError } from '../../../src/core/stats/validate.js';

// Computed offline with numpy 2.4 / scipy 1.17 (AUC as Mann–Whitney U / (n1 n0), which handles
// ties by midranks): 40 items, scores rounded to one decimal so that many tie.
const Y = [0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1];
const S = [
  0.1, 0.4, 0.3, 0.7, 0.6, 0.4, 0.3, 0.3, 0.3, 0.4, 0.4, 0.5, 0.3, 0.2, 0.2, 0.1, 0.4, 0.2, 0.5, 0.3, 0.6, 0.6, 0.3, 0.3, 0.5, 0.1, 0.2, 0.0, 0.5, 0.1,
  0.3, 0.4, 0.7, 0.6, 0.1, 0.7, 0.5, 0.7, 0.3, 0.3,
];

describe('AUC', () => {
  it('matches the Mann–Whitney U statistic with ties (scipy)', () => {
    expect(auc(Y, S)).toBeCloseTo(0.8567708333333334, 12);
  });

  it('gives the textbook value on a small case', () => {
    // The scikit-learn roc_auc_score docstring example.
    expect(auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
  });

  it('counts a tie between a positive and a negative as one half', () => {
    expect(auc([0, 1], [0.5, 0.5])).toBe(0.5);
    expect(auc([0, 0, 1], [0.2, 0.5, 0.5])).toBe(0.75);
  });

  it('with weights equals the AUC of the data replicated by those weights', () => {
    const weights = Y.map((_, i) => (i % 3) + (i % 2));
    const ys: number[] = [];
    const ss: number[] = [];
    Y.forEach((y, i) => {
      for (let k = 0; k < (weights[i] ?? 0); k++) {
        ys.push(y);
        ss.push(S[i] ?? 0);
      }
    });
    expect(auc(Y, S, weights)).toBeCloseTo(auc(ys, ss), 12);
  });

  it('refuses a single class, naming it', () => {
    expect(() => auc([1, 1, 1], [0.1, 0.2, 0.3])).toThrow(/AUC is undefined: every label is positive/);
    expect(() => auc([0, 0], [0.1, 0.2])).toThrow(DegenerateInputError);
  });

  it('refuses empty, mismatched, non-binary and non-finite input', () => {
    expect(() => auc([], [])).toThrow(/no values/);
    expect(() => auc([0, 1], [0.1])).toThrow(/2 values against 1/);
    expect(() => auc([0, 2], [0.1, 0.2])).toThrow(/must be 0 or 1/);
    expect(() => auc([0, 1], [0.1, Number.NaN])).toThrow(/not a finite number/);
  });
});

describe('F1, kappa and confusion counts at a threshold', () => {
  it('match independently computed values', () => {
    expect(confusionCounts(Y, S, 0.5)).toEqual({ tp: 10, fp: 3, fn: 6, tn: 21 });
    expect(f1AtThreshold(Y, S, 0.5)).toBeCloseTo(0.6896551724137931, 12);
    expect(cohensKappaAtThreshold(Y, S, 0.5)).toBeCloseTo(0.5161290322580645, 12);
  });

  it('give F1 0 and kappa 0 for a predictor that never says positive', () => {
    expect(f1AtThreshold([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4], 0.9)).toBe(0);
    expect(cohensKappaAtThreshold([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4], 0.9)).toBe(0);
  });

  it('refuse labels of a single class', () => {
    expect(() => f1AtThreshold([0, 0], [0.1, 0.9], 0.5)).toThrow(/F1 is undefined/);
    expect(() => cohensKappaAtThreshold([1, 1], [0.1, 0.9], 0.5)).toThrow(/kappa is undefined/);
  });
});

describe("Cohen's kappa between two raters", () => {
  it('gives the textbook 0.4 (20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no)', () => {
    const a = [...Array(20).fill('yes'), ...Array(5).fill('yes'), ...Array(10).fill('no'), ...Array(15).fill('no')];
    const b = [...Array(20).fill('yes'), ...Array(5).fill('no'), ...Array(10).fill('yes'), ...Array(15).fill('no')];
    expect(cohensKappa(a, b)).toBeCloseTo(0.4, 12);
  });

  it('refuses two raters who both use one label throughout', () => {
    expect(() => cohensKappa(['a', 'a'], ['a', 'a'])).toThrow(/one and the same label/);
  });
});

describe('Brier score', () => {
  it('is the mean squared error of the probabilities', () => {
    expect(brierScore(Y, S)).toBeCloseTo(0.16025, 12);
    expect(brierScore([0, 1], [0, 1])).toBe(0);
    expect(brierScore([1], [0])).toBe(1);
  });

  it('refuses probabilities outside [0, 1]', () => {
    expect(() => brierScore([1, 0], [1.2, 0])).toThrow(/outside \[0, 1\]/);
  });
});

describe('reliability curve', () => {
  it('bins probabilities into equal-width bins with counts, means and observed rates', () => {
    const curve = reliabilityCurve([0, 1, 1, 0, 1, 1], [0.05, 0.15, 0.12, 0.55, 0.95, 1], 4);
    expect(curve.bins.map((b) => b.count)).toEqual([3, 0, 1, 2]);
    expect(curve.bins[0]?.mean_predicted).toBeCloseTo((0.05 + 0.15 + 0.12) / 3, 12);
    expect(curve.bins[0]?.observed_rate).toBeCloseTo(2 / 3, 12);
    expect(curve.bins[1]).toEqual({ lower: 0.25, upper: 0.5, count: 0, mean_predicted: null, observed_rate: null });
    expect(curve.bins[3]?.observed_rate).toBe(1);
    const ece = (3 / 6) * Math.abs(2 / 3 - 0.32 / 3) + (1 / 6) * 0.55 + (2 / 6) * Math.abs(1 - 0.975);
    expect(curve.ece).toBeCloseTo(ece, 12);
  });
});
