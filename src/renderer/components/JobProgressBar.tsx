import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import { progressText, type JobProgress } from '../view/faceFeatures.js';

/**
 * Runs a long call while following its `job.progress` events (those with `label`, or whose label
 * it accepts): the events start to arrive before the call returns, so the subscription is made,
 * and ready, first.
 */
export interface FollowedJob {
  readonly progress: JobProgress | null;
  readonly follow: <T>(call: () => Promise<T>) => Promise<T>;
  /** Asks the backend to stop the job (jobs.cancel); the call then ends with a CANCELLED error. */
  readonly cancel: () => void;
  readonly cancelling: boolean;
}

export function useJobProgress(client: WeftClient, label: string | ((label: string) => boolean)): FollowedJob {
  const [progress, setProgress] = useState<JobProgress | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const follow = useCallback(
    async <T,>(call: () => Promise<T>): Promise<T> => {
      setProgress(null);
      setCancelling(false);
      let stop = (): void => undefined;
      await new Promise<void>((ready) => {
        stop = client.on((event) => {
          if (event.name !== 'job.progress' || !mounted.current) return;
          const payload = event.payload as JobProgress;
          if (typeof label === 'string' ? payload.label === label : label(payload.label)) setProgress(payload);
        }, ready);
      });
      try {
        return await call();
      } finally {
        stop();
      }
    },
    [client, label],
  );
  const jobId = progress?.cancellable === true ? progress.job_id : null;
  const cancel = useCallback(() => {
    if (jobId === null) return;
    setCancelling(true);
    // A job that finished meanwhile answers false; the call's own result then says how it ended.
    client.call('jobs.cancel', { job_id: jobId }).catch(() => mounted.current && setCancelling(false));
  }, [client, jobId]);
  return { progress, follow, cancel, cancelling };
}

interface JobProgressBarProps {
  /** The job followed with useJobProgress; a Cancel button shows while the backend says it can stop. */
  readonly job: FollowedJob;
  /** Shown before the first event: "Starting…". */
  readonly waiting: string;
  readonly testId: string;
  /** Say which part of the job is running ("Importing ct.csv: …"), for jobs whose label changes as they go. */
  readonly showLabel?: boolean;
}

export function JobProgressBar({ job, waiting, testId, showLabel = false }: JobProgressBarProps) {
  const { progress, cancelling } = job;
  const total = progress?.total ?? null;
  return (
    <div class="job-progress" data-testid={testId} data-done={progress?.done ?? 0} data-total={total ?? ''} data-phase={progress?.phase ?? 'waiting'}>
      {progress === null || total === null || total === 0 ? <progress /> : <progress value={Math.min(progress.done, total)} max={total} />}
      <span class="job-progress__text" role="status" aria-live="polite">
        {progress === null ? waiting : `${showLabel ? `${progress.label}: ` : ''}${progressText(progress)}${cancelling ? ', stopping…' : ''}`}
      </span>
      {progress?.cancellable === true ? (
        <button type="button" class="button button--small" data-testid={`${testId}-cancel`} disabled={cancelling} onClick={job.cancel}>
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      ) : null}
    </div>
  );
}
