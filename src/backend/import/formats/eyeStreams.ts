import type { StreamKind } from '../../../core/study/modalities.js';
import type { StreamWriter } from '../types.js';

/**
 * The writers of one file's streams, opened when the first row of their kind appears, so a file
 * without (say) blinks adds no empty blinks stream. Opening is asynchronous and rows are written
 * synchronously, so a batch of rows first `ensure`s what it needs and then `get`s it.
 */
export class EyeStreams {
  private readonly writers = new Map<StreamKind, StreamWriter>();

  constructor(private readonly open: (kind: StreamKind) => Promise<StreamWriter>) {}

  async ensure(kind: StreamKind): Promise<StreamWriter> {
    let writer = this.writers.get(kind);
    if (writer === undefined) {
      writer = await this.open(kind);
      this.writers.set(kind, writer);
    }
    return writer;
  }

  has(kind: StreamKind): boolean {
    return this.writers.has(kind);
  }

  get(kind: StreamKind): StreamWriter {
    const writer = this.writers.get(kind);
    if (writer === undefined) throw new Error(`${kind} stream used before it was opened`);
    return writer;
  }
}
