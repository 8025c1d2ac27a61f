import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { forgetToken } from './api.js';
import { describeActionError, type ActionError } from './view/errors.js';

export interface Action<I, O> {
  /** Runs the action; resolves to its result, or null when it failed (the error is in `error`). */
  readonly run: (input: I) => Promise<O | null>;
  readonly pending: boolean;
  readonly error: ActionError | null;
  readonly result: O | null;
  readonly reset: () => void;
  /** Shows a problem found before calling the API, the way the API's own are shown. */
  readonly fail: (error: ActionError) => void;
}

/** One call that changes the study, from a form: its pending state, its error, its result. */
export function useAction<I, O>(perform: (input: I) => Promise<O>): Action<I, O> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ActionError | null>(null);
  const [result, setResult] = useState<O | null>(null);
  const mounted = useRef(true);
  const performRef = useRef(perform);
  performRef.current = perform;
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const run = useCallback(async (input: I): Promise<O | null> => {
    setPending(true);
    setError(null);
    setResult(null);
    try {
      const output = await performRef.current(input);
      if (mounted.current) setResult(output);
      return output;
    } catch (caught) {
      const view = describeActionError(caught);
      if (view.code === 'UNAUTHORIZED') forgetToken();
      if (mounted.current) setError(view);
      return null;
    } finally {
      if (mounted.current) setPending(false);
    }
  }, []);
  const reset = useCallback(() => {
    setError(null);
    setResult(null);
  }, []);
  const fail = useCallback((problem: ActionError) => {
    setResult(null);
    setError(problem);
  }, []);
  return { run, pending, error, result, reset, fail };
}
