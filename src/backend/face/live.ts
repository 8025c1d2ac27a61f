import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { WeftClient } from '../../core/api/client.js';
import type { FaceLiveStatus, LiveFrameRow } from '../../core/api/faceSchemas.js';
import { WeftError } from '../../core/errors.js';
import { auProxyColumnExpressions, auProxyProvenance } from '../../core/face/auProxies.js';
import { WEFT_FACE_COLUMNS } from '../../core/formats/weftFormats.js';
import { BLENDSHAPE_NAMES, blendshapeColumn } from '../../core/face/featureSchema.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { appendRows } from '../import/tableAppender.js';
import { appendAudit } from '../store/audit.js';
import type { Study } from '../store/study.js';
import { FACE_CSV_HEADER, faceCsvLine } from './faceCsv.js';
import { checkFaceConsent, registerFaceStream } from './register.js';

interface LiveCapture {
  readonly liveId: string;
  readonly participantId: string;
  readonly sessionId: string;
  /** Wall-clock µs the session-time offset is measured from (whole milliseconds). */
  readonly originUs: number;
  /** Session time of a row = its wall-clock time + this. */
  readonly offsetUs: number;
  streamId: number | null;
  rows: number;
  faces: number;
  lastWallUs: number | null;
}

const POSE_COLUMNS = ['head_yaw_deg', 'head_pitch_deg', 'head_roll_deg'] as const;

/**
 * A live row as the store keeps it: written through the face CSV line, so a live row holds
 * exactly the values an imported face CSV row would (the same float32 shortest decimals, the
 * same rounding of the pose), and the first batch, which goes through the import, agrees with
 * every later one.
 */
function storedRow(capture: LiveCapture, streamId: number, row: LiveFrameRow): Record<string, unknown> {
  const fields = faceCsvLine(row).trimEnd().split(',');
  const value = (column: string): number | null => {
    const text = fields[WEFT_FACE_COLUMNS.indexOf(column)] ?? '';
    return text === '' ? null : Number(text);
  };
  const present = row.face && row.bs !== undefined && row.m !== undefined;
  const stored: Record<string, unknown> = {
    stream_id: streamId,
    session_id: capture.sessionId,
    t_us: row.t + capture.offsetUs,
    frame: row.frame,
    success: present,
    face_count: present ? 1 : 0,
  };
  if (!present) return stored;
  for (const column of POSE_COLUMNS) stored[column] = value(column);
  BLENDSHAPE_NAMES.forEach((name) => {
    stored[blendshapeColumn(name)] = value(name);
  });
  return stored;
}

function statusOf(capture: LiveCapture): FaceLiveStatus {
  return {
    live_id: capture.liveId,
    stream_id: capture.streamId,
    rows: capture.rows,
    faces: capture.faces,
    last_t_us: capture.lastWallUs === null ? null : capture.lastWallUs + capture.offsetUs,
  };
}

function liveProvenance(capture: LiveCapture): Record<string, unknown> {
  return {
    tool: 'Weft live capture (face.liveStart / face.liveAppend)',
    source: 'getUserMedia frames, MediaPipe Face Landmarker (VIDEO mode, CPU) in the Weft page',
    media_time: 'wall-clock capture time of each frame, microseconds since 1970 (UTC); the clock offset maps it to session time',
    origin_us: capture.originUs,
    raw_video: 'not kept',
    landmarks: 'off',
    first_batch: 'imported as a Weft face CSV (consent gate, audit); later batches appended to the same stream, consent checked again for each',
    head_pose: "degrees from the facial transformation matrix, R = Ry·Rx·Rz; yaw + to the camera's left, pitch + down, roll + counter-clockwise in the image (docs/face.md)",
    au_proxies: auProxyProvenance(),
  };
}

/**
 * Live webcam captures of an open study: each a face-feature stream that grows batch by batch
 * while the page computes it. The first batch creates the stream through the normal import,
 * with its consent gate; every later batch is appended in one transaction after the consent is
 * read again, so a withdrawal stops the capture at the next batch.
 */
export class LiveCaptures {
  private readonly captures = new Map<string, LiveCapture>();

  constructor(private readonly study: Study) {}

  async start(client: WeftClient, participantId: string, sessionId: string, sessionTimeUs: number): Promise<{ live_id: string; origin_us: number }> {
    await checkFaceConsent(client, this.study.file.settings.data_basis, participantId, false);
    const originUs = Date.now() * 1000;
    const capture: LiveCapture = { liveId: randomUUID(), participantId, sessionId, originUs, offsetUs: sessionTimeUs - originUs, streamId: null, rows: 0, faces: 0, lastWallUs: null };
    this.captures.set(capture.liveId, capture);
    return { live_id: capture.liveId, origin_us: originUs };
  }

