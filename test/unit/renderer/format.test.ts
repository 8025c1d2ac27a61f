import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatDate,
  formatDuration,
  formatInstant,
  formatPercent,
  formatSessionClock,
  formatSessionSpan,
  plural,
} from '../../../src/renderer/view/format.js';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [400_000, '< 1 s'],
    [42e6, '42 s'],
    [59.6e6, '1 min 00 s'],
    [481e6, '8 min 01 s'],
    [3599e6, '59 min 59 s'],
    [3600e6, '1 h 00 min'],
    [3725e6, '1 h 02 min'],
    [26 * 3600e6, '26 h 00 min'],
  ])('%d µs reads "%s"', (us, text) => {
    expect(formatDuration(us)).toBe(text);
  });

  it('shows a dash when the duration is unknown or impossible', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('session clock', () => {
  it('reads like a stopwatch, with hours only when needed', () => {
    expect(formatSessionClock(0)).toBe('0:00');
    expect(formatSessionClock(61.4e6)).toBe('1:01');
    expect(formatSessionClock(3725e6)).toBe('1:02:05');
    expect(formatSessionClock(-2e6)).toBe('−0:02');
  });

  it('spans two points, or a dash when either end is unknown', () => {
    expect(formatSessionSpan(60e6, 240e6)).toBe('1:00–4:00');
    expect(formatSessionSpan(null, 240e6)).toBe('—');
  });
});

describe('instants', () => {
  it('shows instants in UTC and says so', () => {
    expect(formatInstant('2025-03-04T09:30:20+01:00')).toBe('2025-03-04 08:30 UTC');
    expect(formatInstant(null)).toBe('—');
  });

  it('keeps text it cannot read as it is', () => {
    expect(formatInstant('last Tuesday')).toBe('last Tuesday');
    expect(formatDate('not a date')).toBe('not a date');
  });

  it('gives the UTC calendar date', () => {
    expect(formatDate('2025-02-20T23:30:00-02:00')).toBe('2025-02-21');
  });
});

describe('counts', () => {
  it('groups digits by locale', () => {
    expect(formatCount(1800, 'en-US')).toBe('1,800');
    expect(formatCount(1800, 'de-DE')).toBe('1.800');
  });

  it('pluralises', () => {
    expect(plural(1, 'session', undefined, 'en-US')).toBe('1 session');
    expect(plural(0, 'session', undefined, 'en-US')).toBe('0 sessions');
    expect(plural(2, 'analysis', 'analyses', 'en-US')).toBe('2 analyses');
  });

  it('rounds shares to whole percent', () => {
    expect(formatPercent(2 / 3, 'en-US')).toBe('67%');
  });
});
