import type { FaceExtractResult, FaceModelStatus } from '../../core/api/faceSchemas.js';
import type { EventPayload } from '../../core/api/events.js';
import type { SqlResult, Stream } from '../../core/api/schemas.js';
import { formatCount } from './format.js';

/** The video recordings of the study, with what face.extract needs to find them. */
export const RECORDINGS_SQL = `SELECT m.stream_id, m.session_id, m.participant_id, m.path, m.frames, m.duration_us, m.container, m.codec
FROM media m JOIN streams s USING (stream_id) WHERE s.kind = 'video' ORDER BY m.session_id, m.stream_id`;

export interface RecordingRow {
  readonly streamId: number;
  readonly sessionId: string;
  readonly participantId: string;
  /** As the media view has it: absolute, or inside the study folder (face.extract takes either). */
  readonly path: string;
  /** The file name, for reading. */
  readonly name: string;
  readonly frames: number | null;
  readonly durationUs: number | null;
  readonly format: string;
  /** Rows of face features the session already has, from any source. */
  readonly faceRows: number;
}

const numberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The rows of RECORDINGS_SQL, with the face-feature rows each one's session already holds. */
export function buildRecordingRows(result: SqlResult, streams: readonly Stream[]): RecordingRow[] {
  const column = (name: string): number => {
    const index = result.columns.findIndex((c) => c.name === name);
    if (index < 0) throw new Error(`the recordings query gave no column "${name}"`);
    return index;
  };
  const at = { stream: column('stream_id'), session: column('session_id'), participant: column('participant_id'), path: column('path'), frames: column('frames'), duration: column('duration_us'), container: column('container'), codec: column('codec') };
  const faceRows = new Map<string, number>();
  for (const s of streams) if (s.kind === 'face_features') faceRows.set(s.session_id, (faceRows.get(s.session_id) ?? 0) + s.rows);
  return result.rows.map((row) => {
    const sessionId = String(row[at.session]);
    const path = String(row[at.path]);
    return {
      streamId: Number(row[at.stream]),
      sessionId,
      participantId: String(row[at.participant]),
      path,
      name: fileName(path),
      frames: numberOrNull(row[at.frames]),
      durationUs: numberOrNull(row[at.duration]),
      format: [row[at.container], row[at.codec]].filter((v) => v !== null && v !== undefined).join(' · '),
      faceRows: faceRows.get(sessionId) ?? 0,
    };
  });
}

/** "3.8 MB (3,758,596 bytes)". */
export function formatBytes(bytes: number): string {
  const megabytes = bytes / 1_000_000;
  return `${megabytes >= 10 ? megabytes.toFixed(0) : megabytes.toFixed(1)} MB (${formatCount(bytes, 'en-US')} bytes)`;
}

export type JobProgress = EventPayload<'job.progress'>;

/** A job's progress as a bar and a line of text: "1,024 of 3,758,596 bytes (0%)". */
export function progressText(progress: JobProgress): string {
  const done = formatCount(progress.done, 'en-US');
  if (progress.total === null || progress.total === 0) return `${done} ${progress.unit}`;
  const share = Math.min(1, progress.done / progress.total);
  return `${done} of ${formatCount(progress.total, 'en-US')} ${progress.unit} (${Math.floor(share * 100)}%)`;
}

/** What the face-features section says after the user cancelled an extraction. */
export function cancelledText(progress: JobProgress | null): string {
  const done = progress?.done ?? 0;
  if (done === 0) return 'Cancelled before the first block of frames was saved; nothing was kept.';
  const of = progress?.total === null || progress?.total === undefined ? '' : ` of ${formatCount(progress.total, 'en-US')}`;
  return `Cancelled at frame ${formatCount(done, 'en-US')}${of}. The ${formatCount(done, 'en-US')} finished frames are kept: extracting this recording again continues from there.`;
}

/** What the model card says about the file at the configured place. */
export function modelStateText(status: FaceModelStatus): string {
  switch (status.state) {
    case 'verified':
      return `Ready: ${status.name} at ${status.path}, SHA-256 verified (${status.expected_sha256.slice(0, 12)}…).`;
    case 'missing':
      return `Not set up yet: there is no ${status.name} at ${status.path}${status.configured_by === 'WEFT_FACE_MODEL' ? ' (WEFT_FACE_MODEL)' : ''}.`;
    case 'mismatch':
      return `The file at ${status.path} is not the official model: ${status.problem ?? 'its SHA-256 differs'}`;
  }
}

export interface ExtractionSummary {
  readonly frames: number;
  readonly faces: number;
  /** Faces found in the frames this run processed, e.g. "99.6%". */
  readonly share: string;
  readonly text: string;
}

/** The outcome of face.extract as the page shows it. */
export function extractionSummary(result: FaceExtractResult): ExtractionSummary {
  const processed = result.frames_this_run;
  const share = processed === 0 ? '—' : `${((100 * result.faces_this_run) / processed).toFixed(1)}%`;
  const resumed = result.resumed_from > 0 ? ` (resumed at frame ${formatCount(result.resumed_from, 'en-US')})` : '';
  const speed = result.elapsed_ms > 0 ? `, ${(processed / (result.elapsed_ms / 1000)).toFixed(1)} frames/s` : '';
  return {
    frames: result.frames,
    faces: result.faces_this_run,
    share,
    text: `${formatCount(result.frames, 'en-US')} frames; a face in ${formatCount(result.faces_this_run, 'en-US')} of ${formatCount(processed, 'en-US')} frames extracted (${share})${resumed}${speed}. Stored as stream ${result.stream_ids.join(', ')} in session ${result.session_id ?? '—'}.`,
  };
}
