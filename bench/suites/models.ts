import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { INPUT_TENSOR, ONNX_IR_VERSION, ONNX_OPSET, modelCardSchema, type Architecture, type ModelCard } from '../../src/core/models/card.js';
import { FACE_BLENDSHAPE_FEATURES, FACE_COVERAGE } from '../../src/core/models/presets.js';
import type { ModelWeights } from '../../src/core/models/weights.js';
import { createRng, shuffleInPlace } from '../../src/core/stats/prng.js';
import { OnnxWorker } from '../../src/backend/models/onnxWorker.js';
import { writeOnnxModel } from '../../src/backend/models/onnxWrite.js';
import { findModel, loadModel, registerModel, shippedModelsDir, type LoadedModel } from '../../src/backend/models/registry.js';
import { FACE_PRIOR_ID } from '../../src/backend/models/shipped/facePrior.js';
import { inferWindows, predict } from '../../src/backend/models/runner.js';
import { buildNetwork, extractWeights, tensorflow, trainNetwork } from '../../src/backend/models/tfjs.js';
import type { FeatureWindows } from '../../src/backend/models/windows.js';
import { Study } from '../../src/backend/store/study.js';
import { compare, medianMs, type Suite } from '../harness.js';

const HOUR_S = 3600;
const F = FACE_BLENDSHAPE_FEATURES.length;

function card(id: string, architecture: Architecture, steps: number): ModelCard {
  return modelCardSchema.parse({
    format: 'weft-model-card',
    format_version: 1,
    id,
    version: '1.0.0',
    title: `Benchmark ${architecture.family}`,
    description: 'Random weights, for timing only.',
    kind: 'face',
    architecture,
    inputs: {
      features: FACE_BLENDSHAPE_FEATURES,
      window: steps === 1 ? { length_s: 10, hop_s: 1 } : { length_s: 10, hop_s: 1, steps },
      coverage: { face_frames: FACE_COVERAGE },
      normalization: { kind: 'participant_zscore', baseline: { kind: 'participant_all' }, min_windows: 10 },
    },
    outputs: { labels: [{ name: 'confusion', description: 'P(confused)' }, { name: 'frustration', description: 'P(frustrated)' }] },
    training: { kind: 'external', description: 'Random weights.', data_set: 'none' },
    evaluation: [],
    intended_use: 'Benchmarks.',
    limits: ['Random weights.'],
    licence: 'Apache-2.0',
    provenance: { script: 'bench/suites/models.ts', created_at: new Date(0).toISOString(), producer: 'weft bench', ir_version: ONNX_IR_VERSION, opset: ONNX_OPSET },
  });
}

function randomWeights(architecture: Architecture, seed: number): ModelWeights {
  const rng = createRng(seed);
  const m = (rows: number, cols: number): number[][] => Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.next() - 0.5));
  const v = (n: number): number[] => Array.from({ length: n }, () => rng.next() - 0.5);
  const standardize = { mean: v(F), scale: v(F).map((x) => 1 + Math.abs(x)) };
  if (architecture.family === 'logistic_regression') return { family: 'logistic_regression', standardize, output: { weights: m(F, 2), bias: v(2) } };
  if (architecture.family === 'mlp') return { family: 'mlp', standardize, hidden: [{ weights: m(F, 16), bias: v(16) }], output: { weights: m(16, 2), bias: v(2) } };
  const h = architecture.units;
  return { family: 'gru', standardize, units: h, kernel: m(F, 3 * h), recurrentKernel: m(h, 3 * h), bias: v(3 * h), output: { weights: m(h, 2), bias: v(2) } };
}

/** One participant's hour-long session with MediaPipe face frames at 30 Hz, written straight into the store. */
async function hourStudy(dir: string): Promise<Study> {
  const study = await Study.create(dir, { name: 'bench: one hour', actor: 'bench', timeZone: 'UTC', dataBasis: { kind: 'secondary_data', terms: 'synthetic' } });
  const columns = FACE_BLENDSHAPE_FEATURES.map((f) => f.column);
  await study.db.write(async (conn) => {
    await conn.run(`INSERT INTO weft.participants (participant_id, created_at_us) VALUES ('P01', 0)`);
    await conn.run(`INSERT INTO weft.sessions (session_id, participant_id, started_at_us, duration_us, created_at_us) VALUES ('S01', 'P01', 0, ${HOUR_S * 1_000_000}, 0)`);
    await conn.run(`INSERT INTO weft.streams (stream_id, session_id, kind, format, modality, clock_offset_us, clock_drift_ppm, clock_origin_us, clock_source, row_count, start_us, end_us, import_id, imported_at_us)
      VALUES (1, 'S01', 'face_features', 'bench', 'face_features', 0, 0, 0, 'bench', ${HOUR_S * 30}, 0, ${HOUR_S * 1_000_000}, 'bench', 0)`);
    await conn.run(`INSERT INTO weft.face_frames (stream_id, session_id, t_us, frame, success, ${columns.join(', ')})
      SELECT 1, 'S01', (i * 1000000 / 30)::BIGINT, i, true, ${columns.map((_, k) => `0.1 + 0.05 * sin(i / ${17 + k}) + 0.01 * random()`).join(', ')}
      FROM range(${HOUR_S * 30}) t(i)`);
  });
  return study;
}

/**
 * Inference: an hour of session at 1 Hz windows through Weft (worker thread, batches) against a
 * bare in-process session.run on the same batch, per model family; then `weft predict` on an
 * hour-long session in the store (windows from face frames, inference, writing predictions).
 * Training: the final fit of each model kind on 2,000 windows of synthetic data.
 */
