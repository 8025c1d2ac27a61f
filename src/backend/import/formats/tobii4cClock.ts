const EPOCH_2000_US = Date.UTC(2000, 0, 1) * 1000;
const EPOCH_2100_US = Date.UTC(2100, 0, 1) * 1000;

/** Whether a timestamp reads as microseconds since 1970 of this century (a wall clock, not an uptime counter). */
export function isWallClockMicros(us: number): boolean {
  return us >= EPOCH_2000_US && us < EPOCH_2100_US;
}

/**
 * The place of the last digit a number is written to: "1.56466617033e+15" is known to 10^4
 * (Python 2's `str(float)` keeps 12 significant digits); plain integers are exact. Trailing
 * zeros are dropped by such writers, so the finest step seen over many values is the true one.
 */
export function writtenResolution(text: string): number {
  const m = /^[+-]?\d*(?:\.(\d*))?[eE]([+-]?\d+)$/.exec(text.trim());
  if (m === null) return 1;
  return Math.max(1, 10 ** (Number(m[2]) - (m[1] ?? '').length));
}

/**
 * Places the eye tracker's own clock (device_time_stamp) on the computer's wall clock
 * (system_time_stamp), which the SDK keeps in step with it: the offset is the mean difference
 * over the first samples, which averages away the rounding of system timestamps written to few
 * digits. Later samples are checked against it, so that drift beyond the timestamps' own
 * precision is reported rather than silently absorbed.
 */
export class SdkClock {
  private maxResidual = 0;
  private maxResidualLine = 0;

  private constructor(
    readonly offsetUs: number,
    readonly pairs: number,
    readonly resolutionUs: number,
  ) {}

  static fit(pairs: readonly { device: number; system: number }[], resolutionUs: number): SdkClock | null {
    if (pairs.length === 0 || !pairs.every((p) => isWallClockMicros(p.system))) return null;
    const mean = pairs.reduce((sum, p) => sum + (p.system - p.device), 0) / pairs.length;
    return new SdkClock(Math.round(mean), pairs.length, resolutionUs);
  }

  toWallClock(device: number): number {
    return device + this.offsetUs;
  }

  check(device: number, system: number, line: number): void {
    const residual = Math.abs(system - this.toWallClock(device));
    if (residual > this.maxResidual) {
      this.maxResidual = residual;
      this.maxResidualLine = line;
    }
  }

  /** The largest gap between the two clocks beyond the system timestamps' written precision, if any. */
  drift(): { us: number; line: number } | null {
    const tolerance = Math.max(this.resolutionUs, 1000);
    return this.maxResidual > tolerance ? { us: this.maxResidual, line: this.maxResidualLine } : null;
  }
}
