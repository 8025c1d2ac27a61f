import duckdb from '@duckdb/node-bindings';
import { DuckDBDataChunk, DuckDBTypeId, type DuckDBAppender, type DuckDBType, type DuckDBValue, type DuckDBVector } from '@duckdb/node-api';
import { WeftError } from '../../core/errors.js';
import type { Connection } from '../store/duck.js';
import { ByteHeap, SelfWritingJson, isPlainJson } from './jsonBytes.js';

const BATCH_ROWS = 2048;
const INT64_LIMIT = 2 ** 63;
const TWO_32 = 2 ** 32;
/** duckdb_string_t (duckdb.h): uint32 length, then 12 bytes of the string itself or of prefix and pointer. */
const STRING_T_BYTES = 16;
const INLINE_BYTES = 12;

/**
 * One column of the chunk being filled, in Weft's own typed arrays; `copyTo` moves them into
 * DuckDB's vector with one native call per column instead of one per value.
 */
interface ColumnBuffer {
  set(row: number, value: unknown): void;
  copyTo(vector: duckdb.Vector, rows: number): void;
  reset(): void;
}

/** Validity bits in DuckDB's layout (bit r of little-endian uint64 word r / 64), all valid to start with. */
class Validity {
  private readonly words = new Uint32Array(BATCH_ROWS / 32).fill(0xffffffff);
  private nulls = false;

  setNull(row: number): void {
    this.words[row >>> 5] = (this.words[row >>> 5] as number) & ~(1 << (row & 31));
    this.nulls = true;
  }

  copyTo(vector: duckdb.Vector): void {
    if (!this.nulls) return;
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, this.words.buffer, 0, this.words.byteLength);
  }

  reset(): void {
    if (!this.nulls) return;
    this.words.fill(0xffffffff);
    this.nulls = false;
  }
}

class DoubleBuffer implements ColumnBuffer {
  private readonly items = new Float64Array(BATCH_ROWS);
  private readonly validity = new Validity();

  set(row: number, v: unknown): void {
    if (typeof v === 'number' && Number.isFinite(v)) this.items[row] = v;
    else this.validity.setNull(row);
  }

  copyTo(vector: duckdb.Vector, rows: number): void {
    duckdb.copy_data_to_vector(vector, 0, this.items.buffer, 0, rows * 8);
    this.validity.copyTo(vector);
  }

  reset(): void {
    this.validity.reset();
  }
}

class IntegerBuffer implements ColumnBuffer {
  private readonly items = new Int32Array(BATCH_ROWS);
  private readonly validity = new Validity();

  set(row: number, v: unknown): void {
    if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) this.validity.setNull(row);
    else this.items[row] = Math.round(Number(v));
  }

  copyTo(vector: duckdb.Vector, rows: number): void {
    duckdb.copy_data_to_vector(vector, 0, this.items.buffer, 0, rows * 4);
    this.validity.copyTo(vector);
  }

  reset(): void {
    this.validity.reset();
  }
}

/** int64 written as two 32-bit halves, so a JavaScript number needs no BigInt on the way. */
class BigIntBuffer implements ColumnBuffer {
  private readonly bytes = new ArrayBuffer(BATCH_ROWS * 8);
  private readonly halves = new Int32Array(this.bytes);
  private readonly wide = new BigInt64Array(this.bytes);
  private readonly validity = new Validity();

  set(row: number, v: unknown): void {
    if (typeof v === 'bigint') {
      if (BigInt.asIntN(64, v) !== v) throw new WeftError('INTERNAL', `${v} is out of the BIGINT range`);
      this.wide[row] = v;
      return;
    }
    if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) {
      this.validity.setNull(row);
      return;
    }
    const n = Math.round(Number(v));
    if (!(Math.abs(n) < INT64_LIMIT)) throw new WeftError('INTERNAL', `${String(v)} is not a BIGINT`);
    const high = Math.floor(n / TWO_32);
    this.halves[row * 2] = n - high * TWO_32;
    this.halves[row * 2 + 1] = high;
  }

  copyTo(vector: duckdb.Vector, rows: number): void {
    duckdb.copy_data_to_vector(vector, 0, this.bytes, 0, rows * 8);
    this.validity.copyTo(vector);
  }

  reset(): void {
    this.validity.reset();
  }
}

class BooleanBuffer implements ColumnBuffer {
  private readonly items = new Uint8Array(BATCH_ROWS);
  private readonly validity = new Validity();

  set(row: number, v: unknown): void {
    if (v === null || v === undefined) this.validity.setNull(row);
    else this.items[row] = v ? 1 : 0;
  }

  copyTo(vector: duckdb.Vector, rows: number): void {
    duckdb.copy_data_to_vector(vector, 0, this.items.buffer, 0, rows);
    this.validity.copyTo(vector);
  }

  reset(): void {
    this.validity.reset();
  }
}

const encoder = new TextEncoder();

