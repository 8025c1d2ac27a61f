import type { DelimitedOptions, DelimitedRecord, TextReader } from '../textReader.js';

/**
 * A record of a file that never quotes (DataShop's own tab-delimited exports), split from one
 * line. Where each field starts is worked out only when an error or a warning asks for it, so the
 * common path allocates one array per row.
 */
export class LineRecord implements DelimitedRecord {
  private starts: number[] | undefined;

  constructor(
    readonly line: number,
    readonly fields: string[],
  ) {}

  get columns(): number[] {
    if (this.starts === undefined) {
      const starts: number[] = [];
      let column = 1;
      for (const field of this.fields) {
        starts.push(column);
        column += field.length + 1;
      }
      this.starts = starts;
    }
    return this.starts;
  }

  get fieldLines(): number[] {
    return this.fields.map(() => this.line);
  }
}

const BATCH = 1024;

/**
 * Batches of records, read line by line when the file never quotes (a line is then a record,
 * and splitting it is several times cheaper than the general parser), else with the reader's
 * RFC 4180 parser. Blank lines are skipped.
 */
export async function* delimitedBatches(reader: TextReader, options: DelimitedOptions): AsyncGenerator<DelimitedRecord[]> {
  if (options.quote !== null) {
    for (;;) {
      const records = await reader.readRecords(options, BATCH);
      if (records.length === 0) return;
      const kept = records.filter((r) => r.fields.length > 0);
      yield kept;
    }
  }
  let batch: LineRecord[] = [];
  for (;;) {
    const line = reader.line;
    const text = await reader.readLine();
    if (text === null) break;
    if (text === '') continue;
    batch.push(new LineRecord(line, text.split(options.delimiter)));
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
