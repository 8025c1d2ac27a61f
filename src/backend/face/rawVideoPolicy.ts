import { rm } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { readPolicy } from '../privacy/policy.js';
import { appendAudit } from '../store/audit.js';
import type { Study } from '../store/study.js';

/** What became of the recording after its face features were stored. */
export type RawVideoOutcome = 'kept' | 'deleted' | 'not_managed';

/**
 * The minimization policy's `raw_video: delete_after_extraction`: once a recording's features are
 * in the study, the recording itself goes, if it is a file Weft manages in the study folder (a
 * lab's own originals outside it are never touched). The media row stays, so the session still
 * says a video existed, how long it was and its SHA-256; the stream's provenance records the
 * deletion, which is audited.
 */
export async function applyRawVideoPolicy(study: Study, actor: string, videoPath: string, faceStreamIds: readonly number[]): Promise<RawVideoOutcome> {
  const target = resolve(videoPath);
  const rows = await study.db.read((conn) => conn.all(`SELECT media_id, stream_id, path FROM weft.media WHERE managed`));
  const managed = rows.find((row) => {
    const path = String(row['path']);
    return resolve(isAbsolute(path) ? path : join(study.dir, path)) === target;
  });
  if (managed === undefined) return 'not_managed';
  const policy = await study.db.read((conn) => readPolicy(conn));
  if (policy.raw_video !== 'delete_after_extraction') return 'kept';
  const deletion = { raw_video_deleted: { reason: 'minimization policy raw_video = delete_after_extraction', face_streams: faceStreamIds } };
  await study.db.write(async (conn) => {
    await conn.run(`UPDATE weft.media SET managed = false WHERE media_id = $id`, { id: String(managed['media_id']) });
    await conn.run(`UPDATE weft.streams SET provenance = json_merge_patch(coalesce(provenance, '{}'::JSON), $patch::JSON) WHERE stream_id = $stream`, {
      patch: JSON.stringify(deletion),
      stream: Number(managed['stream_id']),
    });
    await appendAudit(conn, { actor, action: 'media.delete', target: String(managed['media_id']), detail: { ...deletion, stream_id: Number(managed['stream_id']) } });
  });
  await rm(target, { force: true });
  return 'deleted';
}
