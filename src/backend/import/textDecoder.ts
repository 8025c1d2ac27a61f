import { TextDecoder } from 'node:util';
import type { TextEncoding } from './source.js';

/**
 * Windows-1252's characters for bytes 0x80–0x9F (WHATWG Encoding Standard, index-windows-1252);
 * the five bytes it leaves unassigned keep their C1 code point, as the standard says.
 */
const HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const C1 = /[\u0080-\u009f]/;
const C1_ALL = /[\u0080-\u009f]/g;

/**
 * Node 20's TextDecoder('windows-1252') decodes bytes 0x80–0x9F as Latin-1 C1 control characters
 * (U+0080–U+009F) instead of € ‘ ’ “ ” – — …; C1 controls never occur in a Windows-1252 text,
 * so mapping them back is lossless.
 */
function repairWindows1252(text: string): string {
  return C1.test(text) ? text.replace(C1_ALL, (c) => HIGH[c.charCodeAt(0) - 0x80] as string) : text;
}

/** A text decoder for the encodings Weft detects, decoding Windows-1252 as the standard says. */
export interface SourceTextDecoder {
  decode(bytes?: Uint8Array, options?: { stream?: boolean }): string;
}

export function sourceTextDecoder(encoding: TextEncoding): SourceTextDecoder {
  const decoder = new TextDecoder(encoding);
  if (encoding !== 'windows-1252') return decoder;
  return { decode: (bytes, options) => repairWindows1252(decoder.decode(bytes, options)) };
}
