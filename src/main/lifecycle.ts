export interface PreventableEvent {
  preventDefault(): void;
}

/**
 * Electron's before-quit cannot wait for a promise, so the first quit is held back, the study is
 * closed (flushing DuckDB), and quitting resumes once the close has settled, even if it failed.
 */
export function createQuitGuard(
  closeWorkspace: () => Promise<void>,
  quit: () => void,
  onCloseError: (error: unknown) => void,
): (event: PreventableEvent) => void {
  let state: 'open' | 'closing' | 'closed' = 'open';
  return (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    void closeWorkspace()
      .catch(onCloseError)
      .finally(() => {
        state = 'closed';
        quit();
      });
  };
}
