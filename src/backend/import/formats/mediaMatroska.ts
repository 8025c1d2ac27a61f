import { open, type FileHandle } from 'node:fs/promises';
import { WeftError } from '../../../core/errors.js';
import type { MediaLayout, MediaTrack } from './mediaTracks.js';
import { MATROSKA_ID as ID } from '../../../core/media/matroskaIds.js';

const NAMES = new Map<number, string>(Object.entries(ID).map(([name, id]) => [id, name]));

/** Masters whose children the reader walks; every other element is read as a value or skipped. */
const DESCEND = new Set<number>([ID.EBML, ID.Segment, ID.Info, ID.Tracks, ID.TrackEntry, ID.Video, ID.Cluster, ID.BlockGroup]);
const TRACK_TYPE = { 1: 'video', 2: 'audio' } as const;
const CHUNK = 1 << 20;
const UNKNOWN_SIZE = -1;

/** Sequential reader over a file with a sliding buffer; positions are file offsets. */
class Cursor {
  private buffer = Buffer.alloc(0);
  private bufferStart = 0;
  pos = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly bytes: number,
  ) {}

  /** Makes `n` bytes from pos available; false when the file ends first. */
  async ensure(n: number): Promise<boolean> {
    if (this.pos + n > this.bytes) return false;
    if (this.pos >= this.bufferStart && this.pos + n <= this.bufferStart + this.buffer.length) return true;
    const length = Math.min(Math.max(n, CHUNK), this.bytes - this.pos);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(buffer, 0, length, this.pos);
    this.buffer = buffer.subarray(0, bytesRead);
    this.bufferStart = this.pos;
    return bytesRead >= n;
  }

  byte(at = this.pos): number {
    return this.buffer[at - this.bufferStart] ?? 0;
  }

  slice(length: number): Buffer {
    const from = this.pos - this.bufferStart;
    return this.buffer.subarray(from, from + length);
  }
}

interface TrackInfo {
  number: number;
  type: 'video' | 'audio' | null;
  codec: string;
  defaultDurationNs: number | null;
  width: number | null;
  height: number | null;
  frames: number;
  minTick: number;
  maxTick: number;
  /** End of the latest-ending frame whose duration the file states, ticks. */
  maxEndTick: number;
  /** Gap before the last frame, ticks: the frame duration when the file states none. */
  lastInterval: number;
}

export interface MatroskaHeader {
  readonly docType: string;
  /** Nanoseconds per timestamp tick. */
  readonly timestampScale: number;
  /** Segment duration, ticks, when the file states it (live recordings do not). */
  readonly durationTicks: number | null;
  readonly tracks: readonly TrackInfo[];
}

function truncated(path: string, at: number, what: string): WeftError {
  return new WeftError('PARSE_ERROR', `${path}: the file ends inside ${what} at byte ${at}: it is truncated (a recording cut off before it was finalised, or an incomplete copy)`, {
    location: { file: path, field: what },
  });
}

function damaged(path: string, message: string): WeftError {
  return new WeftError('PARSE_ERROR', `${path}: ${message}`, { location: { file: path } });
}

function uint(bytes: Buffer): number {
  let value = 0;
  for (const b of bytes) value = value * 256 + b;
  return value;
}

/**
 * Reads the WebM/Matroska structure: the EBML header, segment info and track entries, then
 * every block of every cluster, reading block headers only, to count the frames the file holds
 * and their first and last timestamps. Clusters of unknown size (MediaRecorder's) are fine.
 */
export class MatroskaReader {
  private readonly cursor: Cursor;
  private docType = '';
  private timestampScale = 1_000_000;
  private durationTicks: number | null = null;
  private readonly tracks: TrackInfo[] = [];
  private clusterTick = 0;
  private lastBlock: { track: TrackInfo; tick: number } | null = null;

  private constructor(
    private readonly path: string,
    private readonly handle: FileHandle,
    bytes: number,
  ) {
    this.cursor = new Cursor(handle, bytes);
  }

