import { WeftError } from '../../../core/errors.js';
import type { StreamKind } from '../../../core/study/modalities.js';
import type { DelimitedOptions } from '../textReader.js';
import type { Importer, ParseContext, TimeBase } from '../types.js';
import { addHeaderLine, emptyHeader, recordingDate, type AscHeader, type RecordingDate } from './eyeLinkHeader.js';
import { EVENT_KIND, EVENT_RULES, AscEyeEvents } from './eyeLinkEvents.js';
import { ascItems } from './eyeLinkLine.js';
import { AscMarkers, MARKER_RULES } from './eyeLinkMarkers.js';
import { AscSamples, SAMPLE_RULES, ascMicros, sampleLayout } from './eyeLinkSamples.js';
import { EyeStreams } from './eyeStreams.js';
import { COMBINED_POINT_RULE } from './eyeBinocular.js';
import { NumberReader } from './tabular.js';

/** Whole lines: NUL never occurs in text Weft reads, so each record is one line. */
const LINES: DelimitedOptions = { delimiter: '\u0000', quote: null };
const BATCH = 4096;
const MARKERS = new Set(['MSG', 'INPUT', 'BUTTON', 'START', 'END']);
const CONFIGURATION = new Set(['PRESCALER', 'VPRESCALER', 'PUPIL', 'EVENTS', 'SAMPLES']);
/** EyeLink's clock only runs forward within a recording; a step back this large is not a message written late. */
const JUMP_BACK_US = 1_000_000;
const ASC_LINE = /^(MSG|INPUT|START|END|SFIX|EFIX|SSACC|ESACC|SBLINK|EBLINK)\s+([LR]\s+)?\d/m;

