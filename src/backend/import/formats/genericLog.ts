import { existsSync, readFileSync } from 'node:fs';
import { participantIdSchema } from '../../../core/api/schemas.js';
import { WeftError } from '../../../core/errors.js';
import { fieldsRecord, type DelimitedRecord } from '../textReader.js';
import type { Importer, ParseContext, TimeBase } from '../types.js';
import { type GenericColumns, genericColumns } from './genericLogMapping.js';
import { headColumn, headRecords } from './logHead.js';
import { JsonValueReader, parseJsonValue } from './logJsonValues.js';
import { delimitedBatches } from './logLines.js';
import { LocalTimeReader } from './logLocalTimes.js';
import { type LogMapping, findLogMapping, mappingError, readLogMapping } from './logMapping.js';
import { StreamsByParticipant } from './logStreams.js';
import { isoTimestampUs } from './logTimestamps.js';
import { NumberReader, checkWidth, firstLine, readHeader, recordError } from './tabular.js';

/** One row of the log, from a delimited record or a JSON object, read through the mapping's column names. */
interface Row {
  readonly line: number;
  /** The value of a column: text for delimited logs, any JSON value for JSON logs; undefined when absent. */
  value(column: string): unknown;
  /** The value as a one-field record, for the shared number and time readers and for errors. */
  cell(column: string): { record: DelimitedRecord; index: number };
  /** The columns the mapping does not name, with their values. */
  rest(named: ReadonlySet<string>): Record<string, unknown>;
}

class DelimitedRow implements Row {
  constructor(
    readonly record: DelimitedRecord,
    private readonly positions: ReadonlyMap<string, number>,
    private readonly names: readonly string[],
  ) {}

  get line(): number {
    return this.record.line;
  }

  value(column: string): unknown {
    const i = this.positions.get(column);
    return i === undefined ? undefined : this.record.field(i);
  }

  cell(column: string): { record: DelimitedRecord; index: number } {
    return { record: this.record, index: this.positions.get(column) ?? 0 };
  }

  rest(named: ReadonlySet<string>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.names.forEach((name, i) => {
      const value = this.record.field(i);
      if (name !== '' && !named.has(name) && value !== undefined && value !== '') out[name] = value;
    });
    return out;
  }
}

class JsonRow implements Row {
  constructor(
    readonly line: number,
    private readonly column: number,
    private readonly object: Record<string, unknown>,
  ) {}

  value(key: string): unknown {
    return this.object[key];
  }

  cell(key: string): { record: DelimitedRecord; index: number } {
    const value = this.object[key];
    const text = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    return { record: fieldsRecord(this.line, [text], [this.column]), index: 0 };
  }

  rest(named: ReadonlySet<string>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this.object).filter(([key, value]) => !named.has(key) && value !== null && value !== undefined && value !== ''));
  }
}

const isText = (value: unknown): value is string | number | boolean => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
const textOf = (value: unknown): string | null => (isText(value) && String(value).trim() !== '' ? String(value) : null);

function sniffDelimiter(headerLine: string): string {
  const counts = [',', '\t', ';'].map((d) => ({ d, n: headerLine.split(d).length }));
  return counts.sort((a, b) => b.n - a.n)[0]?.d ?? ',';
}

