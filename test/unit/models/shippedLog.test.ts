import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/backend/models/check.js';
import { MANIFEST_FILE, findModel, loadModel, shippedModelsDir, type LoadedModel } from '../../../src/backend/models/registry.js';
import { buildShippedModels } from '../../../src/backend/models/shipped/build.js';
import { referenceEntry } from '../../../src/backend/models/shipped/common.js';
import { LOG_AFFECT_ID, LOG_AFFECT_TARGETS, REFERENCE_QUANTILE, actionRows, column, scoreRows, withAssistmentsStudy, type ActionRows } from '../../../src/backend/models/shipped/logAffect.js';
import { modelCardSchema, type EvaluationEntry } from '../../../src/core/models/card.js';
import { DEFAULT_BOOTSTRAP } from '../../../src/core/stats/bootstrap.js';
import { referenceReport } from '../../../src/core/stats/referenceReport.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON } from '../../support/paths.js';

/** Card numbers are rounded to 4 decimals; onnxruntime and TensorFlow.js agree to 1e-4 on probabilities. */
function expectClose(measured: EvaluationEntry['metrics'], card: EvaluationEntry['metrics']): void {
  expect(Object.keys(measured).sort()).toEqual(Object.keys(card).sort());
  for (const [name, m] of Object.entries(measured)) {
    const c = card[name];
    for (const key of ['value', 'lower', 'upper'] as const) {
      const a = m[key];
      const b = c?.[key] ?? null;
      if (a === null || b === null) expect(a, `${name}.${key}`).toBe(b);
      else expect(Math.abs(a - b), `${name}.${key}: measured ${a}, card ${b}`).toBeLessThanOrEqual(6e-4);
    }
  }
}

describe.skipIf(!HAVE_REALDATA)(`the shipped log model on the real ASSISTments 2017 file${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  let model: LoadedModel;
  let rows: ActionRows;
  beforeAll(async () => {
    model = await loadModel(await findModel([shippedModelsDir()], LOG_AFFECT_ID));
    rows = await withAssistmentsStudy(actionRows);
  });

  it('is trained on the file’s actions as Weft’s importer reads them, as the card counts them', () => {
    const counts = model.card.training.counts;
    expect(rows.n).toBe(counts?.windows);
    expect(rows.n + Object.values(rows.skipped).reduce((a, b) => a + b, 0)).toBe(6186);
    expect(new Set(rows.participants).size).toBe(counts?.participants);
    expect(model.card.evaluation.filter((e) => e.method === 'student_grouped_cv').map((e) => e.output)).toEqual(['confusion', 'frustration']);
  });

  it('scored through onnxruntime, reproduces the card’s in-sample numbers within rounding', async () => {
    const probabilities = await scoreRows(model.bytes, rows);
    for (const [l, target] of LOG_AFFECT_TARGETS.entries()) {
      const card = model.card.evaluation.find((e) => e.method === 'in_sample' && e.output === target.output);
      expect(card, target.output).toBeDefined();
      const report = referenceReport({ probabilities: column(probabilities, 2, l), reference: column(rows.y, 2, l), participants: rows.participants }, { quantile: REFERENCE_QUANTILE, bootstrap: DEFAULT_BOOTSTRAP });
      const measured = referenceEntry(report, { method: 'in_sample', description: '-', data_set: '-', output: target.output });
      expect(measured.n).toBe(card?.n);
      expect(measured.positives).toBe(card?.positives);
      expectClose(measured.metrics, card?.metrics ?? {});
      expect(measured.baselines).toEqual(card?.baselines);
    }
  });

  it('beats the constant-mean and shuffled-within-student baselines in cross-validation for confusion', () => {
    const cv = model.card.evaluation.find((e) => e.method === 'student_grouped_cv' && e.output === 'confusion');
    expect(cv?.metrics['auc']?.lower).toBeGreaterThan(cv?.baselines['shuffled_reference']?.['auc'] ?? 1);
    expect(cv?.metrics['rmse']?.upper).toBeLessThan(cv?.baselines['constant_mean']?.['rmse'] ?? 0);
  });
});

// About 40 s on this machine when it is not shared (70 s under load): worth it, since it is the proof that the committed files are what the script makes.
describe.skipIf(!HAVE_REALDATA)(`npm run models:build${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  it('reproduces every committed model.onnx and manifest.json byte for byte', { timeout: 600_000 }, async () => {
    const built = await buildShippedModels();
    expect(built.map((m) => m.card.id)).toEqual([LOG_AFFECT_ID, 'face-affect-prior', 'fusion-affect']);
    for (const m of built) {
      const entry = await findModel([shippedModelsDir()], m.card.id);
      expect(sha256Hex(m.bytes), m.card.id).toBe(entry.card.provenance.onnx_sha256);
      const manifest = modelCardSchema.parse({ ...m.card, provenance: { ...m.card.provenance, onnx_sha256: sha256Hex(m.bytes) } });
      expect(await readFile(join(entry.dir, MANIFEST_FILE), 'utf8'), m.card.id).toBe(`${JSON.stringify(manifest, null, 2)}\n`);
    }
  });
});
