import type * as Tf from '@tensorflow/tfjs';
import type * as z from 'zod';
import { WeftError } from '../../core/errors.js';
import {
  ONNX_IR_VERSION,
  ONNX_OPSET,
  INPUT_TENSOR,
  OUTPUT_TENSOR,
  inputsSchema,
  labelRuleSchema,
  modelCardSchema,
  type Architecture,
  type EvaluationEntry,
  type ModelCardInput,
  type ModelKind,
} from '../../core/models/card.js';
import { OUTPUT_DESCRIPTIONS } from '../../core/models/presets.js';
import { nextVersion } from '../../core/models/version.js';
import type { ModelWeights, Standardizer } from '../../core/models/weights.js';
import { binaryReport, type BinaryReport } from '../../core/stats/binaryReport.js';
import { DEFAULT_BOOTSTRAP, type BootstrapOptions } from '../../core/stats/bootstrap.js';
import { createRng, shuffleInPlace } from '../../core/stats/prng.js';
import { appendAudit } from '../store/audit.js';
import type { Study } from '../store/study.js';
import { labelsForWindows, readTier } from './annotationLabels.js';
import { OnnxWorker } from './onnxWorker.js';
import { writeOnnxModel } from './onnxWrite.js';
import { listModels, registerModel, studyModelsDir, type LoadedModel } from './registry.js';
import { buildNetwork, extractWeights, tensorflow, trainNetwork, type FitOptions, type TfModule } from './tfjs.js';
import { buildWindows } from './windows.js';
import { jobProgress, type JobProgress } from '../jobs/progress.js';
import type { EventSink } from '../../core/api/events.js';

export const DEFAULT_FIT: Readonly<Record<Architecture['family'], Omit<FitOptions, 'seed'>>> = {
  logistic_regression: { epochs: 60, minSteps: 150, batchSize: 64, learningRate: 0.05, l2: 1e-3 },
  mlp: { epochs: 60, minSteps: 200, batchSize: 64, learningRate: 0.01, l2: 1e-3 },
  gru: { epochs: 30, minSteps: 100, batchSize: 64, learningRate: 0.01, l2: 1e-3 },
};

export interface TrainRequest {
  readonly id: string;
  readonly version?: string;
  readonly title?: string;
  readonly description?: string;
  readonly kind?: ModelKind;
  readonly architecture: Architecture;
  readonly inputs: z.input<typeof inputsSchema>;
  readonly labels: z.input<typeof labelRuleSchema>;
  readonly fit?: Partial<FitOptions>;
  readonly seed?: number;
  /** Sessions to train on; every session of the study when absent. */
  readonly sessions?: readonly string[];
  readonly bootstrap?: BootstrapOptions;
  readonly shuffles?: number;
  readonly threshold?: number;
  readonly intendedUse?: string;
  readonly limits?: readonly string[];
  readonly licence?: string;
  /** Recorded in the card's provenance: the command or script that trained it. */
  readonly script?: string;
  readonly producer?: string;
  readonly actor: string;
  /** Progress of the folds and the final fit, as job.progress events. */
  readonly events?: EventSink;
}

export interface TrainResult {
  readonly model: LoadedModel;
  /** Leave-one-participant-out evaluation per output, in full (the card holds a summary). */
  readonly evaluation: Readonly<Record<string, BinaryReport>>;
  readonly summary: {
    readonly id: string;
    readonly version: string;
    readonly dir: string;
    readonly sha256: string;
    readonly backend: string;
    readonly windows: number;
    readonly participants: number;
    readonly positives: Readonly<Record<string, number>>;
    readonly skipped: Readonly<Record<string, number>>;
    readonly folds: number;
    readonly folds_skipped: readonly { readonly participant_id: string; readonly reason: string }[];
    readonly timings_ms: { readonly windows: number; readonly cross_validation: number; readonly final_fit: number; readonly export: number };
  };
}

export interface Examples {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly participants: readonly string[];
  readonly n: number;
  readonly rowSize: number;
}

