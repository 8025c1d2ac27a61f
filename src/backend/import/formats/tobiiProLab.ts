import { WeftError } from '../../../core/errors.js';
import { isoFromEpochUs } from '../../../core/study/instants.js';
import type { StreamKind } from '../../../core/study/modalities.js';
import type { DelimitedOptions, DelimitedRecord } from '../textReader.js';
import type { Importer, ParseContext, StreamTarget, TimeBase } from '../types.js';
import { NumberReader, checkWidth, firstLine, readHeader } from './tabular.js';
import { inferredScale, startInstant, statedScale } from './tobiiProLabClock.js';
import { PRO_LAB_MARKERS, proLabColumn, proLabColumns, type ProLabColumns } from './tobiiProLabColumns.js';
import { ProLabRecording, type TextCells } from './tobiiProLabRecording.js';

const OPTIONS: DelimitedOptions = { delimiter: '\t', quote: null };
const BATCH = 1024;

const COLUMN_RULES = {
  time: '"Recording timestamp" (µs or ms by its header; counted from the recording start)',
  samples: 'rows of the "Eye Tracker" sensor, and rows that name no sensor and no Event: Gaze point X/Y → x, y; Gaze point left/right X/Y → left_x … right_y (display pixels, DACS); Pupil diameter left/right → pupil_left/right (mm); Validity left/right (Valid/Invalid, or codes 0–4 with 0–1 valid) → valid_left/right; x, y are NULL when neither eye is valid',
  fixations: 'runs of samples with Eye movement type "Fixation" and one Eye movement type index: start at the first sample, end = start + Eye movement event duration (Gaze event duration in older exports; the last sample when there is none), x, y = Fixation point X/Y',
  saccades: 'runs of samples with Eye movement type "Saccade", timed like fixations; Pro Lab exports no saccade positions or amplitudes here (NULL)',
  not_stored: 'runs of EyesNotFound and Unclassified samples (the gaze samples show them)',
  eye_markers: 'rows with an Event: kind = the event name in snake case, label = Event value, attributes Event, Event value, Presented Stimulus/Media name; and "presented_stimulus" markers where Presented Stimulus name changes between samples',
  signals: 'every other column with a number on a row, named after its whole header in snake case ("Pupil position left X [DACS mm]" → pupil_position_left_x_dacs_mm), at the row time; written only where the row has a value',
} as const;

interface RecordingInfo {
  readonly key: string;
  readonly target: StreamTarget;
  readonly time: TimeBase;
  readonly metadata: Record<string, string>;
  readonly clock: Record<string, unknown>;
}

function cell(record: DelimitedRecord, index: number | undefined): string {
  return index === undefined ? '' : (record.field(index) ?? '').trim();
}

function metadataOf(columns: ProLabColumns, record: DelimitedRecord): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const c of columns.metadata) {
    const value = cell(record, c.index);
    if (value !== '') metadata[c.raw] = value;
  }
  return metadata;
}

function valueOf(columns: ProLabColumns, record: DelimitedRecord, base: string): string {
  const c = columns.metadata.find((m) => m.base === base);
  return c === undefined ? '' : cell(record, c.index);
}

/** Where the recording's time 0 is: the UTC start columns, else the local ones read in the study's zone. */
function recordingClock(columns: ProLabColumns, record: DelimitedRecord, ctx: ParseContext): { time: TimeBase; clock: Record<string, unknown> } {
  const utc = startInstant(valueOf(columns, record, 'Recording date UTC'), valueOf(columns, record, 'Recording start time UTC'), 'UTC');
  if (utc !== null) {
    return { time: { kind: 'relative', originEpochUs: utc.epochUs }, clock: { origin: 'Recording date UTC + Recording start time UTC', recording_start_utc: isoFromEpochUs(utc.epochUs) } };
  }
  const date = valueOf(columns, record, 'Recording date');
  const start = valueOf(columns, record, 'Recording start time');
  const local = startInstant(date, start, ctx.timeZone);
  if (local !== null) {
    return {
      time: { kind: 'relative', originEpochUs: local.epochUs },
      clock: {
        origin: 'Recording date + Recording start time, local time read in the study time zone',
        recording_start_local: local.local,
        recording_start_utc: isoFromEpochUs(local.epochUs),
        time_zone: ctx.timeZone,
      },
    };
  }
  if (date !== '' || start !== '') {
    ctx.sink.warn({
      message: `the recording start ("${date}" "${start}") does not read as a date (YYYY-MM-DD) and time (HH:MM:SS.mmm), as Pro Lab writes them (a spreadsheet program may have reformatted it); the recording was not placed by it: give clock_offset_s or session_start`,
      location: { file: ctx.file.path, line: record.line },
    });
  }
  return { time: { kind: 'relative' }, clock: { origin: 'none: the file gives no readable recording start' } };
}

