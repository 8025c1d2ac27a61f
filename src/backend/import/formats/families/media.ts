import type { Importer } from '../../types.js';

/** Recordings registered by reference: video and audio files. */
export const MEDIA_IMPORTERS: readonly Importer[] = [];
