import { describe, expect, it } from 'vitest';
import { deviceUs, formatDuration, toSessionTime, type ClockModel } from '../../../src/core/time.js';

describe('clock models', () => {
  it('maps device time to session time with offset and drift about an origin', () => {
    const clock: ClockModel = { offsetUs: 2_500_000, driftPpm: 40, deviceOriginUs: 1_000_000 };
    expect(toSessionTime(clock, deviceUs(1_000_000))).toBe(2_500_000);
    // One hour of device time after the origin gains 40 ppm: 144 ms.
    expect(toSessionTime(clock, deviceUs(1_000_000 + 3_600_000_000))).toBe(2_500_000 + 3_600_000_000 + 144_000);
  });

  it('stays exact for epoch-sized device clocks', () => {
    const origin = 1_700_000_000_000_000;
    const clock: ClockModel = { offsetUs: 0, driftPpm: -25, deviceOriginUs: origin };
    expect(toSessionTime(clock, deviceUs(origin + 600_000_000))).toBe(600_000_000 - 15_000);
  });

  it('formats durations for people', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(61_400_000)).toBe('1:01');
    expect(formatDuration(3_723_000_000)).toBe('1:02:03');
    expect(formatDuration(-4_200_000)).toBe('-0:04');
  });
});
