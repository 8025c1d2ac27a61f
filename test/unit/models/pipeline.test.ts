import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feature } from '../../../src/core/models/features.js';
import { FACE_AU_FEATURES } from '../../../src/core/models/presets.js';
import { createRng } from '../../../src/core/stats/prng.js';
import { evaluateAgainstReference, evaluatePredictions, parseReference } from '../../../src/backend/models/evaluate.js';
import { writeOnnxModel } from '../../../src/backend/models/onnxWrite.js';
import { registerModel } from '../../../src/backend/models/registry.js';
import { predict } from '../../../src/backend/models/runner.js';
import { trainModel, type TrainRequest } from '../../../src/backend/models/train.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';
import { addAnnotations, addFace, addSession, frames } from './fixtures.js';
import { randomDense, testCard } from './helpers.js';

let study: TestStudy;
let consented: TestStudy;

// Three learners, 60 s each. In 10-second blocks a learner is confused or not (coder "a" codes
// it); the brow is lowered when confused. A "confusion_evidence" signal follows the brow.
const CONFUSED_BLOCKS: Record<string, number[]> = { P1: [1, 4], P2: [2], P3: [0, 3, 5] };

async function seed(target: TestStudy, withSignals: boolean): Promise<void> {
  const s = target.workspace.study;
  for (const [i, participant] of ['P1', 'P2', 'P3'].entries()) {
    const session = `S${i + 1}`;
    const confused = (t: number): boolean => (CONFUSED_BLOCKS[participant] ?? []).includes(Math.floor(t / 10));
    const rng = createRng(i + 1);
    await addSession(s, participant, session, 60);
    await addFace(s, session, frames(0, 60, 10, (t) => ({ bs_brow_down_left: (confused(t) ? 0.5 : 0.2) + 0.2 * rng.next(), bs_eye_squint_left: 0.1 + 0.05 * rng.next() })));
    await addAnnotations(s, session, 'affect', Array.from({ length: 6 }, (_, b) => ({ annotator: 'a', label: confused(b * 10) ? 'CONFUSED' : 'CONCENTRATING', start_s: b * 10, end_s: b * 10 + 10 })));
    // A tier whose one CONFUSED mark is too short to label any window.
    await addAnnotations(s, session, 'sparse', [
      { annotator: 'a', label: 'CONCENTRATING', start_s: 0, end_s: 60 },
      { annotator: 'a', label: 'CONFUSED', start_s: 30, end_s: 30.5 },
    ]);
    if (withSignals) {
      const rows = Array.from({ length: 120 }, (_, k) => `(99, $s, ${k * 500_000}, 'confusion_evidence', ${(confused(k / 2) ? 2 : -1) + rng.next()})`);
      await s.db.write((conn) => conn.run(`INSERT INTO weft.signals VALUES ${rows.join(', ')}`, { s: session }));
    }
  }
}

const request = (extra: Partial<TrainRequest> = {}): TrainRequest => ({
  id: 'synthetic',
  architecture: { family: 'logistic_regression' },
  inputs: {
    features: [feature('face_frames', 'bs_brow_down_left', 'mean'), feature('face_frames', 'bs_eye_squint_left', 'mean')],
    coverage: { face_frames: { sample_rate_hz: 10, min_valid_fraction: 0.5 } },
    window: { length_s: 4, hop_s: 2 },
    normalization: { kind: 'none' },
  },
  labels: { tier: 'affect', targets: [{ output: 'confusion', positive: ['CONFUSED'] }] },
  fit: { epochs: 30 },
  bootstrap: { resamples: 100, seed: 1, level: 0.9 },
  shuffles: 10,
  actor: 'test',
  ...extra,
});

beforeAll(async () => {
  study = await createTestStudy({ dataBasis: SECONDARY });
  await seed(study, true);
  consented = await createTestStudy();
  await seed(consented, false);
});
afterAll(async () => {
  await study.close();
  await consented.close();
});

