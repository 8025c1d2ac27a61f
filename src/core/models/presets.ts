import { blendshapeColumn, type BlendshapeName } from '../face/featureSchema.js';
import { COUNT_COLUMN, feature, type FeatureSpec } from './features.js';
import type { Coverage } from './windows.js';

/**
 * Ready-made feature sets. Face: MediaPipe blendshapes that stand in for the action units the
 * literature ties to confusion (AU4 brow lowerer, AU7 lid tightener) and frustration (AU1/AU2
 * brow raisers, AU14 dimpler, AU15 lip corner depressor, AU24 lip presser). Log: the canonical
 * interaction features of sensor-free detectors (Baker et al.), aggregated per window.
 */
const FACE_BLENDSHAPES: readonly BlendshapeName[] = [
  'browDownLeft', 'browDownRight', 'eyeSquintLeft', 'eyeSquintRight', 'browInnerUp', 'browOuterUpLeft', 'browOuterUpRight',
  'mouthDimpleLeft', 'mouthDimpleRight', 'mouthFrownLeft', 'mouthFrownRight', 'mouthPressLeft', 'mouthPressRight',
];

export const FACE_BLENDSHAPE_FEATURES: readonly FeatureSpec[] = FACE_BLENDSHAPES.map((name) => feature('face_frames', blendshapeColumn(name), 'mean'));

/** OpenFace/Affectiva action-unit intensities used by literature-derived face priors. */
export const FACE_AU_FEATURES: readonly FeatureSpec[] = ['au04_intensity', 'au07_intensity', 'au01_intensity', 'au02_intensity', 'au14_intensity'].map((c) =>
  feature('face_frames', c, 'mean'),
);

export const LOG_FEATURES: readonly FeatureSpec[] = [
  feature('interaction_features', COUNT_COLUMN, 'count'),
  feature('interaction_features', 'correct', 'mean'),
  feature('interaction_features', 'help_request', 'mean'),
  feature('interaction_features', 'wrong_past5', 'mean'),
  feature('interaction_features', 'help_past5', 'mean'),
  feature('interaction_features', 'consecutive_errors', 'max'),
  feature('interaction_features', 'hints_on_step', 'mean'),
  feature('interaction_features', 'attempt', 'mean'),
  feature('interaction_features', 'duration_us', 'mean'),
];

/** A webcam at 30 frames per second; a window needs the face tracked in half of its frames. */
export const FACE_COVERAGE: Coverage = { sample_rate_hz: 30, min_valid_fraction: 0.5 };

export const FEATURE_PRESETS = {
  face: { features: FACE_BLENDSHAPE_FEATURES, coverage: { face_frames: FACE_COVERAGE } },
  log: { features: LOG_FEATURES, coverage: {} },
  fusion: { features: [...FACE_BLENDSHAPE_FEATURES, ...LOG_FEATURES], coverage: { face_frames: FACE_COVERAGE } },
} as const;
export type FeaturePreset = keyof typeof FEATURE_PRESETS;

/** BROMP's affective states as the two outputs Weft's detectors give. */
export const BROMP_TARGETS = [
  { output: 'confusion', positive: ['CONFUSED'] },
  { output: 'frustration', positive: ['FRUSTRATED'] },
] as const;

export const OUTPUT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  confusion: 'Probability that the learner is confused in the window.',
  frustration: 'Probability that the learner is frustrated in the window.',
};
