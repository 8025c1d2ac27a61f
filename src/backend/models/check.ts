import { createHash } from 'node:crypto';
import { WeftError } from '../../core/errors.js';
import { CARD_METADATA_KEY, INPUT_TENSOR, OUTPUT_TENSOR, embeddedCard, inputShape, jsonDifferences, modelCardSchema, outputShape, type ModelCard } from '../../core/models/card.js';
import { embeddedCardJson, readOnnxModel, type OnnxModelInfo, type TensorInfo } from './onnxRead.js';

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function mismatch(card: ModelCard, file: string, reason: string, message: string, details: Record<string, unknown> = {}): WeftError {
  return new WeftError('INVALID_INPUT', `Model ${card.id} ${card.version}: ${file} ${message}`, { location: { file }, details: { reason, ...details } });
}

function shapeMatches(actual: TensorInfo, expected: readonly (string | number)[]): boolean {
  if (actual.dims.length !== expected.length) return false;
  return expected.every((d, i) => (typeof d === 'string' ? typeof actual.dims[i] !== 'number' : actual.dims[i] === d));
}

const showShape = (dims: readonly (string | number | null)[]): string => `[${dims.map((d) => d ?? '?').join(', ')}]`;

/**
 * Checks an .onnx file against its manifest: the file's SHA-256, the card written into it (which
 * must equal the manifest less the hash), its IR version and opset, and its input and output
 * tensors' names and shapes. Each mismatch is an error that says what differs.
 */
export function checkModelFile(manifest: ModelCard, bytes: Uint8Array, file: string): OnnxModelInfo {
  const expectedHash = manifest.provenance.onnx_sha256;
  if (expectedHash === undefined) throw mismatch(manifest, file, 'sha256_missing', 'has no SHA-256 in its manifest (provenance.onnx_sha256)');
  const actualHash = sha256Hex(bytes);
  if (actualHash !== expectedHash) {
    throw mismatch(manifest, file, 'sha256_mismatch', `has SHA-256 ${actualHash}, but its manifest says ${expectedHash}: the file was changed or replaced`, {
      expected: expectedHash,
      actual: actualHash,
    });
  }
  const info = readOnnxModel(bytes, file);
  const json = embeddedCardJson(info, file);
  if (json === null) throw mismatch(manifest, file, 'card_missing', `carries no model card (metadata_props key ${CARD_METADATA_KEY})`);
  const parsed = modelCardSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw mismatch(manifest, file, 'card_invalid', `carries a model card that is not valid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  const differences = jsonDifferences(parsed.data, embeddedCard(manifest));
  if (differences.length > 0) {
    throw mismatch(manifest, file, 'card_mismatch', `carries a model card that differs from manifest.json at: ${differences.join(', ')}`, { differences });
  }
  if (info.irVersion !== manifest.provenance.ir_version || info.opset !== manifest.provenance.opset) {
    throw mismatch(manifest, file, 'version_mismatch', `is ONNX IR ${info.irVersion} / opset ${info.opset ?? '?'}, its card says IR ${manifest.provenance.ir_version} / opset ${manifest.provenance.opset}`);
  }
  const input = info.inputs.find((t) => t.name === INPUT_TENSOR);
  const expectedIn = inputShape(manifest);
  if (info.inputs.length !== 1 || input === undefined || input.type !== 'FLOAT' || !shapeMatches(input, expectedIn)) {
    const found = info.inputs.map((t) => `${t.name} ${t.type} ${showShape(t.dims)}`).join(', ');
    throw mismatch(manifest, file, 'input_mismatch', `must take one FLOAT input "${INPUT_TENSOR}" of shape ${showShape(expectedIn)} (its card lists ${manifest.inputs.features.length} features), but takes: ${found}`);
  }
  const output = info.outputs.find((t) => t.name === OUTPUT_TENSOR);
  const expectedOut = outputShape(manifest);
  if (output === undefined || output.type !== 'FLOAT' || !shapeMatches(output, expectedOut)) {
    const found = info.outputs.map((t) => `${t.name} ${t.type} ${showShape(t.dims)}`).join(', ');
    throw mismatch(manifest, file, 'output_mismatch', `must give a FLOAT output "${OUTPUT_TENSOR}" of shape ${showShape(expectedOut)} (labels ${manifest.outputs.labels.map((l) => l.name).join(', ')}), but gives: ${found}`);
  }
  return info;
}
