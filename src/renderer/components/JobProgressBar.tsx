import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import { progressText, type JobProgress } from '../view/faceFeatures.js';

/**
 * Runs a long call while following its `job.progress` events (those with `label`): the events
 * start to arrive before the call returns, so the subscription is made, and ready, first.
 */
export function useJobProgress(client: WeftClient, label: string): { readonly progress: JobProgress | null; readonly follow: <T>(call: () => Promise<T>) => Promise<T> } {
  const [progress, setProgress] = useState<JobProgress | null>(null);
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
      let stop = (): void => undefined;
      await new Promise<void>((ready) => {
        stop = client.on((event) => {
          if (event.name !== 'job.progress' || !mounted.current) return;
          const payload = event.payload as JobProgress;
          if (payload.label === label) setProgress(payload);
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
  return { progress, follow };
}

interface JobProgressBarProps {
  readonly progress: JobProgress | null;
  /** Shown before the first event: "Starting…". */
  readonly waiting: string;
  readonly testId: string;
}

export function JobProgressBar({ progress, waiting, testId }: JobProgressBarProps) {
  const total = progress?.total ?? null;
  return (
    <div class="job-progress" data-testid={testId} data-done={progress?.done ?? 0} data-total={total ?? ''} data-phase={progress?.phase ?? 'waiting'}>
      {progress === null || total === null || total === 0 ? <progress /> : <progress value={Math.min(progress.done, total)} max={total} />}
      <span class="job-progress__text" role="status" aria-live="polite">
        {progress === null ? waiting : progressText(progress)}
      </span>
    </div>
  );
}
