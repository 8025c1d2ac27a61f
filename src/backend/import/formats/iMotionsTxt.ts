import { WeftError } from '../../../core/errors.js';
import { isoFromEpochUs } from '../../../core/study/instants.js';
import type { StreamKind } from '../../../core/study/modalities.js';
import type { DelimitedOptions } from '../textReader.js';
import type { Importer, ParseContext, TimeBase } from '../types.js';
import { iMotionsColumns, type IMotionsColumns } from './iMotionsColumns.js';
import { isPreambleLine, readIMotionsPreamble, type IMotionsPreamble } from './iMotionsPreamble.js';
import { IMotionsRows } from './iMotionsRows.js';
import { Header, NumberReader, checkWidth } from './tabular.js';

const OPTIONS: DelimitedOptions = { delimiter: '\t', quote: null };
const HEAD_LINES = 300;

const EVIDENCE =
  'FACET Evidence is the log10 odds that the expression is present (iMotions, Attention Tool FACET Module Guide, 2013; Littlewort et al., The Computer Expression Recognition Toolbox, IEEE FG 2011): ' +
  'auxx_presence = 1 / (1 + 10^-evidence), so evidence 0 is p = 0.5 and evidence 1 is p ≈ 0.91';
const HEAD_POSE =
  "head_yaw_deg = -Yaw Degrees, head_pitch_deg = Pitch Degrees, head_roll_deg = -Roll Degrees: in these exports positive Yaw turns the face to the camera's right and positive Roll turns it " +
  "counter-clockwise in the image (checked against the export's own nose-tip and eye-corner coordinates); Weft's yaw is positive to the camera's left and its roll clockwise in the image, as OpenFace's";

function headerOf(text: string): string[] | undefined {
  const line = text.split(/\r?\n/, HEAD_LINES).find((l) => !isPreambleLine(l));
  return line?.split('\t').map((name) => name.trim());
}

function timeBaseOf(columns: IMotionsColumns, preamble: IMotionsPreamble): TimeBase {
  if (columns.utcTimestamp !== undefined) return { kind: 'epoch' };
  return preamble.start === undefined ? { kind: 'relative' } : { kind: 'relative', originEpochUs: preamble.start.epochUs };
}

function baseProvenance(columns: IMotionsColumns, preamble: IMotionsPreamble): Record<string, unknown> {
  return {
    format: 'imotions-txt',
    preamble: preamble.kept,
    preamble_fields_left_out: preamble.omitted,
    ...(preamble.start === undefined ? {} : { recording_start_utc: isoFromEpochUs(preamble.start.epochUs), recording_start_zone: preamble.start.zone }),
    time:
      columns.utcTimestamp === undefined
        ? 'Timestamp: milliseconds since the test run started (#TestRunDate); MediaTime and FrameTime count from the start of each stimulus and are not used for time'
        : 'UTCTimestamp: UTC wall-clock time of each row (yyyyMMdd_HHmmssfff)',
    rows: "a row belongs to the sensors its EventSource names; iMotions repeats the other sensors' last values into it (forward fill), and those are not read",
    participant: "iMotions 5/6 exports name the respondent (Name) but give no participant id: the id comes from --participant or the manifest, and Name, Age and Gender are not kept",
    columns_left_out: columns.leftOut,
  };
}

function faceProvenance(columns: IMotionsColumns): Record<string, unknown> {
  const face = columns.face;
  if (face === undefined) return {};
  const mapped: Record<string, string> = {};
  for (const p of face.pose) mapped[p.column] = p.sign === 1 ? p.name : `${p.name} (sign reversed)`;
  for (const a of face.auEvidence) mapped[a.column] = `au${a.column.replace(/\D/g, '').padStart(2, '0')}_presence = 1 / (1 + 10^-evidence)`;
  for (const s of face.signals) mapped[s.column] = `signal ${s.signal}`;
  if (face.noOfFaces !== undefined) mapped['NoOfFaces'] = 'face_count; success is NoOfFaces >= 1 (-1 and 0: no face, every feature NULL)';
  if (face.frameNo !== undefined) mapped['FrameNo'] = 'frame (NULL where -1)';
  return {
    columns: mapped,
    evidence: EVIDENCE,
    head_pose: HEAD_POSE,
    signals: 'expression Evidence and Intensity are kept as written (confusion_evidence, joy_intensity, ...); no signal is stored for a frame without a face',
  };
}