  async append(client: WeftClient, actor: string, liveId: string, rows: readonly LiveFrameRow[]): Promise<FaceLiveStatus> {
    const capture = this.get(liveId);
    rows.forEach((row, i) => {
      const expected = capture.rows + i;
      if (row.frame !== expected) throw new WeftError('INVALID_INPUT', `live rows must come in order: row ${i} of the batch is frame ${row.frame}, frame ${expected} was due`);
      const previous = i === 0 ? capture.lastWallUs : (rows[i - 1] as LiveFrameRow).t;
      if (previous !== null && row.t <= previous) throw new WeftError('INVALID_INPUT', `live rows must move forward in time: frame ${row.frame} is at ${row.t} µs, not after ${previous} µs`);
    });
    if (capture.streamId === null) capture.streamId = await this.createStream(client, actor, capture, rows);
    else await this.appendRows(capture, capture.streamId, rows);
    capture.rows += rows.length;
    capture.faces += rows.filter((r) => r.face).length;
    capture.lastWallUs = (rows[rows.length - 1] as LiveFrameRow).t;
    return statusOf(capture);
  }

  async stop(actor: string, liveId: string): Promise<FaceLiveStatus> {
    const capture = this.get(liveId);
    this.captures.delete(liveId);
    const streamId = capture.streamId;
    if (streamId !== null) {
      await this.study.db.write(async (conn) => {
        await appendAudit(conn, { actor, action: 'face.live', target: String(streamId), detail: { stream_id: streamId, rows: capture.rows, faces: capture.faces } });
      });
    }
    return statusOf(capture);
  }

  private get(liveId: string): LiveCapture {
    const capture = this.captures.get(liveId);
    if (capture === undefined) throw new WeftError('NOT_FOUND', `No live capture ${liveId} is running (it was stopped, or the study was reopened); start a new one`);
    return capture;
  }

  private async createStream(client: WeftClient, actor: string, capture: LiveCapture, rows: readonly LiveFrameRow[]): Promise<number> {
    const dir = join(`${resolve(this.study.dir)}-sources`, 'face', 'live');
    await mkdir(dir, { recursive: true });
    const csvPath = join(dir, `${capture.sessionId}.${new Date(capture.originUs / 1000).toISOString().replace(/[:.]/g, '-')}.${capture.liveId.slice(0, 8)}.face.csv`);
    await writeFileAtomic(csvPath, FACE_CSV_HEADER + rows.map(faceCsvLine).join(''));
    const target = { participantId: capture.participantId, sessionId: capture.sessionId, clockOffsetS: capture.offsetUs / 1e6, clockSource: 'the live capture: wall-clock time of each frame, placed at the session time given to face.liveStart', videoStreamId: null, warnings: [] };
    const { summary, streamIds } = await registerFaceStream(client, this.study, actor, csvPath, target, liveProvenance(capture));
    const refused = summary.files.flatMap((f) => f.refused);
    if (refused.length > 0) {
      throw new WeftError('CONSENT_MISSING', `Participant "${capture.participantId}" has not granted consent for face features (${refused[0]?.consent ?? 'missing'}); nothing was stored`, { details: { participant_id: capture.participantId, modality: 'face_features' } });
    }
    const [streamId] = streamIds;
    if (streamId === undefined) throw new WeftError('INTERNAL', `The live capture's first batch (${csvPath}) was not stored as a face stream`);
    return streamId;
  }

  private async appendRows(capture: LiveCapture, streamId: number, rows: readonly LiveFrameRow[]): Promise<void> {
    const stored = rows.map((row) => storedRow(capture, streamId, row));
    const times = stored.map((r) => r['t_us'] as number);
    const proxies = [...auProxyColumnExpressions()].map(([column, expression]) => `${column} = ${expression}`).join(', ');
    await this.study.db.write(async (conn) => {
      const stream = await conn.one(`SELECT session_id FROM weft.streams WHERE stream_id = $id`, { id: streamId });
      if (stream === undefined) throw new WeftError('NOT_FOUND', `The live stream ${streamId} is no longer in the study (the participant's data was erased); the capture stops`);
      if (this.study.file.settings.data_basis.kind !== 'secondary_data') {
        const consent = await conn.one(`SELECT state FROM consents WHERE participant_id = $p AND modality = 'face_features'`, { p: capture.participantId });
        const state = consent === undefined ? 'missing' : String(consent['state']);
        if (state !== 'granted') {
          throw new WeftError('CONSENT_MISSING', `Participant "${capture.participantId}" no longer consents to face features (${state}); the batch was not stored and the capture stops`, {
            details: { participant_id: capture.participantId, modality: 'face_features', consent: state },
          });
        }
      }
      await appendRows(conn, 'face_frames', stored);
      await conn.run(`UPDATE weft.face_frames SET ${proxies} WHERE stream_id = $id AND t_us >= $from AND success`, { id: streamId, from: times[0] ?? 0 });
      await conn.run(
        `UPDATE weft.streams SET row_count = row_count + $n, start_us = least(coalesce(start_us, $min), $min), end_us = greatest(coalesce(end_us, $max), $max) WHERE stream_id = $id`,
        { id: streamId, n: rows.length, min: Math.min(...times), max: Math.max(...times) },
      );
    });
  }
}
