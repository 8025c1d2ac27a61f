import type { StreamKind } from '../../../core/study/modalities.js';
import type { DelimitedRecord } from '../textReader.js';
import type { GazeFields, StreamSpec, StreamTarget, StreamWriter, TimeBase } from '../types.js';
import { EyeStreams } from './eyeStreams.js';
import { signalName } from './signalName.js';
import type { NumberReader } from './tabular.js';
import type { ProLabColumns } from './tobiiProLabColumns.js';

const NO_GAZE: GazeFields = { x: null, y: null };
/** Tobii validity codes, where a file writes codes rather than Valid/Invalid: 0 to 1 count as valid, as in Tobii Studio. */
const VALID_CODE_UP_TO = 1;
const EYE_TRACKER = 'Eye Tracker';
const MOVEMENT_STREAM: Readonly<Record<string, StreamKind>> = { Fixation: 'fixations', Saccade: 'saccades' };

interface Run {
  readonly kind: StreamKind;
  readonly key: string;
  readonly startUs: number;
  lastUs: number;
  readonly durationMs: number | null;
  readonly x: number | null;
  readonly y: number | null;
  readonly line: number;
}

/** Text cells that are not numbers, per column: reported once rather than stored or fatal. */
export interface TextCells {
  readonly columns: Map<string, { count: number; line: number; example: string }>;
}

/**
 * The rows of one recording of a Pro Lab export (an export may hold several, one after the
 * other). Eye-tracker rows are gaze samples; fixations and saccades are runs of samples with
 * the same "Eye movement type" and "Eye movement type index"; rows with an Event are markers;
 * rows of other sensors (glasses' gyroscope, accelerometer) only carry signals.
 */
export class ProLabRecording {
  private readonly streams: EyeStreams;
  private run: Run | undefined;
  private stimulus: string | undefined;

  constructor(
    private readonly columns: ProLabColumns,
    private readonly numbers: NumberReader,
    private readonly scale: number,
    private readonly text: TextCells,
    open: (spec: StreamSpec) => Promise<StreamWriter>,
    target: StreamTarget,
    time: TimeBase,
    provenance: (kind: StreamKind) => Record<string, unknown>,
  ) {
    this.streams = new EyeStreams((kind) => open({ kind, target, time, provenance: provenance(kind) }));
  }

  private cell(record: DelimitedRecord, index: number | undefined): string {
    return index === undefined ? '' : (record.field(index) ?? '').trim();
  }

  private async writer(kind: StreamKind): Promise<StreamWriter> {
    return this.streams.has(kind) ? this.streams.get(kind) : this.streams.ensure(kind);
  }

  async row(record: DelimitedRecord): Promise<void> {
    const { columns } = this;
    const sensor = columns.sensor === undefined ? null : this.cell(record, columns.sensor);
    const event = this.cell(record, columns.event);
    // Rows of other sensors (glasses' gyroscope, accelerometer) are not samples; a row naming no sensor and no event is one.
    const sample = event === '' ? sensor === null || sensor === '' || sensor === EYE_TRACKER : sensor === EYE_TRACKER;
    const gaze = await this.writer('gaze');
    const t = gaze.accepted || event !== '' ? Math.round(this.numbers.required(record, columns.timestamp.index, columns.timestamp.raw) * this.scale) : 0;
    if (event !== '') await this.event(record, t, event);
    if (sample) await this.sample(record, t, gaze);
    if (gaze.accepted) this.signals(record, t, gaze);
  }

  private async event(record: DelimitedRecord, t: number, name: string): Promise<void> {
    const writer = await this.writer('eye_markers');
    if (!writer.accepted) {
      writer.event(0, { kind: 'refused' });
      return;
    }
    const value = this.cell(record, this.columns.eventValue);
    const attributes: Record<string, string> = { Event: name };
    if (value !== '') attributes['Event value'] = value;
    const stimulus = this.cell(record, this.columns.stimulus);
    const media = this.cell(record, this.columns.media);
    if (stimulus !== '') attributes['Presented Stimulus name'] = stimulus;
    if (media !== '') attributes['Presented Media name'] = media;
    writer.event(t, { kind: signalName(name), label: value === '' ? null : value, attributes }, record.line);
  }

  private validity(record: DelimitedRecord, index: number | undefined): boolean | null {
    const text = this.cell(record, index);
    if (text === '' || index === undefined) return null;
    const name = this.columns.names[index] ?? '';
    if (text === 'Valid') return true;
    if (text === 'Invalid') return false;
    const code = /^[0-4]$/.test(text) ? Number(text) : null;
    if (code === null) throw this.numbers.error(record, index, `"${text}" in column "${name}" is neither Valid, Invalid nor a Tobii validity code (0 to 4)`);
    return code <= VALID_CODE_UP_TO;
  }

