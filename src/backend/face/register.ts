import type { WeftClient } from '../../core/api/client.js';
import type { ImportSummary } from '../../core/api/schemas.js';
import { WeftError } from '../../core/errors.js';
import { auProxyColumnExpressions } from '../../core/face/auProxies.js';
import { MODALITY_LABELS, type Modality } from '../../core/study/modalities.js';
import type { DataBasis } from '../../core/study/settings.js';
import { appendAudit } from '../store/audit.js';
import type { Study } from '../store/study.js';

export interface FaceStreamTarget {
  readonly participantId?: string;
  readonly sessionId?: string;
  /** Session time, seconds, of the video's media time 0. */
  readonly clockOffsetS?: number;
}

export interface ResolvedTarget {
  readonly participantId: string;
  readonly sessionId: string | undefined;
  readonly clockOffsetS: number | undefined;
  /** How the clock was found, for the summary and provenance. */
  readonly clockSource: string;
  readonly videoStreamId: number | null;
  readonly warnings: readonly string[];
}

/**
 * Whose face stream it is and where it sits on the session clock. When the study has the video
 * itself as a `video` stream (same SHA-256), the face stream takes that stream's participant,
 * session and clock, so face rows line up with the video on the timeline; otherwise the caller
 * says (`--participant`, `--session`, `--clock-offset`).
 */
/** A recording Weft converted on import is known by the SHA-256 of the file it keeps, not the original's. */
async function convertedVideo<S extends { stream_id: number }>(client: WeftClient, videoSha256: string, streams: readonly S[]): Promise<S | undefined> {
  if (!/^[0-9a-f]{64}$/.test(videoSha256)) return undefined;
  const result = await client.call('sql.query', { sql: `SELECT stream_id FROM media WHERE sha256 = '${videoSha256}'` });
  const streamId = result.rows[0]?.[0];
  return streams.find((s) => s.stream_id === Number(streamId));
}

export async function resolveFaceTarget(client: WeftClient, videoSha256: string, given: FaceStreamTarget): Promise<ResolvedTarget> {
  const streams = await client.call('stream.list', {});
  const video = streams.find((s) => s.kind === 'video' && s.source_sha256 === videoSha256) ?? (await convertedVideo(client, videoSha256, streams));
  if (video === undefined) {
    if (given.participantId === undefined) {
      throw new WeftError('INVALID_INPUT', 'The study does not have this video, so it cannot say whose it is: give --participant (and --session), or import the video first');
    }
    return {
      participantId: given.participantId,
      sessionId: given.sessionId,
      clockOffsetS: given.clockOffsetS,
      clockSource: given.clockOffsetS === undefined ? 'none given: the video is placed at session time 0' : 'the offset given (--clock-offset)',
      videoStreamId: null,
      warnings: [],
    };
  }
  for (const [what, mine, theirs] of [
    ['participant', given.participantId, video.participant_id],
    ['session', given.sessionId, video.session_id],
  ] as const) {
    if (mine !== undefined && mine !== theirs) {
      throw new WeftError('CONFLICT', `The study has this video in ${what} "${theirs}" (stream ${video.stream_id}), not "${mine}"`);
    }
  }
  const offsetS = video.clock.offset_us / 1e6;
  if (given.clockOffsetS !== undefined && Math.abs(given.clockOffsetS - offsetS) > 1e-6) {
    throw new WeftError('CONFLICT', `The study places this video at ${offsetS} s of session time (stream ${video.stream_id}, ${video.clock.source}); --clock-offset says ${given.clockOffsetS}. Leave --clock-offset out to use the video's clock`);
  }
  const warnings =
    video.clock.drift_ppm === 0
      ? []
      : [`the video's clock also has a drift of ${video.clock.drift_ppm} ppm, which the face stream does not take over: align the face stream's clock as the video's was`];
  return { participantId: video.participant_id, sessionId: video.session_id, clockOffsetS: offsetS, clockSource: `the video's registration in the study (stream ${video.stream_id})`, videoStreamId: video.stream_id, warnings };
}

/** Refuses before any work is done when the participant has not consented to what would be stored. */
export async function checkFaceConsent(client: WeftClient, basis: DataBasis, participantId: string, landmarks: boolean): Promise<void> {
  if (basis.kind === 'secondary_data') return;
  const consents = await client.call('consent.list', { participant_id: participantId });
  const needed: Modality[] = landmarks ? ['face_features', 'face_landmarks'] : ['face_features'];
  for (const modality of needed) {
    const state = consents.find((c) => c.modality === modality)?.state ?? 'missing';
    if (state !== 'granted') {
      throw new WeftError('CONSENT_MISSING', `Participant "${participantId}" has not granted consent for ${MODALITY_LABELS[modality].toLowerCase()} (${state}); nothing was extracted${modality === 'face_landmarks' ? '. Leave out --landmarks to extract features without them' : ''}`, {
        details: { participant_id: participantId, modality, consent: state },
      });
    }
  }
}

export interface RegisteredFaceStream {
  readonly summary: ImportSummary;
  readonly streamIds: readonly number[];
}

/**
 * Imports the face CSV through the normal import (consent gate, clocks, dedupe, audit), then,
 * in one more transaction, fills the action-unit proxies from its blendshapes and records how
 * the features were extracted in the stream's provenance.
 */
export async function registerFaceStream(
  client: WeftClient,
  study: Study,
  actor: string,
  csvPath: string,
  target: ResolvedTarget,
  provenance: Record<string, unknown>,
): Promise<RegisteredFaceStream> {
  const summary = await client.call('session.import', {
    files: [csvPath],
    format: 'weft-face-csv',
    participant_id: target.participantId,
    ...(target.sessionId === undefined ? {} : { session_id: target.sessionId }),
    ...(target.clockOffsetS === undefined ? {} : { clock_offset_s: target.clockOffsetS }),
  });
  const streamIds = summary.files.flatMap((f) => f.streams.filter((s) => s.kind === 'face_features').map((s) => s.stream_id));
  if (streamIds.length === 0) return { summary, streamIds };
  const assignments = [...auProxyColumnExpressions()].map(([column, expression]) => `${column} = ${expression}`).join(', ');
  const patch = JSON.stringify({ extraction: provenance });
  await study.db.write(async (conn) => {
    for (const streamId of streamIds) {
      await conn.run(`UPDATE weft.face_frames SET ${assignments} WHERE stream_id = $id`, { id: streamId });
      await conn.run(`UPDATE weft.streams SET provenance = json_merge_patch(coalesce(provenance, '{}'::JSON), $patch::JSON) WHERE stream_id = $id`, { id: streamId, patch });
      await appendAudit(conn, {
        actor,
        action: 'face.extract',
        target: String(streamId),
        detail: { stream_id: streamId, model_sha256: (provenance['model'] as { sha256?: string } | undefined)?.sha256 ?? null, au_proxies: auProxyColumnExpressions().size },
      });
    }
  });
  return { summary, streamIds };
}
