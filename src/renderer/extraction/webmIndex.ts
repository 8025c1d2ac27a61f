import { WeftError } from '../../core/errors.js';
import type { ByteSource } from './byteSource.js';
import { frameNumbers } from './editList.js';
import type { CodedSample, VideoIndex } from './videoIndex.js';
import { MATROSKA_ID as ID } from '../../core/media/matroskaIds.js';

/** Elements that may sit in a Cluster; any other id ends a Cluster of unknown size. */
const CLUSTER_CHILDREN = new Set([ID.Timestamp, ID.SimpleBlock, ID.BlockGroup, 0xa7, 0xab, 0x5854, 0xaf, 0xec, 0xbf]);
const WINDOW = 1 << 20;
const UNKNOWN = -1;

/** Sequential reads over the file through a window, so a long recording is never held whole. */
class Cursor {
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;

  constructor(private readonly source: ByteSource) {}

  get size(): number {
    return this.source.size;
  }

  async bytes(pos: number, length: number): Promise<Uint8Array> {
    if (pos < this.windowStart || pos + length > this.windowStart + this.window.length) {
      if (pos + length > this.source.size) throw truncated(pos);
      this.window = await this.source.read(pos, Math.max(length, Math.min(WINDOW, this.source.size - pos)));
      this.windowStart = pos;
    }
    return this.window.subarray(pos - this.windowStart, pos - this.windowStart + length);
  }

  /** An element id (marker bits kept) or size (marker bits removed) at pos. */
  async vint(pos: number, keepMarker: boolean): Promise<{ value: number; length: number }> {
    const first = (await this.bytes(pos, 1))[0] as number;
    let length = 1;
    while (length <= 8 && (first & (0x80 >> (length - 1))) === 0) length += 1;
    if (length > 8) throw damaged(`byte ${pos} does not start a Matroska element`);
    const raw = await this.bytes(pos, length);
    let value = keepMarker ? first : first & (0xff >> length);
    let allOnes = value === 0xff >> length;
    for (let i = 1; i < length; i += 1) {
      value = value * 256 + (raw[i] as number);
      if (raw[i] !== 0xff) allOnes = false;
    }
    return { value: !keepMarker && allOnes ? UNKNOWN : value, length };
  }

  async element(pos: number): Promise<{ id: number; size: number; dataStart: number }> {
    const id = await this.vint(pos, true);
    const size = await this.vint(pos + id.length, false);
    return { id: id.value, size: size.value, dataStart: pos + id.length + size.length };
  }

  async uint(pos: number, size: number): Promise<number> {
    const raw = await this.bytes(pos, size);
    return raw.reduce((v, b) => v * 256 + b, 0);
  }

  async text(pos: number, size: number): Promise<string> {
    return String.fromCharCode(...(await this.bytes(pos, size))).replace(/\0+$/, '');
  }
}

function damaged(message: string): WeftError {
  return new WeftError('PARSE_ERROR', `${message}: the WebM file is damaged`);
}

function truncated(pos: number): WeftError {
  return new WeftError('PARSE_ERROR', `the file ends inside an element at byte ${pos}: it is truncated`);
}

interface TrackEntry {
  number: number;
  type: number;
  codecId: string;
  codecPrivate: Uint8Array | null;
  encoded: boolean;
  width: number;
  height: number;
}

interface Block {
  readonly track: number;
  readonly tick: number;
  readonly key: boolean;
  readonly offset: number;
  readonly size: number;
}

async function readTrack(cursor: Cursor, start: number, end: number): Promise<TrackEntry> {
  const track: TrackEntry = { number: 0, type: 0, codecId: '', codecPrivate: null, encoded: false, width: 0, height: 0 };
  for (let pos = start; pos < end; ) {
    const el = await cursor.element(pos);
    if (el.size === UNKNOWN) throw damaged('a track entry has an unknown size');
    if (el.id === ID.TrackNumber) track.number = await cursor.uint(el.dataStart, el.size);
    else if (el.id === ID.TrackType) track.type = await cursor.uint(el.dataStart, el.size);
    else if (el.id === ID.CodecID) track.codecId = await cursor.text(el.dataStart, el.size);
    else if (el.id === ID.CodecPrivate) track.codecPrivate = (await cursor.bytes(el.dataStart, el.size)).slice();
    else if (el.id === ID.ContentEncodings) track.encoded = true;
    else if (el.id === ID.Video) {
      for (let v = el.dataStart; v < el.dataStart + el.size; ) {
        const child = await cursor.element(v);
        if (child.id === ID.PixelWidth) track.width = await cursor.uint(child.dataStart, child.size);
        if (child.id === ID.PixelHeight) track.height = await cursor.uint(child.dataStart, child.size);
        v = child.dataStart + child.size;
      }
    }
    pos = el.dataStart + el.size;
  }
  return track;
}

