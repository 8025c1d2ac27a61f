import { describe, expect, it } from 'vitest';
import { WeftError } from '../../../src/core/errors.js';
import { describeActionError, describeError, inputIssues, issueFor } from '../../../src/renderer/view/errors.js';

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

describe('inputIssues and issueFor', () => {
  it('reads the issues of INVALID_INPUT, or the input a message names as at "path"', () => {
    const listed = new WeftError('INVALID_INPUT', 'retention_days: Too small', { details: { issues: [{ path: 'retention_days', message: 'Too small: expected number to be >0' }, { bogus: 1 }] } });
    expect(inputIssues(listed)).toEqual([{ path: 'retention_days', message: 'Too small: expected number to be >0' }]);
    const named = new WeftError('INVALID_INPUT', 'Invalid policy at "export.k_anonymity.k": Too small: expected number to be >=2');
    expect(inputIssues(named)).toEqual([{ path: 'export.k_anonymity.k', message: 'Too small: expected number to be >=2' }]);
    expect(inputIssues(new WeftError('CONFLICT', 'erased before'))).toEqual([]);
    expect(inputIssues(new Error('x'))).toEqual([]);
  });

  it('finds the message for one input of a form', () => {
    const error = describeActionError(new WeftError('INVALID_INPUT', 'bad', { details: { issues: [{ path: 'reviewer', message: 'Required' }] } }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(issueFor(error, 'reviewer')).toBe('Required');
    expect(issueFor(error, 'comment')).toBeNull();
    expect(issueFor(null, 'reviewer')).toBeNull();
  });
});
