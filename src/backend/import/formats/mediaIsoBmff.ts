import { open, type FileHandle } from 'node:fs/promises';
import { Log, MP4BoxBuffer, createFile, type Movie, type Sample } from 'mp4box';
import { WeftError } from '../../../core/errors.js';
import { EditListError, presentation, type EditEntry, type Presentation } from './mediaEditList.js';
import type { MediaTrack, MediaLayout } from './mediaTracks.js';

/**
 * Only a media data box's header is read; mp4box.js skips an incomplete 'mdat' but waits for
 * the rest of any other box, so every other top-level box is read whole (they are indexes and
 * padding, megabytes at most, unless the file is damaged).
 */
const MEDIA_DATA = 'mdat';
const LARGEST_INDEX_BOX = 512 * 1024 * 1024;
const BOX_TYPE = /^[\x20-\x7e]{4}$/;

interface BoxHeader {
  readonly type: string;
  readonly start: number;
  readonly size: number;
  readonly headerSize: number;
}

function damaged(path: string, message: string, field?: string): WeftError {
  return new WeftError('PARSE_ERROR', `${path}: ${message}`, { location: { file: path, ...(field === undefined ? {} : { field }) } });
}

async function readHeader(path: string, handle: FileHandle, start: number, fileBytes: number): Promise<BoxHeader> {
  const head = Buffer.alloc(16);
  const { bytesRead } = await handle.read(head, 0, Math.min(16, fileBytes - start), start);
  if (bytesRead < 8) {
    throw damaged(path, `the file ends ${bytesRead} byte${bytesRead === 1 ? '' : 's'} into a box header at byte ${start}: it is truncated`);
  }
  const type = head.toString('latin1', 4, 8);
  if (!BOX_TYPE.test(type)) {
    throw damaged(path, `bytes ${start}–${start + 7} are not an MP4 box header (type ${JSON.stringify(type)}): the file is damaged`);
  }
  const size32 = head.readUInt32BE(0);
  let size = size32;
  let headerSize = 8;
  if (size32 === 1) {
    if (bytesRead < 16) throw damaged(path, `the file ends inside the 64-bit size of its '${type}' box at byte ${start}: it is truncated`, type);
    size = Number(head.readBigUInt64BE(8));
    headerSize = 16;
  } else if (size32 === 0) {
    size = fileBytes - start;
  }
  if (size < headerSize) throw damaged(path, `its '${type}' box at byte ${start} declares ${size} bytes, less than its own header: the file is damaged`, type);
  if (start + size > fileBytes) {
    throw damaged(
      path,
      `the file ends inside its '${type}' box: the box starts at byte ${start} and declares ${size} bytes, but only ${fileBytes - start} remain. The file is truncated (a recording cut off before it was finalised, or an incomplete copy)`,
      type,
    );
  }
  return { type, start, size, headerSize };
}

/** mp4box.js parses from buffers stamped with their file offset. */
async function readBoxes(path: string, bytes: number, progress: (bytesRead: number) => void): Promise<{ buffers: MP4BoxBuffer[]; boxes: BoxHeader[] }> {
  const handle = await open(path, 'r');
  try {
    const buffers: MP4BoxBuffer[] = [];
    const boxes: BoxHeader[] = [];
    for (let pos = 0; pos < bytes; ) {
      const box = await readHeader(path, handle, pos, bytes);
      boxes.push(box);
      if (box.type !== MEDIA_DATA && box.size > LARGEST_INDEX_BOX) {
        throw damaged(path, `its '${box.type}' box at byte ${box.start} declares ${box.size} bytes; boxes other than media data are never that large, so the file is damaged`, box.type);
      }
      const length = box.type === MEDIA_DATA ? box.headerSize : box.size;
      const data = new ArrayBuffer(length);
      await handle.read(new Uint8Array(data), 0, length, pos);
      buffers.push(MP4BoxBuffer.fromArrayBuffer(data, pos));
      pos += box.size;
      progress(pos);
    }
    return { buffers, boxes };
  } finally {
    await handle.close();
  }
}

/**
 * Runs mp4box.js over the boxes. It is synchronous once the boxes are in memory, so its
 * console logger can be borrowed for the duration: its messages become provenance, not noise.
 */