/**
 * VARCHAR and JSON. A string of up to 12 UTF-8 bytes lives inside its 16-byte string_t, so it
 * is written into the buffer here. Longer ones are encoded one after another into `heap` (an
 * object or array, a JSON column's usual value, is serialised there directly), which
 * goes to DuckDB's string heap for the vector in one native call (assigned to row 0 for a moment);
 * each long row's string_t then points into that copy: length, 4-byte prefix, address. The copy
 * lives in the vector's own string buffer until the chunk is appended, which copies the strings
 * into the table. A column that holds one long string on every row of the chunk (a session id)
 * becomes a constant vector: one native call for the chunk.
 */
class VarCharBuffer implements ColumnBuffer {
  private readonly bytes = new Uint8Array(BATCH_ROWS * STRING_T_BYTES);
  private readonly words = new Uint32Array(this.bytes.buffer);
  private readonly validity = new Validity();
  private readonly heap = new ByteHeap();
  private readonly longRows = new Uint32Array(BATCH_ROWS);
  private readonly longOffsets = new Uint32Array(BATCH_ROWS);
  private longCount = 0;
  /** The value of every row so far, while all rows hold the same long string; null once they differ. */
  private same: string | null | undefined;
  private lastLong: string | undefined;

  set(row: number, v: unknown): void {
    const slot = row * STRING_T_BYTES;
    if (v === null || v === undefined) {
      this.bytes.fill(0, slot, slot + STRING_T_BYTES);
      this.validity.setNull(row);
      this.same = null;
      return;
    }
    if (v instanceof SelfWritingJson || (typeof v === 'object' && isPlainJson(v))) {
      this.addJson(row, slot, v);
      this.same = null;
      return;
    }
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    if (!this.inline(text, slot)) {
      this.addLong(row, slot, text);
      this.same = row === 0 ? text : this.same === text ? text : null;
    } else {
      this.same = null;
    }
  }

  /** Writes text into its slot if it fits inline; false if it does not. */
  private inline(text: string, slot: number): boolean {
    if (text.length > INLINE_BYTES) return false;
    const bytes = this.bytes;
    bytes.fill(0, slot, slot + STRING_T_BYTES);
    let ascii = true;
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) {
        ascii = false;
        break;
      }
      bytes[slot + 4 + i] = c;
    }
    if (ascii) {
      this.words[slot >>> 2] = text.length;
      return true;
    }
    const encoded = encoder.encode(text);
    if (encoded.length > INLINE_BYTES) return false;
    bytes.fill(0, slot, slot + STRING_T_BYTES);
    bytes.set(encoded, slot + 4);
    this.words[slot >>> 2] = encoded.length;
    return true;
  }

  /**
   * Encodes a string of more than 12 bytes onto the heap; its slot gets length and prefix now, the
   * address in copyTo. A string equal to the previous long one of the column shares its bytes.
   */
  private addLong(row: number, slot: number, text: string): void {
    if (text === this.lastLong && this.longCount > 0) {
      const previous = ((this.longRows[this.longCount - 1] as number) * STRING_T_BYTES) >>> 2;
      this.words[slot >>> 2] = this.words[previous] as number;
      this.words[(slot >>> 2) + 1] = this.words[previous + 1] as number;
      this.longRows[this.longCount] = row;
      this.longOffsets[this.longCount] = this.longOffsets[this.longCount - 1] as number;
      this.longCount += 1;
      return;
    }
    this.lastLong = text;
    const offset = this.heap.used;
    this.long(row, slot, offset, this.heap.writeText(text));
  }

  /**
   * Serialises an object or array straight onto the heap, without the JSON text as a string in
   * between (or has a self-writing value write itself there); the few that come to 12 bytes or
   * less move into their slot.
   */
  private addJson(row: number, slot: number, value: object): void {
    const offset = this.heap.used;
    if (value instanceof SelfWritingJson) value.writeTo(this.heap);
    else this.heap.writeJson(value);
    const written = this.heap.used - offset;
    if (written <= INLINE_BYTES) {
      this.bytes.fill(0, slot, slot + STRING_T_BYTES);
      this.bytes.set(this.heap.bytes.subarray(offset, offset + written), slot + 4);
      this.words[slot >>> 2] = written;
      this.heap.used = offset;
      return;
    }
    this.lastLong = undefined;
    this.long(row, slot, offset, written);
  }

  /** Length and prefix of a long string at `offset` on the heap into its slot; the address comes in copyTo. */
  private long(row: number, slot: number, offset: number, length: number): void {
    this.words[slot >>> 2] = length;
    this.bytes.set(this.heap.bytes.subarray(offset, offset + 4), slot + 4);
    this.longRows[this.longCount] = row;
    this.longOffsets[this.longCount] = offset;
    this.longCount += 1;
  }

  copyTo(vector: duckdb.Vector, rows: number): void {
    if (typeof this.same === 'string' && this.longCount === rows) {
      duckdb.vector_reference_value(vector, duckdb.create_varchar(this.same));
      return;
    }
    if (this.longCount > 0) {
      duckdb.vector_assign_string_element_len(vector, 0, this.heap.bytes.subarray(0, this.heap.used));
      // Row 0's string_t now points at DuckDB's copy of the heap; little-endian, as on every platform DuckDB's Node package ships for.
      const entry = duckdb.vector_get_data(vector, STRING_T_BYTES);
      const address = new DataView(entry.buffer, entry.byteOffset, STRING_T_BYTES);
      const low = address.getUint32(8, true);
      const high = address.getUint32(12, true);
      const words = this.words;
      for (let i = 0; i < this.longCount; i += 1) {
        const word = ((this.longRows[i] as number) * STRING_T_BYTES) >>> 2;
        const sum = low + (this.longOffsets[i] as number);
        words[word + 2] = sum >>> 0;
        words[word + 3] = sum >= TWO_32 ? high + 1 : high;
      }
    }
    duckdb.copy_data_to_vector(vector, 0, this.bytes.buffer, 0, rows * STRING_T_BYTES);
    this.validity.copyTo(vector);
  }

  reset(): void {
    this.validity.reset();
    this.longCount = 0;
    this.heap.used = 0;
    this.same = undefined;
    this.lastLong = undefined;
  }
}

