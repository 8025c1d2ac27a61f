import { WeftError, errorDataSchema } from '../errors.js';
import type { MethodInput, MethodName, MethodOutput } from './contract.js';
import type { Result } from './dispatch.js';
import type { EventEnvelope, EventListener } from './events.js';

/** Carries one call to wherever the backend runs and brings back its Result. */
export interface Transport {
  call(method: MethodName, input: unknown): Promise<Result<unknown>>;
  /**
   * Delivers backend events from now on; returns a function that stops delivery. `onReady` runs
   * once events that happen from then on are sure to be delivered.
   */
  subscribe(listener: EventListener, onReady?: () => void): () => void;
}

export interface WeftClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on(listener: (event: EventEnvelope) => void, onReady?: () => void): () => void;
}

export function createClient(transport: Transport): WeftClient {
  return {
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      const result = await transport.call(method, input);
      if (result.ok) return result.value as MethodOutput<M>;
      const parsed = errorDataSchema.safeParse(result.error);
      throw parsed.success
        ? WeftError.fromData(parsed.data)
        : new WeftError('INTERNAL', `Malformed error from transport for ${method}`);
    },
    on(listener, onReady) {
      return transport.subscribe(listener, onReady);
    },
  };
}
