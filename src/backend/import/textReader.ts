import { createReadStream } from 'node:fs';
import { WeftError } from '../../core/errors.js';
import type { ByteHeap } from './jsonBytes.js';
import type { SourceFile } from './source.js';
import { sourceTextDecoder, type SourceTextDecoder } from './textDecoder.js';

export interface DelimitedRecord {
  /** Line the record starts on, from 1. */
  readonly line: number;
  /** Number of fields; 0 for a blank line. */
  readonly width: number;
  /** Field `index`, or undefined past the end: an importer that reads a few of many fields asks for them one by one. */
  field(index: number): string | undefined;
  /** Every field; a record read from a file that never quotes splits itself only when this is asked for. */
  readonly fields: string[];
  /** Column (from 1) where each field starts, on the line given in fieldLines. */
  readonly columns: number[];
  /** Line each field starts on; differs from `line` only after a quoted field spanning lines. */
  readonly fieldLines: number[];
  /** Writes field `index` as a JSON string; false, and nothing written, when it is empty or past the end. */
  writeJsonString(index: number, heap: ByteHeap): boolean;
}

/** A record whose fields are already split out. */
class FieldsRecord implements DelimitedRecord {
  constructor(
    readonly line: number,
    readonly fields: string[],
    readonly columns: number[],
    readonly fieldLines: number[],
  ) {}

  get width(): number {
    return this.fields.length;
  }

  field(index: number): string | undefined {
    return this.fields[index];
  }

  writeJsonString(index: number, heap: ByteHeap): boolean {
    const value = this.fields[index];
    if (value === undefined || value === '') return false;
    heap.jsonString(value);
    return true;
  }
}

/** A record of fields found elsewhere than in a TextReader (a field inside a field, a JSON value), so that the same checks and errors apply to it. */
export function fieldsRecord(line: number, fields: string[], columns: number[], fieldLines: number[] = fields.map(() => line)): DelimitedRecord {
  return new FieldsRecord(line, fields, columns, fieldLines);
}

/**
 * A record that is one whole line of a file that never quotes. The reader notes where each
 * field starts (one indexOf per delimiter, into a shared Int32Array) and a field becomes a
 * string only when asked for: an importer that reads 17 of 41 columns makes 17 strings per row.
 */
class LineRecord implements DelimitedRecord {
  private split: string[] | undefined;

  /** starts[base + i] is where field i starts in text; starts[base + width] is text.length + 1. */
  constructor(
    readonly line: number,
    readonly text: string,
    readonly width: number,
    readonly starts: Int32Array,
    readonly base: number,
  ) {}

  field(index: number): string | undefined {
    if (!(index >= 0 && index < this.width)) return undefined;
    const at = this.base + index;
    return this.text.slice(this.starts[at], (this.starts[at + 1] as number) - 1);
  }

  writeJsonString(index: number, heap: ByteHeap): boolean {
    if (!(index >= 0 && index < this.width)) return false;
    const at = this.base + index;
    const start = this.starts[at] as number;
    const end = (this.starts[at + 1] as number) - 1;
    if (end === start) return false;
    heap.jsonString(this.text, start, end);
    return true;
  }

  get fields(): string[] {
    if (this.split === undefined) {
      const fields: string[] = [];
      for (let i = 0; i < this.width; i++) fields.push(this.field(i) as string);
      this.split = fields;
    }
    return this.split;
  }

  get columns(): number[] {
    return Array.from(this.starts.subarray(this.base, this.base + this.width), (start) => start + 1);
  }

  get fieldLines(): number[] {
    return new Array<number>(this.width).fill(this.line);
  }
}

/**
 * Records in a form that a worker thread can post: each line record's text, and the field
 * starts of all of them in one array; records with their fields split out (quoted ones) as they are.
 */
export interface PackedRecords {
  /** Line of each record. */
  readonly lines: Int32Array;
  /** Width of each line record; -1 for a record in `fielded`. */
  readonly widths: Int32Array;
  /** Text of each line record ('' for the others). */
  readonly texts: string[];
  /** The field starts of the line records, width + 1 entries each, one after another. */
  readonly starts: Int32Array;
  readonly fielded: { readonly fields: string[]; readonly columns: number[]; readonly fieldLines: number[] }[];
}

export function packRecords(records: readonly DelimitedRecord[]): PackedRecords {
  const lines = new Int32Array(records.length);
  const widths = new Int32Array(records.length);
  const texts: string[] = [];
  let startCount = 0;
  for (const record of records) if (record instanceof LineRecord) startCount += record.width + 1;
  const starts = new Int32Array(startCount);
  const fielded: PackedRecords['fielded'][number][] = [];
  let at = 0;
  records.forEach((record, i) => {
    lines[i] = record.line;
    if (record instanceof LineRecord) {
      widths[i] = record.width;
      texts.push(record.text);
      starts.set(record.starts.subarray(record.base, record.base + record.width + 1), at);
      at += record.width + 1;
    } else {
      widths[i] = -1;
      texts.push('');
      fielded.push({ fields: record.fields, columns: record.columns, fieldLines: record.fieldLines });
    }
  });
  return { lines, widths, texts, starts, fielded };
}

