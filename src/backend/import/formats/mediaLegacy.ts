import { WeftError } from '../../../core/errors.js';
import type { Importer, ParseContext } from '../types.js';
import { conversionAdvice } from './mediaCodecs.js';
import { convertOrRefuse } from './mediaConvert.js';
import { infoNumber, infoText, probeMediaInfo } from './mediaInfoProbe.js';

const ASF_GUID = [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11];

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

/**
 * AVI and Windows Media (ASF/WMV) recordings: recognised by their signature and, because Chromium,
 * which plays and decodes Weft's recordings, reads neither container, converted to MP4 when FFmpeg
 * is there, or else described with MediaInfoLib and refused with the FFmpeg command that converts them.
 */
export const legacyVideo: Importer = {
  format: 'avi-wmv',
  title: 'AVI or Windows Media video (converted to MP4 with FFmpeg, refused without it)',
  phase: 'data',

  detect(file) {
    if (ascii(file.head, 0, 4) === 'RIFF' && ascii(file.head, 8, 12) === 'AVI ') return 1;
    return ASF_GUID.every((b, i) => file.head[i] === b) ? 1 : 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const info = await probeMediaInfo(path, ctx.file.bytes);
    const container = infoText(info.general, 'Format') ?? (ascii(ctx.file.head, 0, 4) === 'RIFF' ? 'AVI' : 'Windows Media');
    const video = info.video[0];
    const facts = [
      infoText(video, 'Format') === null ? null : `${infoText(video, 'Format')} video`,
      infoNumber(video, 'Width') === null ? null : `${infoNumber(video, 'Width')}×${infoNumber(video, 'Height')}`,
      infoNumber(video, 'FrameRate') === null ? null : `${infoNumber(video, 'FrameRate')} frames/s`,
      infoNumber(info.general, 'Duration') === null ? null : `${infoNumber(info.general, 'Duration')} s`,
    ].filter((f) => f !== null);
    await convertOrRefuse(
      ctx,
      container,
      () =>
        new WeftError(
          'UNSUPPORTED_FORMAT',
          `${path} is ${container === 'AVI' ? 'an AVI' : `a ${container}`} recording${facts.length === 0 ? '' : ` (${facts.join(', ')})`}, a container Weft's player (Chromium) cannot read. ${conversionAdvice(path)}`,
          { location: { file: path, field: 'container' } },
        ),
    );
  },
};
