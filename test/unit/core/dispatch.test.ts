import { describe, expect, it } from 'vitest';
import { createClient } from '../../../src/core/api/client.js';
import { dispatch, type Handlers } from '../../../src/core/api/dispatch.js';
import { EventHub } from '../../../src/core/api/events.js';
import { createInProcessTransport } from '../../../src/core/api/inProcess.js';
import { WeftError } from '../../../src/core/errors.js';

const info = { study_id: '0b0c5f7e-5a4e-4a51-9d8e-5b8e7ed2f7a1', name: 'S', path: '/s', schema_version: 1, created_at: '2026-01-01T00:00:00Z', read_only: false };

function handlers(overrides: Partial<Record<keyof Handlers, unknown>> = {}): Handlers {
  const fail = async (): Promise<never> => {
    throw new WeftError('INTERNAL', 'not used in this test');
  };
  return new Proxy({} as Handlers, {
    get: (_target, key: string) => (overrides as Record<string, unknown>)[key] ?? fail,
  });
}

describe('dispatch', () => {
  const ctx = { actor: 'test', events: new EventHub() };

  it('refuses unknown methods with a stable code', async () => {
    const result = await dispatch(handlers(), 'study.delete', {}, ctx);
    expect(result).toEqual({ ok: false, error: { code: 'UNKNOWN_METHOD', message: 'No API method named "study.delete"' } });
  });

  it('validates input before the implementation runs, naming the field', async () => {
    let called = false;
    const result = await dispatch(
      handlers({ 'sql.query': async () => ((called = true), { columns: [], rows: [], truncated: false }) }),
      'sql.query',
      { sql: 'SELECT 1', max_rows: -4 },
      ctx,
    );
    expect(called).toBe(false);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INVALID_INPUT');
      expect(result.error.message).toContain('max_rows');
    }
  });

  it('applies input defaults', async () => {
    let seen: unknown;
    await dispatch(handlers({ 'sql.query': async (input: unknown) => ((seen = input), { columns: [], rows: [], truncated: false }) }), 'sql.query', { sql: 'SELECT 1' }, ctx);
    expect(seen).toEqual({ sql: 'SELECT 1', max_rows: 10_000 });
  });

  it('catches an implementation that breaks its output contract', async () => {
    const result = await dispatch(handlers({ 'study.info': async () => ({ ...info, schema_version: 'one' }) }), 'study.info', {}, ctx);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('INTERNAL');
  });

  it('carries WeftErrors across as data and back into WeftErrors', async () => {
    const located = new WeftError('PARSE_ERROR', 'bad cell', { location: { file: 'a.csv', line: 3, column: 7 } });
    const client = createClient(createInProcessTransport(handlers({ 'study.info': async () => Promise.reject(located) }), new EventHub(), 'test'));
    const error = await client.call('study.info', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeftError);
    expect((error as WeftError).code).toBe('PARSE_ERROR');
    expect((error as WeftError).location).toEqual({ file: 'a.csv', line: 3, column: 7 });
  });

  it('turns unexpected exceptions into INTERNAL errors', async () => {
    const result = await dispatch(handlers({ 'study.info': async () => Promise.reject(new TypeError('boom')) }), 'study.info', {}, ctx);
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
  });
});

describe('EventHub', () => {
  it('numbers events and replays those after a sequence number', () => {
    const hub = new EventHub(3);
    const seen: number[] = [];
    const stop = hub.subscribe((e) => seen.push(e.seq));
    for (let i = 0; i < 5; i += 1) hub.emit('study.changed', { reason: `r${i}` });
    stop();
    hub.emit('study.changed', { reason: 'after' });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(hub.since(4).map((e) => e.seq)).toEqual([5, 6]);
    expect(hub.since(0).map((e) => e.seq)).toEqual([4, 5, 6]);
  });
});
