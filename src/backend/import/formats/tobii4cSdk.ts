import { isoFromEpochUs } from '../../../core/study/instants.js';
import { fieldsRecord, type DelimitedOptions, type DelimitedRecord } from '../textReader.js';
import type { GazeFields, Importer, ParseContext, StreamWriter, TimeBase } from '../types.js';
import { endsWithLineBreak, recordBatches } from './eyeBatches.js';
import { COMBINED_POINT_RULE, combinedPoint } from './eyeBinocular.js';
import { NumberReader, checkWidth, firstLine, readHeader, type Header } from './tabular.js';
import { SdkClock, writtenResolution } from './tobii4cClock.js';
import { SDK_MARKERS, SDK_TUPLE_AXES, sdkColumns, type SdkColumns, type SdkEyeColumns } from './tobii4cColumns.js';

const OPTIONS: DelimitedOptions = { delimiter: ';', quote: null };
const BATCH = 1024;
const NO_GAZE: GazeFields = { x: null, y: null };

/** The numbers of a "(x, y)" or "(x, y, z)" cell; an empty cell has none. */
function tuple(numbers: NumberReader, record: DelimitedRecord, index: number, name: string): (number | null)[] {
  const text = record.field(index) ?? '';
  if (text.trim() === '') return [];
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw numbers.error(record, index, `"${text}" in column "${name}" is not a point written as (x, y)`);
  const fields: string[] = [];
  const columns: number[] = [];
  let start = open + 1;
  for (let i = start; i <= close; i += 1) {
    if (i === close || text.charCodeAt(i) === 0x2c) {
      fields.push(text.slice(start, i));
      columns.push((record.columns[index] ?? 1) + start);
      start = i + 1;
    }
  }
  const parts = fieldsRecord(record.line, fields, columns, fields.map(() => record.fieldLines[index] ?? record.line));
  return fields.map((_, k) => numbers.read(parts, k, `${name} ${SDK_TUPLE_AXES[k] ?? k}`));
}

/** A validity flag: 1 valid, 0 not; the SDK writes nothing else. */
function validity(numbers: NumberReader, record: DelimitedRecord, index: number | undefined, name: string): boolean | null {
  if (index === undefined) return null;
  const value = numbers.read(record, index, name);
  if (value === null) return null;
  if (value !== 0 && value !== 1) throw numbers.error(record, index, `${name} is ${value}; the SDK writes 1 (valid) or 0 (not valid)`);
  return value === 1;
}

interface EyeReading {
  readonly x: number | null;
  readonly y: number | null;
  readonly valid: boolean | null;
  readonly pupil: number | null;
}

function eyeReading(numbers: NumberReader, header: Header, record: DelimitedRecord, columns: SdkEyeColumns): EyeReading {
  const valid = validity(numbers, record, columns.pointValidity, header.record.field(columns.pointValidity)?.trim() ?? '');
  const [x = null, y = null] = tuple(numbers, record, columns.pointOnDisplay, header.record.field(columns.pointOnDisplay)?.trim() ?? '');
  const pupilValid = validity(numbers, record, columns.pupilValidity, columns.pupilValidity === undefined ? '' : (header.record.field(columns.pupilValidity)?.trim() ?? ''));
  const pupil = columns.pupil === undefined ? null : numbers.read(record, columns.pupil, header.record.field(columns.pupil)?.trim() ?? '');
  return {
    x: valid === false ? null : x,
    y: valid === false ? null : y,
    valid,
    pupil: pupilValid === false ? null : pupil,
  };
}

/** Signal names of the columns beyond the view's, by the first row's cells: points become one signal per axis. */
function signalsOf(columns: SdkColumns, first: DelimitedRecord | undefined): Record<string, string> {
  const signals: Record<string, string> = {};
  for (const c of columns.extra) {
    const text = first?.field(c.index) ?? '';
    const axes = text.includes('(') ? text.split(',').length : 0;
    signals[c.name] = axes === 0 ? c.name : SDK_TUPLE_AXES.slice(0, axes).map((a) => `${c.name}_${a}`).join(', ');
  }
  return signals;
}

/** The computer-clock offset from the first batch of samples; null when system timestamps are no wall clock. */
function fitClock(columns: SdkColumns, rows: readonly DelimitedRecord[], numbers: NumberReader): SdkClock | null {
  if (columns.system === undefined) return null;
  const pairs: { device: number; system: number }[] = [];
  let resolution = Number.POSITIVE_INFINITY;
  for (const record of rows) {
    if (record.width === 0) continue;
    const system = numbers.read(record, columns.system, 'system_time_stamp');
    if (system === null) continue;
    pairs.push({ device: numbers.required(record, columns.device, 'device_time_stamp'), system });
    resolution = Math.min(resolution, writtenResolution(record.field(columns.system) ?? ''));
  }
  return SdkClock.fit(pairs, Number.isFinite(resolution) ? resolution : 1);
}

/** The fields beyond the view's columns; points become one signal per axis. */
function writeSignals(writer: StreamWriter, numbers: NumberReader, header: Header, record: DelimitedRecord, columns: SdkColumns, t: number): void {
  for (const c of columns.extra) {
    const invalid = c.validity !== undefined && numbers.read(record, c.validity, header.record.field(c.validity)?.trim() ?? '') === 0;
    if ((record.field(c.index) ?? '').includes('(')) {
      tuple(numbers, record, c.index, c.name).forEach((v, axis) => writer.signal(t, `${c.name}_${SDK_TUPLE_AXES[axis] ?? axis}`, invalid ? null : v, record.line));
    } else {
      writer.signal(t, c.name, invalid ? null : numbers.read(record, c.index, c.name), record.line);
    }
  }
}

