import type { StreamWriter } from '../types.js';

/** What one gaze sample contributes to the fixation it belongs to. */
export interface FixationSample {
  readonly index: string;
  readonly t: number;
  readonly line: number;
  /** FixationDuration, ms, repeated on every sample of the fixation. */
  readonly durationMs: number | null;
  readonly mappedX: number | null;
  readonly mappedY: number | null;
  readonly gazeX: number | null;
  readonly gazeY: number | null;
  readonly pupil: number | null;
}

class Mean {
  private sum = 0;
  private n = 0;
  add(value: number | null): void {
    if (value === null) return;
    this.sum += value;
    this.n += 1;
  }
  get value(): number | null {
    return this.n === 0 ? null : this.sum / this.n;
  }
}

/**
 * Rebuilds fixations from the FixationIndex that All-Data exports put on every sample of a
 * fixation. A fixation runs from its first sample to its first sample plus FixationDuration
 * (to its last sample when the export has no durations). Samples without an index (lost or in
 * a saccade) do not end it; the next index does, so a lost sample inside a fixation does not
 * split it in two.
 */
export class FixationRuns {
  private index = '';
  private line = 0;
  private startUs = 0;
  private lastUs = 0;
  private durationMs: number | null = null;
  private mappedX = new Mean();
  private mappedY = new Mean();
  private gazeX = new Mean();
  private gazeY = new Mean();
  private pupil = new Mean();

  constructor(
    private readonly writer: () => StreamWriter,
    private readonly eye: string | null,
  ) {}

  /** Notes the fixation index of a sample that the writer refuses: only runs are counted. */
  countOnly(index: string, line: number): void {
    if (index === this.index) return;
    this.flush();
    this.index = index;
    this.line = line;
  }

  add(sample: FixationSample): void {
    if (sample.index !== this.index) {
      this.flush();
      this.index = sample.index;
      this.line = sample.line;
      this.startUs = sample.t;
    }
    this.lastUs = sample.t;
    this.durationMs ??= sample.durationMs;
    this.mappedX.add(sample.mappedX);
    this.mappedY.add(sample.mappedY);
    this.gazeX.add(sample.gazeX);
    this.gazeY.add(sample.gazeY);
    this.pupil.add(sample.pupil);
  }

  /** Writes the open fixation, if any. */
  flush(): void {
    if (this.index === '') return;
    const writer = this.writer();
    if (writer.accepted) {
      const mapped = this.mappedX.value !== null && this.mappedY.value !== null;
      const end = this.durationMs === null ? this.lastUs : this.startUs + this.durationMs * 1000;
      writer.fixation(
        this.startUs,
        end,
        {
          x: mapped ? this.mappedX.value : this.gazeX.value,
          y: mapped ? this.mappedY.value : this.gazeY.value,
          eye: this.eye,
          pupil: this.pupil.value,
        },
        this.line,
      );
    } else {
      writer.fixation(0, 0, { x: null, y: null });
    }
    this.index = '';
    this.durationMs = null;
    this.mappedX = new Mean();
    this.mappedY = new Mean();
    this.gazeX = new Mean();
    this.gazeY = new Mean();
    this.pupil = new Mean();
  }
}
