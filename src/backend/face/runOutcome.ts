import { WeftError } from '../../core/errors.js';

/**
 * How an extraction run ends: done, failed, cancelled through its signal, or given up after the
 * page has been silent for `stallMs`. The first of these wins.
 */
export class RunOutcome {
  readonly promise: Promise<void>;
  private settle: { resolve: () => void; reject: (error: unknown) => void } = { resolve: () => undefined, reject: () => undefined };
  private stall: NodeJS.Timeout | undefined;
  private readonly onAbort: () => void;

  constructor(
    private readonly stallMs: number,
    private readonly signal: AbortSignal | undefined,
    cancelled: () => WeftError,
  ) {
    this.promise = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.promise.catch(() => undefined);
    this.onAbort = () => this.reject(cancelled());
    signal?.addEventListener('abort', this.onAbort, { once: true });
    if (signal?.aborted === true) this.onAbort();
    this.touch();
  }

  /** The page said something: the stall timer starts again. */
  touch(): void {
    clearTimeout(this.stall);
    this.stall = setTimeout(() => this.reject(new WeftError('INTERNAL', `The extraction page sent nothing for ${Math.round(this.stallMs / 1000)} s; it was stopped`)), this.stallMs);
  }

  resolve(): void {
    this.settle.resolve();
  }

  reject(error: unknown): void {
    this.settle.reject(error);
  }

  dispose(): void {
    clearTimeout(this.stall);
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}