/** Microseconds per unit of the timestamps, stated by the header or told from the first samples' spacing. */
function timestampScale(columns: ProLabColumns, first: readonly DelimitedRecord[], ctx: ParseContext, numbers: NumberReader): { scale: number; how: string } {
  const stated = statedScale(columns.timestamp);
  if (stated !== null) return { scale: stated, how: `stated by the header "${columns.timestamp.raw}"` };
  const steps: number[] = [];
  let previous: number | undefined;
  for (const record of first) {
    if (record.width === 0) continue;
    const sensor = columns.sensor === undefined ? null : cell(record, columns.sensor);
    const event = cell(record, columns.event);
    const sample = event === '' ? sensor === null || sensor === '' || sensor === 'Eye Tracker' : sensor === 'Eye Tracker';
    if (!sample) continue;
    const t = numbers.read(record, columns.timestamp.index, columns.timestamp.raw);
    if (t === null) continue;
    if (previous !== undefined) steps.push(t - previous);
    previous = t;
  }
  const inferred = inferredScale(steps);
  if (inferred === null) {
    throw new WeftError('PARSE_ERROR', `${ctx.file.path}: "${columns.timestamp.raw}" states no unit and the first samples' spacing does not tell milliseconds from microseconds; export again with the timestamp unit in the header`, {
      location: { file: ctx.file.path, line: first[0]?.line ?? 2, field: columns.timestamp.raw },
    });
  }
  const unit = inferred.scale === 1 ? 'microseconds' : 'milliseconds';
  ctx.sink.warn({
    message: `"${columns.timestamp.raw}" states no unit; it was read as ${unit}, because the eye tracker's samples are ${inferred.medianStep} apart (median of the first ${steps.length})`,
    location: { file: ctx.file.path, field: columns.timestamp.raw },
  });
  return { scale: inferred.scale, how: `${unit}, told from the samples' spacing (median step ${inferred.medianStep})` };
}

/**
 * Tobii Pro Lab "Data export" TSV (one standard file). No real export is in Weft's test data;
 * the columns follow the Pro Lab User Manual's data-export list and the files other readers
 * take apart: the EyeT4Empathy data set (Lencastre et al. 2022, Scientific Data 9:752),
 * GazePlotter's TobiiRowParser (misavojte/GazePlotter), which documents the unit suffixes, and
 * eyetracking analysis scripts reading "Validity left" = Valid/Invalid and decimal commas.
 */
export const tobiiProLabTsv: Importer = {
  format: 'tobii-pro-lab-tsv',
  title: 'Tobii Pro Lab data export (TSV)',
  phase: 'data',

  detect(file) {
    const bases = firstLine(file.headText).split('\t').map((raw, i) => proLabColumn(raw, i).base);
    if (!bases.includes('Recording timestamp')) return 0;
    return PRO_LAB_MARKERS.filter((m) => bases.includes(m)).length >= 2 ? 1 : 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const reader = ctx.openText();
    try {
      const header = await readHeader(reader, OPTIONS);
      const columns = proLabColumns(path, header);
      const numbers = new NumberReader(path);
      const text: TextCells = { columns: new Map() };
      let scale: { scale: number; how: string } | undefined;
      let info: RecordingInfo | undefined;
      let recording: ProLabRecording | undefined;
      const provenance = (current: RecordingInfo) => (kind: StreamKind): Record<string, unknown> => ({
        format: 'tobii-pro-lab-tsv',
        recording: current.metadata,
        clock: { ...current.clock, timestamps: scale?.how ?? null },
        columns: COLUMN_RULES,
        ...(kind === 'gaze' ? { signals: Object.fromEntries(columns.other.map((c) => [c.raw, c.signal])) } : {}),
      });
      for (;;) {
        const records = await reader.readRecords(OPTIONS, BATCH);
        if (records.length === 0) break;
        ctx.sink.progress(reader.bytesRead);
        for (const record of records) if (record.width > 0) checkWidth(path, header, record, 'tab');
        scale ??= timestampScale(columns, records, ctx, numbers);
        for (const record of records) {
          if (record.width === 0) continue;
          const participant = cell(record, columns.participant);
          const key = `${participant}\u0000${cell(record, columns.recording)}`;
          if (info?.key !== key) {
            recording?.flush();
            const { time, clock } = recordingClock(columns, record, ctx);
            info = { key, target: participant === '' ? {} : { participantId: participant }, time, metadata: metadataOf(columns, record), clock };
            recording = new ProLabRecording(columns, numbers, scale.scale, text, (spec) => ctx.sink.openStream(spec), info.target, info.time, provenance(info));
          }
          await recording?.row(record);
        }
      }
      recording?.flush();
      for (const [column, { count, line, example }] of text.columns) {
        ctx.sink.warn({
          message: `column "${column}": ${count} text value${count === 1 ? '' : 's'} ("${example}", first at line ${line}) ${count === 1 ? 'was' : 'were'} not stored: Weft keeps this column's numbers as signals`,
          location: { file: path, line, field: column },
          count,
        });
      }
      numbers.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