export function subset(e: Examples, keep: readonly number[]): Examples {
  const L = e.y.length / e.n;
  const x = new Float32Array(keep.length * e.rowSize);
  const y = new Float32Array(keep.length * L);
  keep.forEach((i, k) => {
    x.set(e.x.subarray(i * e.rowSize, (i + 1) * e.rowSize), k * e.rowSize);
    y.set(e.y.subarray(i * L, (i + 1) * L), k * L);
  });
  return { x, y, participants: keep.map((i) => e.participants[i] as string), n: keep.length, rowSize: e.rowSize };
}

/** Per-feature mean and SD over every window (and step); a constant feature keeps scale 1. */
export function fitStandardizer(x: Float32Array, features: number): Standardizer {
  const rows = x.length / features;
  const mean = new Array<number>(features).fill(0);
  const sq = new Array<number>(features).fill(0);
  for (let r = 0; r < rows; r++) for (let f = 0; f < features; f++) mean[f] = (mean[f] ?? 0) + (x[r * features + f] ?? 0) / rows;
  for (let r = 0; r < rows; r++) for (let f = 0; f < features; f++) sq[f] = (sq[f] ?? 0) + ((x[r * features + f] ?? 0) - (mean[f] ?? 0)) ** 2;
  const scale = sq.map((s) => (rows > 1 && s > 0 ? Math.sqrt(s / (rows - 1)) : 1));
  return { mean, scale };
}

export function applyStandardizer(x: Float32Array, s: Standardizer): Float32Array {
  const F = s.mean.length;
  return x.map((v, i) => (v - (s.mean[i % F] ?? 0)) / (s.scale[i % F] ?? 1));
}

export function fitNetwork(tf: TfModule, model: Tf.Sequential, e: Examples, shape: readonly number[], fit: FitOptions): number {
  const rng = createRng(fit.seed);
  return trainNetwork(tf, model, e.x, e.y, e.n, shape, fit, () => shuffleInPlace(Array.from({ length: e.n }, (_, i) => i), rng));
}

export function predictNetwork(tf: TfModule, model: Tf.Sequential, x: Float32Array, n: number, shape: readonly number[]): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor(x, [n, ...shape])) as Tf.Tensor).dataSync() as Float32Array);
}

function singleClass(y: Float32Array, L: number, outputs: readonly string[]): string | null {
  for (let l = 0; l < L; l++) {
    let positives = 0;
    const n = y.length / L;
    for (let i = 0; i < n; i++) positives += y[i * L + l] ?? 0;
    if (positives === 0 || positives === n) return `every ${outputs[l] ?? ''} label is ${positives === 0 ? 'negative' : 'positive'}`;
  }
  return null;
}

const estimate = (m: { value: number; lower: number | null; upper: number | null }) => ({ value: m.value, lower: m.lower, upper: m.upper });

function evaluationEntry(output: string, report: BinaryReport, folds: number, skipped: number, dataSet: string): EvaluationEntry {
  const majority = report.baselines.majority_class;
  const shuffled = report.baselines.shuffled_labels;
  return {
    method: 'leave_one_participant_out',
    description: `Each participant's windows scored by a model trained on the other participants (${folds} folds${skipped > 0 ? `, ${skipped} skipped` : ''}); metrics pooled over the out-of-fold predictions, F1 and kappa at probability >= ${report.threshold}.`,
    data_set: dataSet,
    date: new Date().toISOString(),
    output,
    n: report.n,
    participants: report.participants,
    positives: report.positives,
    metrics: {
      auc: estimate(report.overall.auc),
      f1: estimate(report.overall.f1),
      kappa: estimate(report.overall.kappa),
      brier: estimate(report.overall.brier),
      ...(report.participant_mean_auc === null ? {} : { participant_mean_auc: estimate(report.participant_mean_auc) }),
      ece: { value: report.reliability.ece, lower: null, upper: null },
    },
    baselines: {
      majority_class: { auc: majority.auc.value, f1: majority.f1.value, kappa: majority.kappa.value, brier: majority.brier.value },
      shuffled_labels: { auc: shuffled.auc.mean, f1: shuffled.f1.mean, kappa: shuffled.kappa.mean, brier: shuffled.brier.mean },
    },
    interval: `${Math.round(report.method.level * 100)}% ${report.method.interval}, ${report.method.resamples} resamples (seed ${report.method.seed})`,
  };
}

