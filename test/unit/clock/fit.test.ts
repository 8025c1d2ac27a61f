import { describe, expect, it } from 'vitest';
import { fitClock, type SyncPair } from '../../../src/core/clock/fit.js';
import { deviceFromSession, retimeSessionUs } from '../../../src/core/clock/model.js';
import { WeftError } from '../../../src/core/errors.js';
import { deviceUs, toSessionTime, type ClockModel } from '../../../src/core/time.js';

/** A small seeded generator (mulberry32), so noisy tests are reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

/** Session time the true clock gives a device time, unrounded. */
const truthAt = (truth: ClockModel, device: number): number => (device - truth.deviceOriginUs) * (1 + truth.driftPpm / 1e6) + truth.offsetUs;
const fittedAt = (fit: ClockModel, device: number): number => (device - fit.deviceOriginUs) * (1 + fit.driftPpm / 1e6) + fit.offsetUs;

/** Largest disagreement between two clock models over a span of device time, microseconds. */
function worstError(fit: ClockModel, truth: ClockModel, fromUs: number, toUs: number): number {
  let worst = 0;
  for (let i = 0; i <= 100; i += 1) {
    const device = fromUs + ((toUs - fromUs) * i) / 100;
    worst = Math.max(worst, Math.abs(fittedAt(fit, device) - truthAt(truth, device)));
  }
  return worst;
}

/** Markers every `everyS` seconds with a little jitter, on an eye tracker's millisecond clock. */
function markers(truth: ClockModel, count: number, everyS: number, seed: number, noise: (i: number) => number = () => 0): SyncPair[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => {
    const device = Math.round((i * everyS + 3 * next()) * 1000) * 1000;
    return { key: `tx${i}`, deviceUs: device, referenceUs: Math.round(truthAt(truth, device) + noise(i)) };
  });
}

