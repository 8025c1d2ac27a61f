import { FACE_FEATURE_COLUMNS } from '../../core/face/featureSchema.js';
import type { StreamKind } from '../../core/study/modalities.js';
import { SelfWritingJson, type WrittenKeys } from './jsonBytes.js';
import type { TableAppender } from './tableAppender.js';
import { randomUUID } from 'node:crypto';
import type { SourceFile } from './source.js';
import type { TimeOrder } from './timeOrderWarnings.js';
import type { EventFields, FixationFields, GazeFields, MediaFields, SaccadeFields, StreamWriter } from './types.js';

export interface StreamStats {
  rows: number;
  minUs: number | null;
  maxUs: number | null;
}

/** Maps a stream's own time to session time; may fix the session start from the first row. */
export type ToSessionTime = (t: number) => number;

const EVENT_COLUMNS = ['stream_id', 'session_id', 't_us', 'duration_us', 'kind', 'label', 'problem', 'step', 'selection', 'action', 'input', 'outcome', 'skill', 'attempt', 'feedback', 'attributes'] as const;
const FACE_COLUMNS = ['stream_id', 'session_id', 't_us', 'frame', ...FACE_FEATURE_COLUMNS.map((c) => c.name)];
const GAZE_COLUMNS = ['stream_id', 'session_id', 't_us', 'x', 'y', 'left_x', 'left_y', 'right_x', 'right_y', 'pupil_left', 'pupil_right', 'valid_left', 'valid_right'] as const;
const FIXATION_COLUMNS = ['stream_id', 'session_id', 'start_us', 'end_us', 'x', 'y', 'eye', 'pupil', 'aoi'] as const;
const SACCADE_COLUMNS = ['stream_id', 'session_id', 'start_us', 'end_us', 'start_x', 'start_y', 'end_x', 'end_y', 'amplitude_deg', 'peak_velocity_deg_s', 'eye'] as const;
const BLINK_COLUMNS = ['stream_id', 'session_id', 'start_us', 'end_us', 'eye'] as const;
const SIGNAL_COLUMNS = ['stream_id', 'session_id', 't_us', 'name', 'value'] as const;
const MEDIA_COLUMNS = ['media_id', 'stream_id', 'session_id', 'path', 'managed', 'sha256', 'bytes', 'container', 'codec', 'width', 'height', 'fps', 'frames', 'duration_us', 'start_offset_us'] as const;

const SUCCESS_INDEX = FACE_FEATURE_COLUMNS.findIndex((c) => c.name === 'success');
/** Faces found is data even when none was: 0 faces, not missing. */
const FACE_COUNT_INDEX = FACE_FEATURE_COLUMNS.findIndex((c) => c.name === 'face_count');

export const TABLE_OF_KIND: Partial<Record<StreamKind, string>> = {
  interaction_log: 'events',
  segments: 'events',
  eye_markers: 'events',
  face_features: 'face_frames',
  gaze: 'gaze_samples',
  fixations: 'fixations',
  saccades: 'saccades',
  blinks: 'blinks',
  video: 'media',
  audio: 'media',
};

/** Tables a stream writes into besides its own, shared by every stream of an import. */
export interface SharedTables {
  readonly signals: TableAppender;
}

/** Fills a reusable row array in the appender's column order from values given by name. */
class RowLayout {
  private readonly positions: number[];
  private readonly row: unknown[];

  constructor(
    private readonly appender: TableAppender,
    names: readonly string[],
  ) {
    this.positions = names.map((n) => appender.indexOf(n));
    this.row = new Array<unknown>(appender.columns.length).fill(null);
  }

  write(values: readonly unknown[]): void {
    for (let i = 0; i < this.positions.length; i += 1) this.row[this.positions[i] as number] = values[i];
    this.appender.append(this.row);
  }
}

function misuse(kind: StreamKind, method: string): never {
  throw new Error(`A ${kind} stream cannot take ${method} rows`);
}

