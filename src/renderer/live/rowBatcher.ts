import type { LiveFrameRow } from '../../core/api/faceSchemas.js';

export interface RowBatcherOptions {
  /** Stores one batch; resolves when it is in the study. */
  readonly send: (rows: LiveFrameRow[]) => Promise<void>;
  /** The first failure: no batch is sent after it. */
  readonly onError: (error: unknown) => void;
  readonly maxRows: number;
  readonly maxDelayMs: number;
}

/**
 * Collects live rows and sends them in batches, one batch in flight at a time and in order, so
 * the backend sees frames in sequence; after a failure (consent withdrawn, study closed) it
 * drops everything and sends nothing more.
 */
export class RowBatcher {
  private pending: LiveFrameRow[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failed = false;

  constructor(private readonly options: RowBatcherOptions) {}

  get stopped(): boolean {
    return this.failed;
  }

  add(row: LiveFrameRow): void {
    if (this.failed) return;
    this.pending.push(row);
    if (this.pending.length >= this.options.maxRows) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.maxDelayMs);
  }

  /** Sends what is pending; resolves when every batch so far is stored (or the batcher failed). */
  flush(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.pending;
    this.pending = [];
    if (rows.length > 0 && !this.failed) {
      this.inFlight = this.inFlight.then(async () => {
        if (this.failed) return;
        try {
          await this.options.send(rows);
        } catch (error) {
          this.failed = true;
          this.pending = [];
          this.options.onError(error);
        }
      });
    }
    return this.inFlight;
  }
}