  private read(record: DelimitedRecord, index: number | undefined): number | null {
    return index === undefined ? null : this.numbers.read(record, index, this.columns.names[index] ?? '');
  }

  private async sample(record: DelimitedRecord, t: number, gaze: StreamWriter): Promise<void> {
    const c = this.columns;
    await this.movement(record, t);
    await this.stimulusChange(record, t);
    if (!gaze.accepted) {
      gaze.gazeSample(0, NO_GAZE);
      return;
    }
    const validLeft = this.validity(record, c.validityLeft);
    const validRight = this.validity(record, c.validityRight);
    const noEyeValid = validLeft === false && validRight === false;
    gaze.gazeSample(
      t,
      {
        x: noEyeValid ? null : this.read(record, c.gazeX),
        y: noEyeValid ? null : this.read(record, c.gazeY),
        leftX: this.read(record, c.leftX),
        leftY: this.read(record, c.leftY),
        rightX: this.read(record, c.rightX),
        rightY: this.read(record, c.rightY),
        pupilLeft: this.read(record, c.pupilLeft),
        pupilRight: this.read(record, c.pupilRight),
        validLeft,
        validRight,
      },
      record.line,
    );
  }

  /** A marker where the presented stimulus changes, so the per-sample column is not lost. */
  private async stimulusChange(record: DelimitedRecord, t: number): Promise<void> {
    if (this.columns.stimulus === undefined) return;
    const stimulus = this.cell(record, this.columns.stimulus);
    if (stimulus === (this.stimulus ?? '')) return;
    this.stimulus = stimulus;
    const writer = await this.writer('eye_markers');
    if (!writer.accepted) {
      writer.event(0, { kind: 'presented_stimulus' });
      return;
    }
    const media = this.cell(record, this.columns.media);
    writer.event(t, { kind: 'presented_stimulus', label: stimulus === '' ? null : stimulus, attributes: media === '' ? null : { 'Presented Media name': media } }, record.line);
  }

  private async movement(record: DelimitedRecord, t: number): Promise<void> {
    const c = this.columns;
    if (c.movementType === undefined) return;
    const type = this.cell(record, c.movementType);
    const key = `${type}\u0000${this.cell(record, c.movementIndex)}`;
    if (this.run?.key === key) {
      this.run.lastUs = t;
      return;
    }
    this.flush();
    const kind = MOVEMENT_STREAM[type];
    if (kind === undefined) return;
    const writer = await this.writer(kind);
    this.run = {
      kind,
      key,
      startUs: t,
      lastUs: t,
      durationMs: writer.accepted ? this.read(record, c.movementDuration) : null,
      x: writer.accepted && kind === 'fixations' ? this.read(record, c.fixationX) : null,
      y: writer.accepted && kind === 'fixations' ? this.read(record, c.fixationY) : null,
      line: record.line,
    };
  }

  /** Writes the open fixation or saccade, if any. */
  flush(): void {
    const run = this.run;
    if (run === undefined) return;
    this.run = undefined;
    const writer = this.streams.get(run.kind);
    const end = run.durationMs === null ? run.lastUs : run.startUs + Math.round(run.durationMs * 1000);
    if (run.kind === 'fixations') writer.fixation(writer.accepted ? run.startUs : 0, writer.accepted ? end : 0, { x: run.x, y: run.y }, run.line);
    else writer.saccade(writer.accepted ? run.startUs : 0, writer.accepted ? end : 0, {}, run.line);
  }

  /** Every other column with a value on this row: numbers as signals, text counted and reported. */
  private signals(record: DelimitedRecord, t: number, gaze: StreamWriter): void {
    for (const column of this.columns.other) {
      const text = (record.field(column.index) ?? '').trim();
      if (text === '') continue;
      if (!Number.isFinite(Number(text)) && !/^-?\d+,\d+$/.test(text) && !/^[+-]?(inf|infinity|nan)$/i.test(text)) {
        const seen = this.text.columns.get(column.raw);
        if (seen === undefined) this.text.columns.set(column.raw, { count: 1, line: record.line, example: text });
        else seen.count += 1;
        continue;
      }
      gaze.signal(t, column.signal, this.numbers.read(record, column.index, column.raw), record.line);
    }
  }
}
