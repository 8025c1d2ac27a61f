import { BLENDSHAPE_NAMES } from '../face/featureSchema.js';

/**
 * The columns of the file formats Weft defines (docs/formats.md), shared by the importers that
 * read them and everything that writes them (the demo generator, face extraction).
 */

/** Weft face-feature CSV: these leading columns, then the 52 MediaPipe blendshape names. */
export const WEFT_FACE_LEADING_COLUMNS = ['frame', 'media_time_us', 'face_present', 'confidence', 'head_yaw_deg', 'head_pitch_deg', 'head_roll_deg'] as const;
export const WEFT_FACE_COLUMNS: readonly string[] = [...WEFT_FACE_LEADING_COLUMNS, ...BLENDSHAPE_NAMES];

/** Weft annotations CSV; `participant_id` may be left out. */
export const WEFT_ANNOTATION_COLUMNS = ['session_id', 'participant_id', 'tier', 'annotator', 'label', 'start_s', 'end_s', 'note'] as const;
export const WEFT_ANNOTATION_OPTIONAL_COLUMNS: ReadonlySet<string> = new Set(['participant_id', 'note']);

/** Import manifest. */
export const MANIFEST_COLUMNS = ['file', 'format', 'participant_id', 'session_id', 'variant', 'lesson', 'session_start', 'clock_offset_s'] as const;

/** REDCap consent export: one checkbox column per modality, named with REDCap's triple underscore. */
export const CONSENT_CHECKBOX_PREFIX = 'consent_modalities___';
export const CONSENT_REQUIRED_COLUMNS = ['record_id', 'consent_date', 'consent_form_version', 'consent_complete'] as const;
