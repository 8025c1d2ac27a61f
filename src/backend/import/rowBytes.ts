import { ByteHeap, SelfWritingJson, type WrittenKeys } from './jsonBytes.js';
import type { DelimitedRecord } from './textReader.js';

/**
 * Writes a JSON value for each record (a DataShop row's attributes), noting which of its
 * top-level keys the value has: one flag per name of `keyNames`, from `keysAt` in `keys`.
 */
export interface RowWriter {
  readonly keyNames: readonly string[];
  write(heap: ByteHeap, record: DelimitedRecord, keys: Uint8Array, keysAt: number): void;
}

/** The values a RowWriter wrote for a batch of records, one after another, in a form a worker thread can post. */
export interface RowBytes {
  readonly bytes: Uint8Array;
  /** Value i is bytes[ends[i - 1] (0 for the first) .. ends[i]]. */
  readonly ends: Int32Array;
  /** keys[i * keyCount + k] is 1 when value i has key k. */
  readonly keys: Uint8Array;
  readonly keyCount: number;
}

export function writeRows(writer: RowWriter, records: readonly DelimitedRecord[]): RowBytes {
  const heap = new ByteHeap();
  const keyCount = writer.keyNames.length;
  const ends = new Int32Array(records.length);
  const keys = new Uint8Array(records.length * keyCount);
  records.forEach((record, i) => {
    writer.write(heap, record, keys, i * keyCount);
    ends[i] = heap.used;
    // Room for the rest at a quarter more than the first took, instead of doubling the heap several times.
    if (i === 0) heap.reserve(Math.ceil(heap.used * 1.25) * records.length);
  });
  return { bytes: heap.bytes.subarray(0, heap.used), ends, keys, keyCount };
}

/** The top-level keys of the values stored so far, out of a RowWriter's names. */
export class KeyTally implements WrittenKeys {
  private readonly seen: Uint8Array;
  /** Indices of the names not seen yet, so that a row's flags cost nothing once every key is. */
  private unseen: number[];

  constructor(private readonly names: readonly string[]) {
    this.seen = new Uint8Array(names.length);
    this.unseen = names.map((_, i) => i);
  }

  mark(keys: Uint8Array, at: number): void {
    if (this.unseen.length === 0) return;
    let found = false;
    for (const k of this.unseen) {
      if (keys[at + k] !== 1) continue;
      this.seen[k] = 1;
      found = true;
    }
    if (found) this.unseen = this.unseen.filter((k) => this.seen[k] === 0);
  }

  written(): string[] {
    return this.names.filter((_, i) => this.seen[i] === 1);
  }
}

/** Value `index` of a batch's RowBytes, copied into the column when the row is stored; its keys go to the tally then. */
export class WrittenRow extends SelfWritingJson {
  constructor(
    private readonly rows: RowBytes,
    private readonly index: number,
    readonly keys: KeyTally,
  ) {
    super();
  }

  writeTo(heap: ByteHeap): void {
    const { bytes, ends } = this.rows;
    const start = this.index === 0 ? 0 : (ends[this.index - 1] as number);
    const end = ends[this.index] as number;
    heap.reserve(end - start);
    heap.bytes.set(bytes.subarray(start, end), heap.used);
    heap.used += end - start;
    this.keys.mark(this.rows.keys, this.index * this.rows.keyCount);
  }
}
