import { createReadStream } from 'node:fs';
import { WeftError } from '../../../core/errors.js';
import type { SourceFile } from '../source.js';
import { sourceTextDecoder, type SourceTextDecoder } from '../textDecoder.js';

/** One JSON value of a file, as text, with where it starts. */
export interface JsonValueText {
  readonly text: string;
  /** Position among the file's values, from 0. */
  readonly index: number;
  /** Line and column (from 1) where the value starts. */
  readonly line: number;
  readonly column: number;
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const LF = 0x0a;

function parseError(path: string, line: number, column: number, message: string): WeftError {
  return new WeftError('PARSE_ERROR', `${path}:${line}:${column}: ${message}`, { location: { file: path, line, column } });
}

/**
 * Splits a JSON file into its values without holding the whole file: the elements of a top-level
 * array, or the top-level values one after another (JSON lines, or a single document). Each value
 * is returned as text for `JSON.parse`, so a value is held whole, but never the file.
 */
export class JsonValueReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private readonly decoder: SourceTextDecoder;
  private buffer = '';
  private pos = 0;
  private eof = false;
  private bytes = 0;
  private line = 1;
  private lineStart = 0;
  private started = false;
  private inArray = false;
  private arrayClosed = false;
  private count = 0;

  private constructor(private readonly file: SourceFile) {
    if (file.encoding === null) throw new WeftError('INTERNAL', `${file.path} is binary; it has no text to read`);
    this.decoder = sourceTextDecoder(file.encoding);
    this.chunks = (createReadStream(file.path, { start: file.bomBytes, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  static open(file: SourceFile): JsonValueReader {
    return new JsonValueReader(file);
  }

  get bytesRead(): number {
    return this.bytes;
  }

  /** True once the first value showed the file is one JSON array of values. */
  get isArray(): boolean {
    return this.inArray;
  }

  private async fill(): Promise<boolean> {
    if (this.eof) return false;
    const next = await this.chunks.next();
    if (this.pos > 0) {
      this.buffer = this.buffer.slice(this.pos);
      this.lineStart -= this.pos;
      this.pos = 0;
    }
    if (next.done === true) {
      this.buffer += this.decoder.decode();
      this.eof = true;
      return false;
    }
    this.bytes += next.value.length;
    this.buffer += this.decoder.decode(next.value, { stream: true });
    return true;
  }

  /** Skips white space, and counts the commas it passes; false at the end of the file. */
  private async skipSpace(): Promise<{ more: boolean; commas: number }> {
    let commas = 0;
    for (;;) {
      while (this.pos < this.buffer.length) {
        const c = this.buffer.charCodeAt(this.pos);
        if (c === LF) {
          this.line += 1;
          this.lineStart = this.pos + 1;
        } else if (c === COMMA) {
          commas += 1;
        } else if (!SPACE.has(c)) {
          return { more: true, commas };
        }
        this.pos += 1;
      }
      if (!(await this.fill()) && this.pos >= this.buffer.length) return { more: false, commas };
    }
  }

  private here(): { line: number; column: number } {
    return { line: this.line, column: this.pos - this.lineStart + 1 };
  }

  /** The next value, or null after the last one. */
  async next(): Promise<JsonValueText | null> {
    const path = this.file.path;
    if (!this.started) {
      this.started = true;
      const { more } = await this.skipSpace();
      if (!more) return null;
      if (this.buffer.charCodeAt(this.pos) === OPEN_ARRAY) {
        this.inArray = true;
        this.pos += 1;
      }
    }
    const { more, commas } = await this.skipSpace();
    const at = this.here();
    if (!more) {
      if (this.inArray && !this.arrayClosed) throw parseError(path, at.line, at.column, 'the file ends inside its top-level JSON array (is it truncated?)');
      return null;
    }
    if (this.arrayClosed) throw parseError(path, at.line, at.column, 'unexpected text after the end of the top-level JSON array');
    const first = this.buffer.charCodeAt(this.pos);
    if (this.inArray && first === CLOSE_ARRAY) {
      if (commas > 0 && this.count > 0) throw parseError(path, at.line, at.column, 'a comma before the end of the top-level JSON array (JSON allows no trailing comma)');
      this.arrayClosed = true;
      this.pos += 1;
      return this.next();
    }
    const expected = this.inArray && this.count > 0 ? 1 : 0;
    if (commas !== expected) {
      throw parseError(path, at.line, at.column, expected === 1 ? `expected one comma between the values of the top-level array, found ${commas}` : 'unexpected comma between top-level JSON values');
    }
    return this.scanValue();
  }

  /** Reads one value from pos: up to its matching close, or, for a bare scalar, to the next separator. */
  private async scanValue(): Promise<JsonValueText> {
    const path = this.file.path;
    const start = this.here();
    const startPos = this.pos;
    let parts = '';
    let i = this.pos;
    let depth = 0;
    let inString = false;
    let escaped = false;
    const scalar = this.buffer.charCodeAt(i) !== OPEN_OBJECT && this.buffer.charCodeAt(i) !== OPEN_ARRAY;
    let segmentStart = startPos;
    for (;;) {
      if (i >= this.buffer.length) {
        parts += this.buffer.slice(segmentStart, i);
        this.pos = i;
        const more = await this.fill();
        i = this.pos;
        segmentStart = i;
        if (!more && i >= this.buffer.length) {
          if (scalar && !inString && depth === 0) break;
          throw parseError(path, start.line, start.column, `the file ends inside a JSON value that starts here (is it truncated?)`);
        }
        continue;
      }
      const c = this.buffer.charCodeAt(i);
      if (c === LF) {
        this.line += 1;
        this.lineStart = i + 1;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
        i += 1;
        continue;
      }
      if (c === QUOTE) inString = true;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth += 1;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (scalar && depth === 0) break;
        depth -= 1;
        if (depth === 0) {
          i += 1;
          break;
        }
      } else if (scalar && (c === COMMA || SPACE.has(c))) break;
      i += 1;
    }
    parts += this.buffer.slice(segmentStart, i);
    this.pos = i;
    const value = { text: parts, index: this.count, line: start.line, column: start.column };
    this.count += 1;
    return value;
  }

  async close(): Promise<void> {
    await this.chunks.return?.();
  }
}

/**
 * `JSON.parse` of a value, with a syntax error turned into a PARSE_ERROR at the file position
 * the parser points to.
 */
export function parseJsonValue(path: string, value: JsonValueText, what: string): unknown {
  try {
    return JSON.parse(value.text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    let line = value.line;
    let column = value.column;
    if (position !== null) {
      const before = value.text.slice(0, Number(position[1]));
      const breaks = before.split('\n');
      line += breaks.length - 1;
      column = breaks.length > 1 ? (breaks[breaks.length - 1] as string).length + 1 : value.column + before.length;
    }
    throw parseError(path, line, column, `${what} is not valid JSON (${message.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '')})`);
  }
}
