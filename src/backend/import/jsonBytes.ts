const encoder = new TextEncoder();

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Bytes written one after another into a buffer that grows as needed. */
export class ByteHeap {
  bytes = new Uint8Array(64 * 1024);
  used = 0;

  /** Makes room for `count` more bytes after `used`. */
  reserve(count: number): void {
    if (this.used + count <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.used + count));
    grown.set(this.bytes.subarray(0, this.used));
    this.bytes = grown;
  }

  /** Appends bytes as they are (a JSON key encoded once); a loop, since `set` costs more for a few bytes. */
  writeBytes(bytes: Uint8Array): void {
    const length = bytes.length;
    this.reserve(length);
    const target = this.bytes;
    let at = this.used;
    for (let i = 0; i < length; i += 1) target[at++] = bytes[i] as number;
    this.used = at;
  }

  /** Appends a string as UTF-8 and returns the number of bytes written. */
  writeText(text: string): number {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    this.reserve(text.length * 3);
    const { written } = encoder.encodeInto(text, this.bytes.subarray(this.used));
    this.used += written;
    return written;
  }

  byte(value: number): void {
    this.reserve(1);
    this.bytes[this.used] = value;
    this.used += 1;
  }

  private ascii(text: string): void {
    this.reserve(text.length);
    const bytes = this.bytes;
    let at = this.used;
    for (let i = 0; i < text.length; i += 1) bytes[at++] = text.charCodeAt(i);
    this.used = at;
  }

  /**
   * A JSON string of `text`, or of its characters from `start` to `end` (a field of a line, without
   * slicing it out first). Printable ASCII without quote or backslash, which is nearly every key
   * and value an export holds, is copied as it is; the rest of a string that has anything else is
   * escaped by JSON.stringify itself.
   */
  jsonString(text: string, start = 0, end = text.length): void {
    this.reserve(end - start + 2);
    const bytes = this.bytes;
    let at = this.used;
    bytes[at++] = QUOTE;
    for (let i = start; i < end; i += 1) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === 0x5c) {
        this.used = at;
        this.writeText(JSON.stringify(text.slice(i, end)).slice(1));
        return;
      }
      bytes[at++] = c;
    }
    bytes[at++] = QUOTE;
    this.used = at;
  }

  /** Appends a value that `isPlainJson` accepted, byte for byte as UTF-8 of `JSON.stringify(value)`. */
  writeJson(value: object): void {
    if (Array.isArray(value)) {
      this.byte(0x5b);
      for (let i = 0; i < value.length; i += 1) {
        if (i > 0) this.byte(COMMA);
        if (!this.member(value[i])) this.ascii('null');
      }
      this.byte(0x5d);
      return;
    }
    this.byte(0x7b);
    let first = true;
    const record = value as Record<string, unknown>;
    // for…in rather than Object.keys: a third of the time on the objects importers build, and
    // the same keys in the same order for an object whose prototype is Object.prototype or null.
    for (const key in record) {
      const member = record[key];
      if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
      if (!first) this.byte(COMMA);
      first = false;
      this.jsonString(key);
      this.byte(COLON);
      if (!this.member(member)) this.ascii('null');
    }
    this.byte(0x7d);
  }

  /** Writes one member value; false (nothing written) where JSON.stringify gives undefined. */
  private member(value: unknown): boolean {
    switch (typeof value) {
      case 'string':
        this.jsonString(value);
        return true;
      case 'number':
        this.ascii(Number.isFinite(value) ? String(value) : 'null');
        return true;
      case 'boolean':
        this.ascii(value ? 'true' : 'false');
        return true;
      case 'object':
        if (value === null) this.ascii('null');
        else if (isPlainJson(value)) this.writeJson(value);
        else {
          const text = JSON.stringify(value) as string | undefined;
          if (text === undefined) return false;
          this.writeText(text);
        }
        return true;
      default: {
        const text = JSON.stringify(value) as string | undefined;
        if (text === undefined) return false;
        this.writeText(text);
        return true;
      }
    }
  }
}

/**
 * An array, or an object whose prototype is Object.prototype or null and which has no toJSON:
 * what `ByteHeap.writeJson` serialises itself. Anything else (a Date, a Map, a class instance)
 * goes through JSON.stringify.
 */
export function isPlainJson(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** The top-level keys that the values of one kind of self-writing JSON have written so far. */
export interface WrittenKeys {
  written(): string[];
}

/**
 * A JSON value that writes its own bytes, as `ByteHeap.writeJson` would write the object it
 * stands for: an importer's row serialised straight from its cells, without building the
 * object first. A JSON column takes it like any object; the fields registry takes its keys
 * from `keys` instead of reading every value back out of the table.
 */
export abstract class SelfWritingJson {
  abstract readonly keys: WrittenKeys;
  abstract writeTo(heap: ByteHeap): void;
}
