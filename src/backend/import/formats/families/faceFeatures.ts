import type { Importer } from '../../types.js';
import { iMotionsTxt } from '../iMotionsTxt.js';
import { openFaceCsv } from '../openFaceCsv.js';
import { weftFaceCsv } from '../weftFaceCsv.js';

/** Face-feature exports: OpenFace, iMotions/Affectiva, Weft's own MediaPipe output. */
export const FACE_FEATURE_IMPORTERS: readonly Importer[] = [weftFaceCsv, openFaceCsv, iMotionsTxt];
