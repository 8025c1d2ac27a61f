import { randomUUID } from 'node:crypto';
import type { EventSink } from '../../core/api/events.js';

/** A long job's progress as `job.progress` events, for the CLI's bar and the UI. */
export interface JobProgress {
  readonly jobId: string;
  /**
   * Reports `done` of the total, then yields to the event loop: the steps between are often
   * synchronous (model fitting), and an HTTP client long-polling for events must get them.
   */
  step(done: number, message?: string): Promise<void>;
  /** Once a job knows how much work it has. */
  setTotal(total: number): void;
  finish(message?: string): void;
  fail(message: string): void;
}

export function jobProgress(events: EventSink | undefined, label: string, unit: string, initialTotal: number | null): JobProgress {
  let total = initialTotal;
  const jobId = randomUUID();
  let last = 0;
  const emit = (phase: 'running' | 'done' | 'failed', done: number, message?: string): void =>
    events?.emit('job.progress', { job_id: jobId, label, phase, done, total, unit, ...(message === undefined ? {} : { message }) });
  return {
    jobId,
    async step(done, message) {
      last = done;
      emit('running', done, message);
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    setTotal(n) {
      total = n;
    },
    finish(message) {
      emit('done', total ?? last, message);
    },
    fail(message) {
      emit('failed', last, message);
    },
  };
}
