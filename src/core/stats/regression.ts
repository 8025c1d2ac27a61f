import { ascendingOrder, midranks } from './ranks.js';
import { DegenerateInputError, requireFinite, requireNonEmpty, requireSameLength, requireWeights, weightAt, type Numbers } from './validate.js';

function checkPaired(what: string, x: Numbers, y: Numbers, weights?: Numbers): void {
  requireSameLength(what, x, y);
  requireNonEmpty(what, x);
  requireFinite(what, x);
  requireFinite(what, y);
  requireWeights(what, weights, x.length);
}

/** Weighted Pearson correlation; undefined (an error) when either series is constant. */
export function pearson(x: Numbers, y: Numbers, weights?: Numbers): number {
  checkPaired('Pearson correlation', x, y, weights);
  let total = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < x.length; i++) {
    const w = weightAt(weights, i);
    total += w;
    mx += w * (x[i] ?? 0);
    my += w * (y[i] ?? 0);
  }
  if (total === 0) throw new DegenerateInputError('empty', 'Pearson correlation: every weight is 0');
  mx /= total;
  my /= total;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    const w = weightAt(weights, i);
    const dx = (x[i] ?? 0) - mx;
    const dy = (y[i] ?? 0) - my;
    sxx += w * dx * dx;
    syy += w * dy * dy;
    sxy += w * dx * dy;
  }
  // Relative tolerance: a series that is constant up to rounding has no correlation to speak of.
  const tiny = (v: number, m: number): boolean => v <= 1e-24 * Math.max(1, m * m) * total;
  if (tiny(sxx, mx) || tiny(syy, my)) {
    throw new DegenerateInputError('constant', `Correlation is undefined: the ${tiny(sxx, mx) ? 'first' : 'second'} series is constant`);
  }
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Spearman's rank correlation: Pearson's correlation of the midranks (ties share their mean rank). */
export function spearman(x: Numbers, y: Numbers, weights?: Numbers, orders?: { x: Int32Array; y: Int32Array }): number {
  checkPaired('Spearman correlation', x, y, weights);
  const rx = midranks(x, weights, orders?.x ?? ascendingOrder(x));
  const ry = midranks(y, weights, orders?.y ?? ascendingOrder(y));
  return pearson(rx, ry, weights);
}

/** Root mean squared difference between predictions and a reference on the same scale. */
export function rmse(predicted: Numbers, reference: Numbers, weights?: Numbers): number {
  checkPaired('RMSE', predicted, reference, weights);
  let sum = 0;
  let total = 0;
  for (let i = 0; i < predicted.length; i++) {
    const w = weightAt(weights, i);
    const d = (predicted[i] ?? 0) - (reference[i] ?? 0);
    sum += w * d * d;
    total += w;
  }
  if (total === 0) throw new DegenerateInputError('empty', 'RMSE: every weight is 0');
  return Math.sqrt(sum / total);
}
