/** A gaze point of one eye: null coordinates when the tracker had none. */
export interface EyePoint {
  readonly x: number | null;
  readonly y: number | null;
}

/**
 * The point of both eyes combined: the mean of the two when both eyes are valid, the one valid
 * eye's point when only one is (as Tobii Studio's GazePointX does), and none otherwise.
 */
export function combinedPoint(left: EyePoint, validLeft: boolean, right: EyePoint, validRight: boolean): EyePoint {
  if (validLeft && validRight && left.x !== null && left.y !== null && right.x !== null && right.y !== null) {
    return { x: (left.x + right.x) / 2, y: (left.y + right.y) / 2 };
  }
  if (validLeft && left.x !== null && left.y !== null) return left;
  if (validRight && right.x !== null && right.y !== null) return right;
  return { x: null, y: null };
}

export const COMBINED_POINT_RULE =
  'x, y: the mean of both eyes when both are valid, the valid eye alone when only one is, NULL when neither is';
