import type { Importer } from '../../types.js';
import { legacyVideo } from '../mediaLegacy.js';
import { mp4Video } from '../mediaMp4.js';
import { webmVideo } from '../mediaWebm.js';

/** Recordings registered by reference: video and audio files. */
export const MEDIA_IMPORTERS: readonly Importer[] = [mp4Video, webmVideo, legacyVideo];
