import type { DelimitedRecord } from '../textReader.js';
import type { ImportSink, StreamWriter } from '../types.js';
import { ascMicros } from './eyeLinkSamples.js';
import { recordError, type NumberReader } from './tabular.js';

export type AscEventKind = 'fixations' | 'saccades' | 'blinks';

export const EVENT_KIND: Readonly<Record<string, AscEventKind>> = {
  SFIX: 'fixations',
  EFIX: 'fixations',
  SSACC: 'saccades',
  ESACC: 'saccades',
  SBLINK: 'blinks',
  EBLINK: 'blinks',
};

/**
 * Items after "EFIX <eye> <stime> <etime> <dur>" / "ESACC …" by how many there are: screen
 * (GAZE) values, with RES two resolution values after them, and with HREF events the HREF
 * values first (eyelinker's reader, following the EyeLink 1000 Plus User Manual 4.9.3).
 */
const LAYOUTS: Readonly<Record<'fixations' | 'saccades', Readonly<Record<number, { gaze: number; resolution: number | null }>>>> = {
  fixations: { 3: { gaze: 0, resolution: null }, 5: { gaze: 0, resolution: 3 }, 6: { gaze: 3, resolution: null }, 8: { gaze: 3, resolution: 6 } },
  saccades: { 6: { gaze: 0, resolution: null }, 8: { gaze: 0, resolution: 6 }, 12: { gaze: 6, resolution: null }, 14: { gaze: 6, resolution: 12 } },
};
const FIRST_VALUE = 5;

const EYES: Readonly<Record<string, 'left' | 'right'>> = { L: 'left', R: 'right' };

const NAMES = { fixations: ['average x', 'average y', 'average pupil'], saccades: ['start x', 'start y', 'end x', 'end y', 'amplitude', 'peak velocity'] } as const;

/**
 * The fixations, saccades and blinks EyeLink's on-line parser wrote. The end line (EFIX, ESACC,
 * EBLINK) carries everything; start lines only let the importer notice events that never end
 * (a file cut off, or a recording stopped mid-event).
 */
export class AscEyeEvents {
  private readonly openStarts = new Map<string, { line: number; keyword: string }>();
  private amplitudeDropped: { count: number; line: number; value: string } | undefined;

  constructor(
    private readonly path: string,
    private readonly numbers: NumberReader,
  ) {}

  private eye(record: DelimitedRecord): 'left' | 'right' {
    const eye = EYES[record.field(1) ?? ''];
    if (eye === undefined) throw recordError(this.path, record, `"${record.field(1) ?? ''}" is not an eye (L or R)`, Math.min(1, record.width - 1));
    return eye;
  }

  start(keyword: string, record: DelimitedRecord): void {
    if (record.width !== 3) throw recordError(this.path, record, `${keyword} has ${record.width - 1} items; EyeLink writes "${keyword} <eye> <time>"`);
    const eye = this.eye(record);
    const t = ascMicros(this.numbers, record, 2, 'time');
    this.openStarts.set(`${EVENT_KIND[keyword] ?? ''}:${eye}:${t}`, { line: record.line, keyword });
  }

