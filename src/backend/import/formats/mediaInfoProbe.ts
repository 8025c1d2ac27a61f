import { open } from 'node:fs/promises';
import mediaInfoFactory, { type MediaInfo } from 'mediainfo.js';
import { WeftError } from '../../../core/errors.js';

/** One track as MediaInfoLib describes it: its field names, values as it gives them. */
export type MediaInfoTrack = Readonly<Record<string, unknown>>;

export interface MediaInfoReport {
  /** "MediaInfoLib 26.05". */
  readonly library: string;
  readonly general: MediaInfoTrack | undefined;
  readonly video: readonly MediaInfoTrack[];
  readonly audio: readonly MediaInfoTrack[];
}

let instance: Promise<MediaInfo<'object'>> | undefined;
/** MediaInfoLib parses one file at a time per instance; analyses queue here. */
let queue: Promise<unknown> = Promise.resolve();

function mediaInfo(): Promise<MediaInfo<'object'>> {
  instance ??= mediaInfoFactory({ format: 'object', full: true, coverData: false });
  return instance;
}

/**
 * Reads a media file's container and track descriptions with MediaInfoLib (mediainfo.js, WASM),
 * chunk by chunk from disk: it seeks to the boxes or elements it needs and never holds the file.
 */
export function probeMediaInfo(path: string, bytes: number): Promise<MediaInfoReport> {
  const run = async (): Promise<MediaInfoReport> => {
    const mi = await mediaInfo();
    const handle = await open(path, 'r');
    try {
      const result = await mi.analyzeData(bytes, async (size, offset) => {
        const buffer = new Uint8Array(Math.max(0, Math.min(size, bytes - offset)));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        return buffer.subarray(0, bytesRead);
      });
      const tracks = (result.media?.track ?? []) as unknown as MediaInfoTrack[];
      const library = `MediaInfoLib ${result.creatingLibrary?.version ?? '(version not reported)'}`;
      return {
        library,
        general: tracks.find((t) => t['@type'] === 'General'),
        video: tracks.filter((t) => t['@type'] === 'Video'),
        audio: tracks.filter((t) => t['@type'] === 'Audio'),
      };
    } catch (error) {
      if (error instanceof WeftError) throw error;
      throw new WeftError('PARSE_ERROR', `${path}: MediaInfoLib could not read the file (${error instanceof Error ? error.message : String(error)})`, {
        location: { file: path },
        cause: error,
      });
    } finally {
      await handle.close();
    }
  };
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}

/** A field as text, or null when MediaInfoLib did not give it. */
export function infoText(track: MediaInfoTrack | undefined, field: string): string | null {
  const value = track?.[field];
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

/** A field as a finite number, or null. */
export function infoNumber(track: MediaInfoTrack | undefined, field: string): number | null {
  const value = track?.[field];
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

/** Fields of MediaInfoLib's `extra` group (Source_Delay, FrameCount_Source, ...). */
export function infoExtra(track: MediaInfoTrack | undefined, field: string): string | null {
  const extra = track?.['extra'];
  if (extra === null || typeof extra !== 'object') return null;
  const value = (extra as Record<string, unknown>)[field];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}
