import { Log, MP4BoxBuffer, createFile, type Movie, type Sample, type VisualSampleEntry } from 'mp4box';
import { WeftError } from '../../core/errors.js';
import type { ByteSource } from './byteSource.js';
import { frameNumbers, presentationTimes } from './editList.js';
import { readRange, type CodedSample, type VideoIndex } from './videoIndex.js';

/** Top-level boxes holding media data or padding: only their headers are read. */
const PAYLOAD_BOXES = new Set(['mdat', 'free', 'skip', 'wide']);
const BOX_TYPE = /^[\x20-\x7e]{4}$/;
const CONFIG_BOXES = ['avcC', 'hvcC', 'av1C'] as const;

interface LoadedBox {
  readonly type: string;
  readonly start: number;
  readonly bytes: Uint8Array;
}

function damaged(message: string): WeftError {
  return new WeftError('PARSE_ERROR', message);
}

async function readBoxes(source: ByteSource): Promise<LoadedBox[]> {
  const boxes: LoadedBox[] = [];
  for (let pos = 0; pos < source.size; ) {
    const head = await source.read(pos, Math.min(16, source.size - pos));
    if (head.length < 8) throw damaged(`the file ends ${head.length} bytes into a box header at byte ${pos}: it is truncated`);
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const type = String.fromCharCode(...head.subarray(4, 8));
    if (!BOX_TYPE.test(type)) throw damaged(`bytes ${pos}–${pos + 7} are not an MP4 box header: the file is damaged`);
    const size32 = view.getUint32(0);
    let size = size32;
    let headerSize = 8;
    if (size32 === 1) {
      if (head.length < 16) throw damaged(`the file ends inside the 64-bit size of its '${type}' box: it is truncated`);
      size = Number(view.getBigUint64(8));
      headerSize = 16;
    } else if (size32 === 0) {
      size = source.size - pos;
    }
    if (size < headerSize) throw damaged(`its '${type}' box at byte ${pos} declares ${size} bytes, less than its own header: the file is damaged`);
    if (pos + size > source.size) throw damaged(`the file ends inside its '${type}' box (${pos + size - source.size} bytes missing): it is truncated`);
    const bytes = await readRange(source, pos, PAYLOAD_BOXES.has(type) ? headerSize : size, `'${type}' box`);
    boxes.push({ type, start: pos, bytes });
    pos += size;
  }
  return boxes;
}

function parse(boxes: readonly LoadedBox[]): { movie: Movie; file: ReturnType<typeof createFile> } {
  const file = createFile();
  const errors: string[] = [];
  let movie: Movie | undefined;
  file.onReady = (info) => {
    movie = info;
  };
  file.onError = (module, message) => {
    errors.push(`${module}: ${message}`);
  };
  const quiet = Object.getOwnPropertyDescriptors(Log);
  Object.assign(Log, { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined });
  try {
    for (const box of boxes) {
      const copy = box.bytes.slice().buffer;
      file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(copy, box.start));
    }
    file.flush();
  } finally {
    Object.defineProperties(Log, quiet);
  }
  if (errors.length > 0) throw damaged(`its movie header cannot be read (${errors.join('; ')})`);
  if (movie === undefined) throw damaged(`its movie header ('moov' box) cannot be read`);
  return { movie, file };
}

/** The bytes of the codec configuration box inside the movie header, without the box header. */
function configRecord(entry: VisualSampleEntry, boxes: readonly LoadedBox[]): Uint8Array | undefined {
  for (const name of CONFIG_BOXES) {
    const box = entry[name];
    if (box === undefined) continue;
    const start = box.start;
    const holder = start === undefined ? undefined : boxes.find((b) => b.start <= start && start + box.size <= b.start + b.bytes.length);
    if (start === undefined || holder === undefined) throw damaged(`its '${name}' codec configuration cannot be located in the movie header`);
    return holder.bytes.slice(start - holder.start + (box.hdr_size ?? 8), start - holder.start + box.size);
  }
  return undefined;
}

/** Reads an MP4/MOV file's first video track: every sample's place, key flag and media time. */
export async function indexIsoBmff(source: ByteSource): Promise<VideoIndex> {
  const boxes = await readBoxes(source);
  if (!boxes.some((b) => b.type === 'moov')) {
    throw damaged(`the file has no 'moov' box, the index of its frames: the recording was not finalised, or the file is truncated`);
  }
  const { movie, file } = parse(boxes);
  const track = movie.videoTracks[0];
  if (track === undefined) throw new WeftError('UNSUPPORTED_FORMAT', 'the file has no video track');
  const samples: Sample[] = file.getTrackSamplesInfo(track.id);
  if (samples.length === 0) throw damaged('its video track holds no frames');
  const last = samples.reduce((end, s) => Math.max(end, s.offset + s.size), 0);
  if (last > source.size) throw damaged(`its frames reach byte ${last}, past the end of the file (${source.size} bytes): it is truncated`);
  const entry = samples[0]?.description as VisualSampleEntry;
  const edits = (track.edits ?? []).map((e) => ({
    segmentDuration: e.segment_duration,
    mediaTime: e.media_time,
    rate: e.media_rate_integer + e.media_rate_fraction / 65536,
  }));
  const times = presentationTimes(samples.map((s) => s.cts), track.timescale, movie.timescale, edits);
  const frames = frameNumbers(times);
  const coded: CodedSample[] = samples.map((s, i) => ({ offset: s.offset, size: s.size, key: s.is_sync, frame: frames[i] ?? null, timeUs: times[i] ?? null }));
  const description = configRecord(entry, boxes);
  return {
    container: movie.brands[0] === 'qt  ' ? 'mov' : 'mp4',
    codec: track.codec,
    codedWidth: entry.width,
    codedHeight: entry.height,
    ...(description === undefined ? {} : { description }),
    samples: coded,
    frames: coded.filter((s) => s.frame !== null).length,
    timing: { timescale: track.timescale, movie_timescale: movie.timescale, edit_list: track.edits ?? null, fragmented: movie.isFragmented },
  };
}
