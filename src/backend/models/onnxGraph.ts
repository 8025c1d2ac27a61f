import { onnx, type OnnxTypes } from './onnxProto.js';

type Dim = string | number;

/** A float32 initializer with its values as little-endian raw bytes. */
export function floatTensor(name: string, dims: readonly number[], values: ArrayLike<number>): OnnxTypes.TensorProto {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (values.length !== expected) throw new RangeError(`tensor ${name}: ${values.length} values for shape [${dims.join(', ')}]`);
  const data = Float32Array.from(values);
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}

export function int64Tensor(name: string, values: readonly number[]): OnnxTypes.TensorProto {
  return onnx.TensorProto.create({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: [...values] });
}

export function floatValueInfo(name: string, dims: readonly Dim[]): OnnxTypes.ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });
}

export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: readonly OnnxTypes.IAttributeProto[] = [],
): OnnxTypes.NodeProto {
  return onnx.NodeProto.create({ opType, name: `${opType}_${outputs[0] ?? ''}`, input: [...inputs], output: [...outputs], attribute: [...attributes] });
}

export const intAttribute = (name: string, value: number): OnnxTypes.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });
export const intsAttribute = (name: string, values: readonly number[]): OnnxTypes.IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.INTS,
  ints: [...values],
});
export const stringsAttribute = (name: string, values: readonly string[]): OnnxTypes.IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.STRINGS,
  strings: values.map((v) => new TextEncoder().encode(v)),
});

/**
 * Builds graphs node by node, handing out unique intermediate names so each model family's
 * code reads as the sequence of operations it is.
 */
export class GraphBuilder {
  readonly nodes: OnnxTypes.NodeProto[] = [];
  readonly initializers: OnnxTypes.TensorProto[] = [];
  private counter = 0;

  constant(name: string, dims: readonly number[], values: ArrayLike<number>): string {
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  int64Constant(name: string, values: readonly number[]): string {
    this.initializers.push(int64Tensor(name, values));
    return name;
  }

  op(opType: string, inputs: readonly string[], attributes: readonly OnnxTypes.IAttributeProto[] = [], output?: string): string {
    const out = output ?? `${opType.toLowerCase()}_${this.counter++}`;
    this.nodes.push(node(opType, inputs, [out], attributes));
    return out;
  }

  /** An op with several outputs; "" leaves an optional output unused. */
  opMulti(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: readonly OnnxTypes.IAttributeProto[] = []): void {
    this.nodes.push(node(opType, inputs, outputs, attributes));
  }
}
