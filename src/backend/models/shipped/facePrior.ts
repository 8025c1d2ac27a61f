import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelCardSchema, type EvaluationEntry, type ModelCard, type ModelCardInput } from '../../../core/models/card.js';
import { auColumn } from '../../../core/models/derivedColumns.js';
import { feature, type FeatureSpec } from '../../../core/models/features.js';
import { FACE_COVERAGE } from '../../../core/models/presets.js';
import type { ModelWeights } from '../../../core/models/weights.js';
import { DEFAULT_BOOTSTRAP } from '../../../core/stats/bootstrap.js';
import { evaluateAgainstReference } from '../evaluate.js';
import { writeOnnxModel } from '../onnxWrite.js';
import { registerModel } from '../registry.js';
import { predict } from '../runner.js';
import { ACTOR, BROMP_OUTPUTS, SHIPPED_VERSION, provenance, realDataFile, referenceEntry, scratchStudy } from './common.js';

export const FACE_PRIOR_ID = 'face-affect-prior';

/** AU4 brow lowerer, AU7 lid tightener, AU1 inner and AU2 outer brow raiser, AU14 dimpler: each window's mean, z-scored. */
export const FACE_PRIOR_FEATURES: readonly FeatureSpec[] = ([4, 7, 1, 2, 14] as const).map((au) => feature('face_frames', auColumn(au), 'mean'));

/**
 * Literature weights on the z-scored inputs (rows: au04, au07, au01, au02, au14; columns:
 * confusion, frustration). Each output's logit is the unweighted mean of the z-scores of the
 * action units the studies tie to it (Dawes' improper linear model): the papers give directions,
 * not magnitudes that transfer between coders, cameras and populations.
 */
export const FACE_PRIOR_WEIGHTS: ModelWeights = {
  family: 'logistic_regression',
  standardize: null,
  output: {
    weights: [
      [1 / 2, 1 / 4],
      [1 / 2, 0],
      [0, 1 / 4],
      [0, 1 / 4],
      [0, 1 / 4],
    ],
    bias: [0, 0],
  },
};

/** Face windows of 3 s (a facial action lasts about 0.5–4 s) every 0.5 s; a participant needs 10 observed windows for a baseline. */
export const FACE_PRIOR_WINDOW = { length_s: 3, hop_s: 0.5 } as const;
export const FACE_PRIOR_NORMALIZATION = { kind: 'participant_zscore', baseline: { kind: 'participant_all' }, min_windows: 10 } as const;

const REFERENCES = [
  'Craig, D\'Mello, Witherspoon & Graesser (2008). Emote aloud during learning with AutoTutor: applying the Facial Action Coding System to cognitive-affective states during learning. Cognition and Emotion 22(5), 777–788.',
  'Grafsgaard, Wiggins, Boyer, Wiebe & Lester (2013). Automatically recognizing facial expression: predicting engagement and frustration. Educational Data Mining 2013, 43–50.',
  'Bosch, D\'Mello, Ocumpaugh, Baker & Shute (2016). Using video to automatically detect learner affect in computer-enabled classrooms. ACM Transactions on Interactive Intelligent Systems 6(2), 17.',
  'Dawes (1979). The robust beauty of improper linear models in decision making. American Psychologist 34(7), 571–582.',
];

const IMOTIONS_FILE = ['pyfeat_testdata', 'iMotions_Test_v6.txt'] as const;
const IMOTIONS_DATA_SET = 'py-feat test data (cosanlab/py-feat 5d235ef6, MIT): iMotions_Test_v6.txt, one person, 519 frames (about 17 s) of Affectiva AU evidence with Affectiva\'s Confusion and Frustration Evidence';

