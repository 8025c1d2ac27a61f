import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { WeftClient } from '../core/api/client.js';
import { forgetToken, type LiveUpdates } from './api.js';
import { describeError, type ErrorView } from './view/errors.js';

/** 'waiting': not subscribed yet (until the first load succeeds, so a refused token does not poll forever). */
export type LiveState = 'waiting' | 'live' | 'interrupted';

/**
 * What a page does when the study changes: load again, or only note why its data is out of date
 * (the ethics report, which a reviewer signs as it was shown); a function decides by the reason.
 */
export type OnStudyChange = 'reload' | 'flag' | ((reason: string) => 'reload' | 'flag');

export interface StudyData<T> {
  readonly data: T | null;
  readonly error: ErrorView | null;
  readonly loading: boolean;
  readonly loadedAt: Date | null;
  readonly live: LiveState;
  /** Why the study changed since the data was loaded, in 'flag' mode. */
  readonly staleReasons: readonly string[];
  readonly reload: () => void;
  readonly dismissError: () => void;
}

/**
 * Loads a page's data, and loads it again whenever the study changes. Loads never overlap: a
 * change announced during a load triggers one more load after it, however many changes arrive.
 * `load` and a function `onChange` must be stable (declared at module level, or memoized).
 */
export function useStudyData<T>(client: WeftClient, liveUpdates: LiveUpdates, load: (client: WeftClient) => Promise<T>, onChange: OnStudyChange = 'reload'): StudyData<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ErrorView | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadedAt, setLoadedAt] = useState<Date | null>(null);
  const [live, setLive] = useState<LiveState>('waiting');
  const [staleReasons, setStaleReasons] = useState<readonly string[]>([]);
  const reloadRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    let disposed = false;
    let running = false;
    let again = false;
    let unsubscribe: (() => void) | null = null;

    const subscribe = (): void => {
      if (unsubscribe !== null) return;
      const stopEvents = client.on((event) => {
        setLive('live');
        if (event.name !== 'study.changed' || !('reason' in event.payload)) return;
        const reason = event.payload.reason;
        if ((typeof onChange === 'function' ? onChange(reason) : onChange) === 'reload') void run();
        else setStaleReasons((reasons) => (reasons.includes(reason) ? reasons : [...reasons, reason]));
      });
      const stopTrouble = liveUpdates.onHealth(setLive);
      unsubscribe = () => {
        stopEvents();
        stopTrouble();
      };
      setLive('live');
    };

    const run = async (): Promise<void> => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      setLoading(true);
      try {
        do {
          again = false;
          setStaleReasons([]);
          const next = await load(client);
          if (disposed) return;
          setData(next);
          setLoadedAt(new Date());
          setError(null);
          subscribe();
        } while (again && !disposed);
      } catch (caught) {
        if (disposed) return;
        const view = describeError(caught);
        if (view.code === 'UNAUTHORIZED') forgetToken();
        setError(view);
      } finally {
        running = false;
        if (!disposed) setLoading(false);
      }
    };

    reloadRef.current = () => void run();
    void run();
    return () => {
      disposed = true;
      unsubscribe?.();
    };
  }, [client, liveUpdates, load, onChange]);

  const reload = useCallback(() => reloadRef.current(), []);
  const dismissError = useCallback(() => setError(null), []);
  return { data, error, loading, loadedAt, live, staleReasons, reload, dismissError };
}
