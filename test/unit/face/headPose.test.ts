import { describe, expect, it } from 'vitest';
import { headPoseFromMatrix, matrixFromHeadPose } from '../../../src/core/face/headPose.js';

/** Where the rotation part of a column-major matrix sends a direction. */
function rotate(m: readonly number[], v: readonly [number, number, number]): [number, number, number] {
  const at = (r: number, c: number): number => m[c * 4 + r] as number;
  return [0, 1, 2].map((r) => at(r, 0) * v[0] + at(r, 1) * v[1] + at(r, 2) * v[2]) as [number, number, number];
}

describe('head pose from the facial transformation matrix', () => {
  it('is zero for a face looking straight at the camera', () => {
    const pose = headPoseFromMatrix(matrixFromHeadPose({ yawDeg: 0, pitchDeg: 0, rollDeg: 0 }));
    expect(Math.abs(pose.yawDeg) + Math.abs(pose.pitchDeg) + Math.abs(pose.rollDeg)).toBeLessThan(1e-9);
  });

  it('recovers yaw, pitch and roll together', () => {
    for (const pose of [
      { yawDeg: 20, pitchDeg: -10, rollDeg: 5 },
      { yawDeg: -35, pitchDeg: 25, rollDeg: -15 },
      { yawDeg: 60, pitchDeg: 40, rollDeg: 30 },
    ]) {
      const back = headPoseFromMatrix(matrixFromHeadPose(pose));
      expect(back.yawDeg).toBeCloseTo(pose.yawDeg, 9);
      expect(back.pitchDeg).toBeCloseTo(pose.pitchDeg, 9);
      expect(back.rollDeg).toBeCloseTo(pose.rollDeg, 9);
    }
  });

  it('follows Weft\'s signs: yaw + turns the nose to the camera\'s left, pitch + down, roll + counter-clockwise', () => {
    const nose = [0, 0, 1] as const;
    const top = [0, 1, 0] as const;
    expect(rotate(matrixFromHeadPose({ yawDeg: 20, pitchDeg: 0, rollDeg: 0 }), nose)[0]).toBeLessThan(0);
    expect(rotate(matrixFromHeadPose({ yawDeg: 0, pitchDeg: 20, rollDeg: 0 }), nose)[1]).toBeLessThan(0);
    expect(rotate(matrixFromHeadPose({ yawDeg: 0, pitchDeg: 0, rollDeg: 20 }), top)[0]).toBeLessThan(0);
  });

  it('ignores the scale MediaPipe folds into the matrix', () => {
    const m = matrixFromHeadPose({ yawDeg: 12, pitchDeg: 7, rollDeg: -3 });
    const scaled = m.map((v, i) => (i < 12 && i % 4 !== 3 ? v * 1.7 : v));
    const pose = headPoseFromMatrix(scaled);
    expect(pose.yawDeg).toBeCloseTo(12, 9);
    expect(pose.pitchDeg).toBeCloseTo(7, 9);
    expect(pose.rollDeg).toBeCloseTo(-3, 9);
  });

  it('refuses what is not a 4×4 matrix', () => {
    expect(() => headPoseFromMatrix([1, 0, 0])).toThrow(/16 entries/);
  });
});
