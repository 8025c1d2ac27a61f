import { WeftError } from '../../../core/errors.js';
import type { Importer, ParseContext } from '../types.js';
import { conversionAdvice } from './mediaCodecs.js';
import { convertOrRefuse } from './mediaConvert.js';
import { MatroskaReader, matroskaLayout } from './mediaMatroska.js';
import { registerMedia } from './mediaRegister.js';

const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];
/** DocType element id and the length byte of a short string, as they appear in the EBML header. */
const DOC_TYPE = /\x42\x82[\x80-\x8f](webm|matroska)/;

/**
 * WebM recordings (MediaRecorder's, FFmpeg's), registered by reference: the EBML structure is
 * walked block by block so that frame counts and times are what the file holds, not duration ×
 * frame rate. Matroska (.mkv) files share the signature: they are converted to MP4 when FFmpeg is
 * there, and refused with conversion advice when it is not.
 */
export const webmVideo: Importer = {
  format: 'webm',
  title: 'WebM video (registered by reference)',
  phase: 'data',

  detect(file) {
    if (!EBML_MAGIC.every((b, i) => file.head[i] === b)) return 0;
    const docType = DOC_TYPE.exec(String.fromCharCode(...file.head.subarray(0, 64)))?.[1];
    return docType === undefined ? 0.5 : 1;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const reader = await MatroskaReader.open(path, ctx.file.bytes);
    try {
      const header = await reader.readHeader();
      if (header.docType !== 'webm') {
        const refusal = (): WeftError =>
          new WeftError(
            'UNSUPPORTED_FORMAT',
            `${path} is a Matroska file (DocType "${header.docType}"), not WebM: Weft's player (Chromium) plays WebM and MP4. ${conversionAdvice(path)}`,
            { location: { file: path, field: 'DocType' } },
          );
        await convertOrRefuse(ctx, `Matroska (DocType "${header.docType}")`, refusal);
        return;
      }
      const full = await reader.readFrames((bytesRead) => ctx.sink.progress(bytesRead));
      await registerMedia(ctx, { format: 'webm', readers: ["Weft's EBML block reader (src/backend/import/formats/mediaMatroska.ts)"], layout: matroskaLayout(full) });
    } finally {
      await reader.close();
    }
  },
};