  static async open(path: string, bytes: number): Promise<MatroskaReader> {
    return new MatroskaReader(path, await open(path, 'r'), bytes);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  get bytesRead(): number {
    return this.cursor.pos;
  }

  /** Reads up to the first cluster: what the file is and which tracks it has. */
  async readHeader(): Promise<MatroskaHeader> {
    await this.walk((id) => id === ID.Cluster);
    if (this.docType === '') throw damaged(this.path, 'it does not start with an EBML header naming its document type (webm or matroska)');
    return this.header();
  }

  /** Reads every cluster to the end of the file, calling progress per megabyte. */
  async readFrames(progress: (bytesRead: number) => void): Promise<MatroskaHeader> {
    let next = CHUNK;
    await this.walk(() => {
      if (this.cursor.pos >= next) {
        progress(this.cursor.pos);
        next = this.cursor.pos + CHUNK;
      }
      return false;
    });
    progress(this.cursor.pos);
    return this.header();
  }

  private header(): MatroskaHeader {
    return { docType: this.docType, timestampScale: this.timestampScale, durationTicks: this.durationTicks, tracks: this.tracks };
  }

  private async vint(what: string, keepMarker: boolean): Promise<{ value: number; length: number }> {
    const at = this.cursor.pos;
    if (!(await this.cursor.ensure(1))) throw truncated(this.path, at, what);
    const first = this.cursor.byte();
    let length = 1;
    while (length <= 8 && (first & (0x80 >> (length - 1))) === 0) length += 1;
    if (length > 8) throw damaged(this.path, `byte ${at} is not the start of an EBML ${what} (0x00): the file is damaged`);
    if (!(await this.cursor.ensure(length))) throw truncated(this.path, at, what);
    const raw = this.cursor.slice(length);
    let value = keepMarker ? first : first & (0xff >> length);
    let allOnes = value === (0xff >> length);
    for (let i = 1; i < length; i += 1) {
      const b = raw[i] ?? 0;
      value = value * 256 + b;
      allOnes &&= b === 0xff;
    }
    this.cursor.pos += length;
    return { value: !keepMarker && allOnes ? UNKNOWN_SIZE : value, length };
  }

  /** Walks elements from the cursor until `stop` says so before an element, or the file ends. */
  private async walk(stop: (id: number) => boolean): Promise<void> {
    const { cursor } = this;
    while (cursor.pos < cursor.bytes) {
      const start = cursor.pos;
      const id = (await this.vint('element id', true)).value;
      if (stop(id)) {
        cursor.pos = start;
        return;
      }
      const name = NAMES.get(id) ?? `element 0x${id.toString(16)}`;
      const size = (await this.vint(`size of ${name}`, false)).value;
      if (DESCEND.has(id)) {
        if (size !== UNKNOWN_SIZE && cursor.pos + size > cursor.bytes) throw truncated(this.path, start, name);
        this.enter(id);
        continue;
      }
      if (size === UNKNOWN_SIZE) throw damaged(this.path, `${name} at byte ${start} has an unknown size, which only clusters and segments may have: the file is damaged`);
      if (cursor.pos + size > cursor.bytes) throw truncated(this.path, start, name);
      await this.value(id, size, start);
      cursor.pos += size;
    }
  }

  private enter(id: number): void {
    if (id === ID.TrackEntry) {
      this.tracks.push({
        number: 0, type: null, codec: '', defaultDurationNs: null, width: null, height: null,
        frames: 0, minTick: Number.POSITIVE_INFINITY, maxTick: Number.NEGATIVE_INFINITY, maxEndTick: Number.NEGATIVE_INFINITY, lastInterval: 0,
      });
    }
  }

  private async value(id: number, size: number, start: number): Promise<void> {
    const { cursor } = this;
    const track = this.tracks[this.tracks.length - 1];
    const needs = (n: number): Promise<boolean> => cursor.ensure(n);
    switch (id) {
      case ID.DocType:
        await needs(size);
        this.docType = cursor.slice(size).toString('latin1').replace(/\0+$/, '');
        return;
      case ID.TimestampScale:
        await needs(size);
        this.timestampScale = uint(cursor.slice(size));
        return;
      case ID.Duration:
        await needs(size);
        this.durationTicks = size === 4 ? cursor.slice(4).readFloatBE(0) : size === 8 ? cursor.slice(8).readDoubleBE(0) : null;
        return;
      case ID.TrackNumber:
      case ID.TrackType:
      case ID.CodecID:
      case ID.DefaultDuration:
      case ID.PixelWidth:
      case ID.PixelHeight: {
        if (track === undefined) throw damaged(this.path, `${NAMES.get(id) ?? ''} at byte ${start} lies outside a TrackEntry: the file is damaged`);
        await needs(size);
        const bytes = cursor.slice(size);
        if (id === ID.TrackNumber) track.number = uint(bytes);
        else if (id === ID.TrackType) track.type = TRACK_TYPE[uint(bytes) as 1 | 2] ?? null;
        else if (id === ID.CodecID) track.codec = bytes.toString('latin1').replace(/\0+$/, '');
        else if (id === ID.DefaultDuration) track.defaultDurationNs = uint(bytes);
        else if (id === ID.PixelWidth) track.width = uint(bytes);
        else track.height = uint(bytes);
        return;
      }
      case ID.Timestamp:
        await needs(size);
        this.clusterTick = uint(cursor.slice(size));
        return;
      case ID.SimpleBlock:
      case ID.Block:
        await this.block(size, start);
        return;
      case ID.BlockDuration: {
        await needs(size);
        const last = this.lastBlock;
        if (last !== null) last.track.maxEndTick = Math.max(last.track.maxEndTick, last.tick + uint(cursor.slice(size)));
        return;
      }
      default:
        return;
    }
  }

  /** Block header: track number (EBML varint), signed 16-bit timestamp relative to the cluster, flags, lace count. */
  private async block(size: number, start: number): Promise<void> {
    const { cursor } = this;
    const at = cursor.pos;
    if (!(await cursor.ensure(Math.min(size, 12)))) throw truncated(this.path, start, 'a block');
    const first = cursor.byte();
    let length = 1;
    while (length <= 8 && (first & (0x80 >> (length - 1))) === 0) length += 1;
    if (length > 4 || size < length + 3) throw damaged(this.path, `the block at byte ${start} has a malformed header: the file is damaged`);
    let number = first & (0xff >> length);
    for (let i = 1; i < length; i += 1) number = number * 256 + cursor.byte(at + i);
    const relative = ((cursor.byte(at + length) << 8) | cursor.byte(at + length + 1)) << 16 >> 16;
    const flags = cursor.byte(at + length + 2);
    const lacing = (flags >> 1) & 3;
    const frames = lacing === 0 ? 1 : cursor.byte(at + length + 3) + 1;
    const track = this.tracks.find((t) => t.number === number);
    if (track === undefined) throw damaged(this.path, `the block at byte ${start} belongs to track ${number}, which the file's Tracks do not list: the file is damaged`);
    const tick = this.clusterTick + relative;
    if (track.frames > 0) track.lastInterval = Math.abs(tick - track.maxTick);
    track.frames += frames;
    track.minTick = Math.min(track.minTick, tick);
    track.maxTick = Math.max(track.maxTick, tick);
    if (track.defaultDurationNs !== null) track.maxEndTick = Math.max(track.maxEndTick, tick + (track.defaultDurationNs * frames) / this.timestampScale);
    this.lastBlock = { track, tick };
  }
}

const ticksToUs = (ticks: number, scale: number): number => Math.round((ticks * scale) / 1000);

/** The tracks of a fully read file, on media time. */
export function matroskaLayout(header: MatroskaHeader): MediaLayout {
  const tracks: MediaTrack[] = [];
  for (const t of header.tracks) {
    if (t.type === null) continue;
    const scale = header.timestampScale;
    let endTick: number | null = null;
    let durationSource: string;
    if (t.frames === 0) {
      durationSource = 'no frames';
    } else if (Number.isFinite(t.maxEndTick) && t.maxEndTick >= t.maxTick) {
      endTick = t.maxEndTick;
      durationSource = t.defaultDurationNs === null ? 'last block + BlockDuration' : 'last block + DefaultDuration';
    } else if (header.durationTicks !== null && header.durationTicks > t.maxTick) {
      endTick = header.durationTicks;
      durationSource = 'segment Duration (the blocks state no duration)';
    } else {
      endTick = t.maxTick + t.lastInterval;
      durationSource = 'last block + the interval before it (the file states no frame duration and no segment Duration)';
    }
    tracks.push({
      kind: t.type,
      id: t.number,
      codec: t.codec,
      width: t.width,
      height: t.height,
      frames: t.frames,
      framesInFile: t.frames,
      firstUs: t.frames === 0 ? null : ticksToUs(t.minTick, scale),
      endUs: endTick === null ? null : ticksToUs(endTick, scale),
      timing: {
        timestamp_scale_ns: scale,
        default_duration_ns: t.defaultDurationNs,
        duration_source: durationSource,
      },
    });
  }
  return {
    container: header.docType === 'webm' ? 'webm' : 'matroska',
    tracks,
    details: {
      doc_type: header.docType,
      timestamp_scale_ns: header.timestampScale,
      segment_duration_us: header.durationTicks === null ? null : ticksToUs(header.durationTicks, header.timestampScale),
    },
  };
}
