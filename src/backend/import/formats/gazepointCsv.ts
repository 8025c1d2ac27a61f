import type { DelimitedOptions, DelimitedRecord } from '../textReader.js';
import type { Importer, ImportSink, ParseContext, StreamWriter } from '../types.js';
import { signalName } from './signalName.js';
import { NumberReader, checkWidth, firstLine, readHeader, recordError, type Header } from './tabular.js';

const OPTIONS: DelimitedOptions = { delimiter: ',', quote: '"' };
const BATCH = 1024;
/** The fixation point-of-gaze fields of the Gazepoint Open Gaze API (ENABLE_SEND_POG_FIX). */
const FIXATION_FIELDS = ['FPOGX', 'FPOGY', 'FPOGS', 'FPOGD', 'FPOGID', 'FPOGV'] as const;
/** Open Gaze API fields that are text, not numbers. */
const TEXT_FIELDS = new Set(['MEDIA_NAME', 'USER']);

interface Columns {
  readonly fpog: Readonly<Record<(typeof FIXATION_FIELDS)[number], number>>;
  readonly time: number | undefined;
  /** Numeric columns beyond the fixation's, kept as signals at the row's TIME. */
  readonly signals: readonly { readonly column: string; readonly name: string; readonly index: number }[];
  readonly texts: readonly { readonly column: string; readonly index: number }[];
}

function columnsOf(path: string, header: Header): Columns {
  const fpog = {} as Record<(typeof FIXATION_FIELDS)[number], number>;
  for (const name of FIXATION_FIELDS) {
    const index = header.index(name);
    if (index === undefined) throw recordError(path, header.record, `a Gazepoint fixation export needs a "${name}" column`);
    fpog[name] = index;
  }
  const time = header.index('TIME');
  const used = new Set<number>([...Object.values(fpog), ...(time === undefined ? [] : [time])]);
  const signals: Columns['signals'][number][] = [];
  const texts: Columns['texts'][number][] = [];
  header.record.fields.forEach((raw, index) => {
    const column = raw.trim();
    if (used.has(index) || column === '') return;
    if (TEXT_FIELDS.has(column)) texts.push({ column, index });
    else signals.push({ column, name: column === 'CNT' ? 'sample_counter' : signalName(column), index });
  });
  return { fpog, time, signals, texts };
}

interface Skipped {
  count: number;
  line: number;
}

/**
 * Rebuilds fixations from FPOG* rows. Gazepoint repeats a fixation's fields on every sample
 * while it lasts, its duration growing, so the last row with a fixation id (FPOGID) is the
 * whole fixation; an export with one row per fixation (the EMDAT sample) is the same case.
 */
class FixationRuns {
  private last: DelimitedRecord | undefined;
  private invalid: Skipped | undefined;

  constructor(
    private readonly path: string,
    private readonly columns: Columns,
    private readonly numbers: NumberReader,
    private readonly writer: StreamWriter,
  ) {}

  add(record: DelimitedRecord): void {
    const previous = this.last;
    const id = (record.field(this.columns.fpog.FPOGID) ?? '').trim();
    if (previous !== undefined && (previous.field(this.columns.fpog.FPOGID) ?? '').trim() !== id) this.flush();
    this.last = record;
    if (this.writer.accepted) this.rowValues(record);
  }

  /** The row's own values beyond the fixation, as signals at its TIME. */
  private rowValues(record: DelimitedRecord): void {
    const { time } = this.columns;
    if (time === undefined) return;
    const t = Math.round(this.numbers.required(record, time, 'TIME') * 1e6);
    for (const s of this.columns.signals) this.writer.signal(t, s.name, this.numbers.read(record, s.index, s.column), record.line);
  }

  flush(): void {
    const record = this.last;
    if (record === undefined) return;
    this.last = undefined;
    if (!this.writer.accepted) {
      this.writer.fixation(0, 0, { x: null, y: null });
      return;
    }
    const { fpog } = this.columns;
    const valid = this.numbers.required(record, fpog.FPOGV, 'FPOGV');
    if (valid !== 0 && valid !== 1) throw this.numbers.error(record, fpog.FPOGV, `FPOGV is ${valid}; Gazepoint writes 1 (valid) or 0`);
    if (valid === 0) {
      this.invalid ??= { count: 0, line: record.line };
      this.invalid.count += 1;
      return;
    }
    const start = this.numbers.required(record, fpog.FPOGS, 'FPOGS');
    const duration = this.numbers.required(record, fpog.FPOGD, 'FPOGD');
    if (duration < 0) throw this.numbers.error(record, fpog.FPOGD, `FPOGD ${duration} is negative`);
    const startUs = Math.round(start * 1e6);
    this.writer.fixation(startUs, startUs + Math.round(duration * 1e6), { x: this.numbers.read(record, fpog.FPOGX, 'FPOGX'), y: this.numbers.read(record, fpog.FPOGY, 'FPOGY') }, record.line);
  }

