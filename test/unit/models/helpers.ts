import { createRng } from '../../../src/core/stats/prng.js';
import { ONNX_IR_VERSION, ONNX_OPSET, modelCardSchema, type ModelCard } from '../../../src/core/models/card.js';
import { FACE_COVERAGE } from '../../../src/core/models/presets.js';
import { feature, type FeatureSpec } from '../../../src/core/models/features.js';
import type { Dense, ModelWeights } from '../../../src/core/models/weights.js';

export const FACE_FEATURES: FeatureSpec[] = [
  feature('face_frames', 'bs_brow_down_left', 'mean'),
  feature('face_frames', 'bs_eye_squint_left', 'mean'),
  feature('face_frames', 'bs_brow_inner_up', 'mean'),
];

/** A valid card for tests; override any part. */
export function testCard(overrides: Partial<Record<keyof ModelCard, unknown>> = {}): ModelCard {
  return modelCardSchema.parse({
    format: 'weft-model-card',
    format_version: 1,
    id: 'test-model',
    version: '1.0.0',
    title: 'Test model',
    description: 'A model made up for a test.',
    kind: 'face',
    architecture: { family: 'logistic_regression' },
    inputs: {
      features: FACE_FEATURES,
      window: { length_s: 2, hop_s: 1 },
      coverage: { face_frames: FACE_COVERAGE },
      normalization: { kind: 'none' },
    },
    outputs: {
      labels: [
        { name: 'confusion', description: 'P(confused)' },
        { name: 'frustration', description: 'P(frustrated)' },
      ],
    },
    training: { kind: 'literature', description: 'Weights chosen by hand for a test.', data_set: 'none' },
    evaluation: [],
    intended_use: 'Tests only.',
    limits: ['Not a real model.'],
    licence: 'Apache-2.0',
    provenance: { script: 'test/unit/models', created_at: '2026-11-23T00:00:00Z', producer: 'weft 0.1.0', ir_version: ONNX_IR_VERSION, opset: ONNX_OPSET },
    ...overrides,
  });
}

export function randomDense(seed: number, rows: number, cols: number): Dense {
  const rng = createRng(seed);
  const r = (): number => (rng.next() - 0.5) * 2;
  return { weights: Array.from({ length: rows }, () => Array.from({ length: cols }, r)), bias: Array.from({ length: cols }, r) };
}

export function randomInput(seed: number, length: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length }, () => (rng.next() - 0.5) * 4);
}

export function gruWeights(seed: number, features: number, units: number, outputs: number): ModelWeights {
  const rng = createRng(seed);
  const r = (): number => rng.next() - 0.5;
  return {
    family: 'gru',
    standardize: { mean: Array.from({ length: features }, r), scale: Array.from({ length: features }, () => 0.5 + rng.next()) },
    units,
    kernel: Array.from({ length: features }, () => Array.from({ length: 3 * units }, r)),
    recurrentKernel: Array.from({ length: units }, () => Array.from({ length: 3 * units }, r)),
    bias: Array.from({ length: 3 * units }, r),
    output: randomDense(seed + 1, units, outputs),
  };
}
