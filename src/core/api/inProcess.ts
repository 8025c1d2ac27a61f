import type { Transport } from './client.js';
import { dispatch, type Handlers } from './dispatch.js';
import type { EventHub } from './events.js';

/** Calls the backend in the same process, through the same dispatch every other transport uses. */
export function createInProcessTransport(handlers: Handlers, hub: EventHub, actor: string): Transport {
  return {
    call: (method, input) => dispatch(handlers, method, input, { actor, events: hub }),
    subscribe: (listener, onReady) => {
      const stop = hub.subscribe(listener);
      onReady?.();
      return stop;
    },
  };
}