export function unpackRecords(packed: PackedRecords): DelimitedRecord[] {
  const records: DelimitedRecord[] = [];
  let at = 0;
  let next = 0;
  for (let i = 0; i < packed.lines.length; i += 1) {
    const width = packed.widths[i] as number;
    const line = packed.lines[i] as number;
    if (width < 0) {
      const { fields, columns, fieldLines } = packed.fielded[next++] as PackedRecords['fielded'][number];
      records.push(new FieldsRecord(line, fields, columns, fieldLines));
      continue;
    }
    records.push(new LineRecord(line, packed.texts[i] as string, width, packed.starts, at));
    at += width + 1;
  }
  return records;
}

export interface DelimitedOptions {
  readonly delimiter: string;
  /** The quote character, or null for formats that never quote (Tobii TSV). */
  readonly quote: string | null;
}

const CHUNK_BYTES = 1 << 20;
/** Field starts of many LineRecords share one array of this many entries. */
const STARTS_CHUNK = 1 << 16;
const LF = 10;
const CR = 13;

/**
 * Reads a text file incrementally: line by line for preambles, then record by record for the
 * delimited body, keeping line and column numbers so any error can say exactly where it is.
 */
export class TextReader {
  private buffer = '';
  private pos = 0;
  private eof = false;
  private nextLine = 1;
  /** Offset in `buffer` where the current line starts, for column numbers. */
  private lineStart = 0;
  private readonly decoder: SourceTextDecoder;
  private readonly chunks: AsyncIterator<Buffer>;
  private bytes = 0;
  private starts = new Int32Array(STARTS_CHUNK);
  private startsUsed = 0;

