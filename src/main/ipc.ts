import { dispatch, type Result } from '../core/api/dispatch.js';
import type { EventHub } from '../core/api/events.js';
import { EVENT_CHANNEL } from '../core/api/ipc.js';
import { toErrorData } from '../core/errors.js';
import type { Workspace } from '../backend/workspace.js';
import { APP_ORIGIN, isAppUrl, isTrustedSender } from './security.js';

/** The part of Electron's IpcMainInvokeEvent the adapter reads. */
export interface InvokeEventLike {
  readonly senderFrame: { readonly url: string } | null;
}

/** The part of Electron's WebContents events are delivered to. */
export interface EventReceiver {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  getURL(): string;
}

export type InvokeHandler = (event: InvokeEventLike, method: unknown, input: unknown) => Promise<Result<unknown>>;

function senderUrl(event: InvokeEventLike): string | null {
  try {
    return event.senderFrame?.url ?? null;
  } catch {
    // Electron throws from senderFrame when the frame was disposed mid-call.
    return null;
  }
}

/**
 * The handler for ipcMain.handle(INVOKE_CHANNEL): refuses frames that are not Weft's own before
 * anything else, then runs the call through the same dispatch as every other transport.
 */
export function createInvokeHandler(
  getWorkspace: () => Pick<Workspace, 'handlers' | 'hub'> | null,
  actor: string,
): InvokeHandler {
  return async (event, method, input) => {
    const url = senderUrl(event);
    if (!isTrustedSender(url)) {
      return {
        ok: false,
        error: { code: 'UNAUTHORIZED', message: `IPC from ${url ?? 'a detached frame'} is not allowed; only ${APP_ORIGIN} pages may call Weft` },
      };
    }
    if (typeof method !== 'string') {
      return { ok: false, error: { code: 'INVALID_INPUT', message: `The method name must be a string, not ${typeof method}` } };
    }
    try {
      const workspace = getWorkspace();
      if (workspace === null) {
        return { ok: false, error: { code: 'NO_STUDY_OPEN', message: 'No study is open' } };
      }
      return await dispatch(workspace.handlers, method, input, { actor, events: workspace.hub });
    } catch (error) {
      return { ok: false, error: toErrorData(error) };
    }
  };
}

/**
 * Sends every event of the hub to one window as the bare envelope, and only while that window
 * shows Weft's own page. Returns the function that stops forwarding.
 */
export function forwardEvents(hub: Pick<EventHub, 'subscribe'>, receiver: EventReceiver): () => void {
  const unsubscribe = hub.subscribe((envelope) => {
    if (receiver.isDestroyed()) {
      unsubscribe();
      return;
    }
    if (isAppUrl(receiver.getURL())) receiver.send(EVENT_CHANNEL, envelope);
  });
  return unsubscribe;
}
