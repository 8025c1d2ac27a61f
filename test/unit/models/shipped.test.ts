import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import type { modelPredictResultSchema } from '../../../src/core/api/modelSchemas.js';
import { sha256Hex } from '../../../src/backend/models/check.js';
import { MANIFEST_FILE, MODEL_FILE, findModel, listModels, loadModel, shippedModelsDir } from '../../../src/backend/models/registry.js';
import { predict } from '../../../src/backend/models/runner.js';
import { buildWindows } from '../../../src/backend/models/windows.js';
import { FACE_PRIOR_ID, FACE_PRIOR_WEIGHTS, buildFacePrior } from '../../../src/backend/models/shipped/facePrior.js';
import { FUSION_ID, buildFusion, logisticWeightsFromOnnx } from '../../../src/backend/models/shipped/fusion.js';
import { LOG_AFFECT_ID } from '../../../src/backend/models/shipped/logAffect.js';
import { buildDemoStudy } from '../../../src/cli/demo.js';
import { modelCardSchema } from '../../../src/core/models/card.js';
import { createRng } from '../../../src/core/stats/prng.js';
import { weft } from '../../support/cli.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, tempDir } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';
import { addActions, addFace, addSession, frames } from './fixtures.js';

const SHIPPED = [FACE_PRIOR_ID, FUSION_ID, LOG_AFFECT_ID];

describe('the models Weft ships', () => {
  it('are the three detectors, each loading through the registry and matching its manifest', async () => {
    const { models, problems } = await listModels([shippedModelsDir()]);
    expect(problems).toEqual([]);
    expect(models.map((m) => `${m.id}@${m.version}`)).toEqual(SHIPPED.map((id) => `${id}@1.0.0`));
    for (const entry of models) {
      const loaded = await loadModel(entry);
      expect(loaded.sha256).toBe(entry.card.provenance.onnx_sha256);
      expect(loaded.card.outputs.labels.map((l) => l.name)).toEqual(['confusion', 'frustration']);
      expect(loaded.card.limits.length).toBeGreaterThan(0);
    }
    const kinds = Object.fromEntries(models.map((m) => [m.id, [m.card.kind, m.card.training.kind]]));
    expect(kinds).toEqual({ [LOG_AFFECT_ID]: ['log', 'external'], [FACE_PRIOR_ID]: ['face', 'literature'], [FUSION_ID]: ['fusion', 'literature'] });
  });

  it('the face prior says it is a literature prior, not evaluated on labelled faces, and gives Bosch et al. as context', async () => {
    const { card } = await findModel([shippedModelsDir()], FACE_PRIOR_ID);
    expect(card.training.description).toMatch(/not trained on labelled faces/);
    expect(card.training.description).toMatch(/AUC \.649 for confusion and \.631 for frustration/);
    expect(card.limits[0]).toMatch(/^Not evaluated on labelled faces/);
    expect(card.evaluation.map((e) => e.method)).toEqual(['sanity_check', 'sanity_check']);
  });

  it('the fusion model is exactly the sum of the log model’s and the face prior’s logits', async () => {
    const log = await loadModel(await findModel([shippedModelsDir()], LOG_AFFECT_ID));
    const fusion = await loadModel(await findModel([shippedModelsDir()], FUSION_ID));
    expect(sha256Hex(buildFusion(log.bytes).bytes)).toBe(fusion.sha256);
    const logW = logisticWeightsFromOnnx(log.bytes, 'log');
    const fused = logisticWeightsFromOnnx(fusion.bytes, 'fusion');
    if (FACE_PRIOR_WEIGHTS.family !== 'logistic_regression') throw new Error('unexpected family');
    expect(fused.output.weights).toEqual([...FACE_PRIOR_WEIGHTS.output.weights, ...logW.output.weights]);
    expect(fused.output.bias).toEqual(logW.output.bias);
    expect(fused.standardize?.mean.slice(5)).toEqual(logW.standardize?.mean);
  });
});

