import { WeftError } from '../../core/errors.js';
import { CARD_METADATA_KEY } from '../../core/models/card.js';
import { int64, onnx, type OnnxTypes } from './onnxProto.js';

export interface TensorInfo {
  readonly name: string;
  /** ONNX element type name (FLOAT, INT64, …). */
  readonly type: string;
  /** A number per fixed dimension, the parameter's name per symbolic one, null when unstated. */
  readonly dims: readonly (number | string | null)[];
}

export interface OnnxModelInfo {
  readonly irVersion: number;
  /** Opset of the default (ai.onnx) domain. */
  readonly opset: number | null;
  readonly producer: string;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly operators: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
}

function tensorInfo(v: OnnxTypes.IValueInfoProto): TensorInfo {
  const tensor = v.type?.tensorType;
  const elem = tensor?.elemType ?? 0;
  return {
    name: v.name ?? '',
    type: onnx.TensorProto.DataType[elem] ?? String(elem),
    dims: (tensor?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue !== null && d.dimValue !== undefined ? int64(d.dimValue) : null)),
  };
}

/**
 * What an .onnx file declares, parsed from its bytes (onnxruntime's session does not expose
 * metadata_props). An error names the file when the bytes are not an ONNX model.
 */
export function readOnnxModel(bytes: Uint8Array, file: string): OnnxModelInfo {
  let model: OnnxTypes.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new WeftError('PARSE_ERROR', `${file} is not an ONNX model (or it is damaged): ${(error as Error).message}`, {
      location: { file },
      details: { reason: 'onnx_corrupt' },
      cause: error,
    });
  }
  const graph = model.graph;
  if (!graph || (graph.node ?? []).length === 0 || (graph.input ?? []).length === 0 || int64(model.irVersion) === 0) {
    throw new WeftError('PARSE_ERROR', `${file} is not an ONNX model (or it is damaged): it has no IR version or no graph with inputs and operators`, {
      location: { file },
      details: { reason: 'onnx_corrupt' },
    });
  }
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const defaultOpset = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return {
    irVersion: int64(model.irVersion),
    opset: defaultOpset ? int64(defaultOpset.version) : null,
    producer: `${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trim(),
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(tensorInfo),
    outputs: (graph.output ?? []).map(tensorInfo),
    operators: [...new Set((graph.node ?? []).map((n) => n.opType ?? ''))].sort(),
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
  };
}

/** The model card JSON stored in the file's metadata_props, or null when it has none. */
export function embeddedCardJson(info: OnnxModelInfo, file: string): unknown {
  const text = info.metadata[CARD_METADATA_KEY];
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new WeftError('PARSE_ERROR', `${file}: the model card in metadata_props (${CARD_METADATA_KEY}) is not valid JSON: ${(error as Error).message}`, {
      location: { file },
      details: { reason: 'card_corrupt' },
    });
  }
}