/**
 * Writes one accepted stream's rows into its internal table on session time, keeping the
 * statistics the streams table records and noticing timestamps that go backwards or repeat.
 */
export class AcceptedStreamWriter implements StreamWriter {
  readonly accepted = true;
  readonly stats: StreamStats = { rows: 0, minUs: null, maxUs: null };
  private previous = Number.NEGATIVE_INFINITY;
  private backwards = 0;
  private repeats = 0;
  private firstBackwardsLine: number | undefined;
  private readonly layout: RowLayout;
  private readonly signalLayout: RowLayout;
  /** Signal rows not kept for lack of consent to affect inferences. */
  refusedSignals = 0;
  /** Where the keys of the events' self-writing attributes are kept. */
  private readonly attributeKeys = new Set<WrittenKeys>();
  /** Whether any event's attributes were a plain object, whose keys only the table knows. */
  private plainAttributes = false;

  constructor(
    readonly streamId: number,
    readonly sessionId: string,
    readonly kind: StreamKind,
    appender: TableAppender,
    shared: SharedTables,
    private readonly source: SourceFile,
    private readonly toSession: ToSessionTime,
    private readonly onSessionInfo: (info: { variant?: string; lesson?: string }) => void,
    private readonly allowSignal: (name: string) => boolean,
  ) {
    const names = {
      events: EVENT_COLUMNS,
      face_frames: FACE_COLUMNS,
      gaze_samples: GAZE_COLUMNS,
      fixations: FIXATION_COLUMNS,
      saccades: SACCADE_COLUMNS,
      blinks: BLINK_COLUMNS,
      media: MEDIA_COLUMNS,
    }[appender.table];
    if (names === undefined) throw new Error(`No row layout for weft.${appender.table}`);
    this.layout = new RowLayout(appender, names);
    this.signalLayout = new RowLayout(shared.signals, SIGNAL_COLUMNS);
  }

  private track(startUs: number, endUs: number, line: number | undefined): void {
    if (startUs < this.previous) {
      this.backwards += 1;
      this.firstBackwardsLine ??= line;
    } else if (startUs === this.previous) {
      this.repeats += 1;
    }
    this.previous = startUs;
    this.stats.rows += 1;
    if (this.stats.minUs === null || startUs < this.stats.minUs) this.stats.minUs = startUs;
    if (this.stats.maxUs === null || endUs > this.stats.maxUs) this.stats.maxUs = endUs;
  }

  event(t: number, f: EventFields, line?: number): void {
    if (this.kind !== 'interaction_log' && this.kind !== 'segments' && this.kind !== 'eye_markers') misuse(this.kind, 'event');
    const start = this.toSession(t);
    const duration = f.durationUs ?? null;
    this.track(start, duration === null ? start : start + Math.round(duration), line);
    const attributes = f.attributes ?? null;
    if (attributes instanceof SelfWritingJson) this.attributeKeys.add(attributes.keys);
    else if (attributes !== null) this.plainAttributes = true;
    this.layout.write([
      this.streamId, this.sessionId, start, duration, f.kind, f.label ?? null, f.problem ?? null, f.step ?? null,
      f.selection ?? null, f.action ?? null, f.input ?? null, f.outcome ?? null, f.skill ?? null, f.attempt ?? null,
      f.feedback ?? null, attributes,
    ]);
  }

  faceFrame(t: number, frame: number | null, features: Float64Array, line?: number): void {
    if (this.kind !== 'face_features') misuse(this.kind, 'face');
    const start = this.toSession(t);
    this.track(start, start, line);
    const present = features[SUCCESS_INDEX] === 1;
    const values: unknown[] = [this.streamId, this.sessionId, start, frame];
    for (let i = 0; i < features.length; i += 1) {
      if (i === SUCCESS_INDEX) values.push(present);
      else if (i === FACE_COUNT_INDEX) values.push(features[i]);
      else values.push(present ? features[i] : null);
    }
    this.layout.write(values);
  }

