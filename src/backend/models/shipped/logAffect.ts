import { ASSISTMENTS_AFFECT_SIGNALS } from '../../import/formats/assistments2017.js';
import { WeftError } from '../../../core/errors.js';
import { INPUT_TENSOR, OUTPUT_TENSOR, modelCardSchema, type EvaluationEntry, type ModelCard } from '../../../core/models/card.js';
import { feature, type FeatureSpec } from '../../../core/models/features.js';
import type { ModelWeights } from '../../../core/models/weights.js';
import { DEFAULT_BOOTSTRAP } from '../../../core/stats/bootstrap.js';
import { createRng, shuffleInPlace } from '../../../core/stats/prng.js';
import { referenceReport } from '../../../core/stats/referenceReport.js';
import { sqlString } from '../../store/duck.js';
import type { Study } from '../../store/study.js';
import { writeOnnxModel } from '../onnxWrite.js';
import { OnnxWorker } from '../onnxWorker.js';
import { buildNetwork, extractWeights, tensorflow, type FitOptions } from '../tfjs.js';
import { applyStandardizer, fitNetwork, fitStandardizer, predictNetwork, subset, verifyExport, type Examples } from '../train.js';
import { rowValuesSql } from '../windowSql.js';
import { BROMP_OUTPUTS, SHIPPED_VERSION, provenance, realDataFile, referenceEntry, scratchStudy } from './common.js';

export const LOG_AFFECT_ID = 'log-affect';
export const ASSISTMENTS_FILE = ['assistments2017', 'assistments2017_train.csv'] as const;
export const ASSISTMENTS_DATA_SET =
  'ASSISTments Longitudinal Data Mining Competition 2017, uniform random action sample of the R package "abroca" (jpgard/abroca e36678bf), training split: 6,186 actions of 1,059 students (../shared/realdata/assistments2017/assistments2017_train.csv, not redistributed)';
const ASSISTMENTS_TERMS = "ASSISTments 2017 competition data under ASSISTments' terms of use: cite the data set, never try to re-identify anyone";

/**
 * Inputs Weft computes identically for one action and for many: the share of actions that were
 * incorrect attempts, the share that asked for help, and the mean time an action took. The
 * history features (wrong_past5, consecutive_errors, …) need consecutive actions, which a row
 * sample does not have; correct_mean is NULL for a window of hint requests only.
 */
export const LOG_AFFECT_FEATURES: readonly FeatureSpec[] = [
  feature('interaction_features', 'incorrect', 'mean'),
  feature('interaction_features', 'help_request', 'mean'),
  feature('interaction_features', 'duration_us', 'mean'),
];

/** The two competition detector outputs the model learns, in output order. */
export const LOG_AFFECT_TARGETS = [
  { output: 'confusion', signal: 'confidence_confused' },
  { output: 'frustration', signal: 'confidence_frustrated' },
] as const;

/** 20-second windows, the clip length of the competition's detectors and of BROMP observations. */
export const LOG_AFFECT_WINDOW = { length_s: 20, hop_s: 10 } as const;
export const CV_FOLDS = 5;
export const CV_SEED = 20171;
/** A reference value is "positive" above this quantile of all values (confusion: above 0, since 81% are 0). */
export const REFERENCE_QUANTILE = 0.75;
const FIT: FitOptions = { epochs: 60, minSteps: 150, batchSize: 1024, learningRate: 0.05, l2: 1e-3, seed: CV_SEED };

export interface ActionRows extends Examples {
  /** Actions left out, by reason. */
  readonly skipped: Readonly<Record<string, number>>;
}

/** Imports the ASSISTments 2017 file with Weft's own importer into a scratch study and runs `use` on it. */
export async function withAssistmentsStudy<T>(use: (study: Study) => Promise<T>): Promise<T> {
  const file = realDataFile(...ASSISTMENTS_FILE);
  const scratch = await scratchStudy('ASSISTments 2017 (shipped model build)', ASSISTMENTS_TERMS);
  try {
    await scratch.client.call('session.import', { files: [file], format: 'assistments-2017' });
    return await use(scratch.workspace.study);
  } finally {
    await scratch.close();
  }
}