const isJson = (text: string): boolean => /^\s*[[{]/.test(text);

/**
 * Turns rows into events by the mapping, with the parsing every row needs: times in the mapped
 * format, numbers, participant ids. Errors name the row and the column (and the mapping key).
 */
class RowReader {
  readonly numbers: NumberReader;
  readonly times: LocalTimeReader;
  private noZone: { count: number; line: number } | undefined;

  constructor(
    private readonly path: string,
    private readonly cols: GenericColumns,
    private readonly zone: string,
    timeSamples: readonly string[],
  ) {
    this.numbers = new NumberReader(path);
    this.times = new LocalTimeReader(path, timeSamples, 'month/day/year', 'no other order can be told from the file');
  }

  private number(row: Row, column: string): number | null {
    const value = row.value(column);
    if (typeof value === 'number') return Number.isFinite(value) ? value : null;
    if (value === undefined || value === null || value === '') return null;
    const { record, index } = row.cell(column);
    return this.numbers.read(record, index, column);
  }

  time(row: Row): number {
    const column = this.cols.time;
    const { record, index } = row.cell(column);
    const text = textOf(row.value(column));
    if (text === null) throw recordError(this.path, record, `the time column "${column}" is empty`, index);
    switch (this.cols.timeFormat) {
      case 'iso': {
        const instant = isoTimestampUs(text, this.zone);
        if (instant === null) throw recordError(this.path, record, `"${text}" in column "${column}" is not an ISO 8601 date and time (time_format is iso)`, index);
        if (!instant.zoned) {
          this.noZone ??= { count: 0, line: row.line };
          this.noZone.count += 1;
        }
        return instant.us;
      }
      case 'local':
        return this.times.read(record, index, column, this.zone);
      default: {
        const value = this.numbers.required(record, index, column);
        const scale = { epoch_s: 1e6, epoch_ms: 1e3, epoch_us: 1, relative_s: 1e6, relative_ms: 1e3 }[this.cols.timeFormat];
        return Math.round(value * scale);
      }
    }
  }

  id(row: Row, column: string | null, what: string): string | undefined {
    if (column === null) return undefined;
    const text = textOf(row.value(column));
    if (text === null) return undefined;
    if (!participantIdSchema.safeParse(text).success) {
      const { record, index } = row.cell(column);
      throw recordError(this.path, record, `"${text}" in column "${column}" cannot be used as a ${what} id (no control characters, no leading or trailing spaces)`, index);
    }
    return text;
  }

  attempt(row: Row): number | null {
    if (this.cols.attempt === null) return null;
    const value = this.number(row, this.cols.attempt);
    if (value !== null && (!Number.isInteger(value) || value < 0)) {
      const { record, index } = row.cell(this.cols.attempt);
      throw recordError(this.path, record, `attempt "${String(row.value(this.cols.attempt))}" in column "${this.cols.attempt}" is not a whole number`, index);
    }
    return value;
  }

  duration(row: Row): number | null {
    if (this.cols.duration === null) return null;
    const value = this.number(row, this.cols.duration);
    return value === null ? null : Math.round(value * this.cols.durationUnitUs);
  }

  signal(row: Row, column: string): number | null {
    return this.number(row, column);
  }

  warnings(ctx: ParseContext): void {
    if (this.noZone !== undefined) {
      ctx.sink.warn({
        message: `${this.noZone.count} times have no time zone (first at line ${this.noZone.line}); they were read in ${this.zone}`,
        location: { file: this.path, line: this.noZone.line, field: this.cols.time },
        count: this.noZone.count,
      });
    }
    this.times.flushWarnings(ctx.sink);
    this.numbers.flushWarnings(ctx.sink);
  }
}

function mappingOf(path: string): LogMapping {
  const mappingPath = findLogMapping(path);
  if (mappingPath === null) {
    throw new WeftError('INVALID_INPUT', `${path}: a generic log needs a mapping file, ${path}.mapping.json (or weft-log-mapping.json in its folder), saying which column holds what; see docs/formats.md, generic CSV/JSONL event log`, { location: { file: path } });
  }
  return readLogMapping(mappingPath);
}

/**
 * A CSV, TSV or JSON-lines event log that no other format describes, read through a small
 * mapping file beside it (`<log>.mapping.json`): which column is the participant, the time (and
 * its format), the kind, the outcome and the other event fields. Every other column is kept in
 * attributes; `signals` turns numeric columns into named signals.
 */
export const genericLog: Importer = {
  format: 'generic-log',
  title: 'Generic CSV/JSON-lines event log with a weft-log-mapping file',
  phase: 'data',

  detect(file) {
    const mappingPath = findLogMapping(file.path);
    if (mappingPath === null || !existsSync(mappingPath)) return 0;
    try {
      return /"columns"\s*:/.test(readFileSync(mappingPath, 'utf8')) ? 0.5 : 0;
    } catch {
      return 0;
    }
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const mapping = mappingOf(path);
    const cols = genericColumns(mapping);
    const zone = mapping.timeZone ?? ctx.timeZone;
    const relative = cols.timeFormat === 'relative_s' || cols.timeFormat === 'relative_ms';
    const time: TimeBase = relative ? { kind: 'relative' } : { kind: 'epoch' };
    const named = new Set(cols.named.map((n) => n.column));
    const provenance = {
      format: 'generic-log',
      mapping: { path: mapping.path, sha256: mapping.sha256, columns: mapping.columns },
      columns: Object.fromEntries(cols.named.map(({ column, key }) => [column, key.replace(/^columns\./, '')])),
      other_columns: 'attributes.<column>',
    };
    const streams = new StreamsByParticipant(ctx.sink, time, provenance);

    const handle = async (row: Row, rows: RowReader): Promise<void> => {
      const writer = await streams.writer(rows.id(row, cols.participant, 'participant'), rows.id(row, cols.session, 'session') ?? null);
      if (!writer.accepted) {
        writer.event(0, { kind: 'refused' });
        return;
      }
      const t = rows.time(row);
      const rawKind = cols.kind === null ? null : textOf(row.value(cols.kind));
      const rawOutcome = cols.outcome === null ? null : textOf(row.value(cols.outcome));
      const fields: Record<string, string | null> = {};
      for (const { field, column } of cols.text) fields[field] = textOf(row.value(column));
      writer.event(
        t,
        {
          kind: rawKind === null ? 'event' : (cols.kinds[rawKind] ?? rawKind),
          outcome: rawOutcome === null ? null : (cols.outcomes[rawOutcome] ?? rawOutcome.toUpperCase()),
          attempt: rows.attempt(row),
          durationUs: rows.duration(row),
          ...fields,
          attributes: row.rest(named),
        },
        row.line,
      );
      for (const { name, column } of cols.signals) writer.signal(t, name, rows.signal(row, column), row.line);
    };

    if (isJson(ctx.file.headText)) {
      const reader = JsonValueReader.open(ctx.file);
      const seen = new Set<string>();
      const rows = new RowReader(path, cols, zone, []);
      try {
        for (let value = await reader.next(); value !== null; value = await reader.next()) {
          if (value.index % 512 === 0) ctx.sink.progress(reader.bytesRead);
          const parsed = parseJsonValue(path, value, `the record at line ${value.line}`);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
            throw new WeftError('PARSE_ERROR', `${path}:${value.line}:${value.column}: a generic JSON log holds one object per record`, { location: { file: path, line: value.line, column: value.column } });
          }
          for (const key of Object.keys(parsed)) if (named.has(key)) seen.add(key);
          await handle(new JsonRow(value.line, value.column, parsed as Record<string, unknown>), rows);
        }
        const never = cols.named.find((n) => !seen.has(n.column));
        if (never !== undefined) throw mappingError(mapping.path, never.key, `no record of ${path} has the key "${never.column}"`);
        rows.warnings(ctx);
      } finally {
        await reader.close();
      }
      return;
    }

    const delimiter = cols.delimiter ?? sniffDelimiter(firstLine(ctx.file.headText));
    const options = { delimiter, quote: '"' };
    const reader = ctx.openText();
    try {
      const header = await readHeader(reader, options);
      const names = header.record.fields.map((f) => f.trim());
      for (const { column, key } of cols.named) {
        if (!header.has(column)) throw mappingError(mapping.path, key, `column "${column}" is not in the header of ${path} (its columns: ${names.join(', ')})`);
      }
      const positions = new Map(names.map((name, i) => [name, i] as const));
      const rows = new RowReader(path, cols, zone, headColumn(headRecords(ctx.file, options), positions.get(cols.time)));
      const delimiterName = delimiter === '\t' ? 'tab' : delimiter === ';' ? 'semicolon' : 'comma';
      for await (const batch of delimitedBatches(reader, options)) {
        ctx.sink.progress(reader.bytesRead);
        for (const record of batch) {
          if (record.width !== header.width) checkWidth(path, header, record, delimiterName);
          await handle(new DelimitedRow(record, positions, names), rows);
        }
      }
      rows.warnings(ctx);
    } finally {
      await reader.close();
    }
  },
};
