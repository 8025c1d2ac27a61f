import { WeftError } from '../../../core/errors.js';
import { isoFromEpochUs } from '../../../core/study/instants.js';
import type { StreamKind } from '../../../core/study/modalities.js';
import type { DelimitedOptions, TextReader } from '../textReader.js';
import type { Importer, ParseContext, TimeBase } from '../types.js';
import { Header, NumberReader, checkWidth } from './tabular.js';
import { recordingStart, type RecordingStart } from './tobiiStudioClock.js';
import { tobiiColumns, type TobiiColumns } from './tobiiStudioColumns.js';
import { isTobiiHeader, readPreamble, type TobiiPreamble } from './tobiiStudioPreamble.js';
import { TobiiRows, VALID_UP_TO } from './tobiiStudioRows.js';

const OPTIONS: DelimitedOptions = { delimiter: '\t', quote: null };
const HEAD_LINES = 500;

const PREAMBLE_MARKERS = /^(System Properties|Data properties):\s*$/m;

const GAZE_RULES = {
  validity: `Tobii's validity codes run from 0 (eye certainly found) to 4 (eye lost); valid_left and valid_right are true for codes up to ${VALID_UP_TO}, as Tobii recommends for binocular data; x and y are NULL unless at least one eye is valid`,
  sentinels: 'an eye with validity 4 is stored as NULL; coordinates written as minus the recording resolution (-1280, -1024 at 1280 x 1024) and negative pupil sizes (-1) are NULL',
};

/** The recording's wall-clock start; without it the import framework places the streams by a declared offset, or warns. */
function startOf(path: string, ctx: ParseContext, preamble: TobiiPreamble): RecordingStart | undefined {
  const date = preamble.values.get('Recording date');
  const time = preamble.values.get('Recording time');
  if (date === undefined || time === undefined) return undefined;
  return recordingStart(path, ctx.timeZone, date, time, preamble.values.get('Export date'), (w) => ctx.sink.warn(w));
}

/** The participant's label stays out: it may be a name, and the stream's participant id says who it is. */
const NOT_PROVENANCE = new Set(['Participant', 'Subject']);

function provenanceOf(ctx: ParseContext, columns: TobiiColumns, preamble: TobiiPreamble, start: RecordingStart | undefined): Record<string, unknown> {
  return {
    format: 'tobii-studio-tsv',
    export: columns.export,
    preamble: Object.fromEntries(Object.entries(preamble.kept).filter(([name]) => !NOT_PROVENANCE.has(name))),
    preamble_fields_left_out: preamble.omitted,
    ...(start === undefined
      ? {}
      : {
          recording_start_local: start.local,
          recording_start_utc: isoFromEpochUs(start.epochUs),
          recording_date_order: `${start.dateOrder} (${start.dateOrderEvidence === 'assumed' ? 'assumed: the date fits either order' : `from ${start.dateOrderEvidence}`})`,
          time_zone: ctx.timeZone,
          time_zone_source: "the study's time zone setting: Tobii Studio writes the recording's local wall-clock time without a zone",
        }),
    time_column: columns.microseconds === undefined ? 'Timestamp (ms since recording start)' : 'MicroSecondTimestamp on samples, Timestamp (ms) on events',
  };
}

function detailsOf(kind: StreamKind, columns: TobiiColumns): Record<string, unknown> {
  switch (kind) {
    case 'gaze':
      return { gaze: GAZE_RULES };
    case 'fixations':
      return columns.export === 'all-data'
        ? { fixations: `rebuilt from FixationIndex runs of the samples: start at the first sample, end at start + FixationDuration, position the mean MappedFixationPoint, pupil the mean of eyes with validity ≤ ${VALID_UP_TO}` }
        : { fixations: 'one row per fixation: start Timestamp, end Timestamp + FixationDuration, position MappedFixationPoint' };
    case 'eye_markers':
      return { events: 'kind is the Event name in lower case; label is Data1 for LogData, else Descriptor; attributes hold Event, EventKey, Data1, Data2 and Descriptor as written' };
    default:
      return {};
  }
}

async function readBody(ctx: ParseContext, rows: TobiiRows, header: Header, reader: TextReader): Promise<void> {
  for (;;) {
    const records = await reader.readRecords(OPTIONS, 1024);
    if (records.length === 0) break;
    ctx.sink.progress(reader.bytesRead);
    for (const record of records) if (record.width > 0) checkWidth(ctx.file.path, header, record, 'tab');
    await rows.prepare(records);
    for (const record of records) if (record.width > 0) rows.handle(record);
  }
}

/** Tobii Studio 2.x TSV exports (docs/formats.md): All-Data, Event-Data and Fixation-Data. */
export const tobiiStudioTsv: Importer = {
  format: 'tobii-studio-tsv',
  title: 'Tobii Studio 2 export (All-Data, Event-Data, Fixation-Data TSV)',
  phase: 'data',

  detect(file) {
    const lines = file.headText.split(/\r?\n/, HEAD_LINES);
    const header = lines.findIndex(isTobiiHeader);
    if (header < 0) return 0;
    // Without its preamble a header of Timestamp, Event, … is less telling.
    return PREAMBLE_MARKERS.test(lines.slice(0, header).join('\n')) ? 1 : 0.6;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const reader = ctx.openText();
    try {
      const preamble = await readPreamble(reader, path);
      const start = startOf(path, ctx, preamble);
      const [headerRecord] = await reader.readRecords(OPTIONS, 1);
      if (headerRecord === undefined) throw new WeftError('PARSE_ERROR', `${path} has no column header`, { location: { file: path, line: reader.line } });
      const header = new Header(headerRecord);
      const columns = tobiiColumns(path, header);
      const time: TimeBase = start === undefined ? { kind: 'relative' } : { kind: 'relative', originEpochUs: start.epochUs };
      const provenance = provenanceOf(ctx, columns, preamble, start);
      const target = preamble.participant === undefined ? {} : { participantId: preamble.participant };
      const numbers = new NumberReader(path);
      const rows = new TobiiRows(path, columns, preamble, numbers, (kind) =>
        ctx.sink.openStream({ kind, target, time, provenance: { ...provenance, ...detailsOf(kind, columns) } }),
      );
      await readBody(ctx, rows, header, reader);
      rows.finish(ctx.sink);
      numbers.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
