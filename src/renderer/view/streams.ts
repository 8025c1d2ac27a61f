import type { StreamKind } from '../../core/study/modalities.js';
import { STREAM_KINDS } from '../../core/study/modalities.js';

export const STREAM_KIND_LABELS: Record<StreamKind, string> = {
  interaction_log: 'Tutor log',
  segments: 'Segments',
  face_features: 'Face features',
  face_landmarks: 'Face landmarks',
  gaze: 'Gaze samples',
  fixations: 'Fixations',
  saccades: 'Saccades',
  blinks: 'Blinks',
  eye_markers: 'Eye-tracker events',
  video: 'Video',
  audio: 'Audio',
};

/** Okabe–Ito hues, told apart with the common colour-vision deficiencies; related kinds share a family. */
export const STREAM_KIND_COLORS: Record<StreamKind, string> = {
  interaction_log: '#0072B2',
  segments: '#56B4E9',
  face_features: '#D55E00',
  face_landmarks: '#E69F00',
  gaze: '#009E73',
  fixations: '#2CA58D',
  saccades: '#7FC8A9',
  blinks: '#999933',
  eye_markers: '#117733',
  video: '#CC79A7',
  audio: '#882255',
};

export function streamKindLabel(kind: StreamKind): string {
  return STREAM_KIND_LABELS[kind];
}

/** Weft's canonical kind order (tutor logs first, media last), for stable listings and legends. */
export function compareStreamKinds(a: StreamKind, b: StreamKind): number {
  return STREAM_KINDS.indexOf(a) - STREAM_KINDS.indexOf(b);
}
