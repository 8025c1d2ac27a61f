/**
 * Head pose from MediaPipe's facial transformation matrix: the 4×4 transform, column-major, that
 * takes the canonical face model into camera space (metric units; x to the image's right, y up,
 * z towards the viewer, the camera looking down −z). Its rotation is decomposed as
 * R = Ry(ψ)·Rx(θ)·Rz(φ) and reported in Weft's convention (core/face/featureSchema.ts):
 * - yaw: positive when the head turns to the camera's left (the image's left), −ψ;
 * - pitch: positive when the head tips down, θ;
 * - roll: positive when the head tilts counter-clockwise in the image (the top of the head to the
 *   image's left, towards the participant's right shoulder), φ.
 */
export interface HeadPose {
  readonly yawDeg: number;
  readonly pitchDeg: number;
  readonly rollDeg: number;
}

const DEG = 180 / Math.PI;

/** Element (row, column) of a column-major 4×4 matrix. */
const at = (m: ArrayLike<number>, row: number, column: number): number => m[column * 4 + row] ?? Number.NaN;

export function headPoseFromMatrix(matrix: ArrayLike<number>): HeadPose {
  if (matrix.length !== 16) throw new Error(`a facial transformation matrix has 16 entries, not ${matrix.length}`);
  // The columns of the rotation part carry the model's scale; normalise it away.
  const scale = [0, 1, 2].map((c) => Math.hypot(at(matrix, 0, c), at(matrix, 1, c), at(matrix, 2, c)));
  const r = (row: number, column: number): number => at(matrix, row, column) / (scale[column] as number);
  const theta = Math.asin(Math.max(-1, Math.min(1, -r(1, 2))));
  const psi = Math.atan2(r(0, 2), r(2, 2));
  const phi = Math.atan2(r(1, 0), r(1, 1));
  return { yawDeg: -psi * DEG, pitchDeg: theta * DEG, rollDeg: phi * DEG };
}

/** The column-major matrix of a pose given in Weft's convention: the inverse of headPoseFromMatrix. */
export function matrixFromHeadPose(pose: HeadPose, translation: readonly [number, number, number] = [0, 0, -50]): number[] {
  const psi = -pose.yawDeg / DEG;
  const theta = pose.pitchDeg / DEG;
  const phi = pose.rollDeg / DEG;
  const ry = [Math.cos(psi), 0, -Math.sin(psi), 0, 1, 0, Math.sin(psi), 0, Math.cos(psi)];
  const rx = [1, 0, 0, 0, Math.cos(theta), Math.sin(theta), 0, -Math.sin(theta), Math.cos(theta)];
  const rz = [Math.cos(phi), Math.sin(phi), 0, -Math.sin(phi), Math.cos(phi), 0, 0, 0, 1];
  const r = multiply3(multiply3(ry, rx), rz);
  return [r[0], r[1], r[2], 0, r[3], r[4], r[5], 0, r[6], r[7], r[8], 0, translation[0], translation[1], translation[2], 1] as number[];
}

/** Product of two column-major 3×3 matrices. */
function multiply3(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(9).fill(0);
  for (let row = 0; row < 3; row += 1) {
    for (let column = 0; column < 3; column += 1) {
      let sum = 0;
      for (let k = 0; k < 3; k += 1) sum += (a[k * 3 + row] as number) * (b[column * 3 + k] as number);
      out[column * 3 + row] = sum;
    }
  }
  return out;
}