/**
 * Trains a detector on a study's annotation tier: windows from the store, labels by the overlap
 * rule, leave-one-participant-out cross-validation scored with core/stats, a final fit on every
 * participant, export to ONNX with a generated card, a check that onnxruntime reproduces
 * TensorFlow.js's outputs, and registration in the study's own models folder.
 */
export async function trainModel(study: Study, request: TrainRequest): Promise<TrainResult> {
  const progress = jobProgress(request.events, `Training ${request.id}`, 'steps', null);
  try {
    const result = await train(study, request, progress);
    progress.finish(`${result.summary.id} ${result.summary.version} registered`);
    return result;
  } catch (error) {
    progress.fail(error instanceof Error ? error.message : String(error));
    throw error;
  }
}

async function train(study: Study, request: TrainRequest, progress: JobProgress): Promise<TrainResult> {
  const started = performance.now();
  const inputs = inputsSchema.parse(request.inputs);
  const rule = labelRuleSchema.parse(request.labels);
  const architecture = request.architecture;
  const seed = request.seed ?? 20261123;
  const fit: FitOptions = { ...DEFAULT_FIT[architecture.family], ...request.fit, seed };
  const bootstrap = request.bootstrap ?? DEFAULT_BOOTSTRAP;
  const root = studyModelsDir(study.dir);
  const existing = (await listModels([root])).models.filter((m) => m.id === request.id).map((m) => m.version);
  const version = request.version ?? nextVersion(existing);
  const name = `Model ${request.id} ${version}`;
  const outputs = rule.targets.map((t) => t.output);
  const L = outputs.length;
  const F = inputs.features.length;
  const T = inputs.window.steps;
  const shape = T === 1 ? [F] : [T, F];

  const tier = await readTier(study, rule.tier);
  const windows = await buildWindows(study, inputs, { ...(request.sessions === undefined ? {} : { sessions: request.sessions }), model: name });
  const labelSet = labelsForWindows(windows.windows, tier, rule);
  const keep: number[] = [];
  windows.windows.forEach((_, i) => {
    if (outputs.every((o) => (labelSet.labels.get(o)?.[i] ?? -1) >= 0)) keep.push(i);
  });
  const skipped: Record<string, number> = { ...windows.skipped };
  for (const [output, reasons] of labelSet.unlabeled) for (const [reason, n] of Object.entries(reasons)) skipped[`labels (${output}): ${reason}`] = n;
  const all: Examples = {
    x: windows.values,
    y: Float32Array.from({ length: windows.windows.length * L }, (_, k) => Math.max(0, labelSet.labels.get(outputs[k % L] as string)?.[Math.floor(k / L)] ?? 0)),
    participants: windows.windows.map((w) => w.participant_id),
    n: windows.windows.length,
    rowSize: T * F,
  };
  const data = subset(all, keep);
  const dataSessions = new Set(keep.map((i) => windows.windows[i]?.session_id ?? ''));
  if (data.n === 0) {
    throw new WeftError('INVALID_INPUT', `${name}: no window has both features and labels from tier "${rule.tier}" (${Object.entries(skipped).map(([r, n]) => `${r}: ${n}`).join('; ')})`, {
      details: { reason: 'no_examples', skipped },
    });
  }
  const single = singleClass(data.y, L, outputs);
  if (single !== null) {
    throw new WeftError('INVALID_INPUT', `${name}: tier "${rule.tier}" gives a single class over the ${data.n} labelled windows (${single}); a detector cannot be trained or evaluated on one class`, {
      details: { reason: 'single_class' },
    });
  }
  const participantIds = [...new Set(data.participants)].sort();
  if (participantIds.length < 2) {
    throw new WeftError('INVALID_INPUT', `${name}: leave-one-participant-out cross-validation needs labelled windows of at least two participants; there are ${participantIds.length}`, {
      details: { reason: 'too_few_participants' },
    });
  }
  outputs.forEach((output, l) => {
    const withPositives = new Set(data.participants.filter((_, i) => (data.y[i * L + l] ?? 0) === 1));
    if (withPositives.size < 2) {
      throw new WeftError(
        'INVALID_INPUT',
        `${name}: only ${withPositives.size === 0 ? 'no participant' : `participant ${[...withPositives].join('')}`} has positive ${output} windows; leave-one-participant-out cross-validation needs positives from at least two participants`,
        { details: { reason: 'too_few_positive_participants', output } },
      );
    }
  });
  const { tf, backend } = await tensorflow();
  const t1 = performance.now();

  const oof = new Float32Array(data.n * L).fill(Number.NaN);
  const foldsSkipped: { participant_id: string; reason: string }[] = [];
  const steps = participantIds.length + 1;
  progress.setTotal(steps);
  for (const [fold, p] of participantIds.entries()) {
    await progress.step(fold, `cross-validation: fold ${fold + 1} of ${participantIds.length} (${p} held out)`);
    const trainIdx: number[] = [];
    const testIdx: number[] = [];
    data.participants.forEach((q, i) => (q === p ? testIdx : trainIdx).push(i));
    const train = subset(data, trainIdx);
    const problem = singleClass(train.y, L, outputs);
    if (problem !== null) {
      foldsSkipped.push({ participant_id: p, reason: `without ${p}, ${problem}` });
      continue;
    }
    const standardizer = fitStandardizer(train.x, F);
    const model = buildNetwork(tf, architecture, F, T, L, fit);
    try {
      fitNetwork(tf, model, { ...train, x: applyStandardizer(train.x, standardizer) }, shape, fit);
      const test = subset(data, testIdx);
      const predicted = predictNetwork(tf, model, applyStandardizer(test.x, standardizer), test.n, shape);
      testIdx.forEach((i, k) => oof.set(predicted.subarray(k * L, (k + 1) * L), i * L));
    } finally {
      model.dispose();
    }
  }
  const evaluation: Record<string, BinaryReport> = {};
  outputs.forEach((output, l) => {
    const scored = Array.from({ length: data.n }, (_, i) => i).filter((i) => !Number.isNaN(oof[i * L + l] ?? Number.NaN));
    try {
      evaluation[output] = binaryReport(
        { labels: scored.map((i) => data.y[i * L + l] ?? 0), probabilities: scored.map((i) => oof[i * L + l] ?? 0), participants: scored.map((i) => data.participants[i] as string) },
        { bootstrap, ...(request.shuffles === undefined ? {} : { shuffles: request.shuffles }), ...(request.threshold === undefined ? {} : { threshold: request.threshold }) },
      );
    } catch (error) {
      throw new WeftError('INVALID_INPUT', `${name}: cannot evaluate ${output} by leave-one-participant-out cross-validation: ${(error as Error).message}`, {
        details: { reason: 'evaluation_undefined', folds_skipped: foldsSkipped },
      });
    }
  });
  const t2 = performance.now();

  await progress.step(steps - 1, 'final fit on every participant');
  const standardizer = fitStandardizer(data.x, F);
  const final = buildNetwork(tf, architecture, F, T, L, fit);
  let weights: ModelWeights;
  let reference: Float32Array;
  let epochs: number;
  try {
    epochs = fitNetwork(tf, final, { ...data, x: applyStandardizer(data.x, standardizer) }, shape, fit);
    weights = extractWeights(final, architecture, standardizer);
    reference = predictNetwork(tf, final, applyStandardizer(data.x, standardizer), data.n, shape);
  } finally {
    final.dispose();
  }
  const t3 = performance.now();

  const positives = Object.fromEntries(outputs.map((o, l) => [o, Array.from({ length: data.n }, (_, i) => data.y[i * L + l] ?? 0).reduce((a, b) => a + b, 0)]));
  const dataSet = `study "${study.file.name}" (${study.file.study_id}), tier "${rule.tier}"`;
  const card: ModelCardInput = {
    format: 'weft-model-card',
    format_version: 1,
    id: request.id,
    version,
    title: request.title ?? `${outputs.join(' and ')} detector (${architecture.family.replaceAll('_', ' ')}) trained on ${study.file.name}`,
    description:
      request.description ??
      `A ${architecture.family.replaceAll('_', ' ')} over ${F} window features (${inputs.window.length_s} s windows every ${inputs.window.hop_s} s${T > 1 ? `, ${T} steps each` : ''}) giving the probability of ${outputs.join(' and ')}, trained by Weft on annotation tier "${rule.tier}".`,
    kind: request.kind ?? 'trained',
    architecture,
    inputs,
    outputs: { labels: outputs.map((o) => ({ name: o, description: OUTPUT_DESCRIPTIONS[o] ?? `Probability of ${o} in the window.` })) },
    training: {
      kind: 'annotations',
      description: `Trained by Weft on the windows of ${dataSessions.size} sessions of ${participantIds.length} participants that have every feature and a label for every output, labels from tier "${rule.tier}" by the overlap rule.`,
      data_set: dataSet,
      labels: rule,
      counts: { participants: participantIds.length, sessions: dataSessions.size, windows: data.n, positives, skipped },
      hyperparameters: {
        epochs,
        min_steps: fit.minSteps,
        batch_size: fit.batchSize,
        learning_rate: fit.learningRate,
        l2: fit.l2,
        optimizer: 'adam',
        loss: 'binary cross-entropy',
        standardization: 'training-set mean and SD per feature, folded into the graph',
        ...(architecture.family === 'mlp' ? { hidden: [...architecture.hidden] } : {}),
        ...(architecture.family === 'gru' ? { units: architecture.units } : {}),
      },
      seed,
      backend: `@tensorflow/tfjs 4.22.0 (${backend} backend)`,
      duration_s: (t3 - started) / 1000,
    },
    evaluation: outputs.map((o) => evaluationEntry(o, evaluation[o] as BinaryReport, participantIds.length - foldsSkipped.length, foldsSkipped.length, dataSet)),
    intended_use:
      request.intendedUse ??
      `Research on the learners of study "${study.file.name}": where and when the annotated states occur. Not for decisions about individual learners.`,
    limits: request.limits !== undefined ? [...request.limits] : [
      `Trained and cross-validated on ${participantIds.length} participants of one study; expect lower accuracy with other learners, lessons, cameras or annotators.`,
      'Windows that lack data are not scored; scores are probabilities per window, not diagnoses.',
      `Labels come from tier "${rule.tier}" (${rule.annotators.length > 0 ? rule.annotators.join(', ') : 'all annotators, where they agree'}); the detector can be no better than their agreement.`,
    ],
    licence: request.licence ?? 'Derived from the study\'s data: share it only under the terms that data is held under.',
    provenance: {
      script: request.script ?? 'weft train',
      created_at: new Date().toISOString(),
      producer: request.producer ?? 'weft',
      ir_version: ONNX_IR_VERSION,
      opset: ONNX_OPSET,
    },
  };
  const parsed = modelCardSchema.parse(card);
  const bytes = writeOnnxModel(weights, parsed);
  await verifyExport(bytes, data, shape, reference, name);
  const model = await registerModel(root, parsed, bytes);
  await study.db.write((conn) =>
    appendAudit(conn, {
      actor: request.actor,
      action: 'model.train',
      target: `${model.id}@${model.version}`,
      detail: { model_sha256: model.sha256, tier: rule.tier, windows: data.n, participants: participantIds.length, family: architecture.family },
    }),
  );
  const t4 = performance.now();
  return {
    model,
    evaluation,
    summary: {
      id: model.id,
      version: model.version,
      dir: model.dir,
      sha256: model.sha256,
      backend,
      windows: data.n,
      participants: participantIds.length,
      positives,
      skipped,
      folds: participantIds.length - foldsSkipped.length,
      folds_skipped: foldsSkipped,
      timings_ms: { windows: t1 - started, cross_validation: t2 - t1, final_fit: t3 - t2, export: t4 - t3 },
    },
  };
}

/** onnxruntime must reproduce TensorFlow.js's probabilities for every training window. */
export async function verifyExport(bytes: Uint8Array, data: Examples, shape: readonly number[], reference: Float32Array, name: string): Promise<void> {
  const worker = await OnnxWorker.open(bytes, { file: `${name} (exported)` });
  try {
    const out = await worker.run(INPUT_TENSOR, OUTPUT_TENSOR, data.x, [data.n, ...shape]);
    let worst = 0;
    for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs((out.data[i] ?? Number.NaN) - (reference[i] ?? 0)));
    if (!(worst < 1e-4) || out.data.length !== reference.length) {
      throw new WeftError('INTERNAL', `${name}: the exported ONNX model disagrees with the trained network (largest difference ${worst})`);
    }
  } finally {
    await worker.close();
  }
}
