import type { SourceLocation } from '../../core/errors.js';
import type { Modality, StreamKind } from '../../core/study/modalities.js';
import type { SelfWritingJson } from './jsonBytes.js';
import type { SourceFile, SourceHead } from './source.js';
import type { TextReader } from './textReader.js';

/** Who and when a stream belongs to, as far as the file itself says. */
export interface StreamTarget {
  readonly participantId?: string;
  /** What else names the participant when neither the file nor the import does (a mapping file, say). */
  readonly participantAdvice?: string;
  readonly sessionId?: string;
  readonly variant?: string;
  readonly lesson?: string;
}

/**
 * How a stream's timestamps relate to the world:
 * - 'epoch': microseconds since 1970 UTC (tutor logs with wall-clock times);
 * - 'relative': microseconds on the device's own clock (media time, eye-tracker recording time);
 *   `originEpochUs` is that clock's time 0 in wall-clock time when the file states it.
 */
export type TimeBase = { readonly kind: 'epoch' } | { readonly kind: 'relative'; readonly originEpochUs?: number };

export interface StreamSpec {
  readonly kind: StreamKind;
  readonly target: StreamTarget;
  readonly time: TimeBase;
  /** Tool and version that wrote the file, options, model hashes: whatever reproduces it. */
  readonly provenance?: Record<string, unknown>;
}

export interface EventFields {
  readonly durationUs?: number | null;
  readonly kind: string;
  readonly label?: string | null;
  readonly problem?: string | null;
  readonly step?: string | null;
  readonly selection?: string | null;
  readonly action?: string | null;
  readonly input?: string | null;
  readonly outcome?: string | null;
  readonly skill?: string | null;
  readonly attempt?: number | null;
  readonly feedback?: string | null;
  /** Everything else the row says: an object, or one that writes its own JSON. */
  readonly attributes?: Record<string, unknown> | SelfWritingJson | null;
}

export interface GazeFields {
  readonly x: number | null;
  readonly y: number | null;
  readonly leftX?: number | null;
  readonly leftY?: number | null;
  readonly rightX?: number | null;
  readonly rightY?: number | null;
  readonly pupilLeft?: number | null;
  readonly pupilRight?: number | null;
  readonly validLeft?: boolean | null;
  readonly validRight?: boolean | null;
}

export interface FixationFields {
  readonly x: number | null;
  readonly y: number | null;
  readonly eye?: string | null;
  readonly pupil?: number | null;
  readonly aoi?: string | null;
}

export interface SaccadeFields {
  readonly startX?: number | null;
  readonly startY?: number | null;
  readonly endX?: number | null;
  readonly endY?: number | null;
  readonly amplitudeDeg?: number | null;
  readonly peakVelocityDegS?: number | null;
  readonly eye?: string | null;
}

/**
 * Where rows of one stream go. Times are in the stream's own time base, microseconds; `line` is
 * the source line, so that warnings about the rows can say where they are.
 */
export interface StreamWriter {
  /** False when the participant has not consented to this stream's modality: nothing is kept. */
  readonly accepted: boolean;
  event(t: number, fields: EventFields, line?: number): void;
  /**
   * One video frame. `features` holds FACE_FEATURE_COLUMNS in order, NaN where missing;
   * the `success` entry is 1 or 0, and a frame with success 0 is stored with every feature NULL.
   */
  faceFrame(t: number, frame: number | null, features: Float64Array, line?: number): void;
  gazeSample(t: number, fields: GazeFields, line?: number): void;
  fixation(start: number, end: number, fields: FixationFields, line?: number): void;
  saccade(start: number, end: number, fields: SaccadeFields, line?: number): void;
  blink(start: number, end: number, eye: string | null, line?: number): void;
  /** A named numeric sample beyond the stream's fixed columns (a detector output an export carries). */
  signal(t: number, name: string, value: number | null, line?: number): void;
  /** The container metadata of a video or audio stream's file, as a media-metadata library read it. */
  media(fields: MediaFields): void;
  /** What the file says about the session once it has read enough to know (a constant condition, say). */
  describeSession(info: { variant?: string; lesson?: string }): void;
}

export interface MediaFields {
  readonly container: string | null;
  readonly codec: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly fps: number | null;
  readonly frames: number | null;
  /** Duration of the media, microseconds. */
  readonly durationUs: number | null;
  /** Media time of the first frame (the container's start offset or edit list), microseconds. */
  readonly startOffsetUs: number;
  /** The file the study plays, when it is not the imported one (a conversion Weft keeps in the study folder). */
  readonly stored?: StoredMediaFile;
}

export interface StoredMediaFile {
  /** Relative to the study folder. */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface AnnotationFields {
  readonly location: SourceLocation;
  readonly sessionId: string;
  /** Whom the session belongs to, when the file says: lets the consent gate refuse rows of a session it never stored. */
  readonly participantId: string | null;
  readonly tier: string;
  readonly annotator: string;
  readonly label: string;
  /** Session time, microseconds. */
  readonly startUs: number;
  readonly endUs: number;
  readonly value?: number | null;
  readonly note?: string | null;
}

export interface ConsentFields {
  readonly location: SourceLocation;
  readonly participantId: string;
  readonly modality: Modality;
  readonly granted: boolean;
  readonly formVersion: string | null;
  readonly recordedAtUs: number;
  readonly expiresAtUs: number | null;
  readonly withdrawnAtUs: number | null;
}

export interface DemographicsFields {
  readonly location: SourceLocation;
  readonly participantId: string;
  readonly items: Record<string, string | number | null>;
}

export interface ImportWarning {
  readonly message: string;
  readonly location?: SourceLocation;
  /** How many times the same thing happened; one warning stands for all of them. */
  readonly count?: number;
}

export interface ImportSink {
  openStream(spec: StreamSpec): Promise<StreamWriter>;
  annotation(fields: AnnotationFields): void;
  consent(fields: ConsentFields): void;
  /** Demographic items of a participant, stored only with consent for demographics. */
  demographics(fields: DemographicsFields): void;
  warn(warning: ImportWarning): void;
  /** Reports how far through the file the parser is. */
  progress(bytesRead: number): void;
}

export interface ParseContext {
  readonly file: SourceFile;
  readonly sink: ImportSink;
  /** IANA zone of the lab's clocks (study setting), for local times written without a zone. */
  readonly timeZone: string;
  /** The study folder: where files Weft makes on import (converted recordings) are kept. */
  readonly studyDir: string;
  /** A dry run: nothing may be written, in the database or beside it. */
  readonly dryRun: boolean;
  /** Opens the file for reading as text; the parser closes it. */
  openText(): TextReader;
}

/**
 * A format Weft can import. `detect` looks only at the start of the file and says how sure it
 * is (0: not this format; 1: certainly this format); the highest score wins.
 */
export interface Importer {
  readonly format: string;
  readonly title: string;
  /**
   * Consent files are applied first in an import, so the gate sees them; annotations last, so
   * the sessions they label exist.
   */
  readonly phase: 'consent' | 'data' | 'annotations';
  detect(file: SourceHead): number;
  parse(ctx: ParseContext): Promise<void>;
}
