import { WeftError } from '../../core/errors.js';
import type { ByteSource } from './byteSource.js';

/** One coded frame of the video track, in decode order. */
export interface CodedSample {
  readonly offset: number;
  readonly size: number;
  readonly key: boolean;
  /** Index of the frame among those shown, in presentation order; null when the edit list hides it. */
  readonly frame: number | null;
  /** Media time the frame is shown at (what a player's currentTime says), microseconds; null when hidden. */
  readonly timeUs: number | null;
}

/** Where every frame of a video's first video track is, and how to configure a decoder for it. */
export interface VideoIndex {
  readonly container: 'mp4' | 'mov' | 'webm';
  /** WebCodecs codec string. */
  readonly codec: string;
  readonly codedWidth: number;
  readonly codedHeight: number;
  /** Codec configuration record (avcC, hvcC, av1C, vpcC payload) where the codec needs one. */
  readonly description?: Uint8Array;
  /** Decode order. */
  readonly samples: readonly CodedSample[];
  /** Frames shown. */
  readonly frames: number;
  /** How times were read (edit list, timestamp scale), for provenance. */
  readonly timing: Record<string, unknown>;
}

export type ContainerKind = 'iso-bmff' | 'matroska';

const FTYP_LIKE = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'styp', 'moof', 'pdin']);

/** What the first bytes say the file is; the other formats Weft knows of get advice instead. */
export function sniffContainer(head: Uint8Array): ContainerKind {
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'matroska';
  if (head.length >= 8 && FTYP_LIKE.has(String.fromCharCode(...head.subarray(4, 8)))) return 'iso-bmff';
  const ascii = String.fromCharCode(...head.subarray(0, 12));
  const kind = ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'AVI ' ? 'an AVI file'
    : head[0] === 0x30 && head[1] === 0x26 && head[2] === 0xb2 && head[3] === 0x75 ? 'a Windows Media (ASF/WMV) file'
      : head[0] === 0xff && head[1] === 0xd8 ? 'a JPEG image, not a video'
        : null;
  throw new WeftError('UNSUPPORTED_FORMAT', `${kind === null ? 'this is not an MP4, MOV or WebM video' : `this is ${kind}`}: face extraction reads MP4/MOV and WebM`);
}

/** Reads a whole element or box into memory after checking that it is within the file. */
export async function readRange(source: ByteSource, offset: number, length: number, what: string): Promise<Uint8Array> {
  if (offset + length > source.size) {
    throw new WeftError('PARSE_ERROR', `the file ends inside its ${what} (${offset + length - source.size} bytes missing): it is truncated or damaged`);
  }
  return source.read(offset, length);
}