  private constructor(readonly file: SourceFile) {
    if (file.encoding === null) throw new WeftError('INTERNAL', `${file.path} is binary; it has no text to read`);
    this.decoder = sourceTextDecoder(file.encoding);
    const stream = createReadStream(file.path, { start: file.bomBytes, highWaterMark: CHUNK_BYTES });
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  static open(file: SourceFile): TextReader {
    return new TextReader(file);
  }

  /** Bytes consumed so far, for progress. */
  get bytesRead(): number {
    return this.bytes;
  }

  /** Line number of the next unread line. */
  get line(): number {
    return this.nextLine;
  }

  private async fill(): Promise<boolean> {
    if (this.eof) return false;
    const next = await this.chunks.next();
    if (this.pos > 0) {
      this.lineStart -= this.pos;
      this.buffer = this.buffer.slice(this.pos);
      this.pos = 0;
    }
    if (next.done === true) {
      this.buffer += this.decoder.decode();
      this.eof = true;
      return this.buffer.length > 0;
    }
    this.bytes += next.value.length;
    this.buffer += this.decoder.decode(next.value, { stream: true });
    return true;
  }

  /** The next line without its line ending, or null at the end of the file. */
  async readLine(): Promise<string | null> {
    for (;;) {
      const newline = this.buffer.indexOf('\n', this.pos);
      if (newline >= 0 || this.eof) {
        if (newline < 0 && this.pos >= this.buffer.length) return null;
        const end = newline >= 0 ? newline : this.buffer.length;
        let text = this.buffer.slice(this.pos, end);
        if (text.endsWith('\r')) text = text.slice(0, -1);
        this.pos = newline >= 0 ? newline + 1 : end;
        this.lineStart = this.pos;
        this.nextLine += 1;
        return text;
      }
      await this.fill();
    }
  }

  /** Looks at the next line without consuming it. */
  async peekLine(): Promise<string | null> {
    for (;;) {
      const newline = this.buffer.indexOf('\n', this.pos);
      if (newline >= 0 || this.eof) {
        if (newline < 0 && this.pos >= this.buffer.length) return null;
        const text = this.buffer.slice(this.pos, newline >= 0 ? newline : this.buffer.length);
        return text.endsWith('\r') ? text.slice(0, -1) : text;
      }
      await this.fill();
    }
  }

  /**
   * Up to `max` records; an empty array at the end of the file. Records are parsed from the
   * buffer synchronously and the buffer is refilled only when a record runs past its end.
   */
  async readRecords(options: DelimitedOptions, max: number): Promise<DelimitedRecord[]> {
    const records: DelimitedRecord[] = [];
    const delimiter = options.delimiter.charCodeAt(0);
    const quote = options.quote === null ? -1 : options.quote.charCodeAt(0);
    while (records.length < max) {
      if (this.pos >= this.buffer.length && !(await this.fill())) break;
      const record = quote < 0 ? this.splitLine(options.delimiter, delimiter) : this.parseRecord(delimiter, quote);
      if (record === 'need-more') {
        if (!(await this.fill())) throw new WeftError('INTERNAL', 'reader stalled');
        continue;
      }
      if (record !== null) records.push(record);
    }
    return records;
  }

  /**
   * The record at pos of a file that never quotes: the line up to LF, split at the delimiter,
   * which is several times cheaper than scanning it character by character. A line holding a
   * CR other than the one before its LF (CR-only or CR CR LF line ends) goes to parseRecord,
   * which ends a record at any CR.
   */
  private splitLine(delimiter: string, delimiterCode: number): DelimitedRecord | null | 'need-more' {
    const buf = this.buffer;
    const newline = buf.indexOf('\n', this.pos);
    if (newline < 0 && !this.eof) return 'need-more';
    const end = newline < 0 ? buf.length : newline;
    let text = buf.slice(this.pos, end);
    const cr = text.indexOf('\r');
    if (cr >= 0) {
      if (cr < text.length - 1) return this.parseRecord(delimiterCode, -1);
      text = text.slice(0, cr);
    }
    const line = this.nextLine;
    this.pos = newline < 0 ? end : newline + 1;
    this.nextLine = line + 1;
    this.lineStart = this.pos;
    if (text === '') return new FieldsRecord(line, [], [], []);
    // A line of n characters has at most n + 1 fields, and one more entry marks its end.
    if (this.startsUsed + text.length + 2 > this.starts.length) {
      this.starts = new Int32Array(Math.max(STARTS_CHUNK, text.length + 2));
      this.startsUsed = 0;
    }
    const starts = this.starts;
    const base = this.startsUsed;
    let width = 0;
    let start = 0;
    for (;;) {
      starts[base + width] = start;
      width += 1;
      const next = text.indexOf(delimiter, start);
      if (next < 0) break;
      start = next + 1;
    }
    starts[base + width] = text.length + 1;
    this.startsUsed = base + width + 1;
    return new LineRecord(line, text, width, starts, base);
  }

  /** Parses one record at pos; 'need-more' when the buffer ends mid-record before end of file. */
  private parseRecord(delimiter: number, quote: number): DelimitedRecord | null | 'need-more' {
    const buf = this.buffer;
    const length = buf.length;
    let i = this.pos;
    let line = this.nextLine;
    let lineStart = this.lineStart;
    const startLine = line;
    const fields: string[] = [];
    const columns: number[] = [];
    const fieldLines: number[] = [];
    for (;;) {
      columns.push(i - lineStart + 1);
      fieldLines.push(line);
      if (quote >= 0 && i < length && buf.charCodeAt(i) === quote) {
        let j = i + 1;
        let value = '';
        let segmentStart = j;
        for (;;) {
          if (j >= length) {
            if (!this.eof) return 'need-more';
            throw new WeftError('PARSE_ERROR', `${this.file.path}:${fieldLines[fieldLines.length - 1]}:${columns[columns.length - 1]}: a quoted field is never closed (the file ends inside it; is it truncated?)`, {
              location: { file: this.file.path, line: fieldLines[fieldLines.length - 1] ?? line, column: columns[columns.length - 1] ?? 1 },
            });
          }
          const c = buf.charCodeAt(j);
          if (c === quote) {
            if (j + 1 >= length && !this.eof) return 'need-more';
            if (buf.charCodeAt(j + 1) === quote) {
              value += buf.slice(segmentStart, j + 1);
              j += 2;
              segmentStart = j;
              continue;
            }
            value += buf.slice(segmentStart, j);
            j += 1;
            break;
          }
          if (c === LF) {
            line += 1;
            lineStart = j + 1;
          }
          j += 1;
        }
        fields.push(value);
        i = j;
        if (i < length) {
          const c = buf.charCodeAt(i);
          if (c !== delimiter && c !== LF && c !== CR) {
            throw new WeftError('PARSE_ERROR', `${this.file.path}:${line}:${i - lineStart + 1}: unexpected text after a closing quote`, {
              location: { file: this.file.path, line, column: i - lineStart + 1 },
            });
          }
        }
      } else {
        let j = i;
        while (j < length) {
          const c = buf.charCodeAt(j);
          if (c === delimiter || c === LF || c === CR) break;
          j += 1;
        }
        if (j >= length && !this.eof) return 'need-more';
        fields.push(buf.slice(i, j));
        i = j;
      }
      if (i >= length) {
        this.pos = i;
        this.nextLine = line + 1;
        this.lineStart = i;
        return fields.length === 1 && fields[0] === '' ? null : new FieldsRecord(startLine, fields, columns, fieldLines);
      }
      const c = buf.charCodeAt(i);
      if (c === delimiter) {
        i += 1;
        continue;
      }
      if (c === CR) {
        if (i + 1 >= length && !this.eof) return 'need-more';
        i += buf.charCodeAt(i + 1) === LF ? 2 : 1;
      } else {
        i += 1;
      }
      this.pos = i;
      this.nextLine = line + 1;
      this.lineStart = i;
      return fields.length === 1 && fields[0] === '' ? new FieldsRecord(startLine, [], [], []) : new FieldsRecord(startLine, fields, columns, fieldLines);
    }
  }

  async close(): Promise<void> {
    await this.chunks.return?.();
  }
}
