// onnx-proto is CommonJS and attaches its namespace at run time, which Node's named-export
// detection cannot see: take it from the default export.
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type { onnx as OnnxTypes } from 'onnx-proto';

/** protobufjs gives int64 fields as Long objects (or numbers when Long is absent). */
export function int64(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  if (typeof value === 'object' && value !== null && 'toNumber' in value && typeof value.toNumber === 'function') return Number((value as { toNumber(): unknown }).toNumber());
  return 0;
}
