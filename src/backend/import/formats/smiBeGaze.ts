import type { StreamKind } from '../../../core/study/modalities.js';
import type { DelimitedOptions, DelimitedRecord } from '../textReader.js';
import type { Importer, ImportSink, ParseContext, StreamWriter } from '../types.js';
import { signalName } from './signalName.js';
import { EyeStreams } from './eyeStreams.js';
import { readBeGazeHeader, tableOf, type BeGazeTable } from './smiBeGazeHeader.js';
import { NumberReader, checkWidth, recordError, type Header } from './tabular.js';

const OPTIONS: DelimitedOptions = { delimiter: ',', quote: null };
const BATCH = 1024;
const STREAM_OF: Readonly<Record<BeGazeTable, StreamKind>> = { Fixations: 'fixations', Saccades: 'saccades', Blinks: 'blinks', 'User Events': 'eye_markers' };

/** Columns mapped to view columns, per table; every other column but "Event Type" becomes a signal. */
const MAPPED: Readonly<Record<BeGazeTable, readonly string[]>> = {
  Fixations: ['Start', 'End', 'Duration', 'Location X', 'Location Y', 'AOI hit', 'Image', 'Avg. Pupil Size X', 'Avg. Pupil Size Y'],
  Saccades: ['Start', 'End', 'Duration', 'Start Loc.X', 'Start Loc.Y', 'End Loc.X', 'End Loc.Y', 'Amplitude', 'Peak Speed'],
  Blinks: ['Start', 'End', 'Duration'],
  'User Events': ['Start', 'Description'],
};
const SIGNAL_PREFIX: Readonly<Record<BeGazeTable, string>> = { Fixations: 'fixation_', Saccades: 'saccade_', Blinks: 'blink_', 'User Events': '' };
/** BeGaze writes "-" where a fixation hit no AOI or had no image. */
const NONE = '-';

interface TableColumns {
  readonly header: Header;
  /** Microseconds per unit of Start, End and Duration: µs unless the header says "[ms]". */
  readonly scale: number;
  at(name: string): number | undefined;
  readonly signals: readonly { readonly name: string; readonly index: number; readonly column: string }[];
}

function tableColumns(table: BeGazeTable, header: Header): TableColumns {
  const base = (raw: string): string => raw.replace(/\s*\[[^\]]*\]\s*$/, '').trim();
  const byBase = new Map<string, number>();
  header.record.fields.forEach((raw, i) => byBase.set(base(raw), i));
  const start = header.record.field(byBase.get('Start') ?? -1) ?? '';
  const signals = header.record.fields.flatMap((raw, index) => {
    const name = base(raw);
    return name === 'Event Type' || MAPPED[table].includes(name) || name === '' ? [] : [{ name: signalName(name), index, column: raw.trim() }];
  });
  return { header, scale: /\[ms\]/i.test(start) ? 1000 : 1, at: (name) => byBase.get(name), signals };
}

/** Fixation images that the fixations view has no column for, reported rather than dropped silently. */
interface Unstored {
  count: number;
  line: number;
  example: string;
}

class BeGazeRows {
  private images: Unstored | undefined;

  constructor(
    private readonly path: string,
    private readonly columns: ReadonlyMap<BeGazeTable, TableColumns>,
    private readonly numbers: NumberReader,
  ) {}

  private time(record: DelimitedRecord, c: TableColumns, name: 'Start' | 'End' | 'Duration'): number {
    const index = c.at(name);
    if (index === undefined) throw recordError(this.path, c.header.record, `the table has no "${name}" column`);
    return Math.round(this.numbers.required(record, index, name) * c.scale);
  }

  private value(record: DelimitedRecord, c: TableColumns, name: string): number | null {
    const index = c.at(name);
    return index === undefined ? null : this.numbers.read(record, index, name);
  }

