import { FACE_FEATURE_COLUMNS } from '../../../core/face/featureSchema.js';
import { openFaceRole, type OpenFaceRole } from './openFaceColumns.js';
import { recordError, type Header } from './tabular.js';

/** A column Weft reads, and where its value lands. */
export interface OpenFaceSlot {
  readonly column: string;
  readonly index: number;
  readonly role: Exclude<OpenFaceRole, { kind: 'landmark' }>;
}

export interface OpenFaceLayout {
  /** 'OpenFace 2.x' when the file has face_id (FeatureExtraction and FaceLandmarkVidMulti 2.x write it). */
  readonly version: 'OpenFace 1.x' | 'OpenFace 2.x';
  readonly width: number;
  /** For each column, its slot in `slots`, or -1 for columns not read. */
  readonly slotOfColumn: Int32Array;
  readonly slots: readonly OpenFaceSlot[];
  readonly frame: number;
  readonly faceId: number | undefined;
  readonly timestamp: number;
  readonly success: number;
  /** Slot, index into FACE_FEATURE_COLUMNS, and the factor that converts the unit. */
  readonly features: readonly { readonly slot: number; readonly feature: number; readonly scale: number }[];
  readonly signals: readonly { readonly slot: number; readonly name: string; readonly column: string }[];
  /** Names of the landmark and shape-model columns that were stepped over. */
  readonly landmarkColumns: readonly string[];
}

const REQUIRED = ['frame', 'timestamp', 'confidence', 'success'] as const;

/** Which column goes where; a header without OpenFace's own columns is refused, naming what is missing. */
export function openFaceLayout(path: string, header: Header): OpenFaceLayout {
  for (const name of REQUIRED) {
    if (!header.has(name)) {
      throw recordError(path, header.record, `no "${name}" column: this is not an OpenFace FeatureExtraction CSV (it needs ${REQUIRED.join(', ')}; is it comma-separated?)`, 0);
    }
  }
  const slots: OpenFaceSlot[] = [];
  const slotOfColumn = new Int32Array(header.width).fill(-1);
  const landmarkColumns: string[] = [];
  const seen = new Map<string, number>();
  header.record.fields.forEach((raw, index) => {
    const column = raw.trim();
    if (column === '') return;
    const role = openFaceRole(column);
    if (role.kind === 'landmark') {
      landmarkColumns.push(column);
      return;
    }
    if (seen.has(column)) throw recordError(path, header.record, `column "${column}" appears twice in the header (first as column ${(seen.get(column) ?? 0) + 1})`, index);
    seen.set(column, index);
    slotOfColumn[index] = slots.length;
    slots.push({ column, index, role });
  });
  const slotOf = (kind: OpenFaceSlot['role']['kind']): number | undefined => {
    const found = slots.findIndex((s) => s.role.kind === kind);
    return found < 0 ? undefined : found;
  };
  const required = (kind: 'frame' | 'timestamp' | 'success'): number => slotOf(kind) as number;
  const faceId = slotOf('face_id');
  return {
    version: faceId === undefined ? 'OpenFace 1.x' : 'OpenFace 2.x',
    width: header.width,
    slotOfColumn,
    slots,
    frame: required('frame'),
    faceId,
    timestamp: required('timestamp'),
    success: required('success'),
    features: slots.flatMap((s, slot) =>
      s.role.kind === 'feature' ? [{ slot, feature: FACE_FEATURE_COLUMNS.findIndex((c) => c.name === (s.role as { feature: string }).feature), scale: s.role.scale }] : [],
    ),
    signals: slots.flatMap((s, slot) => (s.role.kind === 'signal' ? [{ slot, name: s.role.signal, column: s.column }] : [])),
    landmarkColumns,
  };
}

const HEAD_POSE =
  "pose_Rx, pose_Ry and pose_Rz are radians about the camera's x (right), y (down) and z (forward) axes; stored × 180/π as head_pitch_deg = pose_Rx (positive looks down), " +
  "head_yaw_deg = pose_Ry (positive turns to the camera's left, the person's right) and head_roll_deg = pose_Rz (positive turns the face clockwise in the camera image, toward the person's left shoulder). " +
  'pose_Tx, pose_Ty, pose_Tz are millimetres from the camera (head_x_mm, head_y_mm, head_z_mm)';

/** What the stream's provenance says about how the file was read. */
export function openFaceProvenance(layout: OpenFaceLayout, frameOffset: number | undefined): Record<string, unknown> {
  const mapped: Record<string, string> = {};
  for (const { column, role } of layout.slots) {
    if (role.kind === 'feature') mapped[column] = role.scale === 1 ? role.feature : `${role.feature} (radians × 180/π)`;
    else if (role.kind === 'signal') mapped[column] = `signal ${role.signal}`;
    else mapped[column] = role.kind;
  }
  return {
    format: 'openface-csv',
    layout: layout.version,
    columns: mapped,
    time: 'timestamp: seconds of media time since the start of the video (relative: place it with clock_offset_s or --clock-offset)',
    frame: frameOffset === 0 ? 'frame as written (the file counts from 0)' : 'frame = OpenFace frame - 1 (OpenFace counts from 1)',
    head_pose: HEAD_POSE,
    action_units: 'AUxx_r: intensity on the FACS 0-5 scale (auxx_intensity); AUxx_c: presence 0 or 1 (auxx_presence)',
    missing: 'a row with success 0 is a frame without a tracked face: every feature is NULL and no signal is stored for it',
    faces:
      layout.faceId === undefined
        ? 'one face per frame'
        : 'face_id 0 is kept as the learner; rows of other faces are counted, not stored; face_count is the number of faces tracked (success 1) in the frame',
    landmarks_not_read: {
      columns: layout.landmarkColumns.length,
      reason: 'facial and eye landmarks and the shape model parameters (x_, y_, X_, Y_, Z_, eye_lmk_*, p_*) describe the geometry of a face and are biometric; they belong in a face_landmarks stream under its own consent, which this import does not write',
    },
  };
}