function gazeProvenance(columns: IMotionsColumns): Record<string, unknown> {
  const gaze = columns.gaze;
  if (gaze === undefined) return {};
  return {
    columns: {
      GazeX: 'x', GazeY: 'y', GazeLeftx: 'left_x', GazeLefty: 'left_y', GazeRightx: 'right_x', GazeRighty: 'right_y', PupilLeft: 'pupil_left', PupilRight: 'pupil_right',
      ValidityLeft: 'valid_left (Tobii validity code <= 1; NULL where the export leaves it empty)', ValidityRight: 'valid_right',
      ...Object.fromEntries(gaze.signals.map((s) => [s.column, `signal ${s.signal}`])),
    },
    lost_eye: "an eye whose gaze is (-1, -1) was lost: its coordinates, pupil, distance and camera position are NULL; -1 in GazeX/GazeY, pupils and distances is NULL, never a number",
  };
}

function segmentProvenance(columns: IMotionsColumns): Record<string, unknown> {
  return {
    events: `each run of rows with the same StimulusName is a 'segment' event (label: the stimulus, attributes: StimulusName, SlideType) lasting until the next stimulus; runs of ${columns.markers.map((m) => m.column).join(', ')} values are 'marker' events`,
  };
}

const DETAILS: Partial<Record<StreamKind, (columns: IMotionsColumns) => Record<string, unknown>>> = {
  face_features: faceProvenance,
  gaze: gazeProvenance,
  segments: segmentProvenance,
};

/** iMotions 5/6 text exports (Emotient FACET expressions, eye tracking), as docs/formats.md describes. */
export const iMotionsTxt: Importer = {
  format: 'imotions-txt',
  title: 'iMotions 5/6 export (FACET/Affectiva expressions, eye tracking; tab-separated)',
  phase: 'data',

  detect(file) {
    const names = headerOf(file.headText);
    if (names === undefined || !names.includes('EventSource') || !names.includes('Timestamp')) return 0;
    const readable = names.some((n) => / Evidence$/.test(n) || n === 'GazeLeftx' || n === 'GazeX');
    return readable ? 1 : names.includes('StudyName') ? 0.6 : 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const reader = ctx.openText();
    try {
      const preamble = await readIMotionsPreamble(reader, path, ctx.timeZone, (w) => ctx.sink.warn(w));
      const [headerRecord] = await reader.readRecords(OPTIONS, 1);
      if (headerRecord === undefined) throw new WeftError('PARSE_ERROR', `${path} has no column header`, { location: { file: path, line: reader.line } });
      const header = new Header(headerRecord);
      const columns = iMotionsColumns(path, header);
      if (columns.face === undefined && columns.gaze === undefined) {
        throw new WeftError('UNSUPPORTED_FORMAT', `${path} is an iMotions export without facial expression (… Evidence) or eye-tracker (GazeX, GazeLeftx) columns; Weft imports those two from iMotions`, {
          location: { file: path, line: headerRecord.line },
        });
      }
      const time = timeBaseOf(columns, preamble);
      const base = baseProvenance(columns, preamble);
      const numbers = new NumberReader(path);
      const rows = new IMotionsRows(path, columns, numbers, (kind) =>
        ctx.sink.openStream({ kind, target: {}, time, provenance: { ...base, ...DETAILS[kind]?.(columns) } }),
      );
      for (;;) {
        const records = await reader.readRecords(OPTIONS, 1024);
        if (records.length === 0) break;
        ctx.sink.progress(reader.bytesRead);
        for (const record of records) if (record.width > 0) checkWidth(path, header, record, 'tab');
        await rows.prepare(records);
        for (const record of records) if (record.width > 0) rows.handle(record);
      }
      rows.finish(ctx.sink);
      numbers.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
