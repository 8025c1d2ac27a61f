import type { Numbers } from './validate.js';

/** Indices that sort `values` ascending (stable). */
export function ascendingOrder(values: Numbers): Int32Array {
  const order = Int32Array.from({ length: values.length }, (_, i) => i);
  order.sort((a, b) => (values[a] ?? 0) - (values[b] ?? 0) || a - b);
  return order;
}

/**
 * Ranks from 1, ties sharing the mean of the ranks they span (midranks). With weights, an item
 * of weight w counts as w copies of it: the ranks are those of the data replicated that way.
 */
export function midranks(values: Numbers, weights?: Numbers, order: Int32Array = ascendingOrder(values)): Float64Array {
  const ranks = new Float64Array(values.length);
  let below = 0;
  let i = 0;
  while (i < order.length) {
    const first = order[i] ?? 0;
    let j = i;
    let groupWeight = 0;
    while (j < order.length && values[order[j] ?? 0] === values[first]) {
      groupWeight += weights === undefined ? 1 : (weights[order[j] ?? 0] ?? 0);
      j++;
    }
    const rank = below + (groupWeight + 1) / 2;
    for (let k = i; k < j; k++) ranks[order[k] ?? 0] = rank;
    below += groupWeight;
    i = j;
  }
  return ranks;
}
