import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveFrameRow } from '../../../src/core/api/faceSchemas.js';
import { BLENDSHAPE_NAMES } from '../../../src/core/face/featureSchema.js';
import { matrixFromHeadPose } from '../../../src/core/face/headPose.js';
import { createTestStudy, type TestStudy } from '../../support/study.js';

const ORIGIN_WALL_US = 1_763_950_000_000_000;

function row(frame: number, face: boolean, browDown = 0.25): LiveFrameRow {
  const t = ORIGIN_WALL_US + frame * 33_333;
  if (!face) return { frame, t, face: false };
  const bs = BLENDSHAPE_NAMES.map((name) => (name === 'browDownLeft' ? browDown : name === 'browDownRight' ? browDown / 2 : 0.1));
  return { frame, t, face: true, bs, m: matrixFromHeadPose({ yawDeg: 12, pitchDeg: 3, rollDeg: -4 }) };
}

async function sql(study: TestStudy, query: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql: query })).rows;
}

describe('live face capture through the API', () => {
  let study: TestStudy;
  beforeEach(async () => {
    study = await createTestStudy();
  });
  afterEach(async () => {
    await study.close();
  });

  it('will not start for a participant without face-feature consent, and stores nothing', async () => {
    await expect(study.client.call('face.liveStart', { participant_id: 'P01', session_id: 'S01' })).rejects.toMatchObject({ code: 'CONSENT_MISSING', message: /P01.*face features/ });
    await study.client.call('consent.record', { participant_id: 'P01', modality: 'video', granted: true });
    await expect(study.client.call('face.liveStart', { participant_id: 'P01', session_id: 'S01' })).rejects.toMatchObject({ code: 'CONSENT_MISSING' });
    expect(await sql(study, 'SELECT count(*) FROM streams')).toEqual([[0]]);
  });

  it('stores batches into one stream as they come, on session time, with AU proxies, and stops storing when consent is withdrawn', async () => {
    await study.client.call('consent.record', { participant_id: 'P01', modality: 'face_features', granted: true });
    const started = await study.client.call('face.liveStart', { participant_id: 'P01', session_id: 'S01', session_time_s: 10 });
    expect(started.origin_us % 1000).toBe(0);
    // The page stamps frames with wall-clock µs; the backend places them from its own origin.
    const offset = 10_000_000 - started.origin_us;
    const first = await study.client.call('face.liveAppend', { live_id: started.live_id, rows: [row(0, true, 0.5), row(1, false), row(2, true)].map((r) => ({ ...r, t: r.t - ORIGIN_WALL_US + started.origin_us })) });
    expect(first).toMatchObject({ rows: 3, faces: 2, last_t_us: 10_000_000 + 2 * 33_333 });
    expect(first.stream_id).not.toBeNull();
    const second = await study.client.call('face.liveAppend', { live_id: started.live_id, rows: [row(3, true, 0.8), row(4, false)].map((r) => ({ ...r, t: r.t - ORIGIN_WALL_US + started.origin_us })) });
    expect(second).toMatchObject({ stream_id: first.stream_id, rows: 5, faces: 3 });

    const frames = await sql(study, 'SELECT frame, t_us, success, au04_presence, au04_intensity, round(head_yaw_deg, 3), bs_brow_down_left FROM face_frames ORDER BY frame');
    expect(frames.map((f) => f.slice(0, 3))).toEqual([0, 1, 2, 3, 4].map((i) => [i, 10_000_000 + i * 33_333, i !== 1 && i !== 4]));
    // The batch appended after the import holds what the import would have stored: AU4 proxy = the larger brow.
    expect(frames.map((f) => f[3])).toEqual([0.5, null, 0.25, 0.8, null]);
    expect(frames.every((f) => f[4] === null)).toBe(true);
    expect(frames[3]?.[5]).toBe(12);
    expect(await sql(study, `SELECT count(*), min(t_us), max(t_us) FROM face_frames`)).toEqual([[5, 10_000_000, 10_000_000 + 4 * 33_333]]);
    const [stream] = await study.client.call('stream.list', {});
    expect(stream).toMatchObject({ kind: 'face_features', rows: 5, start_us: 10_000_000, end_us: 10_000_000 + 4 * 33_333, participant_id: 'P01', session_id: 'S01' });
    expect(offset).toBe(stream?.clock.offset_us);

    await expect(study.client.call('face.liveAppend', { live_id: started.live_id, rows: [{ ...row(4, false), t: started.origin_us + 10 * 33_333 }] })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: /frame 5 was due/ });

    await study.client.call('consent.record', { participant_id: 'P01', modality: 'face_features', granted: false });
    await expect(study.client.call('face.liveAppend', { live_id: started.live_id, rows: [{ ...row(5, true), t: started.origin_us + 5 * 33_333 }] })).rejects.toMatchObject({ code: 'CONSENT_MISSING' });
    expect(await sql(study, 'SELECT count(*) FROM face_frames WHERE frame = 5')).toEqual([[0]]);

    const stopped = await study.client.call('face.liveStop', { live_id: started.live_id });
    expect(stopped).toMatchObject({ rows: 5, faces: 3 });
    expect(await sql(study, `SELECT count(*) FROM audit_log WHERE action = 'face.live'`)).toEqual([[1]]);
    await expect(study.client.call('face.liveStop', { live_id: started.live_id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
