import { describe, expect, it } from 'vitest';
import { WeftError } from '../../../src/core/errors.js';
import { describeError } from '../../../src/renderer/view/errors.js';

describe('describeError', () => {
  it('keeps the code and message of API errors and adds what to do when known', () => {
    const view = describeError(new WeftError('UNAUTHORIZED', 'Missing or wrong session token'));
    expect(view.code).toBe('UNAUTHORIZED');
    expect(view.message).toBe('Missing or wrong session token');
    expect(view.hint).toMatch(/weft serve/);
    expect(describeError(new WeftError('SQL_ERROR', 'boom')).hint).toBeNull();
  });

  it('calls a failed fetch a network error', () => {
    expect(describeError(new TypeError('Failed to fetch'))).toMatchObject({ code: 'NETWORK', message: 'Failed to fetch' });
  });

  it('reports anything else as internal, with its text', () => {
    expect(describeError(new Error('bad'))).toEqual({ code: 'INTERNAL', message: 'bad', hint: null });
    expect(describeError('text')).toEqual({ code: 'INTERNAL', message: 'text', hint: null });
  });
});
