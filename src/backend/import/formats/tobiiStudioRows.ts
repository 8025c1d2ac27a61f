import type { StreamKind } from '../../../core/study/modalities.js';
import type { DelimitedRecord } from '../textReader.js';
import type { GazeFields, ImportSink, StreamWriter } from '../types.js';
import type { NumberReader } from './tabular.js';
import type { EyeColumns, TobiiColumns } from './tobiiStudioColumns.js';
import { FixationRuns, type FixationSample } from './tobiiStudioFixations.js';
import type { TobiiPreamble } from './tobiiStudioPreamble.js';

/** Tobii validity codes: 0 certain, 1 probable, 2 uncertain, 3 probably lost, 4 lost. */
export const VALID_UP_TO = 1;
const LOST = 4;

const NO_GAZE: GazeFields = { x: null, y: null };

interface EyeReading {
  x: number | null;
  y: number | null;
  pupil: number | null;
  validity: number | null;
}

/** Every GazeFields property, writable: one object is refilled per sample, because writers copy the values. */
type GazeRow = { -readonly [K in keyof GazeFields]-?: GazeFields[K] };

type RowKind = 'event' | 'sample' | 'fixation';
/** eye_markers, gaze and fixations: once all are open, batches need no preparing. */
const STREAM_KINDS = 3;

/**
 * Turns the data rows of one Tobii Studio export into stream rows. Writers open when the first
 * row of their kind appears, so an export without, say, fixations adds no empty stream.
 */
export class TobiiRows {
  private readonly writers = new Map<StreamKind, StreamWriter>();
  private readonly fixations: FixationRuns;
  private eventlessRows: { count: number; line: number } | undefined;
  private readonly left: EyeReading = { x: null, y: null, pupil: null, validity: null };
  private readonly right: EyeReading = { x: null, y: null, pupil: null, validity: null };
  private readonly gazeFields: GazeRow = { x: null, y: null, leftX: null, leftY: null, rightX: null, rightY: null, pupilLeft: null, pupilRight: null, validLeft: null, validRight: null };
  private readonly fixationSample: { -readonly [K in keyof FixationSample]: FixationSample[K] } = {
    index: '', t: 0, line: 0, durationMs: null, mappedX: null, mappedY: null, gazeX: null, gazeY: null, pupil: null,
  };

  constructor(
    private readonly path: string,
    private readonly columns: TobiiColumns,
    private readonly preamble: TobiiPreamble,
    private readonly numbers: NumberReader,
    private readonly open: (kind: StreamKind) => Promise<StreamWriter>,
  ) {
    this.fixations = new FixationRuns(() => this.writer('fixations'), preamble.eye ?? null);
  }

  private writer(kind: StreamKind): StreamWriter {
    const writer = this.writers.get(kind);
    if (writer === undefined) throw new Error(`${kind} stream used before it was opened`);
    return writer;
  }

  private field(record: DelimitedRecord, index: number | undefined): string {
    return index === undefined ? '' : (record.field(index) ?? '').trim();
  }

  private kindOf(record: DelimitedRecord): RowKind | null {
    if (this.field(record, this.columns.event) !== '') return 'event';
    switch (this.columns.export) {
      case 'all-data':
        return 'sample';
      case 'fixation-data':
        return 'fixation';
      case 'event-data':
        return null;
    }
  }

  /** Opens the writers a batch of rows needs before any of them is written. */
  async prepare(records: readonly DelimitedRecord[]): Promise<void> {
    if (this.writers.size === STREAM_KINDS) return;
    for (const record of records) {
      if (record.width === 0) continue;
      const kind = this.kindOf(record);
      const needed: StreamKind[] =
        kind === 'event' ? ['eye_markers']
        : kind === 'fixation' ? ['fixations']
        : kind === 'sample' ? (this.field(record, this.columns.fixationIndex) === '' ? ['gaze'] : ['gaze', 'fixations'])
        : [];
      for (const stream of needed) {
        if (!this.writers.has(stream)) this.writers.set(stream, await this.open(stream));
      }
    }
  }

  handle(record: DelimitedRecord): void {
    const kind = this.kindOf(record);
    if (kind === null) {
      this.eventlessRows ??= { count: 0, line: record.line };
      this.eventlessRows.count += 1;
      return;
    }
    const t = this.time(record);
    if (kind === 'event') this.event(record, t);
    else if (kind === 'fixation') this.fixationRow(record, t);
    else this.sample(record, t);
  }

  /** Writes the last fixation and reports what was skipped. */
  finish(sink: ImportSink): void {
    this.fixations.flush();
    if (this.eventlessRows !== undefined) {
      const { count, line } = this.eventlessRows;
      sink.warn({
        message: `${count} row${count === 1 ? '' : 's'} of this Event-Data export had no Event value and ${count === 1 ? 'was' : 'were'} skipped (first at line ${line})`,
        location: { file: this.path, line, field: 'Event' },
        count,
      });
    }
  }

  /** Microseconds since the recording started: MicroSecondTimestamp where the row has it. */
  private time(record: DelimitedRecord): number {
    const { timestamp, microseconds } = this.columns;
    const ms = this.numbers.required(record, timestamp, 'Timestamp');
    if (microseconds === undefined || this.field(record, microseconds) === '') return ms * 1000;
    return this.numbers.required(record, microseconds, 'MicroSecondTimestamp');
  }

