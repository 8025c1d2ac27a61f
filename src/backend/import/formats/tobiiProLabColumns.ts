import type { Header } from './tabular.js';
import { recordError } from './tabular.js';
import { signalName } from './signalName.js';

/**
 * A column of a Tobii Pro Lab "Data export" TSV. Pro Lab names quantities with their unit or
 * coordinate system after the name: in brackets since about version 1.18 ("Gaze point X
 * [DACS px]", "Recording timestamp [μs]"), in parentheses before ("Eye position left X
 * (DACSmm)", "Gaze point X (MCSnorm)"), or not at all ("Gaze point X", "Recording timestamp").
 */
export interface ProLabColumn {
  readonly index: number;
  readonly raw: string;
  readonly base: string;
  /** The unit or coordinate system, lower case without spaces ("dacspx", "mcsnorm", "μs"), or "" when none is written. */
  readonly unit: string;
}

const SUFFIX = /^(.*?)\s*[[(]([^\])]*)[\])]\s*$/;

export function proLabColumn(raw: string, index: number): ProLabColumn {
  const name = raw.trim();
  const m = SUFFIX.exec(name);
  if (m === null) return { index, raw: name, base: name, unit: '' };
  return { index, raw: name, base: (m[1] ?? '').trim(), unit: (m[2] ?? '').replace(/\s+/g, '').toLowerCase() };
}

/** Units that mean pixels of the display the recording was made on: Pro Lab's default coordinate system. */
const DISPLAY_PIXELS = new Set(['', 'dacspx', 'px']);

export interface ProLabColumns {
  readonly timestamp: ProLabColumn;
  readonly sensor: number | undefined;
  readonly participant: number | undefined;
  readonly recording: number | undefined;
  readonly event: number | undefined;
  readonly eventValue: number | undefined;
  readonly gazeX: number | undefined;
  readonly gazeY: number | undefined;
  readonly leftX: number | undefined;
  readonly leftY: number | undefined;
  readonly rightX: number | undefined;
  readonly rightY: number | undefined;
  readonly pupilLeft: number | undefined;
  readonly pupilRight: number | undefined;
  readonly validityLeft: number | undefined;
  readonly validityRight: number | undefined;
  readonly movementType: number | undefined;
  readonly movementIndex: number | undefined;
  readonly movementDuration: number | undefined;
  readonly fixationX: number | undefined;
  readonly fixationY: number | undefined;
  readonly stimulus: number | undefined;
  readonly media: number | undefined;
  /** Per-recording metadata columns, kept as provenance from each recording's first row. */
  readonly metadata: readonly ProLabColumn[];
  /** Every other column: numbers become signals named after the whole header; text is reported. */
  readonly other: readonly (ProLabColumn & { readonly signal: string })[];
  /** The header as written, for messages that name a column. */
  readonly names: readonly string[];
}

/**
 * Recording-level columns (Tobii Pro Lab User Manual, "Data export": metadata). Participant
 * name is the participant id and is not repeated in provenance.
 */
const METADATA = new Set([
  'Project name', 'Export date', 'Recording name', 'Recording date', 'Recording date UTC', 'Recording start time',
  'Recording start time UTC', 'Recording duration', 'Timeline name', 'Recording Fixation filter name',
  'Snapshot fixation filter name', 'Recording software version', 'Recording resolution height', 'Recording resolution width',
  'Recording monitor latency', 'Recording media name', 'Recording media width', 'Recording media height',
]);

export function proLabColumns(path: string, header: Header): ProLabColumns {
  const columns = header.record.fields.map((raw, i) => proLabColumn(raw, i)).filter((c) => c.raw !== '');
  const used = new Set<number>();
  const find = (base: string, units?: ReadonlySet<string>): number | undefined => {
    const c = columns.find((col) => col.base === base && (units === undefined || units.has(col.unit)) && !used.has(col.index));
    if (c !== undefined) used.add(c.index);
    return c?.index;
  };
  const timestamp = columns.find((c) => c.base === 'Recording timestamp');
  if (timestamp === undefined) throw recordError(path, header.record, 'a Tobii Pro Lab data export needs a "Recording timestamp" column');
  used.add(timestamp.index);
  const mapped = {
    sensor: find('Sensor'),
    participant: find('Participant name'),
    recording: find('Recording name'),
    event: find('Event'),
    eventValue: find('Event value'),
    gazeX: find('Gaze point X', DISPLAY_PIXELS),
    gazeY: find('Gaze point Y', DISPLAY_PIXELS),
    leftX: find('Gaze point left X', DISPLAY_PIXELS),
    leftY: find('Gaze point left Y', DISPLAY_PIXELS),
    rightX: find('Gaze point right X', DISPLAY_PIXELS),
    rightY: find('Gaze point right Y', DISPLAY_PIXELS),
    pupilLeft: find('Pupil diameter left', new Set(['', 'mm'])),
    pupilRight: find('Pupil diameter right', new Set(['', 'mm'])),
    validityLeft: find('Validity left'),
    validityRight: find('Validity right'),
    movementType: find('Eye movement type'),
    movementIndex: find('Eye movement type index'),
    movementDuration: find('Eye movement event duration') ?? find('Gaze event duration'),
    fixationX: find('Fixation point X', DISPLAY_PIXELS),
    fixationY: find('Fixation point Y', DISPLAY_PIXELS),
    stimulus: find('Presented Stimulus name'),
    media: find('Presented Media name'),
  };
  // The recording's own name is both an identifier of the stream set and metadata.
  if (mapped.recording !== undefined) used.delete(mapped.recording);
  const metadata = columns.filter((c) => METADATA.has(c.base) && !used.has(c.index));
  for (const c of metadata) used.add(c.index);
  const other = columns.filter((c) => !used.has(c.index)).map((c) => ({ ...c, signal: signalName(c.raw) }));
  return { timestamp, ...mapped, metadata, other, names: header.record.fields.map((f) => f.trim()) };
}

/** Header names that only a Pro Lab data export has, for detection (bases, with or without units). */
export const PRO_LAB_MARKERS = ['Eye movement type', 'Gaze point X', 'Validity left', 'Presented Stimulus name', 'Participant name', 'Eyetracker timestamp'];