describe.skipIf(!HAVE_REALDATA)(`the face prior rebuilt from its sources${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  it('reproduces the committed model.onnx and manifest byte for byte (sanity check on the iMotions export included)', async () => {
    const entry = await findModel([shippedModelsDir()], FACE_PRIOR_ID);
    const built = await buildFacePrior();
    expect(sha256Hex(built.bytes)).toBe(entry.card.provenance.onnx_sha256);
    const manifest = modelCardSchema.parse({ ...built.card, provenance: { ...built.card.provenance, onnx_sha256: sha256Hex(built.bytes) } });
    expect(await readFile(join(entry.dir, MANIFEST_FILE), 'utf8')).toBe(`${JSON.stringify(manifest, null, 2)}\n`);
    expect(await readFile(join(entry.dir, MODEL_FILE))).toEqual(Buffer.from(built.bytes));
  });
});

/** Frames at 30 Hz for 60 s whose AU values sit near a baseline, raised by `lift` where `raised(t)`. */
function faceFrames(columns: Record<string, number>, raised: (t: number) => readonly string[], lift: number, seed: number) {
  const rng = createRng(seed);
  return frames(0, 60, 30, (t) => {
    const up = raised(t);
    return Object.fromEntries(Object.entries(columns).map(([c, base]) => [c, base + 0.05 * base * (rng.next() - 0.5) + (up.includes(c) ? lift : 0)]));
  });
}

describe('the face prior on action units against the participant’s baseline', () => {
  let study: TestStudy;
  beforeAll(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
    const s = study.workspace.study;
    // P1: OpenFace intensities (0–5); AU4 and AU7 raised 40–50 s, AU1, AU2 and AU14 raised 10–20 s.
    await addSession(s, 'P1', 'S1', 60);
    const openFace = { au04_intensity: 0.4, au07_intensity: 0.5, au01_intensity: 0.3, au02_intensity: 0.3, au14_intensity: 0.6 };
    await addFace(s, 'S1', faceFrames(openFace, (t) => (t >= 40 && t < 50 ? ['au04_intensity', 'au07_intensity'] : t >= 10 && t < 20 ? ['au01_intensity', 'au02_intensity', 'au14_intensity'] : []), 1.5, 1));
    // P2: MediaPipe blendshapes only (0–1), read through the AU proxies; the same pattern.
    await addSession(s, 'P2', 'S2', 60);
    const blend = {
      bs_brow_down_left: 0.1, bs_brow_down_right: 0.1, bs_eye_squint_left: 0.2, bs_eye_squint_right: 0.2, bs_brow_inner_up: 0.1,
      bs_brow_outer_up_left: 0.05, bs_brow_outer_up_right: 0.05, bs_mouth_dimple_left: 0.1, bs_mouth_dimple_right: 0.1,
    };
    const confusedBlend = ['bs_brow_down_left', 'bs_brow_down_right', 'bs_eye_squint_left', 'bs_eye_squint_right'];
    const frustratedBlend = ['bs_brow_inner_up', 'bs_brow_outer_up_left', 'bs_brow_outer_up_right', 'bs_mouth_dimple_left', 'bs_mouth_dimple_right'];
    await addFace(s, 'S2', faceFrames(blend, (t) => (t >= 40 && t < 50 ? confusedBlend : t >= 10 && t < 20 ? frustratedBlend : []), 0.4, 2));
    await predict(s, await loadModel(await findModel([shippedModelsDir()], FACE_PRIOR_ID)), { actor: 'test' });
  });
  afterAll(async () => {
    await study.close();
  });

  async function meanProbability(session: string, label: string, from: number, to: number): Promise<number> {
    const rows = (
      await study.client.call('sql.query', {
        sql: `SELECT avg(probability) FROM predictions WHERE session_id = '${session}' AND label = '${label}' AND start_us >= ${from * 1e6} AND end_us <= ${to * 1e6} AND probability IS NOT NULL`,
      })
    ).rows;
    return Number(rows[0]?.[0]);
  }

  for (const [session, source] of [['S1', 'OpenFace intensities'], ['S2', 'MediaPipe blendshape proxies']] as const) {
    it(`confusion rises when AU4 and AU7 rise above the baseline, frustration when AU1, AU2 and AU14 do (${source})`, async () => {
      const calmConfusion = await meanProbability(session, 'confusion', 22, 38);
      const raisedConfusion = await meanProbability(session, 'confusion', 41, 49);
      expect(calmConfusion).toBeLessThan(0.5);
      expect(raisedConfusion).toBeGreaterThan(0.75);
      const calmFrustration = await meanProbability(session, 'frustration', 22, 38);
      const raisedFrustration = await meanProbability(session, 'frustration', 11, 19);
      expect(calmFrustration).toBeLessThan(0.5);
      expect(raisedFrustration).toBeGreaterThan(0.65);
      // AU4 feeds frustration with a quarter of the weight it has for confusion.
      const frustrationWhenConfused = await meanProbability(session, 'frustration', 41, 49);
      expect(frustrationWhenConfused).toBeGreaterThan(calmFrustration);
      expect(frustrationWhenConfused).toBeLessThan(raisedConfusion);
    });
  }
});

describe('the fusion model’s windows', () => {
  let study: TestStudy;
  afterAll(async () => {
    await study.close();
  });

  it('z-score the face features against the participant’s baseline and leave the log features raw', async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
    const s = study.workspace.study;
    await addSession(s, 'P1', 'S1', 300);
    await addFace(s, 'S1', frames(0, 300, 30, (t) => ({ au04_intensity: 1 + Math.sin(t / 7), au07_intensity: 1 + Math.cos(t / 11), au01_intensity: 2 + Math.sin(t / 5), au02_intensity: 2 + Math.cos(t / 3), au14_intensity: 0.5 + Math.sin(t / 13) })));
    // An incorrect attempt every 4 s, a correct one 2 s later: half the actions in every window are wrong.
    await addActions(s, 'S1', Array.from({ length: 150 }, (_, i) => ({ t_s: i * 2 + 1, kind: 'attempt' as const, outcome: i % 2 === 0 ? ('INCORRECT' as const) : ('CORRECT' as const), step: `s${i}` })));
    const inputs = (await findModel([shippedModelsDir()], FUSION_ID)).card.inputs;
    const w = await buildWindows(s, inputs);
    expect(w.features).toEqual(['au04_mean', 'au07_mean', 'au01_mean', 'au02_mean', 'au14_mean', 'incorrect_mean', 'help_request_mean', 'duration_us_mean']);
    expect(w.windows.length).toBeGreaterThan(20);
    const F = w.features.length;
    const col = (f: number): number[] => w.windows.map((_, i) => w.values[i * F + f] ?? Number.NaN);
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    for (let f = 0; f < 5; f++) expect(Math.abs(mean(col(f))), w.features[f]).toBeLessThan(1e-5);
    expect(col(5).every((v) => v === 0.5)).toBe(true);
    expect(col(6).every((v) => v === 0)).toBe(true);
    expect(col(7).slice(1).every((v) => Math.abs(v - 2_000_000) < 1)).toBe(true);
  });
});

describe('weft predict with the shipped models on the demo study', () => {
  let study: string;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    const temp = await tempDir('weft-shipped-demo-');
    remove = temp.remove;
    study = join(temp.dir, 'demo');
    const build = await buildDemoStudy(study, { minutes: 4, actor: 'test', align: false });
    await build.workspace.close();
  });
  afterAll(async () => {
    await remove();
  });

  for (const id of SHIPPED) {
    it(`${id} writes predictions for the demo's sessions`, { timeout: 120_000 }, async () => {
      const run = await weft(['predict', '--study', study, '--json', '--model', id]);
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as z.infer<typeof modelPredictResultSchema>;
      const summary = result.runs[0];
      expect(summary?.model_id).toBe(id);
      expect(summary?.sessions.length).toBeGreaterThan(0);
      expect(summary?.windows_scored).toBeGreaterThan(0);
      expect(summary?.rows_written).toBe((summary?.windows_total ?? 0) * 2);
    });
  }
});
