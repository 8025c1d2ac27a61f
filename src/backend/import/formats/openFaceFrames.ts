import { FACE_FEATURE_COLUMNS } from '../../../core/face/featureSchema.js';
import type { ImportSink, StreamWriter } from '../types.js';
import type { OpenFaceLayout } from './openFaceLayout.js';

const feature = (name: string): number => FACE_FEATURE_COLUMNS.findIndex((c) => c.name === name);
const SUCCESS = feature('success');
const FACE_COUNT = feature('face_count');

/** One parsed data row of an OpenFace CSV. */
export interface OpenFaceRow {
  readonly line: number;
  readonly frame: number;
  readonly faceId: number;
  readonly success: 0 | 1;
  readonly timeUs: number;
  /** The scanner's values, by slot. */
  readonly values: Float64Array;
}

/**
 * Writes face 0 of each frame. A multi-face file (FaceLandmarkVidMulti) writes one row per
 * tracked face, consecutively per frame, so face 0's row waits until the frame's last row has
 * been seen: then face_count knows how many faces were tracked in it.
 */
export class OpenFaceFrames {
  private readonly features = new Float64Array(FACE_FEATURE_COLUMNS.length);
  private readonly signalValues: Float64Array;
  private waiting = false;
  private waitingFrame = 0;
  private waitingTimeUs = 0;
  private waitingLine = 0;
  private waitingSuccess = false;
  private currentFrame = Number.NaN;
  private facesInFrame = 0;
  private otherFaces: { rows: number; frames: number; line: number; lastFrame: number } | undefined;

  constructor(
    private readonly path: string,
    private readonly layout: OpenFaceLayout,
    private readonly writer: StreamWriter,
    private readonly frameOffset: number,
  ) {
    this.signalValues = new Float64Array(layout.signals.length);
  }

  add(row: OpenFaceRow): void {
    if (row.frame !== this.currentFrame || (row.faceId === 0 && this.waiting)) {
      this.flush();
      this.currentFrame = row.frame;
      this.facesInFrame = 0;
    }
    if (row.success === 1) this.facesInFrame += 1;
    if (row.faceId !== 0) {
      this.countOtherFace(row);
      return;
    }
    const { features, layout } = this;
    const values = row.values;
    features.fill(Number.NaN);
    features[SUCCESS] = row.success;
    if (row.success === 1) {
      for (const { slot, feature: index, scale } of layout.features) features[index] = (values[slot] as number) * scale;
      layout.signals.forEach(({ slot }, k) => {
        this.signalValues[k] = values[slot] as number;
      });
    }
    this.waiting = true;
    this.waitingFrame = row.frame - this.frameOffset;
    this.waitingTimeUs = row.timeUs;
    this.waitingLine = row.line;
    this.waitingSuccess = row.success === 1;
  }

  /** Writes the frame waiting for its last row, if any. */
  flush(): void {
    if (!this.waiting) return;
    this.waiting = false;
    this.features[FACE_COUNT] = this.facesInFrame;
    this.writer.faceFrame(this.waitingTimeUs, this.waitingFrame, this.features, this.waitingLine);
    if (!this.waitingSuccess) return;
    this.layout.signals.forEach(({ name }, k) => {
      const value = this.signalValues[k] as number;
      this.writer.signal(this.waitingTimeUs, name, Number.isNaN(value) ? null : value, this.waitingLine);
    });
  }

  private countOtherFace(row: OpenFaceRow): void {
    this.otherFaces ??= { rows: 0, frames: 0, line: row.line, lastFrame: Number.NaN };
    this.otherFaces.rows += 1;
    if (this.otherFaces.lastFrame !== row.frame) {
      this.otherFaces.frames += 1;
      this.otherFaces.lastFrame = row.frame;
    }
  }

  /** Writes the last frame and says how many rows of other faces were left out. */
  finish(sink: ImportSink): void {
    this.flush();
    if (this.otherFaces === undefined) return;
    const { rows, frames, line } = this.otherFaces;
    sink.warn({
      message: `${rows} row${rows === 1 ? '' : 's'} of faces other than face_id 0, in ${frames} frame${frames === 1 ? '' : 's'}, ${rows === 1 ? 'was' : 'were'} not stored (first at line ${line}): Weft keeps face 0 as the learner's face and records in face_count how many faces were tracked in each frame`,
      location: { file: this.path, line, field: 'face_id' },
      count: rows,
    });
  }
}