function provenanceOf(columns: SdkColumns, clock: SdkClock | null, firstDevice: number, first: DelimitedRecord | undefined): Record<string, unknown> {
  return {
    format: 'tobii-sdk-csv',
    source: 'tobii_research GazeData fields as written by a recording script (Tobii Pro SDK reference: tobii_research.GazeData)',
    time_column: 'device_time_stamp (µs, the eye tracker clock)',
    clock:
      clock === null
        ? 'system_time_stamp does not read as wall-clock microseconds, so the stream keeps the eye tracker clock; give its offset (clock_offset_s)'
        : {
            rule: 'time = device_time_stamp + offset, the mean of system_time_stamp - device_time_stamp over the first samples; system_time_stamp is the recording computer clock, in µs since 1970 UTC',
            offset_us: clock.offsetUs,
            samples_averaged: clock.pairs,
            system_time_stamp_written_to_us: clock.resolutionUs,
            first_sample_utc: isoFromEpochUs(clock.toWallClock(firstDevice)),
          },
    coordinates: 'x, y, left_x, left_y, right_x, right_y are normalised display-area coordinates (0..1, (0, 0) top left), NOT pixels: the file does not give the display resolution',
    columns: {
      'left_gaze_point_on_display_area, right_gaze_point_on_display_area': 'left_x, left_y, right_x, right_y (NULL where the eye\'s gaze point validity is 0)',
      'left_gaze_point_validity, right_gaze_point_validity': 'valid_left, valid_right',
      'left_pupil_diameter, right_pupil_diameter': 'pupil_left, pupil_right (mm; NULL where pupil validity is 0)',
      combined: COMBINED_POINT_RULE,
      'left_gaze_origin_validity, right_gaze_origin_validity': 'make the gaze origin signals of their eye NULL when 0',
    },
    signals: signalsOf(columns, first),
    signal_units: '*_in_user_coordinate_system_*: mm in the eye tracker\'s user coordinate system; *_in_trackbox_coordinate_system_*: normalised track box coordinates (0..1); NULL where the field\'s validity flag is 0',
  };
}

/**
 * The raw gaze stream of a Tobii consumer/Pro tracker (a Tobii 4C here) recorded with the Tobii
 * Pro SDK and written by a script: `;`-separated, one column per `GazeData` field, points as
 * "(x, y)" tuples, `nan` where an eye is lost, system timestamps possibly in scientific notation.
 */
export const tobiiSdkCsv: Importer = {
  format: 'tobii-sdk-csv',
  title: 'Tobii Pro SDK gaze stream (tobii_research GazeData fields, ;-separated)',
  phase: 'data',

  detect(file) {
    const names = firstLine(file.headText).split(';').map((n) => n.trim());
    return SDK_MARKERS.every((m) => names.includes(m)) ? 1 : 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const reader = ctx.openText();
    try {
      const header = await readHeader(reader, OPTIONS);
      const columns = sdkColumns(path, header);
      const numbers = new NumberReader(path);
      const terminated = await endsWithLineBreak(ctx.file);
      let clock: SdkClock | null | undefined;
      let writer: StreamWriter | undefined;

      for await (const { records, final } of recordBatches(reader, OPTIONS, BATCH)) {
        ctx.sink.progress(reader.bytesRead);
        const last = records[records.length - 1];
        let rows = records;
        if (final && last !== undefined && !terminated && last.width > 0 && last.width < header.width) {
          ctx.sink.warn({
            message: `the last row (line ${last.line}) stops after ${last.width} of ${header.width} fields and the file ends without a line break: the recording was cut off there, and that row was not imported`,
            location: { file: path, line: last.line },
          });
          rows = records.slice(0, -1);
        }
        for (const record of rows) if (record.width > 0) checkWidth(path, header, record, 'semicolon');
        if (clock === undefined) {
          clock = fitClock(columns, rows, numbers);
          const time: TimeBase = clock === null ? { kind: 'relative' } : { kind: 'epoch' };
          const first = rows.find((r) => r.width > 0);
          const firstDevice = first === undefined ? 0 : numbers.required(first, columns.device, 'device_time_stamp');
          writer = await ctx.sink.openStream({ kind: 'gaze', target: {}, time, provenance: provenanceOf(columns, clock, firstDevice, first) });
        }
        if (writer === undefined) break;
        for (const record of rows) {
          if (record.width === 0) continue;
          if (!writer.accepted) {
            writer.gazeSample(0, NO_GAZE);
            continue;
          }
          const device = numbers.required(record, columns.device, 'device_time_stamp');
          if (clock !== null && columns.system !== undefined) {
            const system = numbers.read(record, columns.system, 'system_time_stamp');
            if (system !== null) clock.check(device, system, record.line);
          }
          const t = clock === null ? device : clock.toWallClock(device);
          const left = eyeReading(numbers, header, record, columns.left);
          const right = eyeReading(numbers, header, record, columns.right);
          const both = combinedPoint(left, left.valid === true, right, right.valid === true);
          writer.gazeSample(
            t,
            { x: both.x, y: both.y, leftX: left.x, leftY: left.y, rightX: right.x, rightY: right.y, pupilLeft: left.pupil, pupilRight: right.pupil, validLeft: left.valid, validRight: right.valid },
            record.line,
          );
          writeSignals(writer, numbers, header, record, columns, t);
        }
      }
      const drift = clock?.drift() ?? null;
      if (drift !== null) {
        ctx.sink.warn({
          message: `the eye tracker and computer clocks drift apart: system_time_stamp is ${(drift.us / 1000).toFixed(1)} ms from device_time_stamp + the offset fitted at the start (at line ${drift.line}), more than the timestamps' written precision; times follow the eye tracker clock placed at the recording start (align by sync markers to correct drift)`,
          location: { file: path, line: drift.line },
        });
      }
      numbers.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
