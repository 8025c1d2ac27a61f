import type { SourceFile } from '../source.js';
import type { DelimitedOptions } from '../textReader.js';

/**
 * The complete records at the start of a delimited file, parsed from the text detection already
 * read (quoted cells may hold delimiters and line breaks); a record the head cuts off is dropped.
 * For choices a whole file must be read one way (date order, quoting) before streaming it.
 */
export function headRecords(file: SourceFile, options: DelimitedOptions): string[][] {
  const text = file.headText;
  const truncated = file.head.length < file.bytes;
  const { delimiter, quote } = options;
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === quote) {
        if (text[i + 1] === quote) {
          field += c;
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
      i += 1;
      continue;
    }
    if (c === quote && field === '') {
      quoted = true;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      fields.push(field);
      records.push(fields);
      fields = [];
      field = '';
      if (c === '\r' && text[i + 1] === '\n') i += 1;
    } else {
      field += c;
    }
    i += 1;
  }
  if (!truncated && !quoted && (field !== '' || fields.length > 0)) {
    fields.push(field);
    records.push(fields);
  }
  return records.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** The values of one column in the head's data records (the header is the first record). */
export function headColumn(records: readonly string[][], index: number | undefined): string[] {
  if (index === undefined) return [];
  return records.slice(1).map((r) => r[index] ?? '');
}