async function readBlockHeader(cursor: Cursor, dataStart: number, size: number): Promise<{ track: number; relative: number; flags: number; headerLength: number }> {
  const track = await cursor.vint(dataStart, false);
  const rest = await cursor.bytes(dataStart + track.length, 3);
  const relative = (((rest[0] as number) << 8) | (rest[1] as number)) << 16 >> 16;
  const headerLength = track.length + 3;
  if (headerLength > size) throw damaged(`a block at byte ${dataStart} is shorter than its header`);
  return { track: track.value, relative, flags: rest[2] as number, headerLength };
}

async function readCluster(cursor: Cursor, start: number, declaredEnd: number | null, blocks: Block[]): Promise<number> {
  let clusterTick = 0;
  let pos = start;
  const end = declaredEnd ?? cursor.size;
  while (pos < end) {
    const el = await cursor.element(pos);
    if (declaredEnd === null && !CLUSTER_CHILDREN.has(el.id)) return pos;
    if (el.size === UNKNOWN) throw damaged(`an element of unknown size at byte ${pos} inside a cluster`);
    if (el.dataStart + el.size > cursor.size) throw truncated(pos);
    if (el.id === ID.Timestamp) clusterTick = await cursor.uint(el.dataStart, el.size);
    else if (el.id === ID.SimpleBlock) {
      const head = await readBlockHeader(cursor, el.dataStart, el.size);
      if ((head.flags & 0x06) !== 0) blocks.push({ track: head.track, tick: Number.NaN, key: false, offset: -1, size: 0 });
      else blocks.push({ track: head.track, tick: clusterTick + head.relative, key: (head.flags & 0x80) !== 0, offset: el.dataStart + head.headerLength, size: el.size - head.headerLength });
    } else if (el.id === ID.BlockGroup) {
      let block: Block | null = null;
      let referenced = false;
      for (let g = el.dataStart; g < el.dataStart + el.size; ) {
        const child = await cursor.element(g);
        if (child.id === ID.Block) {
          const head = await readBlockHeader(cursor, child.dataStart, child.size);
          block = (head.flags & 0x06) !== 0
            ? { track: head.track, tick: Number.NaN, key: false, offset: -1, size: 0 }
            : { track: head.track, tick: clusterTick + head.relative, key: true, offset: child.dataStart + head.headerLength, size: child.size - head.headerLength };
        } else if (child.id === ID.ReferenceBlock) referenced = true;
        g = child.dataStart + child.size;
      }
      if (block !== null) blocks.push({ ...block, key: block.key && !referenced });
    }
    pos = el.dataStart + el.size;
  }
  return end;
}

const hex = (byte: number | undefined): string => (byte ?? 0).toString(16).padStart(2, '0');

/** The WebCodecs codec string of a Matroska video track. */
function codecOf(track: TrackEntry, firstKeyFrame: Uint8Array | null): { codec: string; description?: Uint8Array } {
  const cp = track.codecPrivate;
  switch (track.codecId) {
    case 'V_VP8':
      return { codec: 'vp8' };
    case 'V_VP9': {
      const header = firstKeyFrame?.[0] ?? 0;
      const profile = ((header >> 5) & 1) | (((header >> 4) & 1) << 1);
      return { codec: `vp09.0${profile}.10.${profile >= 2 ? '10' : '08'}` };
    }
    case 'V_AV1': {
      if (cp === null || cp.length < 4) throw damaged('its AV1 track has no codec configuration (CodecPrivate)');
      const profile = (cp[1] as number) >> 5;
      const level = (cp[1] as number) & 0x1f;
      const tier = ((cp[2] as number) >> 7) & 1;
      const bits = ((cp[2] as number) >> 6) & 1 ? (((cp[2] as number) >> 5) & 1 ? '12' : '10') : '08';
      return { codec: `av01.${profile}.${String(level).padStart(2, '0')}${tier === 1 ? 'H' : 'M'}.${bits}`, description: cp };
    }
    case 'V_MPEG4/ISO/AVC':
      if (cp === null || cp.length < 4) throw damaged('its H.264 track has no codec configuration (CodecPrivate)');
      return { codec: `avc1.${hex(cp[1])}${hex(cp[2])}${hex(cp[3])}`, description: cp };
    default:
      throw new WeftError('UNSUPPORTED_FORMAT', `its video codec is ${track.codecId}, which Chromium's decoder does not read (it reads VP8, VP9, AV1 and H.264)`);
  }
}

