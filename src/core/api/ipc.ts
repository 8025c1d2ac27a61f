import type { Transport } from './client.js';
import type { Result } from './dispatch.js';
import type { EventEnvelope } from './events.js';

/**
 * The names the Electron main process and the preload agree on. The preload may import only
 * types, so each name is a literal type it annotates its own copy with: a mismatch fails to compile.
 */
export type InvokeChannel = 'weft:invoke';
export type EventChannel = 'weft:event';
/** The property of `window` the preload exposes the bridge under. */
export type BridgeKey = 'weft';

export const INVOKE_CHANNEL: InvokeChannel = 'weft:invoke';
export const EVENT_CHANNEL: EventChannel = 'weft:event';
export const BRIDGE_KEY: BridgeKey = 'weft';

/** What the preload exposes to the page as `window.weft`, and nothing more. */
export interface DesktopBridge {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  /** Returns a function that stops delivery to this listener. */
  on(listener: (event: EventEnvelope) => void): () => void;
}

/** Lets the renderer use `createClient` over the desktop bridge like over any other transport. */
export function createDesktopTransport(bridge: DesktopBridge): Transport {
  return {
    call: (method, input) => bridge.invoke(method, input),
    subscribe: (listener, onReady) => {
      const stop = bridge.on(listener);
      onReady?.();
      return stop;
    },
  };
}
