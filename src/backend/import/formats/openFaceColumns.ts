import { ACTION_UNITS, auIntensityColumn, auPresenceColumn, type ActionUnit } from '../../../core/face/featureSchema.js';
import { signalName } from './signalName.js';

/**
 * The columns OpenFace's FeatureExtraction writes (github.com/TadasBaltrusaitis/OpenFace,
 * lib/local/Utilities/src/RecorderCSV.cpp, and the "Output Format" wiki page), and what Weft
 * does with each.
 */

/** Action units OpenFace 2.x estimates an intensity for (`AUxx_r`), in the order it writes them. */
export const OPENFACE_INTENSITY_AUS = [1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 25, 26, 45] as const satisfies readonly ActionUnit[];
/** Action units OpenFace 2.x classifies as present or absent (`AUxx_c`): the same and AU28. */
export const OPENFACE_PRESENCE_AUS = [1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 25, 26, 28, 45] as const satisfies readonly ActionUnit[];

export const OPENFACE_FACE_LANDMARKS = 68;
export const OPENFACE_EYE_LANDMARKS = 56;
export const OPENFACE_PDM_MODES = 34;

const auName = (au: number): string => `AU${String(au).padStart(2, '0')}`;
const series = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

/**
 * Every column of an OpenFace 2.2 FeatureExtraction CSV written with all outputs on (the
 * default), in file order: 714 of them.
 */
export function openFace22Columns(): string[] {
  return [
    'frame', 'face_id', 'timestamp', 'confidence', 'success',
    'gaze_0_x', 'gaze_0_y', 'gaze_0_z', 'gaze_1_x', 'gaze_1_y', 'gaze_1_z', 'gaze_angle_x', 'gaze_angle_y',
    ...series('eye_lmk_x_', OPENFACE_EYE_LANDMARKS), ...series('eye_lmk_y_', OPENFACE_EYE_LANDMARKS),
    ...series('eye_lmk_X_', OPENFACE_EYE_LANDMARKS), ...series('eye_lmk_Y_', OPENFACE_EYE_LANDMARKS), ...series('eye_lmk_Z_', OPENFACE_EYE_LANDMARKS),
    'pose_Tx', 'pose_Ty', 'pose_Tz', 'pose_Rx', 'pose_Ry', 'pose_Rz',
    ...series('x_', OPENFACE_FACE_LANDMARKS), ...series('y_', OPENFACE_FACE_LANDMARKS),
    ...series('X_', OPENFACE_FACE_LANDMARKS), ...series('Y_', OPENFACE_FACE_LANDMARKS), ...series('Z_', OPENFACE_FACE_LANDMARKS),
    'p_scale', 'p_rx', 'p_ry', 'p_rz', 'p_tx', 'p_ty', ...series('p_', OPENFACE_PDM_MODES),
    ...OPENFACE_INTENSITY_AUS.map((au) => `${auName(au)}_r`),
    ...OPENFACE_PRESENCE_AUS.map((au) => `${auName(au)}_c`),
  ];
}

/**
 * Landmarks and the shape model's parameters describe the geometry of a person's face: they are
 * biometric, fall under the separate `face_landmarks` consent, and are never read here.
 */
export const OPENFACE_LANDMARK_COLUMN = /^(?:eye_lmk_[xyXYZ]_\d+|[xyXYZ]_\d+|p_(?:scale|rx|ry|rz|tx|ty|\d+))$/;

const RADIANS_TO_DEGREES = 180 / Math.PI;

/** What one OpenFace column becomes in Weft. */
export type OpenFaceRole =
  | { readonly kind: 'frame' | 'face_id' | 'timestamp' | 'success' }
  | { readonly kind: 'feature'; readonly feature: string; readonly scale: number }
  | { readonly kind: 'signal'; readonly signal: string }
  | { readonly kind: 'landmark' };

const FIXED: Record<string, OpenFaceRole> = {
  frame: { kind: 'frame' },
  face_id: { kind: 'face_id' },
  timestamp: { kind: 'timestamp' },
  success: { kind: 'success' },
  confidence: { kind: 'feature', feature: 'confidence', scale: 1 },
  gaze_angle_x: { kind: 'feature', feature: 'gaze_angle_x', scale: 1 },
  gaze_angle_y: { kind: 'feature', feature: 'gaze_angle_y', scale: 1 },
  pose_Tx: { kind: 'feature', feature: 'head_x_mm', scale: 1 },
  pose_Ty: { kind: 'feature', feature: 'head_y_mm', scale: 1 },
  pose_Tz: { kind: 'feature', feature: 'head_z_mm', scale: 1 },
  pose_Rx: { kind: 'feature', feature: 'head_pitch_deg', scale: RADIANS_TO_DEGREES },
  pose_Ry: { kind: 'feature', feature: 'head_yaw_deg', scale: RADIANS_TO_DEGREES },
  pose_Rz: { kind: 'feature', feature: 'head_roll_deg', scale: RADIANS_TO_DEGREES },
};

const AU_COLUMN = /^AU(\d{2})_([rc])$/;
const isActionUnit = (n: number): n is ActionUnit => (ACTION_UNITS as readonly number[]).includes(n);

/** The role of a column by its (trimmed) name; columns Weft has no view column for become signals. */
export function openFaceRole(column: string): OpenFaceRole {
  const fixed = FIXED[column];
  if (fixed !== undefined) return fixed;
  if (OPENFACE_LANDMARK_COLUMN.test(column)) return { kind: 'landmark' };
  const au = AU_COLUMN.exec(column);
  const unit = Number(au?.[1]);
  if (au !== null && isActionUnit(unit)) {
    return { kind: 'feature', feature: au[2] === 'r' ? auIntensityColumn(unit) : auPresenceColumn(unit), scale: 1 };
  }
  return { kind: 'signal', signal: signalName(column, { splitCamelCase: true }) };
}
