import { open } from 'node:fs/promises';
import type { SourceFile } from '../source.js';
import type { DelimitedOptions, DelimitedRecord, TextReader } from '../textReader.js';

export interface RecordBatch {
  readonly records: DelimitedRecord[];
  /** The batch holds the file's last record. */
  readonly final: boolean;
}

/** Delimited records in batches, reading one batch ahead so the caller knows which record is the file's last. */
export async function* recordBatches(reader: TextReader, options: DelimitedOptions, size: number): AsyncGenerator<RecordBatch> {
  let current = await reader.readRecords(options, size);
  while (current.length > 0) {
    const next = await reader.readRecords(options, size);
    yield { records: current, final: next.length === 0 };
    current = next;
  }
}

const LF = 0x0a;
const CR = 0x0d;

/** Whether the file's last character is a line break (in any of the encodings Weft reads). */
export async function endsWithLineBreak(file: SourceFile): Promise<boolean> {
  if (file.bytes === 0) return true;
  const handle = await open(file.path, 'r');
  try {
    const tail = new Uint8Array(Math.min(2, file.bytes));
    await handle.read(tail, 0, tail.length, file.bytes - tail.length);
    const last = tail[tail.length - 1];
    if (file.encoding === 'utf-16le') return tail.length === 2 && last === 0 && (tail[0] === LF || tail[0] === CR);
    return last === LF || last === CR;
  } finally {
    await handle.close();
  }
}