/**
 * Every tutor action as a one-action window: its feature values as the window SQL computes them
 * (a mean over one action is its value), and the competition detectors' confidences recorded on
 * the same action as soft targets. Rows are in participant, session and time order.
 */
export async function actionRows(study: Study): Promise<ActionRows> {
  const signals = LOG_AFFECT_TARGETS.map((t) => t.signal);
  for (const signal of signals) {
    if (!ASSISTMENTS_AFFECT_SIGNALS.some((s) => s.signal === signal)) throw new WeftError('INTERNAL', `the ASSISTments importer keeps no signal ${signal}`);
  }
  let before = 0;
  const rows = await study.db.read(async (conn) => {
    const sessions = (await conn.all('SELECT session_id FROM sessions ORDER BY session_id')).map((r) => String(r['session_id']));
    if (sessions.length === 0) return [];
    before = Number(await conn.scalar('SELECT count(*) FROM interaction_features WHERE t_us < 0'));
    const values = rowValuesSql('interaction_features', LOG_AFFECT_FEATURES, sessions, ['session_id', 'participant_id', 't_us']);
    const targets = signals.map((s, i) => `max(value) FILTER (WHERE name = ${sqlString(s)}) AS y${i}`).join(', ');
    return conn.all(`WITH x AS (${values}),
r AS (SELECT session_id, t_us, ${targets} FROM signals WHERE name IN (${signals.map(sqlString).join(', ')}) GROUP BY ALL)
SELECT x.*, ${signals.map((_, i) => `r.y${i}`).join(', ')} FROM x LEFT JOIN r USING (session_id, t_us)
ORDER BY x.participant_id, x.session_id, x.t_us`);
  });
  const F = LOG_AFFECT_FEATURES.length;
  const x: number[] = [];
  const y: number[] = [];
  const participants: string[] = [];
  const skipped: Record<string, number> = {};
  if (before > 0) skipped['before its session\'s time 0 (windows start at 0)'] = before;
  for (const r of rows) {
    const features = LOG_AFFECT_FEATURES.map((_, i) => r[`e${i}`]);
    const targets = signals.map((_, i) => r[`y${i}`]);
    const missing = features.findIndex((v) => v === null || v === undefined);
    const reason =
      missing >= 0 ? `no ${LOG_AFFECT_FEATURES[missing]?.column ?? ''} value` : targets.some((v) => v === null || v === undefined) ? 'no detector confidence on the action' : null;
    if (reason !== null) {
      skipped[reason] = (skipped[reason] ?? 0) + 1;
      continue;
    }
    x.push(...features.map(Number));
    y.push(...targets.map(Number));
    participants.push(String(r['participant_id']));
  }
  if (participants.length === 0) throw new WeftError('INVALID_INPUT', 'The ASSISTments study holds no action with every feature and both detector confidences');
  return { x: Float32Array.from(x), y: Float32Array.from(y), participants, n: participants.length, rowSize: F, skipped };
}

/** Students dealt into `folds` folds in an order drawn from `seed`: no student is in two folds. */
export function studentFolds(participants: readonly string[], folds: number, seed: number): Map<string, number> {
  const students = shuffleInPlace([...new Set(participants)].sort(), createRng(seed));
  return new Map(students.map((s, i) => [s, i % folds]));
}

export interface LogAffectBuild {
  readonly card: ModelCard;
  readonly weights: ModelWeights;
  readonly bytes: Uint8Array;
}

