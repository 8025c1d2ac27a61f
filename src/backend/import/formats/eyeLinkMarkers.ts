import type { DelimitedRecord } from '../textReader.js';
import type { EventFields, StreamWriter } from '../types.js';
import { ascItems } from './eyeLinkLine.js';
import { ascMicros } from './eyeLinkSamples.js';
import { recordError, type NumberReader } from './tabular.js';

interface HeldEvent {
  readonly t: number;
  readonly line: number;
  readonly kind: string;
  readonly label: string | null;
  readonly attributes: Record<string, unknown>;
}

/**
 * A message whose text starts with an integer carries a time offset: the event it marks
 * happened at message time minus the offset (SR Research, "How can I take advantage of the
 * timing offset in sending messages?", Data Viewer's reading of "MSG <time> <offset> <text>").
 */
const OFFSET_MESSAGE = /^(-?\d+)\s+(\S[\s\S]*)$/;
const COORDS = /^(DISPLAY_COORDS|GAZE_COORDS)\s+(.*)$/;

/**
 * MSG, INPUT, BUTTON, START and END lines as eye_markers events. Each is held until the next
 * timestamped line, because EyeLink writes some messages over several lines (a calibration's
 * "!CAL" message is followed by untimed lines of coefficients), and the configuration lines
 * after START (PRESCALER, PUPIL, EVENTS, SAMPLES) describe that recording block.
 */
export class AscMarkers {
  private held: HeldEvent | null = null;
  /** DISPLAY_COORDS or GAZE_COORDS as last seen, for the streams' provenance. */
  screen: string | undefined;

  constructor(
    private readonly path: string,
    private readonly numbers: NumberReader,
  ) {}

  get holding(): boolean {
    return this.held !== null;
  }

  /** Reads a marker line and holds it; the caller flushes what was held before. */
  take(keyword: string, text: string, line: number): void {
    const record = ascItems(text, line, keyword === 'MSG' ? 3 : Number.POSITIVE_INFINITY);
    if (record.width < 2) throw recordError(this.path, record, `${keyword} has no time`, 0);
    const logged = ascMicros(this.numbers, record, 1, 'time');
    switch (keyword) {
      case 'MSG':
        this.held = this.message(record, logged);
        return;
      case 'INPUT': {
        const value = this.value(record, 2, 'input value');
        this.held = { t: logged, line, kind: 'input', label: record.field(2) ?? null, attributes: { value } };
        return;
      }
      case 'BUTTON': {
        const button = this.value(record, 2, 'button');
        const state = this.value(record, 3, 'button state');
        this.held = { t: logged, line, kind: 'button', label: `button ${button} ${state === 1 ? 'pressed' : 'released'}`, attributes: { button, state } };
        return;
      }
      case 'START': {
        const words = record.fields.slice(2);
        this.held = {
          t: logged,
          line,
          kind: 'recording_start',
          label: words.join(' '),
          attributes: { eyes: words.filter((w) => w === 'LEFT' || w === 'RIGHT').map((w) => w.toLowerCase()), contents: words.filter((w) => w !== 'LEFT' && w !== 'RIGHT') },
        };
        return;
      }
      default: {
        const words = record.fields.slice(2);
        const res = words.indexOf('RES');
        const attributes: Record<string, unknown> = { contents: res < 0 ? words : words.slice(0, res) };
        if (res >= 0) {
          attributes['resolution_x'] = this.value(record, 2 + res + 1, 'x resolution');
          attributes['resolution_y'] = this.value(record, 2 + res + 2, 'y resolution');
        }
        this.held = { t: logged, line, kind: 'recording_end', label: words.join(' '), attributes };
      }
    }
  }

  private value(record: DelimitedRecord, index: number, name: string): number {
    if (index >= record.width) throw recordError(this.path, record, `the line ends before its ${name}`);
    return this.numbers.required(record, index, name);
  }

  private message(record: DelimitedRecord, logged: number): HeldEvent {
    const text = record.field(2) ?? '';
    const coords = COORDS.exec(text);
    if (coords !== null) this.screen = `${coords[1] ?? ''} ${coords[2] ?? ''}`;
    const offset = OFFSET_MESSAGE.exec(text);
    if (offset === null) return { t: logged, line: record.line, kind: 'message', label: text, attributes: {} };
    const offsetMs = Number(offset[1]);
    return {
      t: logged - offsetMs * 1000,
      line: record.line,
      kind: 'message',
      label: offset[2] ?? '',
      attributes: { offset_ms: offsetMs, logged_at_ms: logged / 1000 },
    };
  }

  /** An untimed line after a held marker: a configuration line of a START, or a continuation of a message. */
  attach(keyword: string | null, text: string): boolean {
    const held = this.held;
    if (held === null) return false;
    if (keyword !== null) {
      if (held.kind !== 'recording_start') return false;
      held.attributes[keyword.toLowerCase()] = text.trim().replace(/^\S+\s*/, '').replace(/\s+/g, ' ');
      return true;
    }
    const lines = (held.attributes['continued'] as string[] | undefined) ?? [];
    lines.push(text.trim());
    held.attributes['continued'] = lines;
    return true;
  }

  flush(writer: StreamWriter): void {
    const held = this.held;
    if (held === null) return;
    this.held = null;
    if (!writer.accepted) {
      writer.event(0, { kind: held.kind });
      return;
    }
    const fields: EventFields = { kind: held.kind, label: held.label === '' ? null : held.label, attributes: Object.keys(held.attributes).length === 0 ? null : held.attributes };
    writer.event(held.t, fields, held.line);
  }
}

export const MARKER_RULES = {
  message: 'MSG: kind "message", label = the text; a leading integer is Data Viewer\'s time offset: t = message time - offset, attributes.offset_ms and attributes.logged_at_ms keep both',
  input: 'INPUT: kind "input", label = the port value, attributes.value',
  button: 'BUTTON: kind "button", attributes.button and attributes.state (1 pressed, 0 released)',
  recording: 'START / END: kinds "recording_start" / "recording_end"; the PRESCALER, VPRESCALER, PUPIL, EVENTS and SAMPLES lines after START are kept in its attributes; END\'s RES values as attributes.resolution_x/y',
  continued: 'untimed lines after a message (calibration coefficients, the CALIBRATION banner) are kept in that message\'s attributes.continued',
} as const;
