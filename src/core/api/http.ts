import * as z from 'zod';
import type { ErrorCode } from '../errors.js';
import type { Transport } from './client.js';
import { contract, type MethodName } from './contract.js';
import type { Result } from './dispatch.js';
import { eventContract, type EventEnvelope, type EventListener } from './events.js';

/** The wire protocol of browser mode, shared by src/server and every HTTP client. */
export const HTTP_API_PREFIX = '/api/';
export const HTTP_EVENTS_PATH = '/api/_events';
export const HTTP_TOKEN_HEADER = 'x-weft-token';
export const ARROW_CONTENT_TYPE = 'application/vnd.apache.arrow.stream';
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/** How long the server holds an events long-poll open when nothing happens. */
export const EVENTS_POLL_TIMEOUT_MS = 25_000;

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  PARSE_ERROR: 400,
  UNSUPPORTED_FORMAT: 400,
  SQL_SYNTAX: 400,
  SQL_NOT_READ_ONLY: 403,
  SQL_NOT_ALLOWED: 403,
  CONSENT_MISSING: 403,
  POLICY_REFUSED: 403,
  STUDY_READ_ONLY: 403,
  UNAUTHORIZED: 401,
  UNKNOWN_METHOD: 404,
  NOT_FOUND: 404,
  NOT_A_STUDY: 404,
  STUDY_LOCKED: 409,
  CONFLICT: 409,
  STUDY_EXISTS: 409,
  NO_STUDY_OPEN: 409,
  SCHEMA_TOO_NEW: 409,
};

export function httpStatusFor(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? (code === 'INTERNAL' ? 500 : 422);
}

/** `after: null` asks only for the current sequence number, so a new subscriber starts from now. */
export const eventsPollSchema = z.object({ after: z.number().int().nonnegative().nullable() }).strict();
export const eventsReplySchema = z.object({
  events: z.array(z.object({ seq: z.number().int(), name: z.string(), payload: z.unknown() })),
  last: z.number().int().nonnegative(),
});

/** The subset of fetch() both browsers and Node provide, so core needs neither's types. */
export interface FetchResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}
export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<FetchResponseLike>;

export interface HttpTransportOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly fetch: FetchLike;
  /** Called when the event long-poll fails; it retries after a pause either way. */
  readonly onEventsError?: (error: unknown) => void;
}

const asResult = (body: unknown): Result<unknown> => body as Result<unknown>;

export function createHttpTransport(options: HttpTransportOptions): Transport {
  const base = options.baseUrl.replace(/\/$/, '');
  const headers = { 'content-type': JSON_CONTENT_TYPE, [HTTP_TOKEN_HEADER]: options.token };

  async function call(method: MethodName, input: unknown): Promise<Result<unknown>> {
    const response = await options.fetch(`${base}${HTTP_API_PREFIX}${method}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(input ?? {}),
    });
    const type = response.headers.get('content-type') ?? '';
    if (response.status === 200 && contract[method].encoding === 'arrow' && type.startsWith(ARROW_CONTENT_TYPE)) {
      return { ok: true, value: new Uint8Array(await response.arrayBuffer()) };
    }
    if (!type.startsWith('application/json')) {
      return {
        ok: false,
        error: { code: 'INTERNAL', message: `Unexpected ${response.status} response (${type || 'no content type'})` },
      };
    }
    return asResult(await response.json());
  }

  function subscribe(listener: EventListener, onReady?: () => void): () => void {
    const controller = new AbortController();
    let after: number | null = null;
    const loop = async (): Promise<void> => {
      while (!controller.signal.aborted) {
        try {
          const response = await options.fetch(`${base}${HTTP_EVENTS_PATH}`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ after }),
            signal: controller.signal,
          });
          const reply = eventsReplySchema.parse(await response.json());
          for (const event of reply.events) {
            if (Object.hasOwn(eventContract, event.name)) listener(event as EventEnvelope);
          }
          const first = after === null;
          after = Math.max(after ?? 0, reply.last);
          if (first) onReady?.();
        } catch (error) {
          if (controller.signal.aborted) return;
          options.onEventsError?.(error);
          await new Promise<void>((resolve) => setTimeout(resolve, 1_000));
        }
      }
    };
    void loop();
    return () => controller.abort();
  }

  return { call, subscribe };
}
