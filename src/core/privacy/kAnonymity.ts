/**
 * k-anonymity of demographic quasi-identifiers: every combination of their values must be shared
 * by at least k participants. When it is not, values can be generalized: numbers into ever wider
 * bands, other values suppressed ("*"), the item with the most distinct values first.
 */

export type QuasiValue = string | number | null;

export interface QuasiRecord {
  readonly id: string;
  readonly values: Readonly<Record<string, QuasiValue>>;
}

export interface EquivalenceClass {
  readonly values: Readonly<Record<string, QuasiValue>>;
  readonly size: number;
}

export interface KAnonymityCheck {
  readonly k: number;
  readonly quasiIdentifiers: readonly string[];
  readonly satisfied: boolean;
  /** Size of the smallest class (Infinity when there are no records). */
  readonly smallest: number;
  readonly classes: readonly EquivalenceClass[];
}

export function checkKAnonymity(records: readonly QuasiRecord[], quasiIdentifiers: readonly string[], k: number): KAnonymityCheck {
  const classes = new Map<string, EquivalenceClass>();
  for (const record of records) {
    const values = Object.fromEntries(quasiIdentifiers.map((q) => [q, record.values[q] ?? null]));
    const key = JSON.stringify(quasiIdentifiers.map((q) => values[q]));
    const existing = classes.get(key);
    classes.set(key, { values, size: (existing?.size ?? 0) + 1 });
  }
  const list = [...classes.values()].sort((a, b) => a.size - b.size);
  const smallest = list[0]?.size ?? Number.POSITIVE_INFINITY;
  return { k, quasiIdentifiers, satisfied: quasiIdentifiers.length === 0 || smallest >= k, smallest, classes: list };
}

export interface Generalization {
  readonly records: readonly QuasiRecord[];
  /** What was done, in order, for the export's codebook. */
  readonly steps: readonly string[];
  readonly check: KAnonymityCheck;
}

const BANDS = [5, 10, 20, 50, 100];

function band(value: number, width: number): string {
  const low = Math.floor(value / width) * width;
  return `${low}-${low + width - 1}`;
}

export function generalize(records: readonly QuasiRecord[], quasiIdentifiers: readonly string[], k: number): Generalization {
  let current = records;
  const steps: string[] = [];
  const level = new Map<string, number>();
  for (let guard = 0; guard < quasiIdentifiers.length * (BANDS.length + 1) + 1; guard += 1) {
    const check = checkKAnonymity(current, quasiIdentifiers, k);
    if (check.satisfied) return { records: current, steps, check };
    const candidates = quasiIdentifiers
      .filter((q) => current.some((r) => r.values[q] !== '*'))
      .map((q) => ({ q, distinct: new Set(current.map((r) => JSON.stringify(r.values[q] ?? null))).size }))
      .sort((a, b) => b.distinct - a.distinct);
    const target = candidates[0];
    if (target === undefined) return { records: current, steps, check };
    const numeric = records.every((r) => r.values[target.q] === null || typeof r.values[target.q] === 'number');
    const next = (level.get(target.q) ?? -1) + 1;
    level.set(target.q, next);
    const width = BANDS[next];
    if (numeric && width !== undefined) {
      current = current.map((r, i) => {
        const original = records[i]?.values[target.q];
        return { id: r.id, values: { ...r.values, [target.q]: typeof original === 'number' ? band(original, width) : null } };
      });
      steps.push(`${target.q}: grouped into bands of ${width}`);
    } else {
      current = current.map((r) => ({ id: r.id, values: { ...r.values, [target.q]: '*' } }));
      steps.push(`${target.q}: suppressed`);
    }
  }
  return { records: current, steps, check: checkKAnonymity(current, quasiIdentifiers, k) };
}