describe('fitting a clock to sync markers', () => {
  const truth: ClockModel = { offsetUs: -4_321_987, driftPpm: 37.5, deviceOriginUs: 0 };

  it('recovers a known offset and drift to well under a millisecond (the acceptance test)', () => {
    const pairs = markers(truth, 60, 60, 1);
    const fit = fitClock(pairs, 'fit');
    expect(fit.driftFitted).toBe(true);
    expect(Math.abs(fit.model.driftPpm - truth.driftPpm)).toBeLessThan(0.001);
    expect(worstError(fit.model, truth, 0, 3_600_000_000)).toBeLessThan(1000);
    expect(worstError(fit.model, truth, 0, 3_600_000_000)).toBeLessThan(2);
    expect(fit.rmsUs).toBeLessThan(1);
    expect(fit.residuals.every((r) => !r.outlier)).toBe(true);
  });

  it('puts the origin at the markers’ mean device time, where offset and drift do not trade off', () => {
    const pairs = markers(truth, 10, 30, 2);
    const fit = fitClock(pairs, 'fit');
    const mean = pairs.reduce((s, p) => s + p.deviceUs, 0) / pairs.length;
    expect(Math.abs(fit.model.deviceOriginUs - mean)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(fit.model.offsetUs - truthAt(truth, fit.model.deviceOriginUs))).toBeLessThanOrEqual(1);
  });

  it('stays exact with device clocks counting microseconds since 1970', () => {
    const epochTruth: ClockModel = { offsetUs: 1_250_000, driftPpm: -22.25, deviceOriginUs: 1_792_000_000_000_000 };
    const pairs = markers(epochTruth, 40, 90, 3).map((p) => ({ ...p, deviceUs: p.deviceUs + epochTruth.deviceOriginUs, referenceUs: Math.round(truthAt(epochTruth, p.deviceUs + epochTruth.deviceOriginUs)) }));
    const fit = fitClock(pairs, 'fit');
    expect(Math.abs(fit.model.driftPpm - epochTruth.driftPpm)).toBeLessThan(0.001);
    expect(worstError(fit.model, epochTruth, epochTruth.deviceOriginUs, epochTruth.deviceOriginUs + 3_600_000_000)).toBeLessThan(2);
  });

  it('with noisy reference times, lands within its stated standard errors', () => {
    const next = random(4);
    const sigma = 5000;
    const pairs = markers(truth, 200, 18, 5, () => sigma * gaussian(next));
    const fit = fitClock(pairs, 'fit');
    const offsetError = fit.model.offsetUs - truthAt(truth, fit.model.deviceOriginUs);
    expect(Math.abs(offsetError)).toBeLessThan(3 * (fit.offsetStdErrUs ?? 0));
    expect(Math.abs(fit.model.driftPpm - truth.driftPpm)).toBeLessThan(3 * (fit.driftStdErrPpm ?? 0));
    // σ/√n and σ/√Sxx for 200 markers over an hour
    expect(fit.offsetStdErrUs).toBeGreaterThan(250);
    expect(fit.offsetStdErrUs).toBeLessThan(450);
    expect(fit.rmsUs).toBeGreaterThan(0.8 * sigma);
    expect(fit.rmsUs).toBeLessThan(1.2 * sigma);
  });

  it('reports an outlier by its residual, and fits cleanly once it is left out', () => {
    const pairs = markers(truth, 30, 60, 6, (i) => (i === 17 ? 2_000_000 : 0));
    const fit = fitClock(pairs, 'fit');
    const flagged = fit.residuals.filter((r) => r.outlier);
    expect(flagged.map((r) => r.key)).toEqual(['tx17']);
    expect(flagged[0]?.residualUs).toBeGreaterThan(1_800_000);
    const clean = fitClock(pairs.filter((p) => p.key !== 'tx17'), 'fit');
    expect(worstError(clean.model, truth, 0, 1_800_000_000)).toBeLessThan(2);
  });

  it('with one marker, fits the offset only', () => {
    const fit = fitClock([{ key: 'a', deviceUs: 10_000_000, referenceUs: 7_500_000 }]);
    expect(fit.model).toEqual({ offsetUs: 7_500_000, driftPpm: 0, deviceOriginUs: 10_000_000 });
    expect(fit.driftFitted).toBe(false);
    expect(fit.driftNote).toMatch(/^one marker: offset only/);
    expect(fit.offsetStdErrUs).toBeNull();
  });

  it('with two markers fits the line through both when asked, and only the offset by default', () => {
    const pairs = [
      { key: 'a', deviceUs: 0, referenceUs: 1_000_000 },
      { key: 'b', deviceUs: 100_000_000, referenceUs: 101_005_000 },
    ];
    const exact = fitClock(pairs, 'fit');
    expect(exact.model.driftPpm).toBeCloseTo(50, 6);
    expect(exact.rmsUs).toBeLessThan(1);
    const auto = fitClock(pairs);
    expect(auto.driftFitted).toBe(false);
    expect(auto.model.offsetUs).toBe(51_002_500);
  });

  it('by default leaves out a drift that second-resolution reference times cannot determine', () => {
    // a tutor log's times truncated to the second, against an eye tracker's milliseconds, over ten minutes
    const pairs = markers(truth, 20, 30, 7).map((p) => ({ ...p, referenceUs: Math.floor(p.referenceUs / 1e6) * 1e6 }));
    const fit = fitClock(pairs);
    expect(fit.driftFitted).toBe(false);
    expect(fit.driftNote).toMatch(/within three standard errors of zero: these markers cannot tell it from noise/);
    expect(fit.model.driftPpm).toBe(0);
    const forced = fitClock(pairs, 'fit');
    expect(forced.driftStdErrPpm).toBeGreaterThan(300);
  });

  it('fits drift by default when precise markers determine it', () => {
    const fit = fitClock(markers(truth, 12, 300, 8));
    expect(fit.driftFitted).toBe(true);
    expect(fit.driftNote).toMatch(/^drift 37\.50\d ± 0\.\d+ ppm, fitted$/);
  });

  it('refuses markers that are all at one device time', () => {
    const pairs = [
      { key: 'a', deviceUs: 5_000, referenceUs: 1_000 },
      { key: 'b', deviceUs: 5_000, referenceUs: 2_000 },
      { key: 'c', deviceUs: 5_000, referenceUs: 3_000 },
    ];
    expect(() => fitClock(pairs)).toThrow(/All 3 sync markers are at the same device time \(5000 µs\): they fix an offset but say nothing about drift/);
    expect(fitClock(pairs, 'none').model).toEqual({ offsetUs: 2_000, driftPpm: 0, deviceOriginUs: 5_000 });
  });

  it('refuses no markers, times that are not numbers, and pairings that run the clock backwards', () => {
    expect(() => fitClock([])).toThrow(WeftError);
    expect(() => fitClock([{ key: 'a', deviceUs: Number.NaN, referenceUs: 0 }])).toThrow(/"a" has a time that is not a finite number/);
    const reversed = [0, 1, 2, 3].map((i) => ({ key: `k${i}`, deviceUs: i * 1e6, referenceUs: (3 - i) * 1e6 }));
    expect(() => fitClock(reversed, 'fit')).toThrow(/runs backwards .* paired wrongly or out of order/);
  });
});

describe('moving stored times between clock models', () => {
  const from: ClockModel = { offsetUs: 3_000_000, driftPpm: 0, deviceOriginUs: 0 };
  const to: ClockModel = { offsetUs: 1_234_567, driftPpm: -41.25, deviceOriginUs: 600_000_000 };

  it('recovers the device time a session time came from', () => {
    for (const device of [0, 1_000, 123_456_789, 3_600_000_000]) {
      expect(deviceFromSession(to, toSessionTime(to, deviceUs(device)))).toBeCloseTo(device, -0.5);
    }
  });

  it('re-times to within a microsecond of placing the device time with the new model directly', () => {
    for (const device of [0, 999, 250_000_000, 3_599_999_999]) {
      const stored = toSessionTime(from, deviceUs(device));
      expect(Math.abs(retimeSessionUs(from, to, stored) - toSessionTime(to, deviceUs(device)))).toBeLessThanOrEqual(1);
    }
  });

  it('changes nothing when the model does not change', () => {
    for (const t of [-5_000_000, 0, 42, 7_200_000_000]) expect(retimeSessionUs(to, to, t)).toBe(t);
  });
});
