import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { LiveUpdates } from './api.js';
import { forgetToken } from './api.js';
import type { WeftClient } from '../core/api/client.js';
import { loadOverview } from './loadOverview.js';
import { describeError, type ErrorView } from './view/errors.js';
import type { Overview } from './view/overview.js';

/** 'waiting': not subscribed yet (until the first load succeeds, so a refused token does not poll forever). */
export type LiveState = 'waiting' | 'live' | 'interrupted';

export interface OverviewState {
  readonly overview: Overview | null;
  readonly error: ErrorView | null;
  readonly loading: boolean;
  readonly loadedAt: Date | null;
  readonly live: LiveState;
  readonly reload: () => void;
  readonly dismissError: () => void;
}

/**
 * Loads the overview and loads it again whenever the study changes. Loads never overlap: a change
 * announced during a load triggers one more load after it, however many changes arrive.
 */
export function useOverview(client: WeftClient, liveUpdates: LiveUpdates): OverviewState {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [error, setError] = useState<ErrorView | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadedAt, setLoadedAt] = useState<Date | null>(null);
  const [live, setLive] = useState<LiveState>('waiting');
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
        if (event.name === 'study.changed') void load();
      });
      const stopTrouble = liveUpdates.onHealth(setLive);
      unsubscribe = () => {
        stopEvents();
        stopTrouble();
      };
      setLive('live');
    };

    const load = async (): Promise<void> => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      setLoading(true);
      try {
        do {
          again = false;
          const next = await loadOverview(client);
          if (disposed) return;
          setOverview(next);
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

    reloadRef.current = () => void load();
    void load();
    return () => {
      disposed = true;
      unsubscribe?.();
    };
  }, [client, liveUpdates]);

  const reload = useCallback(() => reloadRef.current(), []);
  const dismissError = useCallback(() => setError(null), []);
  return { overview, error, loading, loadedAt, live, reload, dismissError };
}
