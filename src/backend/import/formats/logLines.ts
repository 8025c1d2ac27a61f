import type { DelimitedOptions, DelimitedRecord, TextReader } from '../textReader.js';

const BATCH = 1024;

/** Batches of the records of a delimited log, blank lines skipped. */
export async function* delimitedBatches(reader: TextReader, options: DelimitedOptions, size = BATCH): AsyncGenerator<DelimitedRecord[]> {
  for (;;) {
    const records = await reader.readRecords(options, size);
    if (records.length === 0) return;
    yield records.filter((r) => r.width > 0);
  }
}
