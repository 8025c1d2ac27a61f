import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionRows, writeConsentCsv, writeFaceCsv, writeTransactions } from '../../support/fixtures.js';
import { createTestStudy, type TestStudy } from '../../support/study.js';

let study: TestStudy;

async function count(sql: string): Promise<unknown> {
  return (await study.client.call('sql.query', { sql })).rows[0]?.[0];
}

beforeAll(async () => {
  study = await createTestStudy({ timeZone: 'UTC' });
  const dir = join(study.root, 'in');
  await mkdir(dir);
  await study.client.call('session.import', {
    files: [
      await writeConsentCsv(dir, [{ id: 'P01' }, { id: 'P02' }]),
      await writeTransactions(dir, [...sessionRows('P01', 'S01', 'A', '2026-01-10T09:00:00', 6), ...sessionRows('P02', 'S02', 'B', '2026-03-10T09:00:00', 6)]),
    ],
  });
  await study.client.call('session.import', { files: [await writeFaceCsv(dir, 60)], participant_id: 'P02', session_id: 'S02', clock_offset_s: 0 });
  // P02's face-feature consent is renewed with an expiry that has since passed.
  await study.client.call('consent.record', { participant_id: 'P02', modality: 'face_features', granted: true, form_version: 'v2.2', expires_at: '2026-06-30T00:00:00Z' });
});
afterAll(async () => {
  await study.close();
});

describe('retention enforcement', () => {
  it('reports without deleting in a dry run', async () => {
    const report = await study.client.call('retention.enforce', { dry_run: true, as_of: '2026-07-01T00:00:00Z' });
    expect(report.dry_run).toBe(true);
    expect(report.actions.map((a) => [a.reason, a.modality, a.rows])).toEqual([['consent expired', 'face_features', 60]]);
    expect(await count('SELECT count(*) FROM face_frames')).toBe(60);
  });

  it('deletes data whose consent expired, and registers it without naming the participant', async () => {
    const report = await study.client.call('retention.enforce', { as_of: '2026-07-01T00:00:00Z' });
    expect(report.actions.filter((a) => a.rows > 0).map((a) => [a.reason, a.modality])).toEqual([['consent expired', 'face_features']]);
    expect(await count('SELECT count(*) FROM face_frames')).toBe(0);
    expect(await count(`SELECT count(*) FROM streams WHERE kind = 'face_features'`)).toBe(0);
    expect(await count(`SELECT count(*) FROM events`)).toBe(12);
    const [erasure] = await study.client.call('erasure.list', {});
    expect(erasure).toMatchObject({ scope: 'retention:consent expired:face_features', participant_ref: expect.stringMatching(/^p_/) as string, rows_deleted: 61 });
    expect((await study.client.call('audit.list', {})).at(-1)).toMatchObject({ action: 'retention.enforce' });
  });

  it('deletes a modality past the retention period of the policy, session by session', async () => {
    await study.client.call('policy.set', { policy: { retention_days: { interaction_logs: 150 } } });
    await study.client.call('retention.enforce', { as_of: '2026-07-01T00:00:00Z' });
    // S01 (January) is older than 150 days on 1 July; S02 (March) is not.
    expect(await count(`SELECT count(*) FROM events WHERE session_id = 'S01'`)).toBe(0);
    expect(await count(`SELECT count(*) FROM events WHERE session_id = 'S02'`)).toBe(6);
  });

  it('clears a field past the retention period the fields registry gives it', async () => {
    await study.client.call('field.update', { field: 'events.input', retention_days: 90 });
    const report = await study.client.call('retention.enforce', { as_of: '2026-07-01T00:00:00Z' });
    expect(report.actions.filter((a) => a.rows > 0).map((a) => [a.reason, a.field, a.rows])).toEqual([['field retention', 'events.input', 6]]);
    expect(await count(`SELECT count(*) FROM events WHERE input IS NOT NULL`)).toBe(0);
    expect(await count(`SELECT count(*) FROM events`)).toBe(6);
    expect((await study.client.call('audit.verify', {})).intact).toBe(true);
  });
});
