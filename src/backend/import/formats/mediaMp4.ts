import type { Importer, ParseContext } from '../types.js';
import { readIsoBmff } from './mediaIsoBmff.js';
import { installedVersion } from '../../packageVersion.js';
import { registerMedia } from './mediaRegister.js';

/** Major brands of ISO base media files that hold still images, not recordings (HEIF, AVIF). */
const IMAGE_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1', 'avif', 'avis']);

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

/**
 * MP4 and QuickTime recordings (ISO base media files, fragmented or not), registered by
 * reference with their timing read by mp4box.js and their description by MediaInfoLib.
 */
export const mp4Video: Importer = {
  format: 'mp4',
  title: 'MP4 or QuickTime video (registered by reference)',
  phase: 'data',

  detect(file) {
    if (file.head.length < 12 || ascii(file.head, 4, 8) !== 'ftyp') return 0;
    return IMAGE_BRANDS.has(ascii(file.head, 8, 12)) ? 0 : 1;
  },

  async parse(ctx: ParseContext) {
    const layout = await readIsoBmff(ctx.file.path, ctx.file.bytes, (bytesRead) => ctx.sink.progress(bytesRead));
    await registerMedia(ctx, { format: 'mp4', readers: [`mp4box.js ${installedVersion('mp4box')}`], layout });
  },
};
