import { WeftError } from '../../../core/errors.js';
import type { DelimitedRecord } from '../textReader.js';
import type { GazeFields, StreamWriter } from '../types.js';
import { combinedPoint, type EyePoint } from './eyeBinocular.js';
import type { NumberReader } from './tabular.js';

export type AscEye = 'left' | 'right';

/**
 * What the items of a sample line are, from the SAMPLES line before them (EyeLink 1000 Plus
 * User Manual 4.9.2; the same order as the eyelinker R package's reader): time, then x, y,
 * pupil per eye, velocities per eye (VEL), resolution (RES), input port (INPUT), buttons
 * (BUTTONS), the corneal-reflection flags (TRACKING) and the remote-mode target (HTARGET).
 */
export interface SampleLayout {
  readonly line: number;
  readonly eyes: readonly AscEye[];
  readonly rateHz: number | null;
  readonly velocity: boolean;
  readonly resolution: boolean;
  readonly input: boolean;
  readonly buttons: boolean;
  readonly flags: boolean;
  readonly target: boolean;
  /** Names of the items after the time, for messages. */
  readonly names: readonly string[];
  readonly text: string;
}

export function sampleLayout(path: string, items: DelimitedRecord): SampleLayout {
  const words = items.fields.slice(1).map((w) => w.toUpperCase());
  const type = words[0];
  if (type !== 'GAZE') {
    throw new WeftError(
      'UNSUPPORTED_FORMAT',
      `${path}:${items.line}:${items.columns[1] ?? 1}: samples are in ${type ?? 'no stated'} units, not GAZE (screen pixels); convert the EDF again with edf2asc's default sample type (without -sh or -sp) so that Weft can store screen coordinates`,
      { location: { file: path, line: items.line, column: items.columns[1] ?? 1 } },
    );
  }
  const eyes: AscEye[] = [];
  if (words.includes('LEFT')) eyes.push('left');
  if (words.includes('RIGHT')) eyes.push('right');
  if (eyes.length === 0) throw new WeftError('PARSE_ERROR', `${path}:${items.line}: this SAMPLES line names no eye (LEFT or RIGHT)`, { location: { file: path, line: items.line } });
  const rate = words.indexOf('RATE');
  const has = (word: string): boolean => words.includes(word);
  const layout = { velocity: has('VEL'), resolution: has('RES'), input: has('INPUT'), buttons: has('BUTTONS'), flags: has('TRACKING'), target: has('HTARGET') || has('HTARG') };
  const names: string[] = [];
  for (const eye of eyes) names.push(`${eye} x`, `${eye} y`, `${eye} pupil`);
  if (layout.velocity) for (const eye of eyes) names.push(`${eye} x velocity`, `${eye} y velocity`);
  if (layout.resolution) names.push('x resolution', 'y resolution');
  if (layout.input) names.push('input');
  if (layout.buttons) names.push('buttons');
  if (layout.flags) names.push('flags');
  if (layout.target) names.push('target x', 'target y', 'target distance', 'target flags');
  const rateText = rate >= 0 ? words[rate + 1] : undefined;
  return {
    line: items.line,
    eyes,
    rateHz: rateText === undefined || !Number.isFinite(Number(rateText)) ? null : Number(rateText),
    ...layout,
    names,
    text: items.fields.join(' '),
  };
}

/** Microseconds of an EyeLink time (ms, with a fraction at 2 kHz or with edf2asc -ftime). */
export function ascMicros(numbers: NumberReader, record: DelimitedRecord, index: number, name: string): number {
  return Math.round(numbers.required(record, index, name) * 1000);
}

function widthError(path: string, record: DelimitedRecord, layout: SampleLayout): WeftError {
  const want = layout.names.length + 1;
  const got = record.width;
  const column = got > want ? (record.columns[want] ?? 1) : (record.columns[got - 1] ?? 1) + (record.field(got - 1) ?? '').length;
  const message =
    got > want
      ? `${got} items where the SAMPLES line (line ${layout.line}) gives samples ${want}: time, ${layout.names.join(', ')}`
      : `${got} items where the SAMPLES line (line ${layout.line}) gives samples ${want} (time, ${layout.names.join(', ')}): the line ends before "${layout.names[got - 1] ?? ''}"; is it cut off?`;
  return new WeftError('PARSE_ERROR', `${path}:${record.line}:${column}: ${message}`, { location: { file: path, line: record.line, column } });
}

const NO_GAZE: GazeFields = { x: null, y: null };
/** The flag characters of a sample (the manual's "CR warning" field): position 0 is interpolation, then CR missing and CR recovery per eye. */
const FLAG_NAMES = { I: 'interpolated', C: 'cr_missing', R: 'cr_recovering' } as const;

/** Writes sample lines of one recording block to the gaze stream, and their extra items as signals. */
export class AscSamples {
  constructor(
    private readonly path: string,
    readonly layout: SampleLayout,
    private readonly numbers: NumberReader,
  ) {}