function bufferFor(type: DuckDBType): ColumnBuffer | null {
  switch (type.typeId) {
    case DuckDBTypeId.DOUBLE:
      return new DoubleBuffer();
    case DuckDBTypeId.INTEGER:
      return new IntegerBuffer();
    case DuckDBTypeId.BIGINT:
      return new BigIntBuffer();
    case DuckDBTypeId.BOOLEAN:
      return new BooleanBuffer();
    case DuckDBTypeId.VARCHAR:
      return new VarCharBuffer();
    default:
      return null;
  }
}

/** Column types without a buffer of their own go through the node-api vector of the chunk, as text. */
function fallbackValue(v: unknown): DuckDBValue {
  return v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Writes rows of one internal table into a DataChunk, which goes to DuckDB when full, inside
 * the writer's open transaction.
 */
export class TableAppender {
  private chunk: DuckDBDataChunk | undefined;
  private fallbackVectors: (DuckDBVector | undefined)[] = [];
  private rows = 0;

  private constructor(
    readonly table: string,
    readonly columns: readonly string[],
    private readonly types: readonly DuckDBType[],
    private readonly buffers: readonly (ColumnBuffer | null)[],
    private readonly appender: DuckDBAppender,
  ) {}

  static async open(conn: Connection, table: string): Promise<TableAppender> {
    const appender = await conn.raw.createAppender(table, 'weft');
    const columnRows = await conn.all(
      `SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'weft' AND table_name = $table ORDER BY column_index`,
      { table },
    );
    const columns = columnRows.map((r) => String(r['column_name']));
    if (columns.length !== appender.columnCount) throw new WeftError('INTERNAL', `Column count of weft.${table} disagrees with its appender`);
    const types = columns.map((_, i) => appender.columnType(i));
    return new TableAppender(table, columns, types, types.map(bufferFor), appender);
  }

  /** Index of each named column, for writers that fill rows by position. */
  indexOf(column: string): number {
    const index = this.columns.indexOf(column);
    if (index < 0) throw new WeftError('INTERNAL', `weft.${this.table} has no column ${column}`);
    return index;
  }

  /** One row, values in table column order. */
  append(values: readonly unknown[]): void {
    if (this.chunk === undefined) {
      const chunk = DuckDBDataChunk.create([...this.types], BATCH_ROWS);
      this.fallbackVectors = this.buffers.map((buffer, i) => (buffer === null ? chunk.getColumnVector(i) : undefined));
      this.chunk = chunk;
    }
    const row = this.rows;
    const buffers = this.buffers;
    for (let i = 0; i < buffers.length; i += 1) {
      const buffer = buffers[i];
      if (buffer === null || buffer === undefined) (this.fallbackVectors[i] as DuckDBVector).setItem(row, fallbackValue(values[i]));
      else buffer.set(row, values[i]);
    }
    this.rows = row + 1;
    if (this.rows === BATCH_ROWS) this.flush();
  }

  flush(): void {
    const chunk = this.chunk;
    if (chunk === undefined) return;
    this.buffers.forEach((buffer, i) => {
      if (buffer === null) (this.fallbackVectors[i] as DuckDBVector).flush();
      else {
        buffer.copyTo(duckdb.data_chunk_get_vector(chunk.chunk, i), this.rows);
        buffer.reset();
      }
    });
    // Resizing drops the chunk's vector objects, so it comes after their values are written.
    if (this.rows < BATCH_ROWS) chunk.rowCount = this.rows;
    this.appender.appendDataChunk(chunk);
    this.chunk = undefined;
    this.fallbackVectors = [];
    this.rows = 0;
  }

  close(): void {
    this.flush();
    this.appender.flushSync();
    this.appender.closeSync();
  }
}

/** Appends rows given by column name; columns not named are NULL. */
export async function appendRows(conn: Connection, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const appender = await TableAppender.open(conn, table);
  const row = new Array<unknown>(appender.columns.length);
  for (const values of rows) {
    appender.columns.forEach((column, i) => {
      row[i] = values[column] ?? null;
    });
    appender.append(row);
  }
  appender.close();
}
