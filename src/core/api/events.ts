import * as z from 'zod';

/** Events the backend pushes to clients, declared once like the methods. */
export const eventContract = {
  'job.progress': z.object({
    job_id: z.string(),
    label: z.string(),
    phase: z.enum(['running', 'done', 'failed', 'cancelled']),
    done: z.number().nonnegative(),
    total: z.number().nonnegative().nullable(),
    unit: z.string(),
    message: z.string().optional(),
    /** While true, `jobs.cancel` with this job_id stops the job. */
    cancellable: z.boolean().optional(),
  }),
  'study.changed': z.object({ reason: z.string() }),
} as const;

export type EventName = keyof typeof eventContract;
export type EventPayload<E extends EventName> = z.output<(typeof eventContract)[E]>;
export type JobPhase = EventPayload<'job.progress'>['phase'];

export interface EventEnvelope<E extends EventName = EventName> {
  readonly seq: number;
  readonly name: E;
  readonly payload: EventPayload<E>;
}

export type EventListener = (event: EventEnvelope) => void;

export interface EventSink {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

/**
 * Fan-out of backend events to in-process listeners, with a bounded backlog so that a
 * long-polling HTTP client can ask for everything after the last sequence number it saw.
 */
export class EventHub implements EventSink {
  private seq = 0;
  private readonly backlog: EventEnvelope[] = [];
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly backlogSize = 1_000) {}

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const envelope = { seq: ++this.seq, name, payload } as EventEnvelope;
    this.backlog.push(envelope);
    if (this.backlog.length > this.backlogSize) this.backlog.shift();
    for (const listener of this.listeners) listener(envelope);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  lastSeq(): number {
    return this.seq;
  }

  since(afterSeq: number): EventEnvelope[] {
    return this.backlog.filter((event) => event.seq > afterSeq);
  }
}