/** Student-grouped cross-validation, a final fit on every action, export to ONNX and the card. */
export async function buildLogAffect(rows: ActionRows): Promise<LogAffectBuild> {
  const { tf, backend } = await tensorflow();
  const F = rows.rowSize;
  const L = LOG_AFFECT_TARGETS.length;
  const shape = [F];
  const architecture = { family: 'logistic_regression' } as const;
  const foldOf = studentFolds(rows.participants, CV_FOLDS, CV_SEED);
  const oof = new Float32Array(rows.n * L);
  for (let fold = 0; fold < CV_FOLDS; fold++) {
    const trainIdx: number[] = [];
    const testIdx: number[] = [];
    rows.participants.forEach((p, i) => (foldOf.get(p) === fold ? testIdx : trainIdx).push(i));
    const train = subset(rows, trainIdx);
    const test = subset(rows, testIdx);
    const standardizer = fitStandardizer(train.x, F);
    const model = buildNetwork(tf, architecture, F, 1, L, FIT);
    try {
      fitNetwork(tf, model, { ...train, x: applyStandardizer(train.x, standardizer) }, shape, FIT);
      const predicted = predictNetwork(tf, model, applyStandardizer(test.x, standardizer), test.n, shape);
      testIdx.forEach((i, k) => oof.set(predicted.subarray(k * L, (k + 1) * L), i * L));
    } finally {
      model.dispose();
    }
  }

  const standardizer = fitStandardizer(rows.x, F);
  const final = buildNetwork(tf, architecture, F, 1, L, FIT);
  let weights: ModelWeights;
  let reference: Float32Array;
  let epochs: number;
  try {
    epochs = fitNetwork(tf, final, { ...rows, x: applyStandardizer(rows.x, standardizer) }, shape, FIT);
    weights = extractWeights(final, architecture, standardizer);
    reference = predictNetwork(tf, final, applyStandardizer(rows.x, standardizer), rows.n, shape);
  } finally {
    final.dispose();
  }

  const evaluation: EvaluationEntry[] = [];
  LOG_AFFECT_TARGETS.forEach((t, l) => {
    evaluation.push(
      referenceEntry(
        referenceReport({ probabilities: column(oof, L, l), reference: column(rows.y, L, l), participants: rows.participants }, { quantile: REFERENCE_QUANTILE, bootstrap: DEFAULT_BOOTSTRAP }),
        {
          method: 'student_grouped_cv',
          description: `${CV_FOLDS}-fold cross-validation grouped by student (students dealt into folds with seed ${CV_SEED}; no student in both training and test): each action scored by a model fitted without its student, against the competition detector's ${sourceColumn(t.signal)} on the same action. AUC for that confidence above its ${REFERENCE_QUANTILE} quantile (the threshold below); baselines: the constant mean confidence, and the model's outputs against the confidence shuffled within each student.`,
          data_set: ASSISTMENTS_DATA_SET,
          output: t.output,
        },
      ),
    );
  });
  LOG_AFFECT_TARGETS.forEach((t, l) => {
    evaluation.push(
      referenceEntry(
        referenceReport({ probabilities: column(reference, L, l), reference: column(rows.y, L, l), participants: rows.participants }, { quantile: REFERENCE_QUANTILE, bootstrap: DEFAULT_BOOTSTRAP }),
        {
          method: 'in_sample',
          description: `The shipped model on the actions it was fitted to (in-sample, optimistic; the cross-validated entry above is the estimate to quote). Reproduced by test/unit/models/shippedLog.test.ts through onnxruntime.`,
          data_set: ASSISTMENTS_DATA_SET,
          output: t.output,
        },
      ),
    );
  });

  const card = modelCardSchema.parse({
    format: 'weft-model-card',
    format_version: 1,
    id: LOG_AFFECT_ID,
    version: SHIPPED_VERSION,
    title: 'Confusion and frustration from tutor logs (ASSISTments 2017)',
    description:
      'A logistic regression over three interaction features of a 20-second window (share of incorrect attempts, share of help requests, mean action duration) that reproduces the ASSISTments 2017 competition\'s sensor-free detectors of confusion and frustration.',
    kind: 'log',
    architecture,
    inputs: {
      features: [...LOG_AFFECT_FEATURES],
      window: LOG_AFFECT_WINDOW,
      coverage: {},
      normalization: { kind: 'none' },
    },
    outputs: { labels: [...BROMP_OUTPUTS] },
    training: {
      kind: 'external',
      description: `Fitted by scripts/models/build.ts to the competition's detector outputs confidence(CONFUSED) and confidence(FRUSTRATED) as soft targets (binary cross-entropy against the confidence, not a thresholded label: the confidences are the detectors' probabilities, and thresholding would throw away their grading). The file is imported with Weft's ASSISTments 2017 importer into a scratch study; each action is a one-action window whose features are computed by Weft's window SQL from the interaction_features view (${rows.n} actions of ${new Set(rows.participants).size} students${Object.keys(rows.skipped).length === 0 ? '' : `; left out: ${Object.entries(rows.skipped).map(([k, v]) => `${v} ${k}`).join(', ')}`}). Standardization of the training data is in the graph; ${describeWeights(weights)}. The targets are themselves detector outputs (Baker et al.-style sensor-free detectors trained on BROMP field observations), so this model learns a detector, not human labels.`,
      data_set: ASSISTMENTS_DATA_SET,
      references: [
        'ASSISTments Longitudinal Data Mining Competition 2017, https://sites.google.com/view/assistmentsdatamining',
        'Pardos, Baker, San Pedro, Gowda & Gowda (2014). The relationship between affective states and student learning in ASSISTments. Journal of Learning Analytics 1(1).',
        'Gardner, Brooks & Baker (2019). Evaluating the fairness of predictive student models through slicing analysis (abroca). LAK 2019.',
      ],
      counts: { participants: new Set(rows.participants).size, sessions: new Set(rows.participants).size, windows: rows.n, positives: {}, skipped: { ...rows.skipped } },
      hyperparameters: { epochs, batch_size: FIT.batchSize, learning_rate: FIT.learningRate, l2: FIT.l2, targets: 'soft (detector confidence)', folds: CV_FOLDS, reference_quantile: REFERENCE_QUANTILE },
      seed: CV_SEED,
      backend,
    },
    evaluation,
    intended_use:
      'Ranking 20-second windows of tutor-log data by how much they resemble what the ASSISTments detectors called confusion or frustration, in research on tutor logs; beside, not instead of, observation. Not for decisions about individual students.',
    limits: [
      'Trained on single actions: the data are a uniform random row sample (median 5 actions a student), so consecutive actions, and with them the history features of sensor-free detectors (errors in the last 5 actions, errors in a row, hints on the step), do not exist. A window of many actions gives means over them, which the model never saw: its outputs there are an extrapolation from one-action behaviour.',
      'Windows with no tutor action are skipped (no mean over nothing); a window of hint requests only is scored (its share of incorrect attempts is 0).',
      'The targets are the competition detectors\' outputs, not human observations: the model inherits their errors and their population (US middle-school students using ASSISTments, 2004–2007).',
      'Outputs are calibrated to the detectors\' confidences on single actions, not to observed rates of confusion or frustration.',
    ],
    licence: `Apache-2.0 (model weights); derived from the ASSISTments 2017 competition data under ASSISTments' terms of use: cite the data set and do not try to re-identify anyone.`,
    provenance: provenance(),
  });
  const bytes = writeOnnxModel(weights, card);
  await verifyExport(bytes, rows, shape, reference, LOG_AFFECT_ID);
  return { card, weights, bytes };
}

