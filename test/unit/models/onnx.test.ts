import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { CARD_METADATA_KEY, embeddedCard } from '../../../src/core/models/card.js';
import { forward } from '../../../src/core/models/forward.js';
import type { ModelWeights } from '../../../src/core/models/weights.js';
import { checkModelFile, sha256Hex } from '../../../src/backend/models/check.js';
import { embeddedCardJson, readOnnxModel } from '../../../src/backend/models/onnxRead.js';
import { onnx } from '../../../src/backend/models/onnxProto.js';
import { writeOnnxModel } from '../../../src/backend/models/onnxWrite.js';
import { FACE_FEATURES, gruWeights, randomDense, randomInput, testCard } from './helpers.js';

async function runOrt(bytes: Uint8Array, input: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ features: new ort.Tensor('float32', input, dims) });
    return out['probabilities']?.data as Float32Array;
  } finally {
    await session.release();
  }
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 2e-6): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs((actual[i] ?? 0) - (expected[i] ?? 0)));
  expect(worst).toBeLessThan(tolerance);
}

describe('ONNX writer', () => {
  const F = FACE_FEATURES.length;
  const N = 257;

  it('writes logistic regression (MatMul + Add + Sigmoid) that runs in onnxruntime with the same numbers as TypeScript', async () => {
    const weights: ModelWeights = { family: 'logistic_regression', standardize: { mean: [0.1, 0.2, 0.3], scale: [0.5, 2, 1.5] }, output: randomDense(1, F, 2) };
    const card = testCard();
    const bytes = writeOnnxModel(weights, card);
    const input = randomInput(2, N * F);
    expectClose(await runOrt(bytes, input, [N, F]), forward(weights, input, N, 1));
    const info = readOnnxModel(bytes, 'm.onnx');
    expect(info).toMatchObject({ irVersion: 8, opset: 17, producer: 'weft weft 0.1.0' });
    expect(info.operators).toEqual(['Add', 'Div', 'MatMul', 'Sigmoid', 'Sub']);
    expect(info.inputs).toEqual([{ name: 'features', type: 'FLOAT', dims: ['N', 3] }]);
    expect(info.outputs).toEqual([{ name: 'probabilities', type: 'FLOAT', dims: ['N', 2] }]);
  });

  it('writes an MLP (Gemm + Relu layers, Sigmoid)', async () => {
    const weights: ModelWeights = { family: 'mlp', standardize: null, hidden: [randomDense(3, F, 8), randomDense(4, 8, 5)], output: randomDense(5, 5, 2) };
    const card = testCard({ architecture: { family: 'mlp', hidden: [8, 5] } });
    const bytes = writeOnnxModel(weights, card);
    const input = randomInput(6, N * F);
    expectClose(await runOrt(bytes, input, [N, F]), forward(weights, input, N, 1));
    expect(readOnnxModel(bytes, 'm.onnx').operators).toEqual(['Gemm', 'Relu', 'Sigmoid']);
  });

  it('writes a GRU (ONNX GRU op over the window steps)', async () => {
    const T = 6;
    const weights = gruWeights(7, F, 4, 2);
    const card = testCard({
      architecture: { family: 'gru', units: 4 },
      inputs: { ...testCard().inputs, window: { length_s: 6, hop_s: 1, steps: T } },
    });
    const bytes = writeOnnxModel(weights, card);
    const input = randomInput(8, N * T * F);
    expectClose(await runOrt(bytes, input, [N, T, F]), forward(weights, input, N, T));
    const info = readOnnxModel(bytes, 'm.onnx');
    expect(info.operators).toContain('GRU');
    expect(info.inputs[0]?.dims).toEqual(['N', T, F]);
  });

  it('stores the card, less the file hash, in metadata_props', () => {
    const card = testCard();
    const bytes = writeOnnxModel({ family: 'logistic_regression', standardize: null, output: randomDense(1, F, 2) }, card);
    const info = readOnnxModel(bytes, 'm.onnx');
    expect(Object.keys(info.metadata)).toEqual([CARD_METADATA_KEY]);
    expect(embeddedCardJson(info, 'm.onnx')).toEqual(JSON.parse(JSON.stringify(embeddedCard(card))));
  });

  it('refuses weights that do not match the card', () => {
    expect(() => writeOnnxModel({ family: 'logistic_regression', standardize: null, output: randomDense(1, 4, 2) }, testCard())).toThrow(
      /weights take 4 features, the card lists 3/,
    );
    expect(() => writeOnnxModel({ family: 'mlp', standardize: null, hidden: [randomDense(1, 3, 4)], output: randomDense(1, 4, 2) }, testCard())).toThrow(
      /weights are a mlp, the card says logistic_regression/,
    );
  });
});

describe('checking a model file against its manifest', () => {
  const weights: ModelWeights = { family: 'logistic_regression', standardize: null, output: randomDense(1, 3, 2) };
  const card = testCard();
  const bytes = writeOnnxModel(weights, card);
  const manifest = { ...card, provenance: { ...card.provenance, onnx_sha256: sha256Hex(bytes) } };

  it('accepts the file it was written with', () => {
    expect(checkModelFile(manifest, bytes, 'model.onnx').irVersion).toBe(8);
  });

  it('names a wrong SHA-256', () => {
    const other = { ...manifest, provenance: { ...manifest.provenance, onnx_sha256: '0'.repeat(64) } };
    expect(() => checkModelFile(other, bytes, 'model.onnx')).toThrow(/has SHA-256 [0-9a-f]{64}, but its manifest says 0{64}/);
  });

  it('names the fields where the embedded card differs from the manifest', () => {
    const changed = { ...card, title: 'Another title', limits: ['Other.'] };
    const changedBytes = writeOnnxModel(weights, changed);
    const claimed = { ...card, provenance: { ...card.provenance, onnx_sha256: sha256Hex(changedBytes) } };
    expect(() => checkModelFile(claimed, changedBytes, 'model.onnx')).toThrow(/differs from manifest.json at: limits\[0\], title/);
  });

  it('names a tensor shape that does not fit the card', () => {
    const model = onnx.ModelProto.decode(bytes);
    const dims = model.graph?.input?.[0]?.type?.tensorType?.shape?.dim;
    if (dims?.[1]) dims[1].dimValue = 4;
    const reshaped = onnx.ModelProto.encode(model).finish();
    const claimed = { ...card, provenance: { ...card.provenance, onnx_sha256: sha256Hex(reshaped) } };
    expect(() => checkModelFile(claimed, reshaped, 'model.onnx')).toThrow(
      /must take one FLOAT input "features" of shape \[N, 3\] \(its card lists 3 features\), but takes: features FLOAT \[N, 4\]/,
    );
  });

  it('reports a corrupt or truncated file as not an ONNX model', () => {
    for (const broken of [bytes.slice(0, bytes.length - 40), new TextEncoder().encode('not a model at all')]) {
      const claimed = { ...manifest, provenance: { ...manifest.provenance, onnx_sha256: sha256Hex(broken) } };
      expect(() => checkModelFile(claimed, broken, 'model.onnx')).toThrow(/model.onnx is not an ONNX model \(or it is damaged\)/);
    }
  });
});
