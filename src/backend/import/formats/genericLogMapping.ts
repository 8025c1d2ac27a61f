import { type LogMapping, mappingError } from './logMapping.js';

export const TIME_FORMATS = ['iso', 'epoch_s', 'epoch_ms', 'epoch_us', 'local', 'relative_s', 'relative_ms'] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];

/** Event fields a column can feed directly, as text. */
export const TEXT_FIELDS = ['label', 'problem', 'step', 'selection', 'action', 'input', 'skill', 'feedback'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** Every key `columns` may have; the ones naming a column of the log are listed in `columnKeys`. */
const KEYS = ['participant', 'session', 'time', 'time_format', 'kind', 'kinds', 'outcome', 'outcomes', ...TEXT_FIELDS, 'attempt', 'duration', 'duration_unit', 'signals', 'delimiter'] as const;

/** The checked `columns` of a generic-log mapping. */
export interface GenericColumns {
  readonly participant: string | null;
  readonly session: string | null;
  readonly time: string;
  readonly timeFormat: TimeFormat;
  readonly kind: string | null;
  readonly kinds: Readonly<Record<string, string>>;
  readonly outcome: string | null;
  readonly outcomes: Readonly<Record<string, string>>;
  readonly text: readonly { readonly field: TextField; readonly column: string }[];
  readonly attempt: string | null;
  readonly duration: string | null;
  readonly durationUnitUs: number;
  readonly signals: readonly { readonly name: string; readonly column: string }[];
  readonly delimiter: string | null;
  /** Every log column the mapping names, with the mapping key that names it, for checking against the log. */
  readonly named: readonly { readonly column: string; readonly key: string }[];
}

const SIGNAL_NAME = /^[a-z][a-z0-9_]*$/;

/** Reads `columns` of a generic-log mapping; every mistake names the mapping file and the key. */
export function genericColumns(mapping: LogMapping): GenericColumns {
  const path = mapping.path;
  const columns = mapping.columns;
  if (columns === null) throw mappingError(path, 'columns', 'a generic log needs "columns" naming at least its time column (see docs/formats.md, generic CSV/JSONL event log)');
  for (const key of Object.keys(columns)) {
    if (!(KEYS as readonly string[]).includes(key)) throw mappingError(path, `columns.${key}`, `unknown key; the keys are ${KEYS.join(', ')}`);
  }
  const named: { column: string; key: string }[] = [];
  const column = (key: string, required: boolean): string | null => {
    const value = columns[key];
    if (value === undefined) {
      if (required) throw mappingError(path, `columns.${key}`, 'is required');
      return null;
    }
    if (typeof value !== 'string' || value === '') throw mappingError(path, `columns.${key}`, 'must name a column of the log');
    named.push({ column: value, key: `columns.${key}` });
    return value;
  };
  const valueMap = (key: string, upper: boolean): Record<string, string> => {
    const value = columns[key];
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw mappingError(path, `columns.${key}`, 'must be an object of log value → Weft value');
    for (const [from, to] of Object.entries(value)) {
      if (typeof to !== 'string' || to === '') throw mappingError(path, `columns.${key}.${from}`, 'must be a non-empty string');
      if (upper && to !== to.toUpperCase()) throw mappingError(path, `columns.${key}.${from}`, `outcomes are upper case, as DataShop writes them ("${to.toUpperCase()}")`);
    }
    return value as Record<string, string>;
  };
  const format = columns['time_format'] ?? 'iso';
  if (!(TIME_FORMATS as readonly unknown[]).includes(format)) throw mappingError(path, 'columns.time_format', `must be one of ${TIME_FORMATS.join(', ')}`);
  const unit = columns['duration_unit'] ?? 's';
  const units: Record<string, number> = { s: 1e6, ms: 1e3, us: 1 };
  if (typeof unit !== 'string' || units[unit] === undefined) throw mappingError(path, 'columns.duration_unit', 'must be "s", "ms" or "us"');
  const delimiter = columns['delimiter'];
  if (delimiter !== undefined && delimiter !== ',' && delimiter !== '\t' && delimiter !== ';') throw mappingError(path, 'columns.delimiter', 'must be ",", "\\t" or ";"');
  const participant = column('participant', false);
  const session = column('session', false);
  const time = column('time', true) as string;
  const kind = column('kind', false);
  const outcome = column('outcome', false);
  const text = TEXT_FIELDS.flatMap((field) => {
    const name = column(field, false);
    return name === null ? [] : [{ field, column: name }];
  });
  const attempt = column('attempt', false);
  const duration = column('duration', false);
  const signalsValue = columns['signals'] ?? {};
  if (typeof signalsValue !== 'object' || signalsValue === null || Array.isArray(signalsValue)) throw mappingError(path, 'columns.signals', 'must be an object of signal name → column');
  const signals = Object.entries(signalsValue).map(([name, from]) => {
    if (!SIGNAL_NAME.test(name)) throw mappingError(path, `columns.signals.${name}`, 'signal names are snake_case (confusion_probability, ...)');
    if (typeof from !== 'string' || from === '') throw mappingError(path, `columns.signals.${name}`, 'must name a column of the log');
    named.push({ column: from, key: `columns.signals.${name}` });
    return { name, column: from };
  });
  const result: GenericColumns = {
    participant,
    session,
    time,
    timeFormat: format as TimeFormat,
    kind,
    kinds: valueMap('kinds', false),
    outcome,
    outcomes: valueMap('outcomes', true),
    text,
    attempt,
    duration,
    durationUnitUs: units[unit] as number,
    signals,
    delimiter: (delimiter ?? null) as string | null,
    named,
  };
  return result;
}
