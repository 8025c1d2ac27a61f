import { WeftError } from '../../../core/errors.js';
import { modelCardSchema, type ModelCard } from '../../../core/models/card.js';
import { FACE_COVERAGE } from '../../../core/models/presets.js';
import type { ModelWeights } from '../../../core/models/weights.js';
import { writeOnnxModel } from '../onnxWrite.js';
import { onnx, int64 } from '../onnxProto.js';
import { BROMP_OUTPUTS, SHIPPED_VERSION, provenance } from './common.js';
import { FACE_PRIOR_FEATURES, FACE_PRIOR_ID, FACE_PRIOR_WEIGHTS } from './facePrior.js';
import { LOG_AFFECT_FEATURES, LOG_AFFECT_ID, LOG_AFFECT_WINDOW } from './logAffect.js';
import type { ShippedBuild } from './facePrior.js';

export const FUSION_ID = 'fusion-affect';

type Logistic = Extract<ModelWeights, { family: 'logistic_regression' }>;

/** A logistic-regression model's parameters read back from the ONNX file Weft wrote (onnxWrite.ts names them). */
export function logisticWeightsFromOnnx(bytes: Uint8Array, file: string): Logistic {
  const graph = onnx.ModelProto.decode(bytes).graph;
  const tensor = (name: string): { dims: number[]; values: number[] } | null => {
    const t = graph?.initializer?.find((i) => i.name === name);
    if (t === undefined || t === null) return null;
    const raw = t.rawData ?? new Uint8Array();
    const floats = raw.length > 0 ? new Float32Array(raw.slice().buffer) : Float32Array.from(t.floatData ?? []);
    return { dims: (t.dims ?? []).map(int64), values: Array.from(floats) };
  };
  const w = tensor('weights');
  const b = tensor('bias');
  if (w === null || b === null || w.dims.length !== 2) throw new WeftError('INVALID_INPUT', `${file} is not a logistic regression written by Weft (no weights and bias initializers)`);
  const [rows = 0, cols = 0] = w.dims;
  const mean = tensor('standardize_mean');
  const scale = tensor('standardize_scale');
  return {
    family: 'logistic_regression',
    standardize: mean === null || scale === null ? null : { mean: mean.values, scale: scale.values },
    output: { weights: Array.from({ length: rows }, (_, r) => w.values.slice(r * cols, (r + 1) * cols)), bias: b.values },
  };
}

/**
 * The sum of the two detectors' logits as one logistic regression: inputs are the face prior's
 * z-scored action units, then the log model's raw features (standardized in the graph with the
 * log model's training mean and SD; the face inputs pass through with mean 0, SD 1).
 */
export function fusionWeights(face: Logistic, log: Logistic): Logistic {
  if (face.standardize !== null) throw new WeftError('INTERNAL', 'the face prior reads z-scores: it has no standardization of its own');
  const faceRows = face.output.weights.length;
  const logStd = log.standardize ?? { mean: log.output.weights.map(() => 0), scale: log.output.weights.map(() => 1) };
  return {
    family: 'logistic_regression',
    standardize: { mean: [...new Array<number>(faceRows).fill(0), ...logStd.mean], scale: [...new Array<number>(faceRows).fill(1), ...logStd.scale] },
    output: {
      weights: [...face.output.weights, ...log.output.weights],
      bias: face.output.bias.map((b, l) => b + (log.output.bias[l] ?? 0)),
    },
  };
}

export function fusionCard(): ModelCard {
  return modelCardSchema.parse({
    format: 'weft-model-card',
    format_version: 1,
    id: FUSION_ID,
    version: SHIPPED_VERSION,
    title: 'Confusion and frustration from face and tutor log together',
    description: `The sum of the logits of ${LOG_AFFECT_ID} (tutor-log features) and ${FACE_PRIOR_ID} (facial action units against the participant's baseline) over the same 20-second windows, for sessions with both a face video and a tutor log.`,
    kind: 'fusion',
    architecture: { family: 'logistic_regression' },
    inputs: {
      features: [...FACE_PRIOR_FEATURES, ...LOG_AFFECT_FEATURES],
      window: LOG_AFFECT_WINDOW,
      coverage: { face_frames: FACE_COVERAGE },
      normalization: { kind: 'participant_zscore', baseline: { kind: 'participant_all' }, min_windows: 10, features: FACE_PRIOR_FEATURES.map((f) => f.name) },
    },
    outputs: { labels: [...BROMP_OUTPUTS] },
    training: {
      kind: 'literature',
      description: `No training: a fixed combination of the two shipped detectors. logit(fusion) = logit(${LOG_AFFECT_ID}) + logit(${FACE_PRIOR_ID}), with the log model's weights and training standardization taken from its model.onnx and the face prior's literature weights, both on the same 20 s windows every 10 s. The face prior's output is 0.5 (odds 1:1) at the participant's own baseline, so it moves the log model's odds by the face evidence and leaves them unchanged at baseline: a naive-Bayes combination that treats the two streams as independent evidence given the state. Only the face features are z-scored against the participant's baseline (of 20 s windows); the log features are used raw, as the log model was trained.`,
      data_set: `none of its own: see the cards of ${LOG_AFFECT_ID} and ${FACE_PRIOR_ID}`,
      references: [`Weft model ${LOG_AFFECT_ID} ${SHIPPED_VERSION}`, `Weft model ${FACE_PRIOR_ID} ${SHIPPED_VERSION}`],
      hyperparameters: { combination: 'sum of logits', log_weight: 1, face_weight: 1 },
    },
    evaluation: [],
    intended_use:
      'Exploring sessions that have both a face video and a tutor log: windows where the log resembles the ASSISTments detectors\' confusion or frustration and the face moves in the direction the literature describes rank highest. Not for decisions about individual learners.',
    limits: [
      'Not evaluated: no public data set has learners\' faces, their tutor logs and affect labels together. The demo study has both streams, but its BROMP labels and faces are simulated, so numbers on it would measure the simulation.',
      'The independence assumption is unchecked; if face and log evidence overlap, the combination is overconfident.',
      `Inherits every limit of ${LOG_AFFECT_ID} (trained on single actions of a row sample, targets are detector outputs) and of ${FACE_PRIOR_ID} (a literature prior, not trained on labelled faces, uncalibrated).`,
      'A window needs a tracked face in half its frames and at least one tutor action, and the participant needs 10 such windows for a baseline; other windows are skipped.',
    ],
    licence: `Apache-2.0; the log part derives from the ASSISTments 2017 competition data under ASSISTments' terms of use (see ${LOG_AFFECT_ID}).`,
    provenance: provenance(),
  });
}

/** The fusion model from the log model's ONNX bytes and the face prior's fixed weights. */
export function buildFusion(logBytes: Uint8Array): ShippedBuild {
  const card = fusionCard();
  const face = FACE_PRIOR_WEIGHTS;
  if (face.family !== 'logistic_regression') throw new WeftError('INTERNAL', 'the face prior is a logistic regression');
  return { card, bytes: writeOnnxModel(fusionWeights(face, logisticWeightsFromOnnx(logBytes, `${LOG_AFFECT_ID}/model.onnx`)), card) };
}
