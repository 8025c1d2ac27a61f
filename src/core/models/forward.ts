import { checkWeights, type Dense, type ModelWeights } from './weights.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function dense(layer: Dense, x: Float64Array, activation: (v: number) => number): Float64Array {
  const out = new Float64Array(layer.bias.length);
  for (let j = 0; j < out.length; j++) {
    let s = layer.bias[j] ?? 0;
    for (let i = 0; i < x.length; i++) s += (x[i] ?? 0) * (layer.weights[i]?.[j] ?? 0);
    out[j] = activation(s);
  }
  return out;
}

function standardized(w: ModelWeights, x: Float64Array): Float64Array {
  if (w.standardize === null) return x;
  const { mean, scale } = w.standardize;
  return x.map((v, i) => (v - (mean[i] ?? 0)) / (scale[i] ?? 1));
}

/**
 * The models' forward pass in plain TypeScript (double precision): the reference the ONNX
 * files are checked against. `input` is [windows, steps, features] flattened; steps is 1 for
 * logistic regression and MLPs. Returns [windows, outputs] probabilities.
 */
export function forward(w: ModelWeights, input: ArrayLike<number>, windows: number, steps: number): Float64Array {
  const { features, outputs } = checkWeights(w);
  if (input.length !== windows * steps * features) throw new RangeError(`input has ${input.length} values, expected ${windows}×${steps}×${features}`);
  const out = new Float64Array(windows * outputs);
  for (let n = 0; n < windows; n++) {
    let probabilities: Float64Array;
    if (w.family === 'gru') {
      const units = w.units;
      let h = new Float64Array(units);
      for (let t = 0; t < steps; t++) {
        const offset = (n * steps + t) * features;
        const x = standardized(w, Float64Array.from({ length: features }, (_, i) => input[offset + i] ?? 0));
        const gate = (block: number, j: number, withRecurrent: Float64Array): number => {
          let s = w.bias[block * units + j] ?? 0;
          for (let i = 0; i < features; i++) s += (x[i] ?? 0) * (w.kernel[i]?.[block * units + j] ?? 0);
          for (let i = 0; i < units; i++) s += (withRecurrent[i] ?? 0) * (w.recurrentKernel[i]?.[block * units + j] ?? 0);
          return s;
        };
        const z = Float64Array.from({ length: units }, (_, j) => sigmoid(gate(0, j, h)));
        const r = Float64Array.from({ length: units }, (_, j) => sigmoid(gate(1, j, h)));
        const reset = h.map((v, i) => v * (r[i] ?? 0));
        const candidate = Float64Array.from({ length: units }, (_, j) => Math.tanh(gate(2, j, reset)));
        h = h.map((v, j) => (z[j] ?? 0) * v + (1 - (z[j] ?? 0)) * (candidate[j] ?? 0));
      }
      probabilities = dense(w.output, h, sigmoid);
    } else {
      if (steps !== 1) throw new RangeError(`a ${w.family} model reads one vector per window, not ${steps} steps`);
      let x = standardized(w, Float64Array.from({ length: features }, (_, i) => input[n * features + i] ?? 0));
      if (w.family === 'mlp') for (const layer of w.hidden) x = dense(layer, x, (v) => Math.max(0, v));
      probabilities = dense(w.output, x, sigmoid);
    }
    out.set(probabilities, n * outputs);
  }
  return out;
}