  /** One sample line, whose time `t` (µs) the caller has read. */
  write(writer: StreamWriter, record: DelimitedRecord, t: number): void {
    const { layout, numbers } = this;
    if (record.width !== layout.names.length + 1) throw widthError(this.path, record, layout);
    if (!writer.accepted) {
      writer.gazeSample(0, NO_GAZE);
      return;
    }
    const points: Record<AscEye, EyePoint & { pupil: number | null; valid: boolean | null }> = {
      left: { x: null, y: null, pupil: null, valid: null },
      right: { x: null, y: null, pupil: null, valid: null },
    };
    let i = 1;
    for (const eye of layout.eyes) {
      const x = numbers.read(record, i, `${eye} x`);
      const y = numbers.read(record, i + 1, `${eye} y`);
      const pupil = numbers.read(record, i + 2, `${eye} pupil`);
      // EyeLink writes "." for a lost eye's position and 0 for its pupil.
      points[eye] = { x, y, pupil: pupil === 0 ? null : pupil, valid: x !== null && y !== null };
      i += 3;
    }
    const { left, right } = points;
    const both = layout.eyes.length === 2 ? combinedPoint(left, left.valid === true, right, right.valid === true) : points[layout.eyes[0] ?? 'left'];
    writer.gazeSample(
      t,
      { x: both.x, y: both.y, leftX: left.x, leftY: left.y, rightX: right.x, rightY: right.y, pupilLeft: left.pupil, pupilRight: right.pupil, validLeft: left.valid, validRight: right.valid },
      record.line,
    );
    if (layout.velocity) {
      for (const eye of layout.eyes) {
        writer.signal(t, `${eye}_velocity_x`, numbers.read(record, i, `${eye} x velocity`), record.line);
        writer.signal(t, `${eye}_velocity_y`, numbers.read(record, i + 1, `${eye} y velocity`), record.line);
        i += 2;
      }
    }
    if (layout.resolution) {
      writer.signal(t, 'resolution_x', numbers.read(record, i, 'x resolution'), record.line);
      writer.signal(t, 'resolution_y', numbers.read(record, i + 1, 'y resolution'), record.line);
      i += 2;
    }
    if (layout.input) i += 1;
    if (layout.buttons) i += 1;
    if (layout.flags) {
      this.flags(writer, t, record.field(i) ?? '', record.line);
      i += 1;
    }
    if (layout.target) {
      writer.signal(t, 'target_x', numbers.read(record, i, 'target x'), record.line);
      writer.signal(t, 'target_y', numbers.read(record, i + 1, 'target y'), record.line);
      writer.signal(t, 'target_distance_mm', numbers.read(record, i + 2, 'target distance'), record.line);
      const targetFlags = record.field(i + 3) ?? '';
      let bits = 0;
      for (let k = 0; k < targetFlags.length; k += 1) if (targetFlags[k] !== '.') bits |= 1 << k;
      if (bits !== 0) writer.signal(t, 'target_flags', bits, record.line);
    }
  }

  /** Sparse: a signal of value 1 only at samples where EyeLink set the flag. */
  private flags(writer: StreamWriter, t: number, text: string, line: number): void {
    if (/^\.*$/.test(text)) return;
    const eyes = this.layout.eyes;
    for (let k = 0; k < text.length; k += 1) {
      const c = text[k] as keyof typeof FLAG_NAMES;
      if (!(c in FLAG_NAMES)) continue;
      if (k === 0) {
        if (c === 'I') writer.signal(t, FLAG_NAMES.I, 1, line);
        continue;
      }
      const eye = eyes.length === 2 ? (k <= 2 ? 'left' : 'right') : eyes[0];
      writer.signal(t, `${eye ?? 'left'}_${FLAG_NAMES[c]}`, 1, line);
    }
  }
}

export const SAMPLE_RULES = {
  columns: 'per eye: x, y (GAZE: screen pixels), pupil (PUPIL AREA or DIAMETER, arbitrary units) → left_x/left_y/pupil_left or right_x/right_y/pupil_right',
  missing: 'EyeLink writes "." for the position and 0 for the pupil of a lost eye: stored as NULL; an eye is valid when it has a position',
  per_sample_input_and_buttons: 'not stored per sample: they repeat the port/button state whose changes the INPUT and BUTTON lines record (stored as events)',
  signals: {
    'VEL columns': '<eye>_velocity_x, <eye>_velocity_y (deg/s)',
    'RES columns': 'resolution_x, resolution_y (pixels per degree)',
    'HTARGET columns': 'target_x, target_y, target_distance_mm, target_flags (bit k set when the k-th flag character is not ".")',
    'flag characters': 'sparse, value 1 where set: interpolated (I), <eye>_cr_missing (C), <eye>_cr_recovering (R)',
  },
} as const;
