/** Benchmarks report ratios against a baseline measured in the same run, never absolute targets alone. */

export interface Measurement {
  readonly suite: string;
  readonly name: string;
  /** The quantity, in `unit` (ms per operation, rows per second, ...). */
  readonly value: number;
  readonly unit: string;
  /** What the ratio compares against, measured in the same run. */
  readonly baseline: { readonly name: string; readonly value: number } | null;
  /** value / baseline.value, so that its meaning follows the unit (time: lower is better). */
  readonly ratio: number | null;
  readonly note?: string;
}

export interface Suite {
  readonly name: string;
  run(report: (m: Measurement) => void): Promise<void>;
}

/** Median wall time in milliseconds of `runs` calls after `warmup` unmeasured ones. */
export async function medianMs(fn: () => Promise<unknown>, runs: number, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i += 1) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

export function compare(
  suite: string,
  name: string,
  value: number,
  unit: string,
  baseline: { name: string; value: number } | null,
  note?: string,
): Measurement {
  return { suite, name, value, unit, baseline, ratio: baseline === null ? null : value / baseline.value, ...(note === undefined ? {} : { note }) };
}
