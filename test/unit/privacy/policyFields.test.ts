import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WeftError } from '../../../src/core/errors.js';
import { DEFAULT_POLICY } from '../../../src/core/privacy/policy.js';
import { syncFields } from '../../../src/backend/privacy/fields.js';
import { sessionRows, writeConsentCsv, writeTransactions } from '../../support/fixtures.js';
import { createTestStudy, type TestStudy } from '../../support/study.js';

let study: TestStudy;
beforeAll(async () => {
  study = await createTestStudy();
});
afterAll(async () => {
  await study.close();
});

async function failure(promise: Promise<unknown>): Promise<WeftError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WeftError);
  return error as WeftError;
}

describe('the minimization policy', () => {
  it('starts protective', async () => {
    expect(await study.client.call('policy.get', {})).toEqual(DEFAULT_POLICY);
    expect(DEFAULT_POLICY).toMatchObject({ face_landmarks: 'never', export: { pseudonymize_ids: true, session_relative_time: true, redact_free_text: true, k_anonymity: { k: 5, on_fail: 'refuse' } } });
  });

  it('changes in part, and the change is audited with before and after', async () => {
    const policy = await study.client.call('policy.set', { policy: { export: { k_anonymity: { k: 10 } }, retention_days: { video: 365 } } });
    expect(policy.export.k_anonymity).toMatchObject({ k: 10, on_fail: 'refuse' });
    expect(policy.retention_days).toEqual({ video: 365 });
    const entries = await study.client.call('audit.list', {});
    expect(entries.at(-1)).toMatchObject({ action: 'policy.change', detail: { changed: ['export.k_anonymity.k', 'retention_days.video'], before: { 'export.k_anonymity.k': 5 }, after: { 'export.k_anonymity.k': 10 } } });
  });

  it('refuses an invalid value, naming where, and records nothing for a change that changes nothing', async () => {
    const error = await failure(study.client.call('policy.set', { policy: { export: { k_anonymity: { k: 1 } } } }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('export.k_anonymity.k');
    const before = (await study.client.call('audit.list', {})).length;
    await study.client.call('policy.set', { policy: { face_landmarks: 'never' } });
    expect((await study.client.call('audit.list', {})).length).toBe(before);
  });
});

describe('the fields registry', () => {
  it('lists every field Weft can hold, classified, before any data arrives', async () => {
    const fields = await study.client.call('field.list', {});
    const byName = new Map(fields.map((f) => [f.field, f]));
    expect(byName.get('face_frames.bs_brow_down_left')).toMatchObject({ modality: 'face_features', sensitivity: 'biometric', origin: 'catalogue', collected: false });
    expect(byName.get('events.input')).toMatchObject({ modality: 'interaction_logs', sensitivity: 'behavioural' });
    expect(byName.get('events.input')?.purpose).toContain('Free text');
    expect(byName.get('predictions.probability')).toMatchObject({ modality: 'affect_inferences', sensitivity: 'derived_inference' });
    expect(byName.get('participants.attributes')).toMatchObject({ modality: 'demographics', sensitivity: 'quasi_identifier' });
    expect(byName.get('face_frames.au04_intensity')?.legal_basis).toContain('consent');
    expect([...byName.keys()].some((f) => f.endsWith('.session_id') && !f.startsWith('sessions.') && !f.startsWith('consents.'))).toBe(false);
  });

  it('fills in the fields that imported data brings, and marks what is collected', async () => {
    const dir = join(study.root, 'in');
    await mkdir(dir, { recursive: true });
    await study.client.call('session.import', { files: [await writeConsentCsv(dir, [{ id: 'P01' }]), await writeTransactions(dir, sessionRows('P01', 'S01', 'A', '2026-02-03T09:00:00', 5))] });
    const fields = new Map((await study.client.call('field.list', {})).map((f) => [f.field, f]));
    expect(fields.get('events.outcome')?.collected).toBe(true);
    expect(fields.get('face_frames.bs_brow_down_left')?.collected).toBe(false);
    expect(fields.get('events.attributes.session')).toMatchObject({ origin: 'observed', modality: 'interaction_logs', sensitivity: 'behavioural', collected: true });
  });

  it('keeps a signal name used by streams of several kinds as one field, with the most identifying sensitivity', async () => {
    await study.workspace.study.db.write(async (conn) => {
      const stream = (id: number, kind: string, modality: string): string =>
        `(${id}, 'S99', '${kind}', 'test', '${modality}', 0, 0, 0, 'test', 1, 'test-import', 0)`;
      await conn.run(
        `INSERT INTO weft.streams (stream_id, session_id, kind, format, modality, clock_offset_us, clock_drift_ppm, clock_origin_us, clock_source, row_count, import_id, imported_at_us)
         VALUES ${stream(9001, 'fixations', 'gaze')}, ${stream(9002, 'saccades', 'gaze')}, ${stream(9003, 'gaze', 'gaze')}, ${stream(9004, 'face_features', 'face_features')}`,
      );
      await conn.run(`INSERT INTO weft.signals VALUES (9001, 'S99', 0, 'trial', 1), (9002, 'S99', 0, 'trial', 1), (9003, 'S99', 0, 'tracking_confidence', 0.5), (9004, 'S99', 0, 'tracking_confidence', 0.9)`);
      await syncFields(conn, { kind: 'participant_consent' });
      await conn.run('DELETE FROM weft.signals WHERE stream_id >= 9001');
      await conn.run('DELETE FROM weft.streams WHERE stream_id >= 9001');
    });
    const fields = (await study.client.call('field.list', {})).filter((f) => f.field === 'signals.trial' || f.field === 'signals.tracking_confidence');
    expect(fields.map((f) => [f.field, f.modality, f.sensitivity])).toEqual([
      ['signals.tracking_confidence', null, 'biometric'],
      ['signals.trial', 'gaze', 'behavioural'],
    ]);
    expect(fields[0]?.note).toBe('Recorded under several modalities: face_features, gaze');
  });

  it('is reviewed field by field, and each review is audited', async () => {
    const entry = await study.client.call('field.update', { field: 'events.input', retention_days: 730, purpose: 'Scoring answers; checking the tutor log', note: 'free text reviewed' });
    expect(entry).toMatchObject({ retention_days: 730, purpose: 'Scoring answers; checking the tutor log', note: 'free text reviewed', reviewed_by: 'test' });
    expect(entry.reviewed_at).not.toBeNull();
    expect((await study.client.call('audit.list', {})).at(-1)).toMatchObject({ action: 'field.review', target: 'events.input', detail: { after: { retention_days: 730 } } });
    expect((await failure(study.client.call('field.update', { field: 'events.nothing', note: 'x' }))).code).toBe('NOT_FOUND');
  });
});
