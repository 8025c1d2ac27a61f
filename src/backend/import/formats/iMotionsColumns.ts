import { ACTION_UNITS, FACE_FEATURE_COLUMNS, auPresenceColumn, type ActionUnit } from '../../../core/face/featureSchema.js';
import { signalName } from './signalName.js';
import { recordError, type Header } from './tabular.js';

/**
 * Which columns of an iMotions 5/6 text export Weft reads, and for which sensor. Each row's
 * `EventSource` names the sensors that have a new sample in it; iMotions repeats every other
 * sensor's last values into the row (forward fill), so a column is read only in rows of its own
 * sensor.
 */

export interface NamedColumn {
  readonly column: string;
  readonly index: number;
}

export interface SignalColumn extends NamedColumn {
  readonly signal: string;
}

export interface IMotionsFaceColumns {
  readonly noOfFaces: number | undefined;
  readonly frameNo: number | undefined;
  /** Into FACE_FEATURE_COLUMNS, with the sign that turns iMotions' angle into Weft's. */
  readonly pose: readonly { readonly index: number; readonly column: string; readonly name: string; readonly feature: number; readonly sign: 1 | -1 }[];
  readonly auEvidence: readonly { readonly index: number; readonly column: string; readonly feature: number }[];
  readonly signals: readonly SignalColumn[];
}

export interface IMotionsGazeColumns {
  readonly x: number | undefined;
  readonly y: number | undefined;
  readonly leftX: number | undefined;
  readonly leftY: number | undefined;
  readonly rightX: number | undefined;
  readonly rightY: number | undefined;
  readonly pupilLeft: number | undefined;
  readonly pupilRight: number | undefined;
  readonly validityLeft: number | undefined;
  readonly validityRight: number | undefined;
  readonly signals: readonly SignalColumn[];
}

export interface IMotionsColumns {
  readonly eventSource: number;
  readonly timestamp: number;
  /** "20171005_012228807": UTC wall-clock time of the row, in exports that have it. */
  readonly utcTimestamp: number | undefined;
  readonly stimulus: number | undefined;
  readonly slideType: number | undefined;
  readonly markers: readonly NamedColumn[];
  readonly face: IMotionsFaceColumns | undefined;
  readonly gaze: IMotionsGazeColumns | undefined;
  /** Columns not read, grouped by the reason. */
  readonly leftOut: readonly { readonly reason: string; readonly columns: string[] }[];
}

const feature = (name: string): number => FACE_FEATURE_COLUMNS.findIndex((c) => c.name === name);

/**
 * FACET's angles, compared with the nose tip and eye corners the same export writes (the v6
 * rotation test in the real data): positive `Yaw Degrees` turns the face to the camera's right,
 * positive `Roll Degrees` turns it counter-clockwise in the image, positive `Pitch Degrees`
 * looks down. Weft's head pose turns yaw and roll the other way (OpenFace's convention).
 */
const POSE = [
  { column: 'Yaw Degrees', name: 'head_yaw_deg', sign: -1 },
  { column: 'Pitch Degrees', name: 'head_pitch_deg', sign: 1 },
  { column: 'Roll Degrees', name: 'head_roll_deg', sign: -1 },
] as const;

const AU_EVIDENCE = /^AU(\d+) Evidence$/;
const EXPRESSION = /^(.+) (Evidence|Intensity)$/;
const LANDMARK = /^(?:(?:LEFT|RIGHT)_EYE_[A-Z]+|NOSE_TIP|\d+) [XY]$/;
const FACE_SIGNALS = ['FaceRect X', 'FaceRect Y', 'FaceRect Width', 'FaceRect Height', 'HasGlasses Probability'];
const FACE_SIGNAL_NAMES: Record<string, string> = { FrameTime: 'frame_time_ms' };
const GAZE_SIGNAL_NAMES: Record<string, string> = {
  TimeSignal: 'time_signal_ms',
  DistanceLeft: 'distance_left_mm',
  DistanceRight: 'distance_right_mm',
  CameraLeftX: 'camera_left_x',
  CameraLeftY: 'camera_left_y',
  CameraRightX: 'camera_right_x',
  CameraRightY: 'camera_right_y',
};
const GAZE_FIELDS = {
  x: 'GazeX', y: 'GazeY', leftX: 'GazeLeftx', leftY: 'GazeLefty', rightX: 'GazeRightx', rightY: 'GazeRighty',
  pupilLeft: 'PupilLeft', pupilRight: 'PupilRight', validityLeft: 'ValidityLeft', validityRight: 'ValidityRight',
} as const;
const MARKERS = ['LiveMarker', 'KeyStroke', 'MarkerText', 'PostMarker', 'Annotation', 'SceneType', 'SceneOutput', 'SceneParent'];

const LEFT_OUT_REASONS: readonly (readonly [RegExp, string])[] = [
  [/^(Name|Age|Gender)$/, 'the respondent: a name identifies a person and age and gender are demographics; the participant id comes from --participant or the manifest'],
  [/^IsMale Probability$/, "an inference of the respondent's sex, a demographic the face_features consent does not cover"],
  [/^(StudyName|ExportDate)$/, 'the same on every row: the preamble states the study and export date once'],
  [/^MediaTime$/, 'milliseconds since the current stimulus started; Timestamp (the recording clock) times every row'],
  [/^(Fixation|Saccade|GazeEventType|GazeVelocityAngle|InterpolatedGaze)/, "iMotions' own fixation and saccade filter output, counted per stimulus; gaze samples are imported instead"],
  [/AOI$/, 'areas of interest are defined in the iMotions study, not in the export'],
];

