import type { ImportSink, StreamSpec, StreamWriter, TimeBase } from '../types.js';

/**
 * One interaction-log stream per participant (and session, when the log names one), opened
 * when the first row of it arrives. `undefined` participant means the import names it
 * (--participant or a manifest).
 */
export class StreamsByParticipant {
  private readonly writers = new Map<string, StreamWriter>();
  private lastKey: string | undefined;
  private last: StreamWriter | undefined;

  constructor(
    private readonly sink: ImportSink,
    private readonly time: TimeBase,
    private readonly provenance: Record<string, unknown>,
    private readonly participantAdvice?: string,
  ) {}

  async writer(participantId: string | undefined, sessionId?: string | null): Promise<StreamWriter> {
    const key = `${participantId ?? ''}\u0000${sessionId ?? ''}`;
    if (key === this.lastKey && this.last !== undefined) return this.last;
    let writer = this.writers.get(key);
    if (writer === undefined) {
      const spec: StreamSpec = {
        kind: 'interaction_log',
        target: {
          ...(participantId === undefined ? (this.participantAdvice === undefined ? {} : { participantAdvice: this.participantAdvice }) : { participantId }),
          ...(sessionId === null || sessionId === undefined ? {} : { sessionId }),
        },
        time: this.time,
        provenance: this.provenance,
      };
      writer = await this.sink.openStream(spec);
      this.writers.set(key, writer);
    }
    this.lastKey = key;
    this.last = writer;
    return writer;
  }
}
