import type * as Tf from '@tensorflow/tfjs';
import type { Architecture } from '../../core/models/card.js';
import type { Dense, ModelWeights, Standardizer } from '../../core/models/weights.js';

export type TfModule = typeof Tf;

export interface TfRuntime {
  readonly tf: TfModule;
  /** The backend in use: 'wasm', or 'cpu' where WebAssembly could not start. */
  readonly backend: string;
}

let runtime: Promise<TfRuntime> | undefined;

/**
 * TensorFlow.js on its WebAssembly backend (loaded on first use: most commands never train).
 * Falls back to the pure-JavaScript cpu backend, and says so, if WebAssembly cannot start.
 */
export function tensorflow(): Promise<TfRuntime> {
  runtime ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-wasm');
    let ok = false;
    try {
      ok = await tf.setBackend('wasm');
    } catch {
      ok = false;
    }
    if (!ok) await tf.setBackend('cpu');
    await tf.ready();
    return { tf, backend: tf.getBackend() };
  })();
  return runtime;
}

export interface FitOptions {
  /** Passes over the data; raised when needed to reach minSteps optimizer steps (small data sets). */
  readonly epochs: number;
  readonly minSteps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** L2 penalty on every kernel. */
  readonly l2: number;
  readonly seed: number;
}

/** A Keras-style network of the architecture, with seeded initializers and sigmoid outputs (trained by trainNetwork). */
export function buildNetwork(tf: TfModule, architecture: Architecture, features: number, steps: number, outputs: number, options: FitOptions): Tf.Sequential {
  const seed = options.seed;
  const kernel = (k: number): ReturnType<TfModule['initializers']['glorotUniform']> => tf.initializers.glorotUniform({ seed: seed + k });
  const regularizer = options.l2 > 0 ? tf.regularizers.l2({ l2: options.l2 }) : undefined;
  const reg = regularizer === undefined ? {} : { kernelRegularizer: regularizer };
  const model = tf.sequential();
  if (architecture.family === 'gru') {
    model.add(
      tf.layers.gru({
        units: architecture.units,
        inputShape: [steps, features],
        activation: 'tanh',
        recurrentActivation: 'sigmoid',
        kernelInitializer: kernel(1),
        recurrentInitializer: tf.initializers.orthogonal({ gain: 1, seed: seed + 2 }),
        ...reg,
      }),
    );
  } else if (architecture.family === 'mlp') {
    architecture.hidden.forEach((units, i) => {
      model.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: kernel(10 + i), ...(i === 0 ? { inputShape: [features] } : {}), ...reg }));
    });
  }
  model.add(
    tf.layers.dense({
      units: outputs,
      activation: 'sigmoid',
      kernelInitializer: kernel(100),
      ...(architecture.family === 'logistic_regression' ? { inputShape: [features] } : {}),
      ...reg,
    }),
  );
  return model;
}

const matrix = (t: Tf.Tensor): number[][] => t.arraySync() as number[][];
const vector = (t: Tf.Tensor): number[] => t.arraySync() as number[];

function dense(layer: Tf.layers.Layer): Dense {
  const [kernel, bias] = layer.getWeights();
  if (kernel === undefined || bias === undefined) throw new Error(`layer ${layer.name} has no kernel and bias`);
  return { weights: matrix(kernel), bias: vector(bias) };
}

/** The trained parameters as plain arrays, in the layout core/models/weights.ts describes. */
export function extractWeights(model: Tf.Sequential, architecture: Architecture, standardize: Standardizer | null): ModelWeights {
  const layers = model.layers;
  const output = dense(layers[layers.length - 1] as Tf.layers.Layer);
  if (architecture.family === 'logistic_regression') return { family: 'logistic_regression', standardize, output };
  if (architecture.family === 'mlp') return { family: 'mlp', standardize, hidden: layers.slice(0, -1).map(dense), output };
  const [kernel, recurrent, bias] = (layers[0] as Tf.layers.Layer).getWeights();
  if (kernel === undefined || recurrent === undefined || bias === undefined) throw new Error('the GRU layer has no kernel, recurrent kernel and bias');
  return { family: 'gru', standardize, units: architecture.units, kernel: matrix(kernel), recurrentKernel: matrix(recurrent), bias: vector(bias), output };
}

/**
 * Adam on binary cross-entropy plus the layers' L2 penalties, over mini-batches in an order
 * drawn from the seed each epoch. A loop of its own rather than model.fit: fit shuffles with
 * Math.random, and calling it once per epoch to shuffle reproducibly costs more than training.
 */
export function trainNetwork(
  tf: TfModule,
  model: Tf.Sequential,
  x: Float32Array,
  y: Float32Array,
  n: number,
  shape: readonly number[],
  fit: FitOptions,
  order: (epoch: number) => readonly number[],
): number {
  const rowSize = x.length / n;
  const outputs = y.length / n;
  const epochs = effectiveEpochs(fit, n);
  const optimizer = tf.train.adam(fit.learningRate);
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const indices = order(epoch);
      for (let start = 0; start < n; start += fit.batchSize) {
        const batch = indices.slice(start, start + fit.batchSize);
        const xb = new Float32Array(batch.length * rowSize);
        const yb = new Float32Array(batch.length * outputs);
        batch.forEach((i, k) => {
          xb.set(x.subarray(i * rowSize, (i + 1) * rowSize), k * rowSize);
          yb.set(y.subarray(i * outputs, (i + 1) * outputs), k * outputs);
        });
        tf.tidy(() => {
          const xs = tf.tensor(xb, [batch.length, ...shape]);
          const ys = tf.tensor2d(yb, [batch.length, outputs]);
          optimizer.minimize(() => {
            const predicted = model.apply(xs, { training: true }) as Tf.Tensor;
            const loss = tf.metrics.binaryCrossentropy(ys, predicted).mean() as Tf.Scalar;
            return model.calculateLosses().reduce((total: Tf.Scalar, penalty) => total.add(penalty), loss);
          });
        });
      }
    }
  } finally {
    optimizer.dispose();
  }
  return epochs;
}

export function effectiveEpochs(fit: FitOptions, n: number): number {
  const stepsPerEpoch = Math.max(1, Math.ceil(n / fit.batchSize));
  return Math.max(fit.epochs, Math.ceil(fit.minSteps / stepsPerEpoch));
}