  end(keyword: string, kind: AscEventKind, record: DelimitedRecord, writer: StreamWriter): void {
    const rest = record.width - FIRST_VALUE;
    const layout = kind === 'blinks' ? (rest === 0 ? { gaze: 0, resolution: null } : undefined) : LAYOUTS[kind][rest];
    if (layout === undefined) {
      const expected = kind === 'blinks' ? '4' : Object.keys(LAYOUTS[kind]).map((n) => String(Number(n) + 4)).join(', ');
      throw recordError(this.path, record, `${keyword} has ${record.width - 1} items where EyeLink writes ${expected} (eye, start, end, duration${kind === 'blinks' ? '' : `, ${NAMES[kind].join(', ')}`}…)`, record.width - 1);
    }
    const eye = this.eye(record);
    const start = ascMicros(this.numbers, record, 2, 'start time');
    this.openStarts.delete(`${kind}:${eye}:${start}`);
    if (!writer.accepted) {
      if (kind === 'fixations') writer.fixation(0, 0, { x: null, y: null });
      else if (kind === 'saccades') writer.saccade(0, 0, {});
      else writer.blink(0, 0, null);
      return;
    }
    const duration = this.numbers.required(record, 4, 'duration');
    if (duration < 0) throw recordError(this.path, record, `duration ${duration} is negative`, 4);
    // EyeLink's end time is its last sample; the duration counts that sample's period too.
    const end = start + Math.round(duration * 1000);
    const value = (k: number, name: string): number | null => this.numbers.read(record, FIRST_VALUE + layout.gaze + k, name);
    if (kind === 'blinks') {
      writer.blink(start, end, eye, record.line);
      return;
    }
    if (kind === 'fixations') {
      const pupil = value(2, 'average pupil');
      writer.fixation(start, end, { x: value(0, 'average x'), y: value(1, 'average y'), eye, pupil: pupil === 0 ? null : pupil }, record.line);
    } else {
      const [startX, startY, endX, endY] = [value(0, 'start x'), value(1, 'start y'), value(2, 'end x'), value(3, 'end y')];
      let amplitude = value(4, 'amplitude');
      if (amplitude !== null && (startX === null || startY === null || endX === null || endY === null)) {
        this.amplitudeDropped ??= { count: 0, line: record.line, value: record.field(FIRST_VALUE + layout.gaze + 4) ?? '' };
        this.amplitudeDropped.count += 1;
        amplitude = null;
      }
      writer.saccade(start, end, { startX, startY, endX, endY, amplitudeDeg: amplitude, peakVelocityDegS: value(5, 'peak velocity'), eye }, record.line);
    }
    if (layout.resolution !== null) {
      const prefix = kind === 'fixations' ? 'fixation' : 'saccade';
      writer.signal(start, `${prefix}_resolution_x_${eye}`, this.numbers.read(record, FIRST_VALUE + layout.resolution, 'x resolution'), record.line);
      writer.signal(start, `${prefix}_resolution_y_${eye}`, this.numbers.read(record, FIRST_VALUE + layout.resolution + 1, 'y resolution'), record.line);
    }
  }

  finish(sink: ImportSink): void {
    if (this.amplitudeDropped !== undefined) {
      const { count, line, value } = this.amplitudeDropped;
      sink.warn({
        message: `${count} saccade${count === 1 ? '' : 's'} without a start or end position (around a blink) had an amplitude EyeLink could not have measured (${value} degrees at line ${line}); stored as NULL, as the eyelinker reader does`,
        location: { file: this.path, line },
        count,
      });
    }
    const unended = [...this.openStarts.values()];
    const first = unended[0];
    if (first !== undefined) {
      const keywords = [...new Set(unended.map((u) => u.keyword))].join(', ');
      sink.warn({
        message: `${unended.length} event start${unended.length === 1 ? '' : 's'} (${keywords}) never ended (first at line ${first.line}); only ended events are stored, so the file may be cut off or the recording stopped mid-event`,
        location: { file: this.path, line: first.line },
        count: unended.length,
      });
    }
  }
}

export const EVENT_RULES = {
  fixations: 'EFIX: start = <stime>, end = <stime> + <dur> (EyeLink\'s <etime> is the last sample; <dur> includes its period), x, y = average position, pupil = average pupil (0 → NULL), eye = L/R',
  saccades: 'ESACC: start/end positions, amplitude_deg, peak_velocity_deg_s; the amplitude of a saccade missing a start or end position is NULL',
  blinks: 'EBLINK: start, start + duration, eye',
  resolution: 'with RES, fixation_resolution_x_<eye> and fixation_resolution_y_<eye> (saccade_… for saccades) signals at the event start (pixels per degree)',
} as const;
