import type { Header } from './tabular.js';
import { recordError } from './tabular.js';

/** Which Tobii Studio 2 export a header belongs to, judged by its columns. */
export type TobiiExport = 'all-data' | 'event-data' | 'fixation-data';

export interface EyeColumns {
  readonly x: number | undefined;
  readonly y: number | undefined;
  readonly pupil: number | undefined;
  readonly validity: number | undefined;
}

export interface TobiiColumns {
  readonly export: TobiiExport;
  readonly timestamp: number;
  /** µs since the recording started, on sample rows of All-Data exports. */
  readonly microseconds: number | undefined;
  readonly event: number | undefined;
  /** Event columns other than Event itself, kept in the events' attributes. */
  readonly eventDetails: readonly { readonly name: string; readonly index: number }[];
  readonly data1: number | undefined;
  readonly descriptor: number | undefined;
  readonly gazeX: number | undefined;
  readonly gazeY: number | undefined;
  readonly left: EyeColumns;
  readonly right: EyeColumns;
  readonly fixationIndex: number | undefined;
  readonly fixationDuration: number | undefined;
  readonly mappedFixationX: number | undefined;
  readonly mappedFixationY: number | undefined;
}

const EVENT_DETAILS = ['EventKey', 'Data1', 'Data2', 'Descriptor'] as const;

function eye(header: Header, side: 'Left' | 'Right'): EyeColumns {
  return {
    x: header.index(`GazePointX${side}`),
    y: header.index(`GazePointY${side}`),
    pupil: header.index(`Pupil${side}`),
    validity: header.index(`Validity${side}`),
  };
}

/**
 * Finds the columns the importer reads. Any export whose rows are gaze samples is read as
 * All-Data; without sample columns, one with fixation durations is Fixation-Data (a row per
 * fixation), and one with an Event column is Event-Data.
 */
export function tobiiColumns(path: string, header: Header): TobiiColumns {
  const timestamp = header.index('Timestamp');
  if (timestamp === undefined) throw recordError(path, header.record, 'a Tobii Studio export needs a "Timestamp" column');
  const left = eye(header, 'Left');
  const right = eye(header, 'Right');
  const gazeX = header.index('GazePointX');
  const samples = gazeX !== undefined || left.x !== undefined || right.x !== undefined;
  const fixationDuration = header.index('FixationDuration');
  const event = header.index('Event');
  const fixationRows = !samples && fixationDuration !== undefined;
  if (!samples && !fixationRows && event === undefined) {
    throw recordError(path, header.record, 'this header has no gaze (GazePointX…), event (Event) or fixation (FixationDuration) columns; Weft reads Tobii Studio All-Data, Event-Data and Fixation-Data exports');
  }
  return {
    export: samples ? 'all-data' : fixationRows ? 'fixation-data' : 'event-data',
    timestamp,
    microseconds: header.index('MicroSecondTimestamp'),
    event,
    eventDetails: EVENT_DETAILS.flatMap((name) => {
      const index = header.index(name);
      return index === undefined ? [] : [{ name, index }];
    }),
    data1: header.index('Data1'),
    descriptor: header.index('Descriptor'),
    gazeX,
    gazeY: header.index('GazePointY'),
    left,
    right,
    fixationIndex: header.index('FixationIndex'),
    fixationDuration,
    mappedFixationX: header.index('MappedFixationPointX'),
    mappedFixationY: header.index('MappedFixationPointY'),
  };
}
