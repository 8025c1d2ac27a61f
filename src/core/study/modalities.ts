/**
 * What a participant consents to. Each stream kind belongs to exactly one modality, and the
 * ingest gate refuses a stream whose modality the participant has not granted.
 */
export const MODALITIES = [
  'video',
  'audio',
  'face_features',
  'face_landmarks',
  'gaze',
  'interaction_logs',
  'demographics',
  'affect_inferences',
] as const;
export type Modality = (typeof MODALITIES)[number];

export const MODALITY_LABELS: Record<Modality, string> = {
  video: 'Video',
  audio: 'Audio',
  face_features: 'Face features',
  face_landmarks: 'Face landmarks',
  gaze: 'Eye tracking',
  interaction_logs: 'Interaction logs',
  demographics: 'Demographics',
  affect_inferences: 'Affect inferences',
};

export const STREAM_KINDS = [
  'interaction_log',
  'segments',
  'face_features',
  'face_landmarks',
  'gaze',
  'fixations',
  'saccades',
  'blinks',
  'eye_markers',
  'video',
  'audio',
] as const;
export type StreamKind = (typeof STREAM_KINDS)[number];

export const STREAM_KIND_MODALITY: Record<StreamKind, Modality> = {
  interaction_log: 'interaction_logs',
  segments: 'interaction_logs',
  face_features: 'face_features',
  face_landmarks: 'face_landmarks',
  gaze: 'gaze',
  fixations: 'gaze',
  saccades: 'gaze',
  blinks: 'gaze',
  eye_markers: 'gaze',
  video: 'video',
  audio: 'audio',
};

export function isModality(value: string): value is Modality {
  return (MODALITIES as readonly string[]).includes(value);
}

export function isStreamKind(value: string): value is StreamKind {
  return (STREAM_KINDS as readonly string[]).includes(value);
}
