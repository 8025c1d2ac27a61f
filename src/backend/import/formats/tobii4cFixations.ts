import type { DelimitedOptions, DelimitedRecord } from '../textReader.js';
import type { Importer, ParseContext, TimeBase } from '../types.js';
import { EyeStreams } from './eyeStreams.js';
import { NumberReader, checkWidth, firstLine, readHeader, recordError } from './tabular.js';
import { isWallClockMicros } from './tobii4cClock.js';

const OPTIONS: DelimitedOptions = { delimiter: ',', quote: '"' };
const COLUMNS = ['label', 'x', 'y', 'start', 'end', 'duration'] as const;
const BATCH = 1024;
/** How far Duration may stray from End - Start: the file writes both as decimals of the same numbers. */
const DURATION_TOLERANCE_MS = 0.001;

const PROVENANCE = {
  format: 'emdat-4c-fixations-csv',
  source: "fixations and saccades that the UBC EMDAT toolkit's Tobii 4C pipeline detected in a tobii_research gaze stream (label,x,y,start,end,duration)",
  time_columns: 'start and end: system_time_stamp of the gaze stream (µs since 1970 UTC); duration: ms, checked to equal (end - start) / 1000 on every row',
  coordinates:
    'x and y are written as percent of the display area; stored divided by 100, as normalised display-area coordinates (0..1, (0, 0) top left) like the gaze stream of the same recording, NOT pixels',
  fixations: 'x, y: the mean display-area point of both eyes over the fixation (checked against the real 4Ctest.csv/4Ctest_fixation.csv pair)',
  saccades: 'end_x, end_y: x, y of the row, which is the last sample of the saccade (checked against the same pair); start point, amplitude and velocity are not in the file (NULL)',
};

/**
 * The fixation/saccade list EMDAT computes from a Tobii 4C SDK gaze stream (real file:
 * EMDAT sample data `4Ctest_fixation.csv`). Read by Weft so that the detections EMDAT's
 * features were computed from can sit beside the raw stream.
 */
export const tobii4cFixationsCsv: Importer = {
  format: 'emdat-4c-fixations-csv',
  title: 'EMDAT fixation/saccade list of a Tobii 4C gaze stream (label,x,y,start,end,duration)',
  phase: 'data',

  detect(file) {
    const names = firstLine(file.headText).split(',').map((n) => n.trim());
    return names.length === COLUMNS.length && COLUMNS.every((c, i) => names[i] === c) ? 0.9 : 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const reader = ctx.openText();
    try {
      const header = await readHeader(reader, OPTIONS);
      COLUMNS.forEach((name, i) => {
        if (header.record.field(i)?.trim() !== name) throw recordError(path, header.record, `column ${i + 1} must be "${name}" (the header is ${COLUMNS.join(',')})`, Math.min(i, header.width - 1));
      });
      const numbers = new NumberReader(path);
      let time: TimeBase | undefined;
      const streams = new EyeStreams((kind) => {
        if (time === undefined) throw new Error('time base used before the first row');
        return ctx.sink.openStream({ kind, target: {}, time, provenance: PROVENANCE });
      });
      for (;;) {
        const records = await reader.readRecords(OPTIONS, BATCH);
        if (records.length === 0) break;
        ctx.sink.progress(reader.bytesRead);
        for (const record of records) {
          if (record.width === 0) continue;
          checkWidth(path, header, record, 'comma');
          time ??= isWallClockMicros(numbers.required(record, 3, 'start')) ? { kind: 'epoch' } : { kind: 'relative' };
          await streams.ensure(kindOf(path, record));
        }
        for (const record of records) if (record.width > 0) writeRow(streams, numbers, path, record);
      }
      numbers.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};

function kindOf(path: string, record: DelimitedRecord): 'fixations' | 'saccades' {
  const label = (record.field(0) ?? '').trim().toLowerCase();
  if (label === 'fixation') return 'fixations';
  if (label === 'saccade') return 'saccades';
  throw recordError(path, record, `label "${record.field(0) ?? ''}" is neither fixation nor saccade`, 0);
}

function writeRow(streams: EyeStreams, numbers: NumberReader, path: string, record: DelimitedRecord): void {
  const kind = kindOf(path, record);
  const writer = streams.get(kind);
  if (!writer.accepted) {
    if (kind === 'fixations') writer.fixation(0, 0, { x: null, y: null });
    else writer.saccade(0, 0, {});
    return;
  }
  const start = numbers.required(record, 3, 'start');
  const end = numbers.required(record, 4, 'end');
  const duration = numbers.required(record, 5, 'duration');
  if (end < start) throw recordError(path, record, `the ${kind === 'fixations' ? 'fixation' : 'saccade'} ends (${end}) before it starts (${start})`, 4);
  if (Math.abs((end - start) / 1000 - duration) > DURATION_TOLERANCE_MS) {
    throw recordError(path, record, `duration ${duration} ms is not (end - start) / 1000 = ${(end - start) / 1000} ms: start and end should be microseconds`, 5);
  }
  const x = numbers.read(record, 1, 'x');
  const y = numbers.read(record, 2, 'y');
  const fx = x === null ? null : x / 100;
  const fy = y === null ? null : y / 100;
  if (kind === 'fixations') writer.fixation(start, end, { x: fx, y: fy, eye: 'both' }, record.line);
  else writer.saccade(start, end, { endX: fx, endY: fy, eye: 'both' }, record.line);
}
