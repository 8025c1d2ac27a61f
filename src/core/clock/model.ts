import type { ClockModel } from '../time.js';

/** The device time a stored session time came from, under the clock model that placed it (the inverse of toSessionTime in core/time.ts). */
export function deviceFromSession(clock: ClockModel, sessionUs: number): number {
  return (sessionUs - clock.offsetUs) / (1 + clock.driftPpm / 1e6) + clock.deviceOriginUs;
}

/**
 * Moves a stored session time from one clock model to another: back to the device time, then
 * forward through the new model, rounded to a microsecond as session times are stored. The
 * origins' difference is taken first so that large origins (epoch microseconds) cancel exactly.
 */
export function retimeSessionUs(from: ClockModel, to: ClockModel, sessionUs: number): number {
  const elapsed = (sessionUs - from.offsetUs) / (1 + from.driftPpm / 1e6) + (from.deviceOriginUs - to.deviceOriginUs);
  return Math.round(elapsed * (1 + to.driftPpm / 1e6) + to.offsetUs);
}
