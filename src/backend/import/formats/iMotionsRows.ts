import { FACE_FEATURE_COLUMNS } from '../../../core/face/featureSchema.js';
import type { StreamKind } from '../../../core/study/modalities.js';
import type { DelimitedRecord } from '../textReader.js';
import type { GazeFields, ImportSink, StreamWriter } from '../types.js';
import { FACE_SOURCE, GAZE_SOURCE, type IMotionsColumns, type IMotionsFaceColumns, type IMotionsGazeColumns, type NamedColumn } from './iMotionsColumns.js';
import { recordError, type NumberReader } from './tabular.js';
import { VALID_UP_TO } from './tobiiStudioRows.js';

const feature = (name: string): number => FACE_FEATURE_COLUMNS.findIndex((c) => c.name === name);
const SUCCESS = feature('success');
const FACE_COUNT = feature('face_count');
/** iMotions writes -1 for the coordinates, pupil and distance of an eye the tracker lost. */
const LOST = -1;
const NO_GAZE: GazeFields = { x: null, y: null };
const UTC_TIMESTAMP = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(\d{3})$/;

/** Presence probability from FACET evidence, the log10 odds that the expression is present. */
export const presenceFromEvidence = (evidence: number): number => 1 / (1 + 10 ** -evidence);

interface Run {
  readonly value: string;
  readonly startUs: number;
  readonly line: number;
  readonly attributes: Record<string, string>;
}

/** A column whose runs of equal values become events: stimuli as segments, markers as markers. */
interface RunColumn extends NamedColumn {
  readonly kind: 'segment' | 'marker';
}

/**
 * Turns the rows of an iMotions export into face frames, gaze samples and stimulus segments.
 * A row is a face frame when its EventSource names the facial expression engine and a gaze
 * sample when it names the eye tracker (ET); the other sensors' values in it are iMotions'
 * forward fill and are not read. Writers open at the first row that needs them.
 */
export class IMotionsRows {
  private readonly writers = new Map<StreamKind, StreamWriter>();
  private readonly features = new Float64Array(FACE_FEATURE_COLUMNS.length);
  private readonly runColumns: RunColumn[];
  private readonly runs = new Map<number, Run>();
  /** Stimulus and marker runs that have ended: few, so they wait to be written in start order. */
  private readonly closed: { readonly kind: RunColumn['kind']; readonly run: Run; readonly endUs: number }[] = [];
  private lastUs = 0;
  private rows = 0;
  private multiFace: { frames: number; line: number } | undefined;
  private otherRows: { count: number; line: number; sources: Set<string> } | undefined;

  constructor(
    private readonly path: string,
    private readonly columns: IMotionsColumns,
    private readonly numbers: NumberReader,
    private readonly open: (kind: StreamKind) => Promise<StreamWriter>,
  ) {
    this.runColumns = [
      ...(columns.stimulus === undefined ? [] : [{ column: 'StimulusName', index: columns.stimulus, kind: 'segment' as const }]),
      ...columns.markers.map((m) => ({ ...m, kind: 'marker' as const })),
    ];
  }

  private field(record: DelimitedRecord, index: number | undefined): string {
    return index === undefined ? '' : (record.field(index) ?? '').trim();
  }

  private sources(record: DelimitedRecord): { face: boolean; gaze: boolean; list: string[] } {
    const list = this.field(record, this.columns.eventSource).split('|').map((s) => s.trim());
    return {
      face: this.columns.face !== undefined && list.some((s) => FACE_SOURCE.test(s)),
      gaze: this.columns.gaze !== undefined && list.includes(GAZE_SOURCE),
      list,
    };
  }

  /** Opens the writers a batch of rows needs before any of them is written. */
  async prepare(records: readonly DelimitedRecord[]): Promise<void> {
    for (const record of records) {
      if (record.width === 0) continue;
      const { face, gaze } = this.sources(record);
      const needed: StreamKind[] = [];
      if (face) needed.push('face_features');
      if (gaze) needed.push('gaze');
      if (this.runColumns.some((c) => this.field(record, c.index) !== '')) needed.push('segments');
      for (const kind of needed) if (!this.writers.has(kind)) this.writers.set(kind, await this.open(kind));
    }
  }

