import type { Header } from './tabular.js';
import { recordError } from './tabular.js';

/**
 * The columns of a tobii_research `GazeData` stream as a script writes it with the SDK's own
 * field names (one column per field, `;`-separated, points as "(x, y)" or "(x, y, z)" tuples).
 * Field meanings: Tobii Pro SDK reference, `tobii_research.GazeData`.
 */
export interface SdkEyeColumns {
  /** Normalised display-area point: (0, 0) top left, (1, 1) bottom right of the active display area. */
  readonly pointOnDisplay: number;
  readonly pointValidity: number;
  readonly pupil: number | undefined;
  readonly pupilValidity: number | undefined;
  readonly originValidity: number | undefined;
}

export interface SdkColumns {
  readonly device: number;
  readonly system: number | undefined;
  readonly left: SdkEyeColumns;
  readonly right: SdkEyeColumns;
  /** Every other column: kept as signals, NULL where its eye's validity says the value is not valid. */
  readonly extra: readonly ExtraColumn[];
}

export interface ExtraColumn {
  readonly name: string;
  readonly index: number;
  /** Column whose value 0 makes this one invalid (the SDK's per-field validity flags). */
  readonly validity: number | undefined;
}

/** Fields the SDK writes per eye; the tuple-valued ones are kept as `<field>_x`, `_y`, `_z` signals. */
export const SDK_TUPLE_AXES = ['x', 'y', 'z'] as const;

function eye(path: string, header: Header, side: 'left' | 'right'): SdkEyeColumns {
  const required = (name: string): number => {
    const index = header.index(name);
    if (index === undefined) throw recordError(path, header.record, `a Tobii SDK gaze stream needs a "${name}" column`);
    return index;
  };
  return {
    pointOnDisplay: required(`${side}_gaze_point_on_display_area`),
    pointValidity: required(`${side}_gaze_point_validity`),
    pupil: header.index(`${side}_pupil_diameter`),
    pupilValidity: header.index(`${side}_pupil_validity`),
    originValidity: header.index(`${side}_gaze_origin_validity`),
  };
}

/** Which validity flag governs a field: the SDK groups them by gaze point, gaze origin and pupil. */
function validityOf(header: Header, name: string): number | undefined {
  const m = /^(left|right)_(gaze_point|gaze_origin|pupil)_/.exec(name);
  return m === null ? undefined : header.index(`${m[1]}_${m[2]}_validity`);
}

export function sdkColumns(path: string, header: Header): SdkColumns {
  const device = header.index('device_time_stamp');
  if (device === undefined) throw recordError(path, header.record, 'a Tobii SDK gaze stream needs a "device_time_stamp" column');
  const left = eye(path, header, 'left');
  const right = eye(path, header, 'right');
  const system = header.index('system_time_stamp');
  const mapped = new Set<number>([device, ...(system === undefined ? [] : [system])]);
  for (const e of [left, right]) {
    for (const index of [e.pointOnDisplay, e.pointValidity, e.pupil, e.pupilValidity, e.originValidity]) if (index !== undefined) mapped.add(index);
  }
  const extra = header.record.fields.flatMap((raw, index) => {
    const name = raw.trim();
    return mapped.has(index) || name === '' ? [] : [{ name, index, validity: validityOf(header, name) }];
  });
  return { device, system, left, right, extra };
}

/** Columns the SDK exports that the importer recognises, for detection. */
export const SDK_MARKERS = ['device_time_stamp', 'left_gaze_point_on_display_area', 'right_gaze_point_on_display_area', 'left_gaze_point_validity'];