function reasonLeftOut(column: string): string | undefined {
  if (LANDMARK.test(column)) return 'facial landmarks are biometric; they belong in a face_landmarks stream under its own consent, which this import does not write';
  return LEFT_OUT_REASONS.find(([pattern]) => pattern.test(column))?.[1];
}

const isActionUnit = (n: number): n is ActionUnit => (ACTION_UNITS as readonly number[]).includes(n);

function faceColumns(header: Header, handled: Set<number>): IMotionsFaceColumns | undefined {
  const at = (column: string): number | undefined => header.index(column);
  const pose = POSE.flatMap((p) => {
    const index = at(p.column);
    return index === undefined ? [] : [{ index, column: p.column, name: p.name, feature: feature(p.name), sign: p.sign }];
  });
  const auEvidence: IMotionsFaceColumns['auEvidence'][number][] = [];
  const signals: SignalColumn[] = [];
  for (const { name, index } of header.matching(EXPRESSION)) {
    const au = AU_EVIDENCE.exec(name);
    const unit = Number(au?.[1]);
    if (au !== null && isActionUnit(unit)) auEvidence.push({ index, column: name, feature: feature(auPresenceColumn(unit)) });
    else signals.push({ index, column: name, signal: signalName(name, { splitCamelCase: true }) });
  }
  for (const column of [...FACE_SIGNALS, ...Object.keys(FACE_SIGNAL_NAMES)]) {
    const index = at(column);
    if (index !== undefined) signals.push({ index, column, signal: FACE_SIGNAL_NAMES[column] ?? signalName(column, { splitCamelCase: true }) });
  }
  if (pose.length === 0 && auEvidence.length === 0 && signals.every((s) => !EXPRESSION.test(s.column))) return undefined;
  const noOfFaces = at('NoOfFaces');
  const frameNo = at('FrameNo');
  for (const index of [...pose.map((p) => p.index), ...auEvidence.map((a) => a.index), ...signals.map((s) => s.index), noOfFaces, frameNo]) {
    if (index !== undefined) handled.add(index);
  }
  return { noOfFaces, frameNo, pose, auEvidence, signals };
}

function gazeColumns(header: Header, handled: Set<number>): IMotionsGazeColumns | undefined {
  const indices = Object.fromEntries(Object.entries(GAZE_FIELDS).map(([field, column]) => [field, header.index(column)])) as Record<keyof typeof GAZE_FIELDS, number | undefined>;
  if (indices.x === undefined && indices.leftX === undefined && indices.rightX === undefined) return undefined;
  const signals = Object.entries(GAZE_SIGNAL_NAMES).flatMap(([column, signal]) => {
    const index = header.index(column);
    return index === undefined ? [] : [{ index, column, signal }];
  });
  for (const index of [...Object.values(indices), ...signals.map((s) => s.index)]) if (index !== undefined) handled.add(index);
  return { ...indices, signals };
}

/** Reads the header; an export without Timestamp or EventSource is refused, saying which is missing. */
export function iMotionsColumns(path: string, header: Header): IMotionsColumns {
  const required = (column: string, why: string): number => {
    const index = header.index(column);
    if (index === undefined) throw recordError(path, header.record, `no "${column}" column: ${why} (is this a tab-separated iMotions export?)`, 0);
    return index;
  };
  const timestamp = required('Timestamp', 'every row needs its time');
  const eventSource = required('EventSource', "it says which sensor each row's values come from");
  const handled = new Set<number>([timestamp, eventSource]);
  const face = faceColumns(header, handled);
  const gaze = gazeColumns(header, handled);
  const optional = (column: string): number | undefined => {
    const index = header.index(column);
    if (index !== undefined) handled.add(index);
    return index;
  };
  const utcTimestamp = optional('UTCTimestamp');
  const stimulus = optional('StimulusName');
  const slideType = optional('SlideType');
  const markers = MARKERS.flatMap((column) => {
    const index = optional(column);
    return index === undefined ? [] : [{ column, index }];
  });
  const leftOut = new Map<string, string[]>();
  header.record.fields.forEach((raw, index) => {
    const column = raw.trim();
    if (handled.has(index) || column === '') return;
    const reason = reasonLeftOut(column) ?? 'a sensor or field Weft does not read from iMotions exports';
    leftOut.set(reason, [...(leftOut.get(reason) ?? []), column]);
  });
  return { eventSource, timestamp, utcTimestamp, stimulus, slideType, markers, face, gaze, leftOut: [...leftOut].map(([reason, columns]) => ({ reason, columns })) };
}

/** Which source, in a row's `EventSource` list, is the facial expression engine. */
export const FACE_SOURCE = /FACET|AFFDEX|Affectiva/i;
/** The eye tracker's source name in `EventSource`. */
export const GAZE_SOURCE = 'ET';
