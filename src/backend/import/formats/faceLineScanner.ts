import { fieldsRecord, type DelimitedRecord } from '../textReader.js';

/** Powers of ten a double holds exactly: dividing by one of them rounds correctly. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Fewer significant digits than this always fit a double's 53-bit mantissa exactly. */
const MAX_FAST_DIGITS = 15;
const SPACE = 32;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const END = -1;

/**
 * Splits one line of an unquoted delimited file and parses only the fields it is asked for,
 * straight from the line's characters: the hundreds of landmark columns of a face-tracker
 * export are stepped over without a string or a number being made of them.
 *
 * Plain decimals ("-0.0192347", " 1.0") are read here; every other field (empty, "nan", "inf",
 * exponents, 16 or more digits, text) is left for the caller's NumberReader, so missing values,
 * repairs and errors are decided in one place. The fast path gives the same double as Number():
 * a mantissa below 2^53 divided by an exact power of ten is rounded once, correctly.
 */
export class FaceLineScanner {
  /** The parsed value of each slot; NaN where `needsReading` lists the slot. */
  readonly values: Float64Array;
  /** Offset in the line where each slot's field starts and ends. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Slots whose text the fast path did not read, `pending` of them. */
  readonly needsReading: Int32Array;
  pending = 0;
  /** Fields on the line last scanned (when scanned to its end). */
  fields = 0;
  private readonly lastWanted: number;
  private readonly delimiterText: string;
  /** How many columns from this one on are skipped, so that a block of them is stepped over in one loop. */
  private readonly skippedFrom: Int32Array;

  /**
   * @param slotOfColumn the slot each column's value goes to, or -1 to skip the column
   * @param delimiter the field delimiter's character code
   */
  constructor(
    private readonly slotOfColumn: Int32Array,
    private readonly delimiter: number,
  ) {
    let slots = 0;
    let last = -1;
    slotOfColumn.forEach((slot, column) => {
      if (slot >= 0) {
        slots = Math.max(slots, slot + 1);
        last = column;
      }
    });
    this.lastWanted = last;
    this.delimiterText = String.fromCharCode(delimiter);
    this.skippedFrom = new Int32Array(slotOfColumn.length);
    for (let column = slotOfColumn.length - 1, run = 0; column >= 0; column -= 1) {
      run = (slotOfColumn[column] as number) < 0 ? run + 1 : 0;
      this.skippedFrom[column] = run;
    }
    this.values = new Float64Array(slots);
    this.starts = new Int32Array(slots);
    this.ends = new Int32Array(slots);
    this.needsReading = new Int32Array(slots);
  }

  /**
   * Scans a line. With `toEnd` false it stops after the last wanted column, and `fields` is
   * not counted.
   */
  scan(line: string, toEnd = true): void {
    const slots = this.slotOfColumn;
    const width = slots.length;
    const delimiter = this.delimiter;
    const values = this.values;
    const n = line.length;
    const stopAfter = toEnd ? Number.MAX_SAFE_INTEGER : this.lastWanted;
    this.pending = 0;
    let column = 0;
    let i = 0;
    for (;;) {
      const slot = column < width ? (slots[column] as number) : -1;
      if (slot < 0) {
        // Steps over this column and the skipped ones after it, up to the delimiter that ends them.
        const run = column < width ? (this.skippedFrom[column] as number) : 1;
        let remaining = run;
        while (remaining > 0) {
          const next = line.indexOf(this.delimiterText, i);
          if (next < 0) {
            i = n;
            break;
          }
          i = next;
          remaining -= 1;
          if (remaining > 0) i += 1;
        }
        column += remaining === 0 ? run - 1 : run - remaining;
      } else {
        this.starts[slot] = i;
        let j = i;
        let c = j < n ? line.charCodeAt(j) : END;
        while (c === SPACE) c = ++j < n ? line.charCodeAt(j) : END;
        let negative = false;
        if (c === MINUS || c === PLUS) {
          negative = c === MINUS;
          c = ++j < n ? line.charCodeAt(j) : END;
        }
        let mantissa = 0;
        let digits = 0;
        let decimals = -1;
        for (;;) {
          if (c >= ZERO && c <= NINE) {
            mantissa = mantissa * 10 + (c - ZERO);
            digits += 1;
            if (decimals >= 0) decimals += 1;
          } else if (c === DOT && decimals < 0) {
            decimals = 0;
          } else {
            break;
          }
          c = ++j < n ? line.charCodeAt(j) : END;
        }
        while (c === SPACE) c = ++j < n ? line.charCodeAt(j) : END;
        if (digits > 0 && digits <= MAX_FAST_DIGITS && (c === delimiter || c === END)) {
          const magnitude = decimals > 0 ? mantissa / (EXACT_POWERS_OF_TEN[decimals] as number) : mantissa;
          values[slot] = negative ? -magnitude : magnitude;
        } else {
          values[slot] = Number.NaN;
          this.needsReading[this.pending++] = slot;
          while (j < n && line.charCodeAt(j) !== delimiter) j += 1;
        }
        i = j;
        this.ends[slot] = i;
      }
      column += 1;
      if (i >= n || column > stopAfter) break;
      i += 1;
    }
    this.fields = column;
  }
}

/**
 * A line as a DelimitedRecord, for the tabular helpers' errors about it (ragged rows, bad
 * values). Fields are trimmed of the spaces OpenFace writes after each comma, and their column
 * is that of their first character, so that messages point at the value.
 */
export function lineRecord(line: string, lineNumber: number, delimiter: string): DelimitedRecord {
  const fields: string[] = [];
  const columns: number[] = [];
  let start = 0;
  for (const raw of line.split(delimiter)) {
    const lead = raw.length - raw.trimStart().length;
    fields.push(raw.trim());
    columns.push(start + lead + 1);
    start += raw.length + delimiter.length;
  }
  return fieldsRecord(lineNumber, fields, columns);
}

/** One field of a line (between `start` and `end`) as a DelimitedRecord of one trimmed field, so a NumberReader can judge it. */
export function fieldRecord(line: string, lineNumber: number, start: number, end: number): DelimitedRecord {
  const raw = line.slice(start, end);
  const lead = raw.length - raw.trimStart().length;
  return fieldsRecord(lineNumber, [raw.trim()], [start + lead + 1]);
}