/** The card of the face prior, with the evaluation entries given. */
export function facePriorCard(evaluation: readonly EvaluationEntry[]): ModelCard {
  const card: ModelCardInput = {
    format: 'weft-model-card',
    format_version: 1,
    id: FACE_PRIOR_ID,
    version: SHIPPED_VERSION,
    title: 'Confusion and frustration from facial action units: a literature prior',
    description:
      'Fixed weights from published associations of facial action units with confusion (AU4 brow lowerer, AU7 lid tightener) and frustration (AU1 and AU2 brow raise, AU14 dimpler, AU4), applied to each participant\'s action units relative to their own baseline. Not trained on labelled faces.',
    kind: 'face',
    architecture: { family: 'logistic_regression' },
    inputs: { features: [...FACE_PRIOR_FEATURES], window: FACE_PRIOR_WINDOW, coverage: { face_frames: FACE_COVERAGE }, normalization: FACE_PRIOR_NORMALIZATION },
    outputs: { labels: [...BROMP_OUTPUTS] },
    training: {
      kind: 'literature',
      description:
        'A literature prior, not trained on labelled faces. Confusion: Craig et al. (2008) found AU4 (brow lowerer) and AU7 (lid tightener) with confusion in learners\' emote-aloud sessions; frustration: Grafsgaard et al. (2013) found AU1 and AU2 (inner and outer brow raise), AU14 (dimpler) and AU4 intensity with self-reported frustration in tutoring. Each output\'s logit is the mean of the z-scores of its action units (confusion: (z4 + z7)/2; frustration: (z1 + z2 + z14 + z4)/4), bias 0: at the participant\'s own baseline the output is 0.5, and one standard deviation above it on every listed unit gives 0.73. Every input is one action unit read through one mapping (docs/models.md, derived columns): OpenFace AUxx_r intensity, else the MediaPipe blendshape proxy (src/core/face/auProxies.ts: AU4 browDown, AU7 eyeSquint, AU1 browInnerUp, AU2 browOuterUp, AU14 mouthDimple, the larger side), else the stored AU presence (Affectiva evidence in iMotions exports). For context only, not as this model\'s numbers: Bosch et al. (2016) report AUC .649 for confusion and .631 for frustration from faces in classrooms with detectors trained on BROMP observations.',
      data_set: 'none: weights from the cited studies',
      references: REFERENCES,
      hyperparameters: { combination: 'mean of z-scores per output', bias: 0 },
    },
    evaluation: [...evaluation],
    intended_use:
      'A transparent, data-free starting point: ranking a participant\'s own face windows by the action units the literature links to confusion and frustration, for exploring face data beside tutor logs, or as a prior to compare trained detectors against. Not for judging any one person\'s state, and not for comparing participants (every output is relative to the participant\'s own baseline).',
    limits: [
      'Not evaluated on labelled faces: no public data set with learners\' faces (or their action units) and confusion or frustration labels is available to Weft. DAiSEE\'s labels (realdata/daisee_labels) come without its videos, and the demo study\'s BROMP labels are simulated.',
      'The only measurement is a sanity check on one person\'s 17 s of Affectiva output (evaluation): agreement with Affectiva\'s own confusion and frustration scores, which are themselves computed from action units, so agreement shows the mapping reads the inputs in the intended direction, not that the model detects affect.',
      'Outputs are not calibrated probabilities: 0.5 means "at this participant\'s baseline", not a 50% chance.',
      'z-scores are relative to the participant\'s own windows (at least 10 with a tracked face): a participant who is confused throughout looks like their baseline.',
      'AU intensities from OpenFace (0–5), blendshape proxies (0–1) and Affectiva evidence have different scales; the per-participant z-score makes them comparable only if a participant\'s windows come from one source.',
      'The cited associations come from small samples of US university and school students; action units vary with culture, age, camera angle, glasses and lighting.',
    ],
    licence: 'Apache-2.0',
    provenance: provenance(),
  };
  return modelCardSchema.parse(card);
}

/**
 * The prior on a real iMotions export with Affectiva's Confusion and Frustration Evidence: the
 * file imported with Weft's importer, scored by `weft predict`'s code, compared by `weft
 * evaluate --reference`'s code.
 */
export async function facePriorSanityCheck(bytes: Uint8Array, card: ModelCard): Promise<EvaluationEntry[]> {
  const file = realDataFile(...IMOTIONS_FILE);
  const scratch = await scratchStudy('iMotions v6 (shipped model build)', 'py-feat test data, MIT licence');
  const root = await mkdtemp(join(tmpdir(), 'weft-shipped-models-'));
  try {
    await scratch.client.call('session.import', { files: [file], participant_id: 'imotions-v6' });
    const study = scratch.workspace.study;
    const loaded = await registerModel(root, card, bytes);
    await predict(study, loaded, { actor: ACTOR });
    const entries: EvaluationEntry[] = [];
    for (const [output, signal] of [['confusion', 'confusion_evidence'], ['frustration', 'frustration_evidence']] as const) {
      const result = await evaluateAgainstReference(study, { model_id: card.id, output, reference: { kind: 'signal', name: signal }, quantile: 0.5, bootstrap: DEFAULT_BOOTSTRAP });
      entries.push(
        referenceEntry(result.report, {
          method: 'sanity_check',
          description: `Not an accuracy: the prior's ${output} output on ${result.report.n} overlapping 3 s windows of one person against the window mean of Affectiva's ${signal.replace('_', ' ')} (itself computed from action units), AU inputs from Affectiva's AU evidence. AUC for the evidence above its median. One person gives no interval.`,
          data_set: IMOTIONS_DATA_SET,
          output,
        }, { rmse: false }),
      );
    }
    return entries;
  } finally {
    await rm(root, { recursive: true, force: true });
    await scratch.close();
  }
}

export interface ShippedBuild {
  readonly card: ModelCard;
  readonly bytes: Uint8Array;
}

/** The prior's ONNX file and card, with the sanity check measured on the file's own bytes. */
export async function buildFacePrior(): Promise<ShippedBuild> {
  const unevaluated = facePriorCard([]);
  const sanity = await facePriorSanityCheck(writeOnnxModel(FACE_PRIOR_WEIGHTS, unevaluated), unevaluated);
  const card = facePriorCard(sanity);
  return { card, bytes: writeOnnxModel(FACE_PRIOR_WEIGHTS, card) };
}