  private event(record: DelimitedRecord, t: number): void {
    const writer = this.writer('eye_markers');
    if (!writer.accepted) {
      writer.event(0, { kind: 'refused' });
      return;
    }
    const name = this.field(record, this.columns.event);
    const attributes: Record<string, string> = { Event: name };
    for (const { name: column, index } of this.columns.eventDetails) {
      const value = this.field(record, index);
      if (value !== '') attributes[column] = value;
    }
    const message = this.field(record, this.columns.data1);
    const descriptor = this.field(record, this.columns.descriptor);
    // LogData carries the text an external program logged in Data1; other events name what
    // they refer to (key, URL) in Descriptor, and mouse clicks only have coordinates.
    const label = name === 'LogData' && message !== '' ? message : descriptor;
    writer.event(t, { kind: name.toLowerCase(), label: label === '' ? null : label, attributes }, record.line);
  }

  private fixationRow(record: DelimitedRecord, t: number): void {
    const writer = this.writer('fixations');
    if (!writer.accepted) {
      writer.fixation(0, 0, { x: null, y: null });
      return;
    }
    const { fixationDuration, mappedFixationX, mappedFixationY } = this.columns;
    const index = fixationDuration as number;
    const duration = this.numbers.required(record, index, 'FixationDuration');
    if (duration < 0) throw this.numbers.error(record, index, `FixationDuration ${duration} is negative`);
    writer.fixation(
      t,
      t + duration * 1000,
      {
        x: mappedFixationX === undefined ? null : this.numbers.read(record, mappedFixationX, 'MappedFixationPointX'),
        y: mappedFixationY === undefined ? null : this.numbers.read(record, mappedFixationY, 'MappedFixationPointY'),
        eye: this.preamble.eye ?? null,
      },
      record.line,
    );
  }

  private sample(record: DelimitedRecord, t: number): void {
    const gaze = this.writer('gaze');
    const fixationIndex = this.field(record, this.columns.fixationIndex);
    if (!gaze.accepted) {
      gaze.gazeSample(0, NO_GAZE);
      if (fixationIndex !== '') this.fixations.countOnly(fixationIndex, record.line);
      return;
    }
    const left = this.eye(record, this.columns.left, 'Left', this.left);
    const right = this.eye(record, this.columns.right, 'Right', this.right);
    const validLeft = left.validity === null ? null : left.validity <= VALID_UP_TO;
    const validRight = right.validity === null ? null : right.validity <= VALID_UP_TO;
    const noEyeValid = validLeft !== true && validRight !== true && (validLeft !== null || validRight !== null);
    let x = this.read(record, this.columns.gazeX, 'GazePointX');
    let y = this.read(record, this.columns.gazeY, 'GazePointY');
    if (noEyeValid || this.isSentinel(x, y)) {
      x = null;
      y = null;
    }
    const fields = this.gazeFields;
    fields.x = x;
    fields.y = y;
    fields.leftX = left.x;
    fields.leftY = left.y;
    fields.rightX = right.x;
    fields.rightY = right.y;
    fields.pupilLeft = left.pupil;
    fields.pupilRight = right.pupil;
    fields.validLeft = validLeft;
    fields.validRight = validRight;
    gaze.gazeSample(t, fields, record.line);
    if (fixationIndex === '') return;
    const pupilLeft = validLeft === true ? left.pupil : null;
    const pupilRight = validRight === true ? right.pupil : null;
    const { fixationDuration, mappedFixationX, mappedFixationY } = this.columns;
    const sample = this.fixationSample;
    sample.index = fixationIndex;
    sample.t = t;
    sample.line = record.line;
    sample.durationMs = this.read(record, fixationDuration, 'FixationDuration');
    sample.mappedX = this.read(record, mappedFixationX, 'MappedFixationPointX');
    sample.mappedY = this.read(record, mappedFixationY, 'MappedFixationPointY');
    sample.gazeX = x;
    sample.gazeY = y;
    sample.pupil = pupilLeft === null ? pupilRight : pupilRight === null ? pupilLeft : (pupilLeft + pupilRight) / 2;
    this.fixations.add(sample);
  }

  private read(record: DelimitedRecord, index: number | undefined, name: string): number | null {
    return index === undefined ? null : this.numbers.read(record, index, name);
  }

  /**
   * One eye's reading, into `into`. A lost eye (validity 4) has only sentinels: coordinates of
   * minus the screen size (-1280, -1024) and -1 for pupil and distance, all stored as NULL.
   */
  private eye(record: DelimitedRecord, columns: EyeColumns, side: 'Left' | 'Right', into: EyeReading): EyeReading {
    const validity = this.read(record, columns.validity, `Validity${side}`);
    into.validity = validity;
    if (validity === LOST) {
      into.x = null;
      into.y = null;
      into.pupil = null;
      return into;
    }
    let x = this.read(record, columns.x, `GazePointX${side}`);
    let y = this.read(record, columns.y, `GazePointY${side}`);
    if (this.isSentinel(x, y)) {
      x = null;
      y = null;
    }
    const pupil = this.read(record, columns.pupil, `Pupil${side}`);
    into.x = x;
    into.y = y;
    into.pupil = pupil !== null && pupil < 0 ? null : pupil;
    return into;
  }

  private isSentinel(x: number | null, y: number | null): boolean {
    const screen = this.preamble.resolution;
    return screen !== undefined && x === -screen.width && y === -screen.height;
  }
}
