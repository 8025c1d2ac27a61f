import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_PRESETS } from '../../../src/core/models/presets.js';
import type { Workspace } from '../../../src/backend/workspace.js';
import { evaluatePredictions } from '../../../src/backend/models/evaluate.js';
import { listModels, loadModel, studyModelsDir } from '../../../src/backend/models/registry.js';
import { predict } from '../../../src/backend/models/runner.js';
import { trainModel, type TrainRequest } from '../../../src/backend/models/train.js';
import { buildDemoStudy } from '../../../src/cli/demo.js';
import { tempDir } from '../../support/paths.js';

let root: { dir: string; remove: () => Promise<void> };
let workspace: Workspace;
let studyDir: string;

beforeAll(async () => {
  root = await tempDir('weft-models-e2e-');
  studyDir = join(root.dir, 'demo');
  ({ workspace } = await buildDemoStudy(studyDir, { minutes: 3, actor: 'test' }));
});
afterAll(async () => {
  await workspace.close();
  await root.remove();
});

// At 3 minutes the demo's first coder saw confusion in two learners (P02, P05): the least that
// leave-one-participant-out cross-validation can evaluate.
const confusionByCoder1 = { tier: 'affect', annotators: ['coder1'], targets: [{ output: 'confusion', positive: ['CONFUSED'] }] };
const faceInputs = {
  features: [...FEATURE_PRESETS.face.features],
  coverage: FEATURE_PRESETS.face.coverage,
  window: { length_s: 10, hop_s: 2 },
  normalization: { kind: 'participant_zscore' as const, baseline: { kind: 'participant_all' as const }, min_windows: 10 },
};
const quick = { bootstrap: { resamples: 200, seed: 1, level: 0.95 }, shuffles: 20, actor: 'test' } as const;

