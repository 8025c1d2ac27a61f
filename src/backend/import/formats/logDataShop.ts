import type { SourceFile } from '../source.js';
import type { DelimitedOptions, DelimitedRecord } from '../textReader.js';

/** Tab unless the header line has more commas than tabs (DataShop exports are tab-delimited; re-saved copies may not be). */
export function sniffDelimiter(headerLine: string): DelimitedOptions['delimiter'] {
  return headerLine.split('\t').length >= headerLine.split(',').length ? '\t' : ',';
}

/**
 * CSV is read RFC 4180-quoted. DataShop's own tab-delimited exports do not quote cells and leave
 * stray quotes inside them (HTML in feedback), while spreadsheet programs that re-save one quote
 * cells holding tabs, quotes or line breaks: a cell that opens with a quote anywhere in the first
 * 64 KB tells the two apart.
 */
export function quoteOf(file: SourceFile, delimiter: string): string | null {
  if (delimiter === ',') return '"';
  const lines = file.headText.split('\n');
  if (file.head.length < file.bytes) lines.pop();
  return lines.slice(1).some((line) => line.split(delimiter).some((c) => c.startsWith('"'))) ? '"' : null;
}

/** A cell's text, or null when the column is absent (index -1) or the cell empty. */
export function cell(record: DelimitedRecord, index: number): string | null {
  if (index < 0) return null;
  const value = record.field(index);
  return value === undefined || value === '' ? null : value;
}

/** The KCs of one model in a row: its cells, "~~"-separated lists split, empties and repeats dropped. */
export function kcsOf(record: DelimitedRecord, indices: readonly number[]): string[] {
  const values: string[] = [];
  for (const i of indices) {
    const text = record.field(i);
    if (text === undefined || text === '') continue;
    if (!text.includes('~~')) {
      if (!values.includes(text)) values.push(text);
      continue;
    }
    for (const part of text.split('~~')) if (part !== '' && !values.includes(part)) values.push(part);
  }
  return values;
}
