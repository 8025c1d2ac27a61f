import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

const CHUNK_BYTES = 1 << 20;
const FLUSH_AT = CHUNK_BYTES - (64 << 10);
const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000] as const;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NEWLINE = 0x0a;

/**
 * Streaming writer for the large generated text files. Rows are encoded straight into a byte
 * buffer (numbers digit by digit) instead of being built as strings: the face and gaze files
 * are millions of small numbers, and string building made garbage collection the bottleneck.
 * Counts data rows (lines after the header/preamble) and bytes.
 */
export class LineWriter {
  private readonly stream: WriteStream;
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private pos = 0;
  private written = 0;
  private readonly digits = new Uint8Array(24);
  rows = 0;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path);
  }

  /** A whole line that is not a data row (preamble, header), without its line end. */
  async meta(line: string): Promise<void> {
    this.put(line);
    this.byte(NEWLINE);
    await this.maybeFlush();
  }

  /** A whole data row, without its line end. */
  async row(line: string): Promise<void> {
    this.put(line);
    this.endRow();
    await this.maybeFlush();
  }

  /** Appends text to the row being built. */
  put(text: string): void {
    this.reserve(text.length * 3);
    this.pos += this.buffer.write(text, this.pos, 'utf8');
  }

  byte(code: number): void {
    this.reserve(1);
    this.buffer[this.pos++] = code;
  }

  /** Appends an integer (rounded). */
  int(value: number): void {
    this.reserve(24);
    let n = Math.round(value);
    if (n < 0) {
      this.buffer[this.pos++] = MINUS;
      n = -n;
    }
    this.unsigned(n, 1);
  }

  /**
   * Appends a fixed-point number with at most `decimals` digits and no trailing zeros,
   * exactly as `fixed()` in format.ts formats it.
   */
  fixed(value: number, decimals: number): void {
    this.reserve(32);
    const scale = POW10[decimals] ?? 10 ** decimals;
    let n = Math.round(value * scale);
    if (n === 0) {
      this.buffer[this.pos++] = ZERO;
      return;
    }
    if (n < 0) {
      this.buffer[this.pos++] = MINUS;
      n = -n;
    }
    const whole = Math.floor(n / scale);
    let frac = n - whole * scale;
    this.unsigned(whole, 1);
    if (frac === 0) return;
    let width = decimals;
    while (frac % 10 === 0) {
      frac /= 10;
      width--;
    }
    this.buffer[this.pos++] = DOT;
    this.unsigned(frac, width);
  }

  endRow(): void {
    this.byte(NEWLINE);
    this.rows++;
  }

  /** Hands a full buffer to the file; call between rows. */
  async maybeFlush(): Promise<void> {
    if (this.pos >= FLUSH_AT) await this.flush();
  }

  /** Flushes, closes the file and returns the number of bytes written. */
  async close(): Promise<number> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
    return this.written;
  }

  private unsigned(n: number, minWidth: number): void {
    let count = 0;
    let rest = n;
    do {
      this.digits[count++] = ZERO + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
    while (count < minWidth) this.digits[count++] = ZERO;
    while (count > 0) this.buffer[this.pos++] = this.digits[--count] ?? ZERO;
  }

  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.pos + bytes));
    this.buffer.copy(bigger, 0, 0, this.pos);
    this.buffer = bigger;
  }

  private async flush(): Promise<void> {
    if (this.pos === 0) return;
    const chunk = this.buffer.subarray(0, this.pos);
    this.written += chunk.length;
    this.buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    this.pos = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
}
