import type { Importer } from '../types.js';
import { EYE_TRACKING_IMPORTERS } from './families/eyeTracking.js';
import { FACE_FEATURE_IMPORTERS } from './families/faceFeatures.js';
import { INTERACTION_LOG_IMPORTERS } from './families/interactionLogs.js';
import { MEDIA_IMPORTERS } from './families/media.js';
import { STUDY_RECORD_IMPORTERS } from './families/studyRecords.js';

/** Every format `weft import` understands. Detection asks each; the surest wins. */
export const IMPORTERS: readonly Importer[] = [
  ...STUDY_RECORD_IMPORTERS,
  ...INTERACTION_LOG_IMPORTERS,
  ...FACE_FEATURE_IMPORTERS,
  ...EYE_TRACKING_IMPORTERS,
  ...MEDIA_IMPORTERS,
];
