import { InvalidArgumentError } from 'commander';

/** "confusion=CONFUSED" or "frustration=FRUSTRATED,ANGRY": an output and the tier labels that make it positive. */
export function parseTarget(value: string, previous: { output: string; positive: string[] }[] = []): { output: string; positive: string[] }[] {
  const match = /^([a-z][a-z0-9_]*)=(.+)$/.exec(value.trim());
  if (match === null) throw new InvalidArgumentError('expected OUTPUT=LABEL[,LABEL…], e.g. confusion=CONFUSED');
  const positive = (match[2] ?? '').split(',').map((l) => l.trim()).filter((l) => l !== '');
  if (positive.length === 0) throw new InvalidArgumentError('name at least one positive label');
  return [...previous, { output: match[1] ?? '', positive }];
}

/** "logistic", "mlp:16,8" or "gru:16". */
export function parseArchitecture(value: string): { family: 'logistic_regression' } | { family: 'mlp'; hidden: number[] } | { family: 'gru'; units: number } {
  const [family, sizes] = value.split(':', 2);
  const numbers = (sizes ?? '').split(',').filter((s) => s !== '').map(Number);
  if (numbers.some((n) => !Number.isInteger(n) || n < 1)) throw new InvalidArgumentError('layer sizes are positive whole numbers');
  if (family === 'logistic' || family === 'logistic_regression') return { family: 'logistic_regression' };
  if (family === 'mlp') return { family: 'mlp', hidden: numbers.length > 0 ? numbers : [16] };
  if (family === 'gru') return { family: 'gru', units: numbers[0] ?? 16 };
  throw new InvalidArgumentError('logistic, mlp[:H1,H2…] or gru[:UNITS]');
}

export function parseModelRef(value: string): { model_id: string; model_version?: string } {
  const [id, version] = value.split('@', 2);
  if (id === undefined || id === '') throw new InvalidArgumentError('expected ID or ID@VERSION');
  return version === undefined ? { model_id: id } : { model_id: id, model_version: version };
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('a positive number');
  return n;
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number');
  return n;
}

export function fraction(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('a number between 0 and 1');
  return n;
}

export const collect = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map((v) => v.trim()).filter((v) => v !== '')];
