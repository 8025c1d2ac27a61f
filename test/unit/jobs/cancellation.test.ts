import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../../src/core/api/dispatch.js';
import { EventHub, type EventPayload } from '../../../src/core/api/events.js';
import { WeftError } from '../../../src/core/errors.js';
import { RunningJobs } from '../../../src/backend/jobs/cancellation.js';

type Progress = EventPayload<'job.progress'>;

function contextWithLog(signal?: AbortSignal): { ctx: CallContext; progress: Progress[] } {
  const hub = new EventHub();
  const progress: Progress[] = [];
  hub.subscribe((event) => {
    if (event.name === 'job.progress') progress.push(event.payload as Progress);
  });
  return { ctx: { actor: 'test', events: hub, ...(signal === undefined ? {} : { signal }) }, progress };
}

const running = (job_id: string, done: number): Progress => ({ job_id, label: 'Job', phase: 'running', done, total: 10, unit: 'steps' });

/** A job that reports each step and stops, with a CANCELLED error, once its signal is aborted. */
async function stepUntilAborted(ctx: CallContext, jobId: string, steps: number, onStep?: (done: number) => void): Promise<string> {
  for (let done = 1; done <= steps; done++) {
    if (ctx.signal?.aborted === true) throw new WeftError('CANCELLED', `stopped before step ${done}`);
    ctx.events.emit('job.progress', running(jobId, done));
    onStep?.(done);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return 'finished';
}

describe('RunningJobs', () => {
  it('stops a running job by the job_id of its progress events, and ends it with a cancelled event', async () => {
    const jobs = new RunningJobs();
    const { ctx, progress } = contextWithLog();
    const call = jobs.cancellable((_input: null, c: CallContext) => stepUntilAborted(c, 'job-1', 10, (done) => done === 3 && expect(jobs.cancel('job-1')).toBe(true)))(null, ctx);
    await expect(call).rejects.toMatchObject({ code: 'CANCELLED', message: 'stopped before step 4' });
    expect(progress.map((p) => [p.phase, p.done, p.cancellable])).toEqual([
      ['running', 1, true],
      ['running', 2, true],
      ['running', 3, true],
      ['cancelled', 3, false],
    ]);
    expect(progress.at(-1)?.message).toBe('stopped before step 4');
    expect(jobs.cancel('job-1')).toBe(false);
  });

  it('ends a job whose code never said so: done after success, failed after an error', async () => {
    const jobs = new RunningJobs();
    const ok = contextWithLog();
    await expect(jobs.cancellable((_i: null, c: CallContext) => stepUntilAborted(c, 'a', 2))(null, ok.ctx)).resolves.toBe('finished');
    expect(ok.progress.at(-1)).toMatchObject({ job_id: 'a', phase: 'done', done: 2, cancellable: false });

    const bad = contextWithLog();
    const failing = jobs.cancellable(async (_i: null, c: CallContext) => {
      c.events.emit('job.progress', running('b', 1));
      throw new WeftError('PARSE_ERROR', 'line 7: bad');
    });
    await expect(failing(null, bad.ctx)).rejects.toMatchObject({ code: 'PARSE_ERROR' });
    expect(bad.progress.at(-1)).toMatchObject({ job_id: 'b', phase: 'failed', message: 'line 7: bad', cancellable: false });
    expect(jobs.cancel('a')).toBe(false);
    expect(jobs.cancel('b')).toBe(false);
  });

  it('adds nothing after a job that ended itself, and calls a failure reported after a cancel a cancellation', async () => {
    const jobs = new RunningJobs();
    const { ctx, progress } = contextWithLog();
    const call = jobs.cancellable(async (_i: null, c: CallContext) => {
      c.events.emit('job.progress', running('c', 1));
      jobs.cancel('c');
      c.events.emit('job.progress', { ...running('c', 1), phase: 'failed', message: 'aborted' });
      throw new Error('aborted');
    })(null, ctx);
    await expect(call).rejects.toThrow('aborted');
    expect(progress.map((p) => p.phase)).toEqual(['running', 'cancelled']);
  });

  it('passes the caller\'s own signal through: an abort there stops the job as well', async () => {
    const jobs = new RunningJobs();
    const outer = new AbortController();
    const { ctx, progress } = contextWithLog(outer.signal);
    const call = jobs.cancellable((_i: null, c: CallContext) => stepUntilAborted(c, 'd', 10, (done) => done === 2 && outer.abort()))(null, ctx);
    await expect(call).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(progress.at(-1)).toMatchObject({ phase: 'cancelled', done: 2 });
  });

  it('keeps concurrent calls apart: cancelling one job leaves the other running', async () => {
    const jobs = new RunningJobs();
    const first = contextWithLog();
    const second = contextWithLog();
    const job = jobs.cancellable((id: string, c: CallContext) => stepUntilAborted(c, id, 6, (done) => id === 'e' && done === 2 && jobs.cancel('e')));
    const [e, f] = await Promise.allSettled([job('e', first.ctx), job('f', second.ctx)]);
    expect(e.status).toBe('rejected');
    expect(f).toEqual({ status: 'fulfilled', value: 'finished' });
    expect(second.progress.map((p) => p.phase)).toEqual(['running', 'running', 'running', 'running', 'running', 'running', 'done']);
  });

  it('passes other events through untouched', async () => {
    const jobs = new RunningJobs();
    const hub = new EventHub();
    const seen: unknown[] = [];
    hub.subscribe((event) => seen.push(event));
    await jobs.cancellable(async (_i: null, c: CallContext) => c.events.emit('study.changed', { reason: 'import' }))(null, { actor: 'test', events: hub });
    expect(seen).toEqual([{ seq: 1, name: 'study.changed', payload: { reason: 'import' } }]);
  });
});
