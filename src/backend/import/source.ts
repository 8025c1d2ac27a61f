import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isUtf8 } from 'node:buffer';
import { WeftError } from '../../core/errors.js';
import { sourceTextDecoder } from './textDecoder.js';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** A file about to be imported: its identity (sha256), size, and how its text is encoded. */
/** What the first bytes of a file say: enough to recognise its format. */
export interface SourceHead {
  readonly path: string;
  readonly bytes: number;
  /** Null for binary files (video). */
  readonly encoding: TextEncoding | null;
  readonly bomBytes: number;
  /** The first bytes, for format detection. */
  readonly head: Uint8Array;
  /** The first characters as text (empty for binary files). */
  readonly headText: string;
}

/** A file read through: its SHA-256, and an encoding the whole file bears out. */
export interface SourceFile extends SourceHead {
  readonly sha256: string;
}

const HEAD_BYTES = 64 * 1024;

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

export const MAGIC = {
  zip: [0x50, 0x4b, 0x03, 0x04],
  ole2: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
  utf8Bom: [0xef, 0xbb, 0xbf],
  utf16le: [0xff, 0xfe],
  utf16be: [0xfe, 0xff],
} as const;

/**
 * Checks UTF-8 validity chunk by chunk with the native validator, carrying a character that a
 * chunk boundary splits over to the next chunk.
 */
class Utf8Checker {
  private carry: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): boolean {
    const data = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    let cut = data.length;
    for (let back = 1; back <= 3 && back <= data.length; back += 1) {
      const byte = data[data.length - back] as number;
      if ((byte & 0xc0) === 0x80) continue;
      const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
      if (needed > back) cut = data.length - back;
      break;
    }
    this.carry = Buffer.from(data.subarray(cut));
    return isUtf8(data.subarray(0, cut));
  }

  end(): boolean {
    return this.carry.length === 0;
  }
}

/** Container signatures of media files Weft registers rather than parses. */
export function looksLikeMedia(head: Uint8Array): boolean {
  const ascii = (from: number, to: number): string => String.fromCharCode(...head.subarray(from, to));
  return (
    ascii(4, 8) === 'ftyp' ||
    startsWith(head, [0x1a, 0x45, 0xdf, 0xa3]) ||
    (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'AVI ') ||
    startsWith(head, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11])
  );
}

function binaryRefusal(path: string, head: Uint8Array): WeftError | null {
  if (startsWith(head, MAGIC.zip)) {
    return new WeftError(
      'UNSUPPORTED_FORMAT',
      `${path} is a ZIP container (most likely an Excel .xlsx workbook, whatever its name says). Open it in a spreadsheet program and save it as CSV or tab-delimited text, then import that.`,
      { location: { file: path, line: 1, column: 1 } },
    );
  }
  if (startsWith(head, MAGIC.ole2)) {
    return new WeftError(
      'UNSUPPORTED_FORMAT',
      `${path} is an old Office binary file (an Excel .xls workbook, say). Save it as CSV or tab-delimited text, then import that.`,
      { location: { file: path, line: 1, column: 1 } },
    );
  }
  return null;
}

function firstNul(bytes: Uint8Array): number {
  return bytes.indexOf(0);
}

function lineAndColumn(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i += 1) {
    if (bytes[i] === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The first 64 KB of a file: its encoding as they show it, and the refusals they already justify
 * (a spreadsheet, binary garbage). Reads nothing more, so a folder of recordings is quick to list.
 */
export async function inspectHead(pathArg: string, options: { binary?: boolean } = {}): Promise<SourceHead> {
  const path = resolve(pathArg);
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new WeftError('NOT_FOUND', `${path} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof WeftError) throw error;
    throw new WeftError('NOT_FOUND', `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const handle = await open(path, 'r');
  const head = new Uint8Array(Math.min(HEAD_BYTES, size));
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }

  const binary = options.binary === true || looksLikeMedia(head);
  let encoding: TextEncoding | null = null;
  let bomBytes = 0;
  if (!binary) {
    const refusal = binaryRefusal(path, head);
    if (refusal) throw refusal;
    if (startsWith(head, MAGIC.utf8Bom)) {
      encoding = 'utf-8';
      bomBytes = 3;
    } else if (startsWith(head, MAGIC.utf16le)) {
      encoding = 'utf-16le';
      bomBytes = 2;
    } else if (startsWith(head, MAGIC.utf16be)) {
      encoding = 'utf-16be';
      bomBytes = 2;
    } else {
      const nul = firstNul(head);
      if (nul >= 0) {
        const at = lineAndColumn(head, nul);
        throw new WeftError('UNSUPPORTED_FORMAT', `${path} holds binary data (a NUL byte at line ${at.line}, column ${at.column}), not text Weft can import`, {
          location: { file: path, ...at },
        });
      }
      encoding = 'utf-8';
    }
  }
  return { path, bytes: size, encoding, bomBytes, head, headText: encoding === null ? '' : sourceTextDecoder(encoding).decode(head.subarray(bomBytes)) };
}

/**
 * Reads a file once to learn its sha256 and whether its text is valid UTF-8 (otherwise it is
 * read as Windows-1252, the encoding older Windows exports use); refuses binary garbage and
 * spreadsheets with a message saying what the file is and what to do instead.
 */
export async function inspectSource(pathArg: string, options: { binary?: boolean } = {}): Promise<SourceFile> {
  const first = await inspectHead(pathArg, options);
  const { path, bomBytes, head } = first;
  let encoding = first.encoding;
  const hash = createHash('sha256');
  const checker = encoding === 'utf-8' ? new Utf8Checker() : null;
  let validUtf8 = true;
  let offset = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buffer = chunk as Buffer;
    hash.update(buffer);
    if (checker !== null && validUtf8) validUtf8 = checker.push(buffer);
    if (encoding === 'utf-8' && validUtf8 === false && bomBytes === 0 && buffer.includes(0)) {
      throw new WeftError('UNSUPPORTED_FORMAT', `${path} holds binary data after byte ${offset}, not text Weft can import`, {
        location: { file: path },
      });
    }
    offset += buffer.length;
  }
  if (checker !== null && validUtf8) validUtf8 = checker.end();
  if (encoding === 'utf-8' && !validUtf8) encoding = 'windows-1252';
  const headText = encoding === first.encoding ? first.headText : encoding === null ? '' : sourceTextDecoder(encoding).decode(head.subarray(bomBytes));
  return { ...first, encoding, headText, sha256: hash.digest('hex') };
}
