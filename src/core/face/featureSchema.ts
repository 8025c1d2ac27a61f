/**
 * One face-feature schema for every source: OpenFace action units, iMotions/Affectiva evidence,
 * and MediaPipe blendshapes all land in these columns; a column a source lacks stays NULL.
 */

/** MediaPipe Face Landmarker v2 blendshape categories, in the model's output order. */
export const BLENDSHAPE_NAMES = [
  '_neutral', 'browDownLeft', 'browDownRight', 'browInnerUp', 'browOuterUpLeft', 'browOuterUpRight',
  'cheekPuff', 'cheekSquintLeft', 'cheekSquintRight', 'eyeBlinkLeft', 'eyeBlinkRight', 'eyeLookDownLeft',
  'eyeLookDownRight', 'eyeLookInLeft', 'eyeLookInRight', 'eyeLookOutLeft', 'eyeLookOutRight',
  'eyeLookUpLeft', 'eyeLookUpRight', 'eyeSquintLeft', 'eyeSquintRight', 'eyeWideLeft', 'eyeWideRight',
  'jawForward', 'jawLeft', 'jawOpen', 'jawRight', 'mouthClose', 'mouthDimpleLeft', 'mouthDimpleRight',
  'mouthFrownLeft', 'mouthFrownRight', 'mouthFunnel', 'mouthLeft', 'mouthLowerDownLeft',
  'mouthLowerDownRight', 'mouthPressLeft', 'mouthPressRight', 'mouthPucker', 'mouthRight',
  'mouthRollLower', 'mouthRollUpper', 'mouthShrugLower', 'mouthShrugUpper', 'mouthSmileLeft',
  'mouthSmileRight', 'mouthStretchLeft', 'mouthStretchRight', 'mouthUpperUpLeft', 'mouthUpperUpRight',
  'noseSneerLeft', 'noseSneerRight',
] as const;
export type BlendshapeName = (typeof BLENDSHAPE_NAMES)[number];

/** FACS action units that OpenFace 2.x or Affectiva report, by number. */
export const ACTION_UNITS = [1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 18, 20, 23, 24, 25, 26, 28, 43, 45] as const;
export type ActionUnit = (typeof ACTION_UNITS)[number];

export function snakeCase(camel: string): string {
  return camel.replace(/^_/, '').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export const blendshapeColumn = (name: BlendshapeName): string => `bs_${snakeCase(name)}`;
const auNumber = (au: ActionUnit): string => String(au).padStart(2, '0');
export const auIntensityColumn = (au: ActionUnit): string => `au${auNumber(au)}_intensity`;
export const auPresenceColumn = (au: ActionUnit): string => `au${auNumber(au)}_presence`;

export type FeatureColumnType = 'DOUBLE' | 'BOOLEAN' | 'INTEGER';
export type FeatureGroup = 'quality' | 'pose' | 'gaze' | 'action_unit' | 'blendshape';

export interface FeatureColumn {
  readonly name: string;
  readonly type: FeatureColumnType;
  readonly group: FeatureGroup;
  readonly description: string;
}

const quality: FeatureColumn[] = [
  { name: 'success', type: 'BOOLEAN', group: 'quality', description: 'A face was tracked in this frame; when false every feature is NULL (missing, never zero).' },
  { name: 'confidence', type: 'DOUBLE', group: 'quality', description: 'Tracker confidence in [0, 1].' },
  { name: 'face_count', type: 'INTEGER', group: 'quality', description: 'Faces the tracker found in the frame, where it reports it.' },
];

const pose: FeatureColumn[] = [
  { name: 'head_yaw_deg', type: 'DOUBLE', group: 'pose', description: 'Head rotation about the vertical axis, degrees; positive turns to the camera\'s left.' },
  { name: 'head_pitch_deg', type: 'DOUBLE', group: 'pose', description: 'Head rotation about the horizontal axis, degrees; positive looks down.' },
  { name: 'head_roll_deg', type: 'DOUBLE', group: 'pose', description: 'Head rotation about the camera axis, degrees.' },
  { name: 'head_x_mm', type: 'DOUBLE', group: 'pose', description: 'Head position relative to the camera, millimetres (OpenFace pose_Tx).' },
  { name: 'head_y_mm', type: 'DOUBLE', group: 'pose', description: 'Head position relative to the camera, millimetres (OpenFace pose_Ty).' },
  { name: 'head_z_mm', type: 'DOUBLE', group: 'pose', description: 'Distance from the camera, millimetres (OpenFace pose_Tz).' },
];

const gaze: FeatureColumn[] = [
  { name: 'gaze_angle_x', type: 'DOUBLE', group: 'gaze', description: 'Horizontal gaze angle of both eyes, radians (OpenFace gaze_angle_x).' },
  { name: 'gaze_angle_y', type: 'DOUBLE', group: 'gaze', description: 'Vertical gaze angle of both eyes, radians (OpenFace gaze_angle_y).' },
];

const actionUnits: FeatureColumn[] = ACTION_UNITS.flatMap((au) => [
  { name: auIntensityColumn(au), type: 'DOUBLE', group: 'action_unit', description: `AU${au} intensity on the FACS 0-5 scale (OpenFace AU${auNumber(au)}_r).` },
  { name: auPresenceColumn(au), type: 'DOUBLE', group: 'action_unit', description: `AU${au} presence as a probability in [0, 1] (OpenFace AU${auNumber(au)}_c is 0 or 1).` },
] satisfies FeatureColumn[]);

const blendshapes: FeatureColumn[] = BLENDSHAPE_NAMES.map((name) => ({
  name: blendshapeColumn(name),
  type: 'DOUBLE',
  group: 'blendshape',
  description: `MediaPipe blendshape ${name}, score in [0, 1].`,
}));

export const FACE_FEATURE_COLUMNS: readonly FeatureColumn[] = [...quality, ...pose, ...gaze, ...actionUnits, ...blendshapes];