/** "weights on standardized inputs: confusion incorrect_mean +1.271, …" for the card. */
function describeWeights(w: ModelWeights): string {
  const signed = (v: number): string => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}`;
  const parts = LOG_AFFECT_TARGETS.map((t, l) => `${t.output} ${LOG_AFFECT_FEATURES.map((f, i) => `${f.name} ${signed(w.output.weights[i]?.[l] ?? Number.NaN)}`).join(', ')}, bias ${signed(w.output.bias[l] ?? Number.NaN)}`);
  return `weights on the standardized inputs: ${parts.join('; ')}`;
}

const sourceColumn = (signal: string): string => ASSISTMENTS_AFFECT_SIGNALS.find((s) => s.signal === signal)?.column ?? signal;

export function column(values: Float32Array, width: number, index: number): Float64Array {
  const n = values.length / width;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i * width + index] ?? Number.NaN;
  return out;
}

/** The shipped log model's probabilities on action rows, through onnxruntime. */
export async function scoreRows(bytes: Uint8Array, rows: Examples): Promise<Float32Array> {
  const worker = await OnnxWorker.open(bytes, { file: LOG_AFFECT_ID });
  try {
    return (await worker.run(INPUT_TENSOR, OUTPUT_TENSOR, rows.x, [rows.n, rows.rowSize])).data;
  } finally {
    await worker.close();
  }
}