function keywordOf(text: string): string {
  const m = /^[A-Z_]+/.exec(text);
  return m === null ? '' : m[0];
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

interface Clock {
  readonly time: TimeBase;
  readonly firstUs: number;
  readonly date: RecordingDate | null;
}

function clockProvenance(header: AscHeader, clock: Clock, zone: string): Record<string, unknown> {
  const base = { time: "EyeLink tracker clock: milliseconds since the tracker started, stored as microseconds" };
  if (clock.date === null) return { ...base, origin: header.kept['DATE'] === undefined ? 'none: the file has no ** DATE line' : 'none: ** DATE was not usable (see the import warnings)' };
  return {
    ...base,
    origin: `** DATE (${header.kept['DATE'] ?? ''}), local time read in ${zone} as ${clock.date.local}, is when the tracker opened the EDF file and is taken as the time of the file's first timestamped line (tracker time ${clock.firstUs / 1000} ms); DATE has whole seconds, so the recording is placed to about a second: give clock_offset_s or align by sync markers for better`,
    time_zone: zone,
    time_zone_source: "the study's time zone setting: the EyeLink host writes local time without a zone",
  };
}

/**
 * EyeLink ASC files as SR Research's edf2asc writes them (EyeLink 1000 Plus User Manual,
 * section 4.9 "ASC file format"; column layouts as read by the eyelinker R package, Barthelmé &
 * Hurst): header, messages, inputs, recording blocks with their configuration, samples and the
 * tracker's fixation, saccade and blink events. The file never says whose recording it is:
 * participant and session come from --participant/--session or a manifest.
 */
export const eyeLinkAsc: Importer = {
  format: 'eyelink-asc',
  title: 'EyeLink ASC (edf2asc conversion of an EDF file)',
  phase: 'data',

  detect(file) {
    const text = file.headText;
    const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
    if (!ASC_LINE.test(text)) return 0;
    if (/^\*\* CONVERTED FROM /.test(firstLine) || /^\*\* (DATE|TYPE|VERSION): /m.test(text)) return 1;
    return ASC_LINE.test(firstLine) ? 0.8 : 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const reader = ctx.openText();
    const numbers = new NumberReader(path);
    const header = emptyHeader();
    const markers = new AscMarkers(path, numbers);
    const events = new AscEyeEvents(path, numbers);
    let samples: AscSamples | undefined;
    let eventsConfig: string | undefined;
    let clock: Clock | undefined;
    let recognised = false;
    let unknown: { count: number; line: number } | undefined;
    let previousUs = Number.NEGATIVE_INFINITY;
    let openBlock: number | undefined;
    let jumps: { count: number; line: number; fromUs: number; toUs: number } | undefined;

    const provenanceFor = (kind: StreamKind, c: Clock): Record<string, unknown> => ({
      format: 'eyelink-asc',
      header: header.kept,
      header_fields_left_out: header.omitted,
      ...(header.tracker === undefined ? {} : { tracker: header.tracker }),
      ...(header.converter === undefined ? {} : { converter: header.converter, converted_at: header.convertedAt }),
      clock: clockProvenance(header, c, ctx.timeZone),
      ...(markers.screen === undefined ? {} : { screen: markers.screen }),
      ...(kind === 'gaze' && samples !== undefined ? { samples_line: samples.layout.text, samples: SAMPLE_RULES, combined: COMBINED_POINT_RULE } : {}),
      ...(kind === 'fixations' || kind === 'saccades' || kind === 'blinks' ? { events_line: eventsConfig ?? null, events: EVENT_RULES } : {}),
      ...(kind === 'eye_markers' ? { markers: MARKER_RULES } : {}),
    });
    const streams = new EyeStreams((kind) => {
      if (clock === undefined) throw new Error('stream opened before the first timestamp');
      return ctx.sink.openStream({ kind, target: {}, time: clock.time, provenance: provenanceFor(kind, clock) });
    });

    /** Every line with a time: `us` is when the tracker wrote it (an event's end line is written when it ends). */
    const timestamped = (us: number, line: number): void => {
      if (clock === undefined) {
        const date = recordingDate(header, ctx.timeZone, path, (w) => ctx.sink.warn(w));
        clock = { time: date === null ? { kind: 'relative' } : { kind: 'relative', originEpochUs: date.epochUs - us }, firstUs: us, date };
      }
      if (us < previousUs - JUMP_BACK_US) {
        jumps ??= { count: 0, line, fromUs: previousUs, toUs: us };
        jumps.count += 1;
      }
      previousUs = us;
      if (markers.holding) markers.flush(streams.get('eye_markers'));
    };

    try {
      for (;;) {
        const records = await reader.readRecords(LINES, BATCH);
        if (records.length === 0) break;
        ctx.sink.progress(reader.bytesRead);
        for (const record of records) {
          const text = record.field(0);
          if (text === undefined || text.trim() === '') continue;
          const line = record.line;
          if (isDigit(text.charCodeAt(0))) {
            if (samples === undefined) {
              throw new WeftError('PARSE_ERROR', `${path}:${line}:1: a sample line before any SAMPLES line says what its columns are`, { location: { file: path, line, column: 1 } });
            }
            const items = ascItems(text, line);
            const t = ascMicros(numbers, items, 0, 'time');
            timestamped(t, line);
            const writer = streams.has('gaze') ? streams.get('gaze') : await streams.ensure('gaze');
            samples.write(writer, items, t);
            continue;
          }
          if (text.startsWith('**')) {
            recognised = true;
            if (clock === undefined) addHeaderLine(header, text, line);
            continue;
          }
          const keyword = keywordOf(text);
          if (MARKERS.has(keyword)) {
            recognised = true;
            const items = ascItems(text, line, 3);
            timestamped(ascMicros(numbers, items, 1, 'time'), line);
            if (keyword === 'START') openBlock = line;
            if (keyword === 'END') openBlock = undefined;
            if (!streams.has('eye_markers')) await streams.ensure('eye_markers');
            markers.take(keyword, text, line);
            continue;
          }
          const eventKind = EVENT_KIND[keyword];
          if (eventKind !== undefined) {
            recognised = true;
            const items = ascItems(text, line);
            const starts = keyword.startsWith('S');
            timestamped(ascMicros(numbers, items, starts ? 2 : 3, starts ? 'time' : 'end time'), line);
            if (starts) {
              events.start(keyword, items);
            } else {
              const writer = streams.has(eventKind) ? streams.get(eventKind) : await streams.ensure(eventKind);
              events.end(keyword, eventKind, items, writer);
            }
            continue;
          }
          if (CONFIGURATION.has(keyword)) {
            recognised = true;
            if (keyword === 'SAMPLES') samples = new AscSamples(path, sampleLayout(path, ascItems(text, line)), numbers);
            if (keyword === 'EVENTS') eventsConfig = text.trim().replace(/\s+/g, ' ');
            markers.attach(keyword, text);
            continue;
          }
          if (markers.attach(null, text)) continue;
          if (!recognised) {
            throw new WeftError('PARSE_ERROR', `${path}:${line}:1: "${text.slice(0, 40)}" is not a line of an EyeLink ASC file (header "**", MSG, START, samples, events)`, { location: { file: path, line, column: 1 } });
          }
          unknown ??= { count: 0, line };
          unknown.count += 1;
        }
      }
      if (markers.holding) markers.flush(streams.get('eye_markers'));
      events.finish(ctx.sink);
      if (openBlock !== undefined) {
        ctx.sink.warn({ message: `the recording block that starts at line ${openBlock} has no END line: the file may be cut off`, location: { file: path, line: openBlock } });
      }
      if (jumps !== undefined) {
        const { count, line, fromUs, toUs } = jumps;
        ctx.sink.warn({
          message: `tracker time goes back by more than a second ${count} time${count === 1 ? '' : 's'} (first at line ${line}: from ${fromUs / 1000} to ${toUs / 1000} ms); EyeLink's clock only runs forward, so lines are out of order or the tracker restarted in this file: rows were kept at the times the file gives`,
          location: { file: path, line },
          count,
        });
      }
      if (unknown !== undefined) {
        ctx.sink.warn({
          message: `${unknown.count} line${unknown.count === 1 ? '' : 's'} that no EyeLink ASC keyword starts and that follow no message ${unknown.count === 1 ? 'was' : 'were'} skipped (first at line ${unknown.line})`,
          location: { file: path, line: unknown.line },
          count: unknown.count,
        });
      }
      numbers.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
