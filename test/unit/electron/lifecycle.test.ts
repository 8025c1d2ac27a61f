import { describe, expect, it, vi } from 'vitest';
import { createQuitGuard } from '../../../src/main/lifecycle.js';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const quitEvent = () => ({ preventDefault: vi.fn() });

describe('createQuitGuard', () => {
  it('holds the quit until the study is closed, then quits once', async () => {
    const closing = deferred();
    const close = vi.fn(() => closing.promise);
    const quit = vi.fn();
    const onBeforeQuit = createQuitGuard(close, quit, vi.fn());

    const first = quitEvent();
    onBeforeQuit(first);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(close).toHaveBeenCalledTimes(1);

    const impatient = quitEvent();
    onBeforeQuit(impatient);
    expect(impatient.preventDefault).toHaveBeenCalled();
    expect(close).toHaveBeenCalledTimes(1);
    expect(quit).not.toHaveBeenCalled();

    closing.resolve();
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1));

    const final = quitEvent();
    onBeforeQuit(final);
    expect(final.preventDefault).not.toHaveBeenCalled();
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('still quits when closing fails, and reports the failure', async () => {
    const quit = vi.fn();
    const onError = vi.fn();
    const failure = new Error('disk full');
    const onBeforeQuit = createQuitGuard(() => Promise.reject(failure), quit, onError);
    onBeforeQuit(quitEvent());
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1));
    expect(onError).toHaveBeenCalledWith(failure);
  });
});