/** Reads a WebM/Matroska file's first video track: every block's place, key flag and media time. */
export async function indexMatroska(source: ByteSource): Promise<VideoIndex> {
  const cursor = new Cursor(source);
  const header = await cursor.element(0);
  if (header.id !== ID.EBML) throw damaged('it does not start with an EBML header');
  let docType = 'matroska';
  for (let pos = header.dataStart; pos < header.dataStart + header.size; ) {
    const el = await cursor.element(pos);
    if (el.id === ID.DocType) docType = await cursor.text(el.dataStart, el.size);
    pos = el.dataStart + el.size;
  }
  const segment = await cursor.element(header.dataStart + header.size);
  if (segment.id !== ID.Segment) throw damaged('no Segment follows its EBML header');
  const segmentEnd = segment.size === UNKNOWN ? source.size : Math.min(source.size, segment.dataStart + segment.size);
  let timestampScale = 1_000_000;
  const tracks: TrackEntry[] = [];
  const blocks: Block[] = [];
  for (let pos = segment.dataStart; pos < segmentEnd; ) {
    const el = await cursor.element(pos);
    if (el.id === ID.Cluster) {
      pos = await readCluster(cursor, el.dataStart, el.size === UNKNOWN ? null : el.dataStart + el.size, blocks);
      continue;
    }
    if (el.size === UNKNOWN) throw damaged(`an element of unknown size at byte ${pos}`);
    if (el.id === ID.Info) {
      for (let i = el.dataStart; i < el.dataStart + el.size; ) {
        const child = await cursor.element(i);
        if (child.id === ID.TimestampScale) timestampScale = await cursor.uint(child.dataStart, child.size);
        i = child.dataStart + child.size;
      }
    } else if (el.id === ID.Tracks) {
      for (let t = el.dataStart; t < el.dataStart + el.size; ) {
        const child = await cursor.element(t);
        if (child.id === ID.TrackEntry) tracks.push(await readTrack(cursor, child.dataStart, child.dataStart + child.size));
        t = child.dataStart + child.size;
      }
    }
    if (el.dataStart + el.size > source.size) throw truncated(pos);
    pos = el.dataStart + el.size;
  }
  const video = tracks.find((t) => t.type === 1);
  if (video === undefined) throw new WeftError('UNSUPPORTED_FORMAT', 'the file has no video track');
  if (video.encoded) throw new WeftError('UNSUPPORTED_FORMAT', 'its video track is compressed or encrypted inside the container (ContentEncoding), which the decoder cannot read');
  const own = blocks.filter((b) => b.track === video.number);
  if (own.length === 0) throw damaged('its video track holds no frames');
  if (own.some((b) => Number.isNaN(b.tick))) throw new WeftError('UNSUPPORTED_FORMAT', 'its video blocks use lacing (several frames per block), which face extraction does not read');
  const firstKey = own.find((b) => b.key);
  const { codec, description } = codecOf(video, firstKey === undefined ? null : await source.read(firstKey.offset, 1));
  const times = own.map((b) => Math.round((b.tick * timestampScale) / 1000));
  const frames = frameNumbers(times);
  const samples: CodedSample[] = own.map((b, i) => ({ offset: b.offset, size: b.size, key: b.key, frame: frames[i] ?? null, timeUs: times[i] ?? null }));
  return {
    container: 'webm',
    codec,
    codedWidth: video.width,
    codedHeight: video.height,
    ...(description === undefined ? {} : { description }),
    samples,
    frames: samples.length,
    timing: { doc_type: docType, timestamp_scale_ns: timestampScale, codec_id: video.codecId },
  };
}
