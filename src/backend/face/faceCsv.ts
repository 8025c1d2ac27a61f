import { FACE_LANDMARK_COUNT, type FrameRow } from '../../core/face/extraction.js';
import { headPoseFromMatrix } from '../../core/face/headPose.js';
import { WEFT_FACE_COLUMNS } from '../../core/formats/weftFormats.js';

/**
 * The shortest decimal that reads back as the same 32-bit float: MediaPipe's outputs are
 * float32, so more digits would only print the widening to float64. Rounding to 6 digits already
 * yields any shorter decimal (Number drops the trailing zeros), so the search starts there.
 */
export function formatFloat32(value: number): string {
  const single = Math.fround(value);
  for (let digits = 6; digits <= 9; digits += 1) {
    const text = single.toPrecision(digits);
    if (Math.fround(Number(text)) === single) return String(Number(text));
  }
  return String(single);
}

/** Degrees to 1/10,000 of a degree, far below what a landmark fit resolves. */
const formatDegrees = (value: number): string => String(Number(value.toFixed(4)));

export const FACE_CSV_HEADER = `${WEFT_FACE_COLUMNS.join(',')}\n`;

/**
 * One line of the Weft face-feature CSV (docs/formats.md). MediaPipe's Face Landmarker does not
 * expose a per-frame confidence, so `confidence` stays empty: a face row means the landmarker's
 * face-presence score passed its threshold (0.5), nothing more is known.
 */
export function faceCsvLine(row: FrameRow): string {
  const lead = `${row.frame},${row.t},`;
  if (!row.face || row.bs === undefined || row.m === undefined) return `${lead}0,${','.repeat(WEFT_FACE_COLUMNS.length - 4)}\n`;
  const pose = headPoseFromMatrix(row.m);
  return `${lead}1,,${formatDegrees(pose.yawDeg)},${formatDegrees(pose.pitchDeg)},${formatDegrees(pose.rollDeg)},${row.bs.map(formatFloat32).join(',')}\n`;
}

const LANDMARK_COLUMNS = Array.from({ length: FACE_LANDMARK_COUNT }, (_, i) => [`x_${i}`, `y_${i}`, `z_${i}`]).flat();

/** Landmarks CSV: frame, media time, then x, y, z of the 478 landmarks (normalised image coordinates). */
export const LANDMARKS_CSV_HEADER = `frame,media_time_us,face_present,${LANDMARK_COLUMNS.join(',')}\n`;

export function landmarksCsvLine(row: FrameRow): string {
  if (!row.face || row.lm === undefined) return `${row.frame},${row.t},0${','.repeat(LANDMARK_COLUMNS.length)}\n`;
  return `${row.frame},${row.t},1,${row.lm.map(formatFloat32).join(',')}\n`;
}