function parseMovie(path: string, buffers: readonly MP4BoxBuffer[]): { movie: Movie; samples: (id: number) => Sample[]; messages: string[] } {
  const file = createFile();
  const messages: string[] = [];
  const errors: string[] = [];
  let movie: Movie | undefined;
  file.onReady = (info) => {
    movie = info;
  };
  file.onError = (module, message) => {
    errors.push(`${module}: ${message}`);
  };
  const logger = Object.getOwnPropertyDescriptors(Log);
  const collect = (module: string, msg?: string): void => {
    messages.push(`${module}: ${msg ?? ''}`);
  };
  Object.assign(Log, { error: collect, warn: collect });
  try {
    for (const buffer of buffers) file.appendBuffer(buffer);
    file.flush();
  } finally {
    Object.defineProperties(Log, { error: logger.error, warn: logger.warn } as PropertyDescriptorMap);
  }
  if (errors.length > 0) throw damaged(path, `mp4box.js could not read the movie header (${errors.join('; ')})`, 'moov');
  if (movie === undefined) throw damaged(path, `mp4box.js could not read the movie header ('moov' box)`, 'moov');
  return { movie, samples: (id) => file.getTrackSamplesInfo(id), messages };
}

function editsOf(track: Movie['tracks'][number]): EditEntry[] {
  return (track.edits ?? []).map((e) => ({
    segmentDuration: e.segment_duration,
    mediaTime: e.media_time,
    rateInteger: e.media_rate_integer,
    rateFraction: e.media_rate_fraction,
  }));
}

function trackTiming(path: string, track: Movie['tracks'][number], movie: Movie, samples: readonly Sample[]): Presentation {
  try {
    return presentation(samples, track.timescale, movie.timescale, editsOf(track), track.type === 'audio');
  } catch (error) {
    if (error instanceof EditListError) throw damaged(path, `track ${track.id}: ${error.message}`, 'elst');
    throw error;
  }
}

/**
 * Reads an ISO base media file (MP4, QuickTime MOV, fragmented MP4) with mp4box.js: tracks,
 * codecs, every sample's composition time and the edit lists, without reading the media data.
 * A file whose frames lie past its end, or whose index is missing, is refused as truncated.
 */
export async function readIsoBmff(path: string, bytes: number, progress: (bytesRead: number) => void): Promise<MediaLayout> {
  const { buffers, boxes } = await readBoxes(path, bytes, progress);
  if (!boxes.some((b) => b.type === 'moov')) {
    const mdat = boxes.find((b) => b.type === 'mdat');
    throw damaged(
      path,
      `the file has no 'moov' box, the index that says where each frame is${mdat === undefined ? '' : ` (its ${mdat.size}-byte 'mdat' media data is there)`}: the recording was not finalised, or the file is truncated. FFmpeg cannot repair this either without a reference recording from the same camera`,
      'moov',
    );
  }
  const { movie, samples, messages } = parseMovie(path, buffers);
  const tracks: MediaTrack[] = [];
  for (const track of movie.tracks) {
    const kind = track.type === 'video' || track.type === 'audio' ? track.type : null;
    if (kind === null) continue;
    const list = samples(track.id);
    let lastByte = 0;
    let lastSample = 0;
    for (const s of list) {
      if (s.offset + s.size > lastByte) {
        lastByte = s.offset + s.size;
        lastSample = s.number + 1;
      }
    }
    if (lastByte > bytes) {
      throw damaged(
        path,
        `sample ${lastSample} of ${list.length} of its ${kind} track (track ${track.id}) ends at byte ${lastByte}, past the end of the file (${bytes} bytes): the file is truncated`,
        'mdat',
      );
    }
    const timing = trackTiming(path, track, movie, list);
    tracks.push({
      kind,
      id: track.id,
      codec: track.codec,
      width: kind === 'video' ? (track.video?.width ?? track.track_width) : null,
      height: kind === 'video' ? (track.video?.height ?? track.track_height) : null,
      frames: timing.frames,
      framesInFile: list.length,
      firstUs: timing.firstUs,
      endUs: timing.endUs,
      timing: {
        timescale: track.timescale,
        edit_list: track.edits === undefined ? null : editsOf(track),
        samples_hidden_by_edit_list: timing.hiddenSamples,
        first_sample_cts: list.reduce((min, s) => Math.min(min, s.cts), Number.POSITIVE_INFINITY),
      },
    });
  }
  const major = movie.brands[0] ?? '';
  return {
    container: major === 'qt  ' ? 'mov' : 'mp4',
    tracks,
    details: {
      brands: [...new Set(movie.brands)],
      movie_timescale: movie.timescale,
      fragmented: movie.isFragmented,
      top_level_boxes: boxes.map((b) => b.type),
      ...(messages.length === 0 ? {} : { parser_messages: messages }),
    },
  };
}