  write(table: BeGazeTable, eye: 'left' | 'right' | 'both' | null, record: DelimitedRecord, writer: StreamWriter): void {
    const c = this.columns.get(table);
    if (c === undefined) throw recordError(this.path, record, `no "Table Header for ${table}:" line describes this row`, 0);
    if (!writer.accepted) {
      if (table === 'Fixations') writer.fixation(0, 0, { x: null, y: null });
      else if (table === 'Saccades') writer.saccade(0, 0, {});
      else if (table === 'Blinks') writer.blink(0, 0, null);
      else writer.event(0, { kind: 'message' });
      return;
    }
    const start = this.time(record, c, 'Start');
    if (table === 'User Events') {
      const descriptionAt = c.at('Description') ?? c.header.width - 1;
      const description = record.fields.slice(descriptionAt).join(',');
      const attributes: Record<string, unknown> = { Description: description };
      for (const s of c.signals) attributes[s.column] = record.field(s.index) ?? null;
      writer.event(start, { kind: 'message', label: description.replace(/^#\s*Message:\s*/, ''), attributes }, record.line);
      return;
    }
    const end = this.time(record, c, 'End');
    const duration = this.time(record, c, 'Duration');
    if (end < start) throw recordError(this.path, record, `the event ends (${end}) before it starts (${start})`, c.at('End'));
    if (end - start !== duration) {
      throw recordError(this.path, record, `Duration ${record.field(c.at('Duration') ?? 0) ?? ''} is not End - Start (${end - start}): Weft reads BeGaze times as ${c.scale === 1 ? 'microseconds' : 'milliseconds'}`, c.at('Duration'));
    }
    if (table === 'Fixations') {
      const aoi = (record.field(c.at('AOI hit') ?? -1) ?? NONE).trim();
      const image = (record.field(c.at('Image') ?? -1) ?? NONE).trim();
      if (image !== NONE && image !== '') {
        this.images ??= { count: 0, line: record.line, example: image };
        this.images.count += 1;
      }
      const px = this.value(record, c, 'Avg. Pupil Size X');
      const py = this.value(record, c, 'Avg. Pupil Size Y');
      const pupil = px !== null && py !== null ? (px + py) / 2 : (px ?? py);
      writer.fixation(start, end, { x: this.value(record, c, 'Location X'), y: this.value(record, c, 'Location Y'), eye, pupil, aoi: aoi === NONE || aoi === '' ? null : aoi }, record.line);
      this.signals(writer, table, c, record, start, eye, ['Avg. Pupil Size X', 'Avg. Pupil Size Y']);
    } else if (table === 'Saccades') {
      writer.saccade(
        start,
        end,
        {
          startX: this.value(record, c, 'Start Loc.X'),
          startY: this.value(record, c, 'Start Loc.Y'),
          endX: this.value(record, c, 'End Loc.X'),
          endY: this.value(record, c, 'End Loc.Y'),
          amplitudeDeg: this.value(record, c, 'Amplitude'),
          peakVelocityDegS: this.value(record, c, 'Peak Speed'),
          eye,
        },
        record.line,
      );
      this.signals(writer, table, c, record, start, eye, []);
    } else {
      writer.blink(start, end, eye, record.line);
      this.signals(writer, table, c, record, start, eye, []);
    }
  }

  /**
   * Extra columns as signals at the event's start, named by event type (a fixation's "Trial" is
   * fixation_trial, a saccade's saccade_trial) and eye (both eyes' events can start at one time).
   */
  private signals(writer: StreamWriter, table: BeGazeTable, c: TableColumns, record: DelimitedRecord, t: number, eye: string | null, alsoKept: readonly string[]): void {
    const prefix = SIGNAL_PREFIX[table];
    const suffix = eye === null ? '' : `_${eye}`;
    for (const name of alsoKept) {
      const index = c.at(name);
      if (index !== undefined) writer.signal(t, `${prefix}${signalName(name)}${suffix}`, this.numbers.read(record, index, name), record.line);
    }
    for (const s of c.signals) writer.signal(t, `${prefix}${s.name}${suffix}`, this.numbers.read(record, s.index, s.column), record.line);
  }

  finish(sink: ImportSink): void {
    if (this.images === undefined) return;
    const { count, line, example } = this.images;
    sink.warn({
      message: `${count} fixation${count === 1 ? '' : 's'} name an Image ("${example}" at line ${line}) that the fixations view has no column for; it was not stored`,
      location: { file: this.path, line, field: 'Image' },
      count,
    });
  }
}

function provenanceOf(kind: StreamKind, header: Awaited<ReturnType<typeof readBeGazeHeader>>, columns: ReadonlyMap<BeGazeTable, TableColumns>): Record<string, unknown> {
  const table = (Object.keys(STREAM_OF) as BeGazeTable[]).find((t) => STREAM_OF[t] === kind);
  const c = table === undefined ? undefined : columns.get(table);
  const prefix = table === undefined ? '' : SIGNAL_PREFIX[table];
  const signals = Object.fromEntries((c?.signals ?? []).map((s) => [s.column, `${prefix}${s.name}_<eye>`]));
  const mapping: Record<string, string> = {
    fixations: 'Start → start_us, End → end_us (µs of the tracker clock; Duration checked to equal End - Start), Location X/Y → x, y (pixels), AOI hit → aoi ("-" → NULL), mean of Avg. Pupil Size X and Y → pupil; eye from "Fixation L/R"',
    saccades: 'Start, End → start_us, end_us; Start Loc.X/Y → start_x/y; End Loc.X/Y → end_x/y; Amplitude → amplitude_deg; Peak Speed → peak_velocity_deg_s; eye from "Saccade L/R"',
    blinks: 'Start, End → start_us, end_us; eye from "Blink L/R"',
    eye_markers: 'UserEvent rows: kind "message", label = Description without BeGaze\'s "# Message: " prefix, attributes hold Description and the other columns as written',
  };
  return {
    format: 'smi-begaze-txt',
    metadata: header.kept,
    metadata_left_out: header.omitted,
    clock:
      "Start/End are the SMI tracker's clock in microseconds; the file's Date line is not documented as the recording start and is not used to place the stream: give clock_offset_s or align by sync markers",
    columns: mapping[kind] ?? null,
    ...(kind === 'fixations' ? { signals: { ...signals, 'Avg. Pupil Size X': 'fixation_avg_pupil_size_x_<eye>', 'Avg. Pupil Size Y': 'fixation_avg_pupil_size_y_<eye>' } } : kind === 'eye_markers' ? {} : { signals }),
    ...(kind === 'fixations' ? { not_stored: 'Image (no column in the fixations view; counted in a warning when a fixation has one)' } : {}),
  };
}

/**
 * SMI BeGaze "Event Statistics" text export (real file: EMDAT sample data
 * SMI_Sample_67_Events.txt): a "[BeGaze]" block of metadata and one "Table Header for …:" line
 * per event table, then comma-separated rows of every table interleaved, each led by its event
 * type (Fixation L, Saccade R, Blink L, UserEvent).
 */
export const smiBeGazeTxt: Importer = {
  format: 'smi-begaze-txt',
  title: 'SMI BeGaze event export (fixations, saccades, blinks, user events)',
  phase: 'data',

  detect(file) {
    const text = file.headText;
    if (!/^\[BeGaze\]/.test(text.trimStart())) return 0;
    return /^Table Header for (Fixations|Saccades|Blinks|User Events):/m.test(text) ? 1 : 0.5;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const reader = ctx.openText();
    try {
      const header = await readBeGazeHeader(reader, path);
      const columns = new Map<BeGazeTable, TableColumns>([...header.tables].map(([t, h]) => [t, tableColumns(t, h)]));
      const numbers = new NumberReader(path);
      const rows = new BeGazeRows(path, columns, numbers);
      const target = header.subject === undefined ? {} : { participantId: header.subject };
      const streams = new EyeStreams((kind) => ctx.sink.openStream({ kind, target, time: { kind: 'relative' }, provenance: provenanceOf(kind, header, columns) }));
      for (;;) {
        const records = await reader.readRecords(OPTIONS, BATCH);
        if (records.length === 0) break;
        ctx.sink.progress(reader.bytesRead);
        for (const record of records) {
          if (record.width === 0) continue;
          const type = tableOf(record.field(0) ?? '');
          if (type === null) throw recordError(path, record, `"${record.field(0) ?? ''}" is not a BeGaze event type (Fixation L/R, Saccade L/R, Blink L/R, UserEvent)`, 0);
          const table = columns.get(type.table);
          if (table === undefined) throw recordError(path, record, `no "Table Header for ${type.table}:" line describes this row`, 0);
          if (type.table !== 'User Events' || record.width < table.header.width) checkWidth(path, table.header, record, 'comma');
          const kind = STREAM_OF[type.table];
          const writer = streams.has(kind) ? streams.get(kind) : await streams.ensure(kind);
          rows.write(type.table, type.eye, record, writer);
        }
      }
      rows.finish(ctx.sink);
      numbers.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
