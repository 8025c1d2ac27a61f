/**
 * The parameters of the model families Weft writes to ONNX, as plain arrays. Matrices are
 * row-major [inputs][outputs], the way x · W reads. Hidden MLP layers use ReLU; every model
 * ends in a sigmoid per output label. GRU gates are ordered z (update), r (reset), h (candidate)
 * along the 3·units axis, with the reset gate applied before the recurrent product (ONNX
 * linear_before_reset = 0, Keras/TensorFlow.js reset_after = false) and sigmoid/tanh activations.
 */
export interface Standardizer {
  /** Subtracted from each feature, then divided by `scale`. */
  readonly mean: readonly number[];
  readonly scale: readonly number[];
}

export interface Dense {
  readonly weights: readonly (readonly number[])[];
  readonly bias: readonly number[];
}

export type ModelWeights =
  | { readonly family: 'logistic_regression'; readonly standardize: Standardizer | null; readonly output: Dense }
  | { readonly family: 'mlp'; readonly standardize: Standardizer | null; readonly hidden: readonly Dense[]; readonly output: Dense }
  | {
      readonly family: 'gru';
      readonly standardize: Standardizer | null;
      readonly units: number;
      /** [features][3·units] */
      readonly kernel: readonly (readonly number[])[];
      /** [units][3·units] */
      readonly recurrentKernel: readonly (readonly number[])[];
      /** [3·units], added on the input side. */
      readonly bias: readonly number[];
      readonly output: Dense;
    };

export interface Shape {
  readonly features: number;
  readonly outputs: number;
}

function dims(what: string, m: readonly (readonly number[])[], rows: number, cols: number): void {
  if (m.length !== rows || m.some((r) => r.length !== cols)) {
    throw new RangeError(`${what} must be ${rows}×${cols}, got ${m.length}×${m[0]?.length ?? 0}`);
  }
  for (const r of m) for (const v of r) if (!Number.isFinite(v)) throw new RangeError(`${what} holds a value that is not finite (${v})`);
}

function vector(what: string, v: readonly number[], n: number): void {
  if (v.length !== n) throw new RangeError(`${what} must have ${n} values, got ${v.length}`);
  for (const x of v) if (!Number.isFinite(x)) throw new RangeError(`${what} holds a value that is not finite (${x})`);
}

/** Checks every array's size against the input and output counts; returns the shape. */
export function checkWeights(w: ModelWeights): Shape {
  const features = w.family === 'gru' ? w.kernel.length : w.family === 'mlp' ? (w.hidden[0]?.weights.length ?? 0) : w.output.weights.length;
  if (features === 0) throw new RangeError('a model needs at least one input feature');
  const outputs = w.output.bias.length;
  if (outputs === 0) throw new RangeError('a model needs at least one output');
  if (w.standardize !== null) {
    vector('standardize.mean', w.standardize.mean, features);
    vector('standardize.scale', w.standardize.scale, features);
    if (w.standardize.scale.some((s) => s === 0)) throw new RangeError('standardize.scale may not hold 0');
  }
  let width = features;
  if (w.family === 'mlp') {
    w.hidden.forEach((layer, i) => {
      const out = layer.bias.length;
      dims(`hidden[${i}].weights`, layer.weights, width, out);
      vector(`hidden[${i}].bias`, layer.bias, out);
      width = out;
    });
  } else if (w.family === 'gru') {
    const h = w.units;
    dims('kernel', w.kernel, features, 3 * h);
    dims('recurrentKernel', w.recurrentKernel, h, 3 * h);
    vector('bias', w.bias, 3 * h);
    width = h;
  }
  dims('output.weights', w.output.weights, width, outputs);
  vector('output.bias', w.output.bias, outputs);
  return { features, outputs };
}