export function modelsSuite(workDir: string): Suite {
  return {
    name: 'models',
    async run(report) {
      const windowsCount = HOUR_S - 10 + 1;
      const families: [Architecture, number][] = [
        [{ family: 'logistic_regression' }, 1],
        [{ family: 'mlp', hidden: [16] }, 1],
        [{ family: 'gru', units: 8 }, 10],
      ];
      for (const [architecture, steps] of families) {
        const c = card(`bench-${architecture.family.replaceAll('_', '-')}`, architecture, steps);
        const bytes = writeOnnxModel(randomWeights(architecture, 1), c);
        const values = Float32Array.from({ length: windowsCount * steps * F }, (_, i) => Math.sin(i));
        const dims = steps === 1 ? [windowsCount, F] : [windowsCount, steps, F];
        const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
        const bare = await medianMs(() => session.run({ [INPUT_TENSOR]: new ort.Tensor('float32', values, dims) }), 15);
        await session.release();
        const windows: FeatureWindows = { features: c.inputs.features.map((f) => f.name), steps, windows: new Array(windowsCount).fill(null), values, total: windowsCount, skipped: {}, skippedWindows: [] };
        const model = { id: c.id, version: c.version, card: c } as LoadedModel;
        const worker = await OnnxWorker.open(bytes);
        try {
          const weft = await medianMs(() => inferWindows(worker, model, windows), 15);
          report(
            compare('models', `infer 1 h at 1 Hz (${windowsCount} windows), ${architecture.family}`, weft, 'ms', { name: `bare session.run, same batch`, value: bare }, `${Math.round(windowsCount / (weft / 1000))} windows/s through the worker`),
          );
        } finally {
          await worker.close();
        }
      }

      const study = await hourStudy(join(workDir, 'models-hour'));
      try {
        const c = card('bench-face-logistic', { family: 'logistic_regression' }, 1);
        const model = await registerModel(join(workDir, 'models-hour-models'), c, writeOnnxModel(randomWeights({ family: 'logistic_regression' }, 2), c));
        const session = await ort.InferenceSession.create(model.bytes);
        const batch = new Float32Array(windowsCount * F).fill(0.1);
        const bare = await medianMs(() => session.run({ [INPUT_TENSOR]: new ort.Tensor('float32', batch, [windowsCount, F]) }), 10);
        await session.release();
        let last = { windows: 0, inference: 0, write: 0 };
        const full = await medianMs(async () => {
          last = (await predict(study, model, { actor: 'bench' })).timings_ms;
        }, 5, 1);
        report(
          compare('models', 'weft predict, 1 h session (face frames → windows → worker → store)', full, 'ms', { name: 'bare session.run, same batch', value: bare },
            `windows from 108k frames ${Math.round(last.windows)} ms, inference ${Math.round(last.inference)} ms, write ${Math.round(last.write)} ms`),
        );
        // The shipped face prior reads AU4/7/1/2/14 through the blendshape proxies these frames carry.
        const prior = await loadModel(await findModel([shippedModelsDir()], FACE_PRIOR_ID));
        let priorLast = { windows: 0, inference: 0, write: 0 };
        let priorWindows = 0;
        const priorMs = await medianMs(async () => {
          const summary = await predict(study, prior, { actor: 'bench' });
          priorLast = summary.timings_ms;
          priorWindows = summary.windows_scored;
        }, 5, 1);
        report(
          compare('models', `weft predict, shipped ${FACE_PRIOR_ID}, 1 h session (derived AUs, 3 s windows every 0.5 s, participant z-scores)`, priorMs, 'ms',
            { name: 'weft predict, random logistic on 10 s windows every 1 s, same session', value: full },
            `${priorWindows} windows scored; windows ${Math.round(priorLast.windows)} ms, inference ${Math.round(priorLast.inference)} ms, write ${Math.round(priorLast.write)} ms`),
        );
      } finally {
        await study.close();
      }

      const { tf, backend } = await tensorflow();
      const n = 2000;
      const rng = createRng(3);
      let logistic = 0;
      const epochs = 30;
      for (const [architecture, steps] of families) {
        const x = Float32Array.from({ length: n * steps * F }, () => rng.next() * 2 - 1);
        const y = Float32Array.from({ length: n * 2 }, (_, i) => ((x[Math.floor(i / 2) * steps * F] ?? 0) > 0 ? 1 : 0));
        const shape = steps === 1 ? [F] : [steps, F];
        const fit = { epochs, minSteps: 0, batchSize: 64, learningRate: 0.01, l2: 1e-3, seed: 1 };
        const start = performance.now();
        const net = buildNetwork(tf, architecture, F, steps, 2, fit);
        const order = createRng(1);
        trainNetwork(tf, net, x, y, n, shape, fit, () => shuffleInPlace(Array.from({ length: n }, (_, i) => i), order));
        extractWeights(net, architecture, null);
        net.dispose();
        const ms = performance.now() - start;
        if (architecture.family === 'logistic_regression') logistic = ms;
        report(
          compare('models', `train ${architecture.family}, ${n} windows × ${epochs} epochs`, ms, 'ms', { name: 'logistic regression, same data', value: logistic },
            `TensorFlow.js ${backend} backend, batch 64${steps > 1 ? `, ${steps} steps` : ''}`),
        );
      }
    },
  };
}