  private writer(kind: StreamKind): StreamWriter {
    const writer = this.writers.get(kind);
    if (writer === undefined) throw new Error(`${kind} stream used before it was opened`);
    return writer;
  }

  handle(record: DelimitedRecord): void {
    this.rows += 1;
    const t = this.time(record);
    this.lastUs = t;
    this.observeRuns(record, t);
    const { face, gaze, list } = this.sources(record);
    if (face) this.faceRow(record, t, this.columns.face as IMotionsFaceColumns);
    if (gaze) this.gazeRow(record, t, this.columns.gaze as IMotionsGazeColumns);
    if (!face && !gaze) {
      this.otherRows ??= { count: 0, line: record.line, sources: new Set() };
      this.otherRows.count += 1;
      for (const source of list) this.otherRows.sources.add(source);
    }
  }

  /** Microseconds: since the test run started (Timestamp, ms), or since 1970 (UTCTimestamp). */
  private time(record: DelimitedRecord): number {
    const { utcTimestamp, timestamp } = this.columns;
    if (utcTimestamp === undefined) return this.numbers.required(record, timestamp, 'Timestamp') * 1000;
    const text = this.field(record, utcTimestamp);
    const m = UTC_TIMESTAMP.exec(text);
    if (m === null) throw recordError(this.path, record, `UTCTimestamp "${text}" is not a time Weft can read (yyyyMMdd_HHmmssfff, as iMotions writes it)`, utcTimestamp);
    const [, y, mo, d, h, mi, s, ms] = m.map(Number) as [number, number, number, number, number, number, number, number];
    return Date.UTC(y, mo - 1, d, h, mi, s, ms) * 1000;
  }

  private read(record: DelimitedRecord, index: number | undefined, column: string): number | null {
    return index === undefined ? null : this.numbers.read(record, index, column);
  }

  private faceRow(record: DelimitedRecord, t: number, columns: IMotionsFaceColumns): void {
    const writer = this.writer('face_features');
    const features = this.features;
    if (!writer.accepted) {
      writer.faceFrame(0, null, features);
      return;
    }
    features.fill(Number.NaN);
    let anyValue = false;
    for (const { index, column, feature: target, sign } of columns.pose) {
      const value = this.read(record, index, column);
      if (value !== null) {
        features[target] = sign * value;
        anyValue = true;
      }
    }
    for (const { index, column, feature: target } of columns.auEvidence) {
      const evidence = this.read(record, index, column);
      if (evidence !== null) {
        features[target] = presenceFromEvidence(evidence);
        anyValue = true;
      }
    }
    const faces = this.read(record, columns.noOfFaces, 'NoOfFaces');
    const success = faces === null ? anyValue : faces >= 1;
    features[SUCCESS] = success ? 1 : 0;
    features[FACE_COUNT] = faces === null || faces < 0 ? Number.NaN : faces;
    if (faces !== null && faces > 1) {
      this.multiFace ??= { frames: 0, line: record.line };
      this.multiFace.frames += 1;
    }
    const frame = this.read(record, columns.frameNo, 'FrameNo');
    writer.faceFrame(t, frame === null || frame < 0 ? null : frame, features, record.line);
    if (!success) return;
    for (const { index, column, signal } of columns.signals) writer.signal(t, signal, this.read(record, index, column), record.line);
  }

