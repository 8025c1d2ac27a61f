import { accessSync, constants, existsSync } from 'node:fs';
import { basename, delimiter, dirname, extname, join } from 'node:path';

/**
 * Codecs Weft's player and face extraction can decode: what Chromium plays without proprietary
 * codec packs (H.264, VP8, VP9, AV1 video; AAC, MP3, Opus, Vorbis, FLAC audio). MP4 codecs are
 * RFC 6381 strings (their part before the first dot), WebM codecs Matroska CodecIDs.
 */
const PLAYABLE_VIDEO = new Set(['avc1', 'avc3', 'vp08', 'vp09', 'av01', 'v_vp8', 'v_vp9', 'v_av1']);
const PLAYABLE_AUDIO = new Set(['mp4a.40', 'mp4a.69', 'mp4a.6b', 'mp3', 'opus', 'flac', 'a_opus', 'a_vorbis']);

/** "avc1.640015" → "avc1"; "mp4a.40.2" → "mp4a.40" (the object type says which audio codec it is). */
function family(codec: string): string {
  const parts = codec.toLowerCase().split('.');
  return parts[0] === 'mp4a' ? parts.slice(0, 2).join('.') : (parts[0] ?? '');
}

export function isPlayableVideo(codec: string): boolean {
  return PLAYABLE_VIDEO.has(family(codec));
}

export function isPlayableAudio(codec: string): boolean {
  return PLAYABLE_AUDIO.has(family(codec));
}

function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `"${path.replace(/(["\\$`])/g, '\\$1')}"`;
}

/** A file name beside the original that does not exist yet: converting never overwrites anything. */
export function conversionTarget(path: string): string {
  const dir = dirname(path);
  const stem = basename(path, extname(path));
  const candidates = [`${stem}.mp4`, `${stem}.weft.mp4`, ...Array.from({ length: 98 }, (_, i) => `${stem}.weft-${i + 2}.mp4`)];
  const free = candidates.map((name) => join(dir, name)).find((candidate) => candidate !== path && !existsSync(candidate));
  return free ?? join(dir, `${stem}.weft-${Date.now()}.mp4`);
}

function onPath(program: string): string | null {
  const names = process.platform === 'win32' ? [`${program}.exe`, program] : [program];
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const name of names) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where FFmpeg is: the WEFT_FFMPEG environment variable when it is set, else the PATH. */
export interface FfmpegLocation {
  readonly path: string | null;
  /** Where Weft looked, for messages. */
  readonly lookedIn: string;
}

export function locateFfmpeg(): FfmpegLocation {
  const configured = process.env['WEFT_FFMPEG'];
  if (configured !== undefined && configured !== '') {
    return { path: isExecutable(configured) ? configured : null, lookedIn: `at WEFT_FFMPEG=${configured}` };
  }
  return { path: onPath('ffmpeg'), lookedIn: 'on this PATH' };
}

/**
 * What a conversion asks of FFmpeg, after its input: `-fps_mode passthrough` keeps each frame's
 * timestamp (no frames dropped or duplicated to fit a constant rate); CRF 18 is visually lossless.
 */
export const CONVERSION_ARGS: readonly string[] = [
  '-map', '0:v:0', '-map', '0:a:0?', '-c:v', 'libx264', '-crf', '18', '-pix_fmt', 'yuv420p', '-fps_mode', 'passthrough', '-c:a', 'aac', '-movflags', '+faststart',
];

/**
 * How to turn a file Weft cannot play into one it can, keeping every frame's time; the edit list
 * is applied, and `-n` refuses to overwrite an existing file.
 */
export function conversionAdvice(path: string): string {
  const target = conversionTarget(path);
  const command = `ffmpeg -n -i ${shellQuote(path)} ${CONVERSION_ARGS.join(' ')} ${shellQuote(target)}`;
  const ffmpeg = locateFfmpeg();
  const where = ffmpeg.path === null ? `FFmpeg (ffmpeg.org; not found ${ffmpeg.lookedIn})` : `FFmpeg (found at ${ffmpeg.path})`;
  return `Convert it to MP4/H.264 with ${where}, which keeps every frame's timing, then import the MP4 (the original stays as it is):\n  ${command}`;
}
