import { WeftError } from '../../../core/errors.js';
import type { DelimitedOptions, DelimitedRecord, TextReader } from '../textReader.js';
import type { ImportSink } from '../types.js';

/** Column lookup for a header row; names may repeat (DataShop repeats KC columns). */
export class Header {
  private readonly positions = new Map<string, number[]>();

  constructor(readonly record: DelimitedRecord) {
    record.fields.forEach((raw, i) => {
      const name = raw.trim();
      const list = this.positions.get(name);
      if (list === undefined) this.positions.set(name, [i]);
      else list.push(i);
    });
  }

  get width(): number {
    return this.record.width;
  }

  has(name: string): boolean {
    return this.positions.has(name);
  }

  index(name: string): number | undefined {
    return this.positions.get(name)?.[0];
  }

  all(name: string): number[] {
    return this.positions.get(name) ?? [];
  }

  names(): string[] {
    return [...this.positions.keys()];
  }

  /** Columns whose name matches, in file order, with their names. */
  matching(pattern: RegExp): { name: string; index: number }[] {
    const found: { name: string; index: number }[] = [];
    this.record.fields.forEach((raw, index) => {
      const name = raw.trim();
      if (pattern.test(name)) found.push({ name, index });
    });
    return found;
  }
}

/** Missing-value spellings, including NaN as C runtimes print it (-nan, -nan(ind), 1.#qnan). */
const MISSING = new Set(['', '.', 'na', 'n/a', 'nan', '-nan', 'nan(ind)', '-nan(ind)', '1.#qnan', '-1.#qnan', '1.#ind', '-1.#ind', 'null', 'none', '-']);
const INFINITE = /^[+-]?(inf|infinity)$/i;

/**
 * Reads numbers the way exports write them, and keeps count of what it had to repair so that
 * one warning per file and column says exactly what happened, instead of one per cell.
 */
export class NumberReader {
  private readonly repairs = new Map<string, { count: number; line: number; column: number; field: string; what: string }>();

  constructor(private readonly file: string) {}

  /** A finite number, or null for a missing value; infinity becomes null with a warning. */
  read(record: DelimitedRecord, index: number, field: string): number | null {
    const text = record.field(index);
    if (text === undefined) return null;
    // Number() reads surrounding white space as the trim below does; it reads blank text as 0,
    // and every missing-value spelling as NaN.
    const direct = Number(text);
    if (Number.isFinite(direct) && (direct !== 0 || text.trim() !== '')) return direct;
    const trimmed = text.trim();
    if (MISSING.has(trimmed.toLowerCase())) return null;
    const value = Number(trimmed);
    if (Number.isFinite(value)) return value;
    if (INFINITE.test(trimmed)) {
      this.repair(record, index, field, 'infinite values were stored as missing');
      return null;
    }
    const comma = Number(trimmed.replace(',', '.'));
    if (/^-?\d+,\d+$/.test(trimmed) && Number.isFinite(comma)) {
      this.repair(record, index, field, 'decimal commas were read as decimal points');
      return comma;
    }
    throw this.error(record, index, `"${text}" in column "${field}" is not a number`);
  }

  /** Like read, but a missing value is an error. */
  required(record: DelimitedRecord, index: number, field: string): number {
    const value = this.read(record, index, field);
    if (value === null) throw this.error(record, index, `column "${field}" is empty; it needs a number here`);
    return value;
  }

  error(record: DelimitedRecord, index: number, message: string): WeftError {
    const line = record.fieldLines[index] ?? record.line;
    const column = record.columns[index] ?? 1;
    return new WeftError('PARSE_ERROR', `${this.file}:${line}:${column}: ${message}`, { location: { file: this.file, line, column } });
  }

  private repair(record: DelimitedRecord, index: number, field: string, what: string): void {
    const key = `${field}\u0000${what}`;
    const existing = this.repairs.get(key);
    if (existing) existing.count += 1;
    else this.repairs.set(key, { count: 1, line: record.fieldLines[index] ?? record.line, column: record.columns[index] ?? 1, field, what });
  }

  flushWarnings(sink: ImportSink): void {
    for (const r of this.repairs.values()) {
      sink.warn({
        message: `column "${r.field}": ${r.count} ${r.what} (first at line ${r.line})`,
        location: { file: this.file, line: r.line, column: r.column, field: r.field },
        count: r.count,
      });
    }
    this.repairs.clear();
  }
}

export function recordError(file: string, record: DelimitedRecord, message: string, index?: number): WeftError {
  const line = index === undefined ? record.line : (record.fieldLines[index] ?? record.line);
  const column = index === undefined ? undefined : record.columns[index];
  const where = column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
  return new WeftError('PARSE_ERROR', `${where}: ${message}`, { location: { file, line, ...(column === undefined ? {} : { column }) } });
}

/**
 * Checks that a data row has the header's width; ragged rows are errors that name the row and
 * the column where it goes wrong: the first extra field, or the end of a row that stops short
 * (a cut-off last row is the usual cause).
 */
export function checkWidth(file: string, header: Header, record: DelimitedRecord, delimiterName: string): void {
  const got = record.width;
  if (got === header.width) return;
  if (got > header.width) {
    const column = record.columns[header.width] ?? 1;
    throw new WeftError(
      'PARSE_ERROR',
      `${file}:${record.line}:${column}: ${got} fields where the header has ${header.width} (too many; is the file ${delimiterName}-separated?)`,
      { location: { file, line: record.line, column } },
    );
  }
  const last = got - 1;
  const line = record.fieldLines[last] ?? record.line;
  const column = (record.columns[last] ?? 1) + (record.field(last) ?? '').length;
  const missing = header.record.field(got)?.trim() ?? '';
  throw new WeftError(
    'PARSE_ERROR',
    `${file}:${line}:${column}: ${got} fields where the header has ${header.width} (too few: the row ends before "${missing}"; is the file ${delimiterName}-separated, and is this row complete?)`,
    { location: { file, line, column } },
  );
}

/** First line of text, for detection. */
export function firstLine(text: string): string {
  const end = text.search(/\r?\n/);
  return end < 0 ? text : text.slice(0, end);
}

/** The column names of a comma-separated file's first line, trimmed: enough to recognise its format. */
export function commaHeader(headText: string): string[] {
  return firstLine(headText).split(',').map((f) => f.trim());
}

/** The header row of a delimited file; an empty file is an error that says so. */
export async function readHeader(reader: TextReader, options: DelimitedOptions): Promise<Header> {
  const [record] = await reader.readRecords(options, 1);
  if (record === undefined) {
    throw new WeftError('PARSE_ERROR', `${reader.file.path} is empty; a header line was expected`, { location: { file: reader.file.path, line: 1 } });
  }
  return new Header(record);
}
