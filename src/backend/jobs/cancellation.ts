import type { CallContext } from '../../core/api/dispatch.js';
import type { EventName, EventPayload, EventSink, JobPhase } from '../../core/api/events.js';
import { WeftError } from '../../core/errors.js';

type Handler<I, O> = (input: I, ctx: CallContext) => Promise<O>;

/**
 * The long calls in flight whose jobs a client may cancel with `jobs.cancel`, whatever transport
 * it came through: a job is known by the `job_id` of the progress events its call emits, and
 * cancelling it aborts that call's signal.
 */
export class RunningJobs {
  private readonly controllers = new Map<string, AbortController>();

  /**
   * Wraps a handler that honours `ctx.signal`: its progress events are marked cancellable while it
   * runs, and every job it started ends with a terminal event (done, failed or cancelled) even
   * when the code that emitted its progress stopped without saying so.
   */
  cancellable<I, O>(handler: Handler<I, O>): Handler<I, O> {
    return async (input, ctx) => {
      const controller = new AbortController();
      const signal = ctx.signal === undefined ? controller.signal : AbortSignal.any([ctx.signal, controller.signal]);
      const lastEvent = new Map<string, EventPayload<'job.progress'>>();
      const events: EventSink = {
        emit: <E extends EventName>(name: E, payload: EventPayload<E>): void => {
          if (name !== 'job.progress') {
            ctx.events.emit(name, payload);
            return;
          }
          const progress = payload as EventPayload<'job.progress'>;
          const running = progress.phase === 'running';
          if (running) this.controllers.set(progress.job_id, controller);
          else this.controllers.delete(progress.job_id);
          // A job that reports its own end as a failure was stopped by the cancel when one came.
          const phase = progress.phase === 'failed' && signal.aborted ? 'cancelled' : progress.phase;
          const marked = { ...progress, phase, cancellable: running };
          lastEvent.set(progress.job_id, marked);
          ctx.events.emit('job.progress', marked);
        },
      };
      let ending: JobPhase = 'done';
      let message: string | undefined;
      try {
        return await handler(input, { ...ctx, events, signal });
      } catch (error) {
        const cancelled = signal.aborted || (error instanceof WeftError && error.code === 'CANCELLED');
        ending = cancelled ? 'cancelled' : 'failed';
        message = error instanceof Error ? error.message : String(error);
        throw error;
      } finally {
        for (const [jobId, last] of lastEvent) {
          this.controllers.delete(jobId);
          if (last.phase !== 'running') continue;
          const ended: EventPayload<'job.progress'> = { ...last, phase: ending, cancellable: false };
          if (message === undefined) delete ended.message;
          else ended.message = message;
          ctx.events.emit('job.progress', ended);
        }
      }
    };
  }

  /** Asks the job's call to stop; false when no running job has this id (finished, or never was). */
  cancel(jobId: string): boolean {
    const controller = this.controllers.get(jobId);
    if (controller === undefined) return false;
    this.controllers.delete(jobId);
    controller.abort(new WeftError('CANCELLED', 'Cancelled at the user\'s request'));
    return true;
  }
}
