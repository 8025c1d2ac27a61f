import type * as z from 'zod';
import { WeftError, toErrorData, type ErrorData } from '../errors.js';
import { contract, isMethodName, type MethodName, type MethodOutput, type ParsedInput } from './contract.js';
import type { EventSink } from './events.js';

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

export interface CallContext {
  /** Who is calling, for the audit log: "cli:alice", "ui", "http". */
  readonly actor: string;
  readonly events: EventSink;
  readonly signal?: AbortSignal;
}

export type Handler<M extends MethodName> = (input: ParsedInput<M>, ctx: CallContext) => Promise<MethodOutput<M>>;
export type Handlers = { readonly [M in MethodName]: Handler<M> };

function invalidInput(method: string, error: z.ZodError): WeftError {
  const issues = error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  const first = issues[0];
  const where = first && first.path !== '' ? ` at "${first.path}"` : '';
  return new WeftError('INVALID_INPUT', `Invalid input for ${method}${where}: ${first?.message ?? 'rejected'}`, {
    details: { issues },
  });
}

/**
 * The single entry point every transport calls: checks the method exists, validates the input,
 * runs the implementation, validates its output, and turns any failure into error data.
 */
export async function dispatch(
  handlers: Handlers,
  method: string,
  rawInput: unknown,
  ctx: CallContext,
): Promise<Result<unknown>> {
  try {
    if (!isMethodName(method)) {
      throw new WeftError('UNKNOWN_METHOD', `No API method named "${method}"`);
    }
    const def = contract[method];
    const parsedInput = def.input.safeParse(rawInput ?? {});
    if (!parsedInput.success) throw invalidInput(method, parsedInput.error);
    const handler = handlers[method] as (input: unknown, ctx: CallContext) => Promise<unknown>;
    const value = await handler(parsedInput.data, ctx);
    const parsedOutput = def.output.safeParse(value);
    if (!parsedOutput.success) {
      throw new WeftError('INTERNAL', `The implementation of ${method} returned data that breaks its contract`, {
        details: { issues: parsedOutput.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) },
      });
    }
    return { ok: true, value: parsedOutput.data };
  } catch (error) {
    return { ok: false, error: toErrorData(error) };
  }
}
