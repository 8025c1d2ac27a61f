/**
 * Layout of the tutor's window on the 1280 x 1024 stimulus screen, and the areas of interest
 * (AOIs) defined over it in Tobii Studio.
 */

export const SCREEN_WIDTH = 1280;
export const SCREEN_HEIGHT = 1024;

export interface Aoi {
  readonly id: number;
  readonly name: string;
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export const AOI = {
  problem: { id: 1, name: 'Problem', x0: 40, y0: 70, x1: 1240, y1: 170 },
  worksheet: { id: 2, name: 'Worksheet', x0: 40, y0: 200, x1: 820, y1: 760 },
  hints: { id: 3, name: 'Hints', x0: 860, y0: 200, x1: 1240, y1: 620 },
  buttons: { id: 4, name: 'Buttons', x0: 860, y0: 640, x1: 1240, y1: 730 },
  skills: { id: 5, name: 'Skillometer', x0: 860, y0: 760, x1: 1240, y1: 980 },
} as const satisfies Record<string, Aoi>;

const AOI_LIST: readonly Aoi[] = Object.values(AOI);

export function aoiAt(x: number, y: number): Aoi | null {
  for (const a of AOI_LIST) if (x >= a.x0 && x < a.x1 && y >= a.y0 && y < a.y1) return a;
  return null;
}

export type Point = readonly [number, number];

/** Vertical centre of a worksheet row (1-based). */
export const rowY = (row: number): number => 290 + (Math.max(row, 1) - 1) * 150;
/** The answer field of a row. */
export const fieldCentre = (row: number): Point => [540, rowY(row)];
/** The "Check" button right of a row's field. */
export const checkButton = (row: number): Point => [752, rowY(row)];
/** The explanation menu of a worked-example row, and its k-th entry once opened. */
export const menuCentre = (row: number): Point => [560, rowY(row)];
export const menuEntry = (row: number, k: number): Point => [560, rowY(row) + 26 * (k + 1)];
export const hintButton: Point = [935, 685];
export const doneButton: Point = [1160, 685];