describe('training, prediction and evaluation on a small study', () => {
  it('learns the brow signal, predicts, and evaluates against annotations and a numeric reference', { timeout: 120_000 }, async () => {
    const { model, evaluation } = await trainModel(study.workspace.study, request());
    expect(evaluation['confusion']?.overall.auc.value).toBeGreaterThan(0.9);
    const run = await predict(study.workspace.study, model, { actor: 'test' });
    expect(run).toMatchObject({ windows_total: 87, windows_scored: 87, windows_skipped: 0, refused: [] });

    const result = await evaluatePredictions(study.workspace.study, { model_id: 'synthetic', labels: request().labels, bootstrap: { resamples: 100, seed: 1, level: 0.9 }, shuffles: 10 });
    const report = result.outputs[0]?.report;
    expect(report?.overall.auc.value).toBeGreaterThan(0.9);
    expect(report?.per_participant.map((p) => p.participant_id)).toEqual(['P1', 'P2', 'P3']);
    expect(report?.baselines.shuffled_labels.auc.mean ?? 1).toBeLessThan(0.7);
    expect(result.model_sha256).toEqual([model.sha256]);

    const reference = await evaluateAgainstReference(study.workspace.study, {
      model_id: 'synthetic',
      output: 'confusion',
      reference: parseReference('signal:confusion_evidence'),
      quantile: 0.6,
      bootstrap: { resamples: 100, seed: 1, level: 0.9 },
      shuffles: 10,
    });
    expect(reference.windows).toBe(87);
    expect(reference.report.overall.spearman.value).toBeGreaterThan(0.6);
    expect(reference.report.overall.auc.value).toBeGreaterThan(0.85);
    expect(reference.report.quantile).toBe(0.6);
    expect(reference.report.per_participant).toHaveLength(3);
  });

  it('refuses an annotation tier that gives one class, in training and in evaluation', async () => {
    const sparse = { tier: 'sparse', targets: [{ output: 'confusion', positive: ['CONFUSED'] }] };
    await expect(trainModel(study.workspace.study, request({ id: 'single', labels: sparse }))).rejects.toThrow(
      /tier "sparse" gives a single class over the \d+ labelled windows \(every confusion label is negative\)/,
    );
    await expect(evaluatePredictions(study.workspace.study, { model_id: 'synthetic', labels: sparse })).rejects.toThrow(
      /Cannot evaluate synthetic 1.0.0 for confusion against tier "sparse".*every label is negative/,
    );
  });

  it('names a label or annotator the tier does not have, and a tier the study does not have', async () => {
    await expect(trainModel(study.workspace.study, request({ labels: { tier: 'affect', targets: [{ output: 'confusion', positive: ['CONFUSSED'] }] } }))).rejects.toThrow(
      'Tier "affect" has no label CONFUSSED for confusion (labels: CONCENTRATING, CONFUSED)',
    );
    await expect(trainModel(study.workspace.study, request({ labels: { tier: 'affect', annotators: ['z'], targets: [{ output: 'confusion', positive: ['CONFUSED'] }] } }))).rejects.toThrow(
      'Tier "affect" has no annotator z (annotators: a)',
    );
    await expect(trainModel(study.workspace.study, request({ labels: { tier: 'mood', targets: [{ output: 'confusion', positive: ['x'] }] } }))).rejects.toThrow(
      'The study has no annotations in tier "mood" (tiers: affect, sparse)',
    );
  });

  it('needs more than one participant to cross-validate', async () => {
    await expect(trainModel(study.workspace.study, request({ sessions: ['S1'] }))).rejects.toThrow(/needs labelled windows of at least two participants; there are 1/);
  });

  it('refuses a model whose inputs the study cannot supply, naming the missing features', async () => {
    const card = testCard({ id: 'au-prior', inputs: { ...testCard().inputs, features: FACE_AU_FEATURES.slice(0, 3) } });
    const model = await registerModel(join(study.root, 'models'), card, writeOnnxModel({ family: 'logistic_regression', standardize: null, output: randomDense(1, 3, 2) }, card));
    await expect(predict(study.workspace.study, model, { actor: 'test' })).rejects.toThrow(
      'Model au-prior 1.0.0 needs features the study cannot supply (no values in the 3 sessions asked for): au04_intensity_mean (from face_frames.au04_intensity), au07_intensity_mean (from face_frames.au07_intensity), au01_intensity_mean (from face_frames.au01_intensity)',
    );
  });

  it('infers affect only for participants who consented to it', async () => {
    const card = testCard({ id: 'consent-check', inputs: { ...testCard().inputs, features: request().inputs.features } });
    const model = await registerModel(join(consented.root, 'models'), card, writeOnnxModel({ family: 'logistic_regression', standardize: null, output: randomDense(1, 2, 2) }, card));
    const run = await predict(consented.workspace.study, model, { actor: 'test' });
    expect(run.sessions).toEqual([]);
    expect(run.refused.map((r) => [r.session_id, r.consent])).toEqual([
      ['S1', 'missing'],
      ['S2', 'missing'],
      ['S3', 'missing'],
    ]);
    expect(run.rows_written).toBe(0);
    expect(Number(await consented.workspace.study.db.read((c) => c.scalar('SELECT count(*) FROM predictions')))).toBe(0);
  });

  it('reads reference columns in both spellings', () => {
    expect(parseReference('signal:confusion_evidence')).toEqual({ kind: 'signal', name: 'confusion_evidence' });
    expect(parseReference('signals.confidence_confused')).toEqual({ kind: 'signal', name: 'confidence_confused' });
    expect(parseReference('attribute:confidence(CONFUSED)')).toEqual({ kind: 'event_attribute', key: 'confidence(CONFUSED)' });
    expect(() => parseReference('confusion')).toThrow(/not a reference column/);
  });
});
