import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelWeights } from '../../../src/core/models/weights.js';
import { sha256Hex } from '../../../src/backend/models/check.js';
import { OnnxWorker } from '../../../src/backend/models/onnxWorker.js';
import { writeOnnxModel } from '../../../src/backend/models/onnxWrite.js';
import { findModel, listModels, loadModel, registerModel, shippedModelsDir } from '../../../src/backend/models/registry.js';
import { REPO_ROOT, tempDir } from '../../support/paths.js';
import { randomDense, testCard } from './helpers.js';

let root: { dir: string; remove: () => Promise<void> };
const weights: ModelWeights = { family: 'logistic_regression', standardize: null, output: randomDense(1, 3, 2) };

beforeAll(async () => {
  root = await tempDir('weft-registry-');
});
afterAll(async () => {
  await root.remove();
});

describe('model registry', () => {
  it('registers models/<id>/<version>/{model.onnx, manifest.json} with the hash filled in, then lists, finds and loads them', async () => {
    const dir = join(root.dir, 'a');
    for (const version of ['1.0.0', '1.10.0', '1.2.0']) {
      const card = testCard({ version });
      await registerModel(dir, card, writeOnnxModel(weights, card));
    }
    const manifest = JSON.parse(await readFile(join(dir, 'test-model', '1.0.0', 'manifest.json'), 'utf8')) as { provenance: { onnx_sha256: string } };
    expect(manifest.provenance.onnx_sha256).toBe(sha256Hex(await readFile(join(dir, 'test-model', '1.0.0', 'model.onnx'))));
    const listing = await listModels([dir]);
    expect(listing.models.map((m) => m.version)).toEqual(['1.0.0', '1.2.0', '1.10.0']);
    expect(listing.problems).toEqual([]);
    const latest = await findModel([dir], 'test-model');
    expect(latest.version).toBe('1.10.0');
    const loaded = await loadModel(await findModel([dir], 'test-model', '1.2.0'));
    expect(loaded.info.inputs[0]?.dims).toEqual(['N', 3]);
    await expect(findModel([dir], 'other')).rejects.toThrow(/No model other in .* \(models: test-model\)/);
    await expect(findModel([dir], 'test-model', '9.9.9')).rejects.toThrow(/versions of test-model: 1.0.0, 1.2.0, 1.10.0/);
  });

  it('never overwrites a registered version', async () => {
    const dir = join(root.dir, 'b');
    const card = testCard();
    await registerModel(dir, card, writeOnnxModel(weights, card));
    await expect(registerModel(dir, card, writeOnnxModel(weights, card))).rejects.toThrow(/already exists/);
  });

  it('refuses to load a model.onnx changed after registration, naming the hashes', async () => {
    const dir = join(root.dir, 'c');
    const card = testCard();
    const entry = await registerModel(dir, card, writeOnnxModel(weights, card));
    await appendFile(join(entry.dir, 'model.onnx'), 'x');
    await expect(loadModel(entry)).rejects.toThrow(/model.onnx has SHA-256 [0-9a-f]{64}, but its manifest says [0-9a-f]{64}: the file was changed or replaced/);
  });

  it('lists broken folders as problems instead of failing the whole listing', async () => {
    const dir = join(root.dir, 'd');
    const card = testCard();
    await registerModel(dir, card, writeOnnxModel(weights, card));
    await mkdir(join(dir, 'broken', '1.0.0'), { recursive: true });
    await writeFile(join(dir, 'broken', '1.0.0', 'manifest.json'), '{ not json');
    await mkdir(join(dir, 'renamed', '2.0.0'), { recursive: true });
    await writeFile(join(dir, 'renamed', '2.0.0', 'manifest.json'), JSON.stringify(card));
    const listing = await listModels([dir]);
    expect(listing.models.map((m) => m.id)).toEqual(['test-model']);
    expect(listing.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/manifest.json is not valid JSON/),
      'its manifest names test-model 1.0.0, but the folder is renamed/2.0.0',
    ]);
    await expect(findModel([dir], 'broken')).rejects.toThrow(/is not valid JSON/);
  });

  it('reports a corrupt .onnx whose manifest hash matches it', async () => {
    const dir = join(root.dir, 'e');
    const card = testCard();
    const entry = await registerModel(dir, card, writeOnnxModel(weights, card));
    const garbage = new TextEncoder().encode('garbage, not protobuf');
    await writeFile(join(entry.dir, 'model.onnx'), garbage);
    const claimed = { ...entry, card: { ...entry.card, provenance: { ...entry.card.provenance, onnx_sha256: sha256Hex(garbage) } } };
    await expect(loadModel(claimed)).rejects.toThrow(/model.onnx is not an ONNX model \(or it is damaged\)/);
  });

  it('finds the models folder shipped beside package.json', () => {
    expect(shippedModelsDir()).toBe(join(REPO_ROOT, 'models'));
  });
});

describe('inference worker', () => {
  it('runs a model off the main thread and reports bytes onnxruntime cannot load', async () => {
    const bytes = writeOnnxModel(weights, testCard());
    const worker = await OnnxWorker.open(bytes);
    try {
      expect(worker.inputNames).toEqual(['features']);
      const out = await worker.run('features', 'probabilities', new Float32Array([0, 0, 0, 1, 2, 3]), [2, 3]);
      expect(out.dims).toEqual([2, 2]);
      expect(bytes.length).toBeGreaterThan(100);
    } finally {
      await worker.close();
    }
    await expect(OnnxWorker.open(new Uint8Array([1, 2, 3, 4]), { file: 'bad.onnx' })).rejects.toThrow(/onnxruntime cannot load bad.onnx/);
  });
});