  gazeSample(t: number, f: GazeFields, line?: number): void {
    if (this.kind !== 'gaze') misuse(this.kind, 'gaze');
    const start = this.toSession(t);
    this.track(start, start, line);
    this.layout.write([
      this.streamId, this.sessionId, start, f.x, f.y, f.leftX ?? null, f.leftY ?? null, f.rightX ?? null, f.rightY ?? null,
      f.pupilLeft ?? null, f.pupilRight ?? null, f.validLeft ?? null, f.validRight ?? null,
    ]);
  }

  fixation(startT: number, endT: number, f: FixationFields, line?: number): void {
    if (this.kind !== 'fixations') misuse(this.kind, 'fixation');
    const start = this.toSession(startT);
    const end = this.toSession(endT);
    this.track(start, end, line);
    this.layout.write([this.streamId, this.sessionId, start, end, f.x, f.y, f.eye ?? null, f.pupil ?? null, f.aoi ?? null]);
  }

  saccade(startT: number, endT: number, f: SaccadeFields, line?: number): void {
    if (this.kind !== 'saccades') misuse(this.kind, 'saccade');
    const start = this.toSession(startT);
    const end = this.toSession(endT);
    this.track(start, end, line);
    this.layout.write([
      this.streamId, this.sessionId, start, end, f.startX ?? null, f.startY ?? null, f.endX ?? null, f.endY ?? null,
      f.amplitudeDeg ?? null, f.peakVelocityDegS ?? null, f.eye ?? null,
    ]);
  }

  blink(startT: number, endT: number, eye: string | null, line?: number): void {
    if (this.kind !== 'blinks') misuse(this.kind, 'blink');
    const start = this.toSession(startT);
    const end = this.toSession(endT);
    this.track(start, end, line);
    this.layout.write([this.streamId, this.sessionId, start, end, eye]);
  }

  signal(t: number, name: string, value: number | null): void {
    if (!this.allowSignal(name)) {
      this.refusedSignals += 1;
      return;
    }
    this.signalLayout.write([this.streamId, this.sessionId, this.toSession(t), name, value]);
  }

  media(f: MediaFields): void {
    if (this.kind !== 'video' && this.kind !== 'audio') misuse(this.kind, 'media');
    const start = this.toSession(f.startOffsetUs);
    this.track(start, f.durationUs === null ? start : start + Math.round(f.durationUs), undefined);
    const stored = f.stored;
    this.layout.write([
      randomUUID(), this.streamId, this.sessionId, stored?.path ?? this.source.path, stored !== undefined, stored?.sha256 ?? this.source.sha256, stored?.bytes ?? this.source.bytes, f.container, f.codec,
      f.width, f.height, f.fps, f.frames, f.durationUs, f.startOffsetUs,
    ]);
  }

  describeSession(info: { variant?: string; lesson?: string }): void {
    this.onSessionInfo(info);
  }

  /**
   * The top-level attribute keys of the stream's events when its writer knows them all (every
   * event's attributes wrote themselves, or it has none); null when only the table knows.
   */
  writtenAttributeKeys(): string[] | null {
    if (this.plainAttributes) return null;
    return [...new Set([...this.attributeKeys].flatMap((keys) => keys.written()))];
  }

  /** What this stream noticed about the order of its timestamps, for the import's warnings. */
  get timeOrder(): TimeOrder {
    return { backwards: this.backwards, firstBackwardsLine: this.firstBackwardsLine, repeats: this.repeats };
  }
}

/** Stands in for a stream the participant has not consented to: counts rows, keeps nothing. */
export class RefusedStreamWriter implements StreamWriter {
  readonly accepted = false;
  rows = 0;
  event(): void {
    this.rows += 1;
  }
  faceFrame(): void {
    this.rows += 1;
  }
  gazeSample(): void {
    this.rows += 1;
  }
  fixation(): void {
    this.rows += 1;
  }
  saccade(): void {
    this.rows += 1;
  }
  blink(): void {
    this.rows += 1;
  }
  signal(): void {}
  media(): void {
    this.rows += 1;
  }
  describeSession(): void {}
}
