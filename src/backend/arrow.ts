import { Bool, Float64, Int32, Table, Utf8, tableToIPC, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import type { DuckDBResultReader } from '@duckdb/node-api';

function arrowTypeFor(duckType: string): DataType {
  if (duckType === 'BOOLEAN') return new Bool();
  if (/^(INTEGER|SMALLINT|TINYINT)$/.test(duckType)) return new Int32();
  // 64-bit integers here are microsecond times and counts, exact in a double for 285 years.
  if (/^(BIGINT|HUGEINT|UBIGINT|DOUBLE|FLOAT|REAL|DECIMAL.*)$/.test(duckType)) return new Float64();
  return new Utf8();
}

function toArrowValue(value: unknown, type: DataType): unknown {
  if (value === null || value === undefined) return null;
  if (type instanceof Float64) return typeof value === 'bigint' ? Number(value) : Number(value);
  if (type instanceof Int32) return Number(value);
  if (type instanceof Bool) return Boolean(value);
  return typeof value === 'string' ? value : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}

/** A DuckDB result as Arrow IPC stream bytes, the form bulk timeline data crosses transports in. */
export function readerToArrowIpc(reader: DuckDBResultReader): Uint8Array {
  const names = reader.columnNames();
  const types = reader.columnTypes().map((t) => arrowTypeFor(t.toString()));
  const columns = reader.getColumnsJS();
  const vectors: Record<string, Vector> = {};
  names.forEach((name, i) => {
    const type = types[i] as DataType;
    const values = (columns[i] ?? []).map((v) => toArrowValue(v, type));
    vectors[name] = vectorFromArray(values, type);
  });
  return tableToIPC(new Table(vectors), 'stream');
}