describe('train → predict → evaluate on the demo study', () => {
  it('trains a logistic face model from annotations, cross-validated, exported, checked and registered in the study', { timeout: 240_000 }, async () => {
    const request: TrainRequest = { id: 'demo-confusion', architecture: { family: 'logistic_regression' }, inputs: faceInputs, labels: confusionByCoder1, fit: { epochs: 40 }, ...quick };
    const { model, summary, evaluation } = await trainModel(workspace.study, request);
    expect(model.dir).toBe(join(studyModelsDir(studyDir), 'demo-confusion', '1.0.0'));
    expect(existsSync(join(model.dir, 'model.onnx')) && existsSync(join(model.dir, 'manifest.json'))).toBe(true);
    expect(summary).toMatchObject({ participants: 5, folds: 5, folds_skipped: [], backend: 'wasm' });
    expect(summary.positives['confusion']).toBeGreaterThan(0);
    const card = model.card;
    expect(card.kind).toBe('trained');
    expect(card.training.counts?.windows).toBe(summary.windows);
    const entry = card.evaluation[0];
    expect(entry).toMatchObject({ method: 'leave_one_participant_out', output: 'confusion', participants: 5 });
    const report = evaluation['confusion'];
    expect(report?.overall.auc.value).toBe(entry?.metrics['auc']?.value);
    // The demo's faces carry the hidden state (brow lowering, lid tightening in confusion): within
    // each learner the detector ranks windows well, while pooling learners costs calibration.
    expect(report?.participant_mean_auc?.value ?? 0).toBeGreaterThan(0.8);
    expect(report?.overall.auc.value ?? 0).toBeGreaterThan(0.5);
    expect(report?.baselines.majority_class.auc.value).toBe(0.5);

    const listed = await listModels([studyModelsDir(studyDir)]);
    expect(listed.models.map((m) => `${m.id}@${m.version}`)).toEqual(['demo-confusion@1.0.0']);
    const loaded = await loadModel(listed.models[0] as (typeof listed.models)[number]);
    expect(loaded.sha256).toBe(model.sha256);

    // Training again gives the next version beside it, never over it.
    const again = await trainModel(workspace.study, { ...request, bootstrap: { resamples: 20, seed: 1, level: 0.95 }, shuffles: 2 });
    expect(again.model.version).toBe('1.1.0');
    // Seeded end to end: the same data and settings give the same out-of-fold predictions.
    expect(again.evaluation['confusion']?.overall.auc.value).toBe(report?.overall.auc.value);
  });

  it('predicts every session, stores probabilities and NULLs for windows without data, and a re-run replaces the old rows', async () => {
    const entry = (await listModels([studyModelsDir(studyDir)])).models.find((m) => m.version === '1.0.0');
    const model = await loadModel(entry as NonNullable<typeof entry>);
    const first = await predict(workspace.study, model, { actor: 'test' });
    expect(first.sessions).toEqual(['S01', 'S02', 'S03', 'S04', 'S05']);
    expect(first.windows_scored).toBeGreaterThan(300);
    expect(first.windows_scored + first.windows_skipped).toBe(first.windows_total);
    expect(first.rows_written).toBe(first.windows_total);
    const count = async (sql: string): Promise<number> => Number(await workspace.study.db.read((c) => c.scalar(sql)));
    expect(await count(`SELECT count(*) FROM predictions WHERE model_id = 'demo-confusion' AND model_version = '1.0.0'`)).toBe(first.windows_total);
    expect(await count(`SELECT count(*) FROM predictions WHERE model_id = 'demo-confusion' AND probability IS NULL`)).toBe(first.windows_skipped);
    expect(await count(`SELECT count(*) FROM predictions WHERE model_sha256 <> '${model.sha256}'`)).toBe(0);

    const second = await predict(workspace.study, model, { actor: 'test', sessions: ['S02'] });
    expect(second.rows_replaced).toBeGreaterThan(0);
    expect(await count(`SELECT count(*) FROM predictions WHERE model_id = 'demo-confusion'`)).toBe(first.windows_total);
    expect(await count(`SELECT count(DISTINCT run_id) FROM predictions WHERE session_id = 'S02'`)).toBe(1);
    expect(await count(`SELECT count(*) FROM predictions WHERE session_id = 'S02' AND run_id = '${second.run_id}'`)).toBe(second.rows_written);
    expect(await count(`SELECT count(*) FROM audit_log WHERE action = 'model.predict'`)).toBe(2);
  });

  it('evaluates the stored predictions against either coder, with baselines, per participant and pooled', async () => {
    for (const annotator of ['coder1', 'coder2']) {
      const result = await evaluatePredictions(workspace.study, { model_id: 'demo-confusion', labels: { ...confusionByCoder1, annotators: [annotator] }, ...quick });
      expect(result.model_version).toBe('1.0.0');
      const out = result.outputs[0];
      expect(out?.report.participants).toBe(5);
      expect(out?.report.per_participant).toHaveLength(5);
      expect(out?.skipped['labels: not annotated (annotations cover less of the window than the rule asks)']).toBeGreaterThan(0);
      expect(out?.report.overall.auc.lower).not.toBeNull();
      expect(out?.report.baselines.shuffled_labels.shuffles).toBe(20);
    }
  });

  it('trains an MLP and a GRU over the same windows; both export to ONNX that reproduces them', { timeout: 240_000 }, async () => {
    const mlp = await trainModel(workspace.study, {
      id: 'demo-confusion-mlp', architecture: { family: 'mlp', hidden: [8] }, inputs: faceInputs, labels: confusionByCoder1, fit: { epochs: 10, minSteps: 0 }, ...quick,
    });
    expect(mlp.model.info.operators).toEqual(['Div', 'Gemm', 'Relu', 'Sigmoid', 'Sub']);
    const gru = await trainModel(workspace.study, {
      id: 'demo-confusion-gru',
      architecture: { family: 'gru', units: 4 },
      inputs: { ...faceInputs, window: { length_s: 10, hop_s: 2, steps: 5 } },
      labels: confusionByCoder1,
      fit: { epochs: 5, minSteps: 0 },
      ...quick,
    });
    expect(gru.model.info.operators).toContain('GRU');
    expect(gru.model.card.inputs.window.steps).toBe(5);
    const predicted = await predict(workspace.study, gru.model, { actor: 'test', sessions: ['S01'] });
    expect(predicted.windows_scored).toBeGreaterThan(50);
  });
});
