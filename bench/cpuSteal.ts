import { readFileSync } from 'node:fs';

interface CpuTimes {
  readonly steal: number;
  readonly total: number;
}

/** The aggregate line of /proc/stat; null where there is none (not Linux). */
function cpuTimes(): CpuTimes | null {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return null;
  }
  const fields = (text.split('\n')[0] ?? '').trim().split(/\s+/);
  if (fields[0] !== 'cpu') return null;
  // user nice system idle iowait irq softirq steal; guest time is already counted in user.
  const ticks = fields.slice(1, 9).map(Number);
  return { steal: ticks[7] ?? 0, total: ticks.reduce((sum, n) => sum + n, 0) };
}

/**
 * Share of CPU time the hypervisor gave to other guests while `fn` ran: on a virtual machine the
 * same run goes slower when its neighbours are busy, and this says how much that weighed.
 */
export async function withCpuSteal<T>(fn: () => Promise<T>): Promise<{ result: T; steal: number | null }> {
  const before = cpuTimes();
  const result = await fn();
  const after = cpuTimes();
  if (before === null || after === null || after.total === before.total) return { result, steal: null };
  return { result, steal: (after.steal - before.steal) / (after.total - before.total) };
}

export function formatSteal(steal: number | null): string {
  return steal === null ? 'CPU steal not known' : `CPU steal ${(100 * steal).toFixed(1)}%`;
}