  finish(sink: ImportSink): void {
    this.flush();
    if (this.invalid === undefined) return;
    const { count, line } = this.invalid;
    sink.warn({
      message: `${count} fixation${count === 1 ? '' : 's'} that Gazepoint marked not valid (FPOGV = 0) ${count === 1 ? 'was' : 'were'} not stored (first at line ${line})`,
      location: { file: this.path, line, field: 'FPOGV' },
      count,
    });
  }
}

function provenanceOf(columns: Columns): Record<string, unknown> {
  return {
    format: 'gazepoint-csv',
    source: 'Gazepoint GP3 fixation point-of-gaze fields (Open Gaze API, ENABLE_SEND_POG_FIX)',
    clock: 'FPOGS and TIME are seconds of the Gazepoint server clock (since its start or last calibration); the file gives no wall-clock origin: give clock_offset_s',
    columns: {
      FPOGS: 'start_us',
      'FPOGS + FPOGD': 'end_us (FPOGD is the fixation duration, s)',
      FPOGX: 'x',
      FPOGY: 'y',
      FPOGID: 'one fixation per run of rows with the same id: its last row, which has the whole duration',
      FPOGV: 'fixations with FPOGV = 0 are not stored (reported)',
    },
    coordinates: 'x and y are FPOGX/FPOGY as written: fractions of the screen width and height ((0, 0) top left; values beyond 0..1 are off screen), NOT pixels: neither the file nor the study states the screen resolution',
    eye: 'NULL: Gazepoint computes fixations from its combined point of gaze and the file does not say from which eyes',
    signals: Object.fromEntries(columns.signals.map((s) => [s.column, `${s.name} (at the row's TIME)`])),
    ...(columns.texts.length === 0 ? {} : { text_columns_not_stored: columns.texts.map((t) => t.column) }),
  };
}

/**
 * Gazepoint fixation CSV (real file: EMDAT's P5_fixations.csv, `CNT,TIME,FPOGX,FPOGY,FPOGS,
 * FPOGD,FPOGID,FPOGV`): Open Gaze API fields as Gazepoint software exports them.
 */
export const gazepointCsv: Importer = {
  format: 'gazepoint-csv',
  title: 'Gazepoint fixation export (FPOGX, FPOGY, FPOGS, FPOGD, FPOGID, FPOGV)',
  phase: 'data',

  detect(file) {
    const names = firstLine(file.headText).split(',').map((n) => n.trim());
    return FIXATION_FIELDS.every((f) => names.includes(f)) ? 1 : 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const reader = ctx.openText();
    try {
      const header = await readHeader(reader, OPTIONS);
      const columns = columnsOf(path, header);
      const numbers = new NumberReader(path);
      let runs: FixationRuns | undefined;
      for (;;) {
        const records = await reader.readRecords(OPTIONS, BATCH);
        if (records.length === 0) break;
        ctx.sink.progress(reader.bytesRead);
        for (const record of records) {
          if (record.width === 0) continue;
          checkWidth(path, header, record, 'comma');
          runs ??= new FixationRuns(path, columns, numbers, await ctx.sink.openStream({ kind: 'fixations', target: {}, time: { kind: 'relative' }, provenance: provenanceOf(columns) }));
          runs.add(record);
        }
      }
      runs?.finish(ctx.sink);
      if (columns.texts.length > 0 && runs !== undefined) {
        ctx.sink.warn({ message: `the text column${columns.texts.length === 1 ? '' : 's'} ${columns.texts.map((t) => `"${t.column}"`).join(', ')} ${columns.texts.length === 1 ? 'was' : 'were'} not stored: fixations have no column for ${columns.texts.length === 1 ? 'it' : 'them'}`, location: { file: path, line: header.record.line } });
      }
      numbers.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
