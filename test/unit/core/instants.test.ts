import { describe, expect, it } from 'vitest';
import {
  SPREADSHEET_DAMAGED_TIME,
  epochUsToLocal,
  isKnownTimeZone,
  isoFromEpochUs,
  parseIsoDate,
  parseIsoInstant,
  parseLocalDateTime,
  zonedToEpochUs,
} from '../../../src/core/study/instants.js';

describe('ISO instants', () => {
  it('keeps microseconds and applies the zone offset', () => {
    expect(parseIsoInstant('2026-03-02T14:05:00.123456Z')).toBe(Date.UTC(2026, 2, 2, 14, 5, 0) * 1000 + 123456);
    expect(parseIsoInstant('2026-03-02T15:05:00+01:00')).toBe(Date.UTC(2026, 2, 2, 14, 5, 0) * 1000);
    expect(parseIsoInstant('2026-03-02T09:05:00-0500')).toBe(Date.UTC(2026, 2, 2, 14, 5, 0) * 1000);
  });

  it('refuses instants without a zone and impossible dates', () => {
    expect(parseIsoInstant('2026-03-02T14:05:00')).toBeNull();
    expect(parseIsoInstant('2026-02-30T14:05:00Z')).toBeNull();
    expect(parseIsoInstant('yesterday')).toBeNull();
  });

  it('round-trips through isoFromEpochUs', () => {
    const us = parseIsoInstant('2025-11-02T06:30:00.000250Z') as number;
    expect(isoFromEpochUs(us)).toBe('2025-11-02T06:30:00.000250Z');
  });

  it('parses calendar dates strictly', () => {
    expect(parseIsoDate('2026-01-31')).toBe(Date.UTC(2026, 0, 31) * 1000);
    expect(parseIsoDate('2026-13-01')).toBeNull();
    expect(parseIsoDate('31/01/2026')).toBeNull();
  });
});

describe('zoned local times', () => {
  it('converts US/Eastern standard and daylight time', () => {
    const winter = parseLocalDateTime('1996-02-01 00:00:48');
    expect(winter).not.toBeNull();
    const w = winter as NonNullable<typeof winter>;
    expect(zonedToEpochUs('US/Eastern', w.year, w.month, w.day, w.hour, w.minute, w.second, w.micro)).toBe(Date.UTC(1996, 1, 1, 5, 0, 48) * 1000);
    expect(zonedToEpochUs('US/Eastern', 2024, 7, 1, 12, 0, 0, 0)).toBe(Date.UTC(2024, 6, 1, 16, 0, 0) * 1000);
  });

  it('takes the earlier instant in the repeated hour of a DST change', () => {
    // 2024-11-03 01:30 happens twice in New York: first at EDT (UTC-4).
    expect(zonedToEpochUs('America/New_York', 2024, 11, 3, 1, 30, 0, 0)).toBe(Date.UTC(2024, 10, 3, 5, 30, 0) * 1000);
  });

  it('knows real zone names and refuses invented ones', () => {
    expect(isKnownTimeZone('GMT')).toBe(true);
    expect(isKnownTimeZone('Europe/Berlin')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('recognises times a spreadsheet reformatted', () => {
    expect(SPREADSHEET_DAMAGED_TIME.test('49:38.0')).toBe(true);
    expect(SPREADSHEET_DAMAGED_TIME.test('2015-11-02 19:49:38')).toBe(false);
    expect(parseLocalDateTime('49:38.0')).toBeNull();
    expect(parseLocalDateTime('2015-11-02 25:00:00')).toBeNull();
  });
});

describe('epochUsToLocal', () => {
  it('inverts zonedToEpochUs, microseconds included', () => {
    const us = zonedToEpochUs('America/New_York', 2026, 10, 19, 12, 44, 45, 123456);
    expect(epochUsToLocal('America/New_York', us)).toEqual({ year: 2026, month: 10, day: 19, hour: 12, minute: 44, second: 45, micro: 123456 });
    expect(epochUsToLocal('UTC', 0)).toEqual({ year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, micro: 0 });
  });
});