  private gazeRow(record: DelimitedRecord, t: number, columns: IMotionsGazeColumns): void {
    const writer = this.writer('gaze');
    if (!writer.accepted) {
      writer.gazeSample(0, NO_GAZE);
      return;
    }
    const eye = (x: number | undefined, y: number | undefined, pupil: number | undefined, validity: number | undefined, side: 'Left' | 'Right') => {
      const gx = this.read(record, x, `Gaze${side}x`);
      const gy = this.read(record, y, `Gaze${side}y`);
      const lost = gx === LOST && gy === LOST;
      const p = this.read(record, pupil, `Pupil${side}`);
      const code = this.read(record, validity, `Validity${side}`);
      return {
        lost,
        x: lost ? null : gx,
        y: lost ? null : gy,
        pupil: lost || p === LOST ? null : p,
        valid: code === null ? null : code <= VALID_UP_TO,
      };
    };
    const left = eye(columns.leftX, columns.leftY, columns.pupilLeft, columns.validityLeft, 'Left');
    const right = eye(columns.rightX, columns.rightY, columns.pupilRight, columns.validityRight, 'Right');
    const x = this.read(record, columns.x, 'GazeX');
    const y = this.read(record, columns.y, 'GazeY');
    const combinedLost = x === LOST && y === LOST;
    writer.gazeSample(
      t,
      {
        x: combinedLost ? null : x,
        y: combinedLost ? null : y,
        leftX: left.x,
        leftY: left.y,
        rightX: right.x,
        rightY: right.y,
        pupilLeft: left.pupil,
        pupilRight: right.pupil,
        validLeft: left.valid,
        validRight: right.valid,
      },
      record.line,
    );
    for (const { index, column, signal } of columns.signals) {
      const side = /left/.test(signal) ? left : /right/.test(signal) ? right : undefined;
      const value = side?.lost === true ? null : this.read(record, index, column);
      writer.signal(t, signal, value === LOST && signal.startsWith('distance') ? null : value, record.line);
    }
  }

  /** A run of rows with the same stimulus (or marker) becomes one event when the value changes. */
  private observeRuns(record: DelimitedRecord, t: number): void {
    for (const column of this.runColumns) {
      const value = this.field(record, column.index);
      const current = this.runs.get(column.index);
      if (current?.value === value) continue;
      if (current !== undefined) this.closeRun(column, current, t);
      const attributes: Record<string, string> = { [column.column]: value };
      if (column.kind === 'segment' && this.columns.slideType !== undefined) attributes['SlideType'] = this.field(record, this.columns.slideType);
      this.runs.set(column.index, { value, startUs: t, line: record.line, attributes });
    }
  }

  /** Keeps a finished run; runs are written in the order they started, once all are known. */
  private closeRun(column: RunColumn, run: Run, endUs: number): void {
    if (run.value !== '') this.closed.push({ kind: column.kind, run, endUs });
  }

  private writeRuns(): void {
    if (this.closed.length === 0) return;
    const writer = this.writer('segments');
    this.closed.sort((a, b) => a.run.line - b.run.line);
    for (const { kind, run, endUs } of this.closed) {
      if (writer.accepted) writer.event(run.startUs, { kind, label: run.value, durationUs: endUs - run.startUs, attributes: run.attributes }, run.line);
      else writer.event(0, { kind });
    }
    this.closed.length = 0;
  }

  /** Closes the open runs at the last row and reports what was not read. */
  finish(sink: ImportSink): void {
    if (this.rows === 0) sink.warn({ message: 'the export has a header but no rows; nothing was imported from it', location: { file: this.path } });
    for (const column of this.runColumns) {
      const run = this.runs.get(column.index);
      if (run !== undefined) this.closeRun(column, run, this.lastUs);
    }
    this.writeRuns();
    if (this.multiFace !== undefined) {
      const { frames, line } = this.multiFace;
      sink.warn({
        message: `${frames} face frame${frames === 1 ? '' : 's'} found more than one face (first at line ${line}); iMotions reports one face's expressions per frame, and face_count says how many it found`,
        location: { file: this.path, line, field: 'NoOfFaces' },
        count: frames,
      });
    }
    if (this.otherRows !== undefined) {
      const { count, line, sources } = this.otherRows;
      sink.warn({
        message: `${count} row${count === 1 ? '' : 's'} of other sensors (EventSource ${[...sources].map((s) => `"${s}"`).join(', ')}) ${count === 1 ? 'was' : 'were'} not read (first at line ${line}): Weft reads the facial expression and eye-tracker samples of iMotions exports`,
        location: { file: this.path, line, field: 'EventSource' },
        count,
      });
    }
  }
}
