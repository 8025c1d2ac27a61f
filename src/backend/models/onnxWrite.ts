import {
  CARD_METADATA_KEY,
  INPUT_TENSOR,
  ONNX_IR_VERSION,
  ONNX_OPSET,
  OUTPUT_TENSOR,
  embeddedCard,
  inputShape,
  outputShape,
  type ModelCard,
} from '../../core/models/card.js';
import { checkWeights, type Dense, type ModelWeights } from '../../core/models/weights.js';
import { WeftError } from '../../core/errors.js';
import { GraphBuilder, floatValueInfo, intAttribute, intsAttribute, stringsAttribute } from './onnxGraph.js';
import { onnx } from './onnxProto.js';

const flat = (m: readonly (readonly number[])[]): number[] => m.flat();
const transposed = (m: readonly (readonly number[])[]): number[] => {
  const rows = m.length;
  const cols = m[0]?.length ?? 0;
  const out: number[] = [];
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) out.push(m[i]?.[j] ?? 0);
  return out;
};

function standardize(g: GraphBuilder, w: ModelWeights, input: string): string {
  if (w.standardize === null) return input;
  const n = w.standardize.mean.length;
  const centred = g.op('Sub', [input, g.constant('standardize_mean', [n], w.standardize.mean)]);
  return g.op('Div', [centred, g.constant('standardize_scale', [n], w.standardize.scale)]);
}

function gemm(g: GraphBuilder, name: string, layer: Dense, input: string): string {
  const rows = layer.weights.length;
  const cols = layer.bias.length;
  return g.op('Gemm', [input, g.constant(`${name}_weights`, [rows, cols], flat(layer.weights)), g.constant(`${name}_bias`, [cols], layer.bias)]);
}

/** Logistic regression: MatMul + Add + Sigmoid. */
function logisticGraph(g: GraphBuilder, w: Extract<ModelWeights, { family: 'logistic_regression' }>, x: string): void {
  const rows = w.output.weights.length;
  const cols = w.output.bias.length;
  const logits = g.op('Add', [g.op('MatMul', [x, g.constant('weights', [rows, cols], flat(w.output.weights))]), g.constant('bias', [cols], w.output.bias)]);
  g.op('Sigmoid', [logits], [], OUTPUT_TENSOR);
}

/** MLP: Gemm + Relu per hidden layer, then Gemm + Sigmoid. */
function mlpGraph(g: GraphBuilder, w: Extract<ModelWeights, { family: 'mlp' }>, x: string): void {
  let h = x;
  w.hidden.forEach((layer, i) => {
    h = g.op('Relu', [gemm(g, `hidden${i}`, layer, h)]);
  });
  g.op('Sigmoid', [gemm(g, 'output', w.output, h)], [], OUTPUT_TENSOR);
}

/**
 * GRU over the window's steps: [N, T, F] is transposed to ONNX's sequence-first layout, the
 * last hidden state goes through Gemm + Sigmoid. ONNX orders W, R and B by gates z, r, h like
 * Keras, as [gates·units, inputs]; B holds the input-side bias, then the recurrent one (zero).
 */
function gruGraph(g: GraphBuilder, w: Extract<ModelWeights, { family: 'gru' }>, x: string): void {
  const h = w.units;
  const f = w.kernel.length;
  const sequence = g.op('Transpose', [x], [intsAttribute('perm', [1, 0, 2])]);
  const W = g.constant('gru_W', [1, 3 * h, f], transposed(w.kernel));
  const R = g.constant('gru_R', [1, 3 * h, h], transposed(w.recurrentKernel));
  const B = g.constant('gru_B', [1, 6 * h], [...w.bias, ...new Array<number>(3 * h).fill(0)]);
  g.opMulti('GRU', [sequence, W, R, B], ['', 'gru_last'], [
    intAttribute('hidden_size', h),
    intAttribute('linear_before_reset', 0),
    stringsAttribute('activations', ['Sigmoid', 'Tanh']),
  ]);
  const last = g.op('Squeeze', ['gru_last', g.int64Constant('squeeze_axes', [0])]);
  g.op('Sigmoid', [gemm(g, 'output', w.output, last)], [], OUTPUT_TENSOR);
}

function checkAgainstCard(w: ModelWeights, card: ModelCard): void {
  const { features, outputs } = checkWeights(w);
  const problems: string[] = [];
  if (w.family !== card.architecture.family) problems.push(`weights are a ${w.family}, the card says ${card.architecture.family}`);
  if (features !== card.inputs.features.length) problems.push(`weights take ${features} features, the card lists ${card.inputs.features.length}`);
  if (outputs !== card.outputs.labels.length) problems.push(`weights give ${outputs} outputs, the card lists ${card.outputs.labels.length}`);
  if (w.family === 'gru' && card.architecture.family === 'gru' && w.units !== card.architecture.units) problems.push(`GRU has ${w.units} units, the card says ${card.architecture.units}`);
  if (w.family === 'mlp' && card.architecture.family === 'mlp') {
    const hidden = w.hidden.map((l) => l.bias.length);
    if (hidden.join(',') !== card.architecture.hidden.join(',')) problems.push(`hidden layers are [${hidden.join(', ')}], the card says [${card.architecture.hidden.join(', ')}]`);
  }
  if (card.provenance.ir_version !== ONNX_IR_VERSION || card.provenance.opset !== ONNX_OPSET) {
    problems.push(`Weft writes ONNX IR ${ONNX_IR_VERSION} / opset ${ONNX_OPSET}; the card says IR ${card.provenance.ir_version} / opset ${card.provenance.opset}`);
  }
  if (problems.length > 0) throw new WeftError('INVALID_INPUT', `Model ${card.id} ${card.version}: the weights do not match the card: ${problems.join('; ')}`, { details: { reason: 'weights_mismatch', problems } });
}

/**
 * An ONNX model (IR 8, opset 17) of the given weights, with the card (less the file's own
 * hash) in metadata_props under "weft.model_card". Input "features", output "probabilities".
 */
export function writeOnnxModel(weights: ModelWeights, card: ModelCard): Uint8Array {
  checkAgainstCard(weights, card);
  const g = new GraphBuilder();
  const x = standardize(g, weights, INPUT_TENSOR);
  if (weights.family === 'logistic_regression') logisticGraph(g, weights, x);
  else if (weights.family === 'mlp') mlpGraph(g, weights, x);
  else gruGraph(g, weights, x);
  const graph = onnx.GraphProto.create({
    name: card.id,
    docString: card.title,
    node: g.nodes,
    initializer: g.initializers,
    input: [floatValueInfo(INPUT_TENSOR, inputShape(card))],
    output: [floatValueInfo(OUTPUT_TENSOR, outputShape(card))],
  });
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'weft',
    producerVersion: card.provenance.producer,
    domain: 'org.weft',
    docString: card.description,
    graph,
    metadataProps: [{ key: CARD_METADATA_KEY, value: JSON.stringify(embeddedCard(card)) }],
  });
  // protobufjs hands back a view into Node's shared Buffer pool; return bytes of our own.
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}
