import { describe, expect, it } from 'vitest';
import type { Consent } from '../../../src/core/api/schemas.js';
import { MODALITIES } from '../../../src/core/study/modalities.js';
import { consentRecordInput, dayToInstant } from '../../../src/renderer/view/consentForm.js';
import { consentHistoryRows, type ConsentHistoryRecord } from '../../../src/renderer/view/consentHistory.js';
import { buildConsentMatrix } from '../../../src/renderer/view/consentMatrix.js';
import { participant, stream } from './builders.js';
import { withdrawalPreview } from '../../../src/renderer/view/withdrawal.js';

function consent(participantId: string, modality: Consent['modality'], fields: Partial<Consent> = {}): Consent {
  return { participant_id: participantId, modality, state: 'granted', granted: true, form_version: 'v2', recorded_at: '2026-01-10T00:00:00Z', expires_at: null, withdrawn_at: null, ...fields };
}

describe('buildConsentMatrix', () => {
  it('gives every participant one cell per modality, in Weft order, with the record behind it', () => {
    const rows = buildConsentMatrix(
      [participant('P01', { consent: { video: 'refused', gaze: 'granted' } }), participant('P02', { consent: {} })],
      [consent('P01', 'video', { state: 'refused', granted: false }), consent('P01', 'gaze')],
    );
    expect(rows.map((r) => r.participantId)).toEqual(['P01', 'P02']);
    const p01 = rows[0]?.cells ?? [];
    expect(p01.map((c) => c.modality)).toEqual([...MODALITIES]);
    expect(p01.find((c) => c.modality === 'video')).toMatchObject({ state: 'refused', record: { form_version: 'v2' } });
    expect(p01.find((c) => c.modality === 'audio')).toMatchObject({ state: 'missing', record: null });
    expect(rows[1]?.cells.every((c) => c.state === 'missing')).toBe(true);
    expect(p01.find((c) => c.modality === 'video')?.title).toMatch(/^P01 · Video: refused/);
  });
});

describe('consentRecordInput', () => {
  it('turns the form into consent.record input: trimmed, days as UTC instants, empty meaning none', () => {
    expect(consentRecordInput({ participantId: ' P07 ', modality: 'gaze', decision: 'refused', formVersion: ' ', recordedOn: '', expiresOn: '' })).toEqual({
      participant_id: 'P07',
      modality: 'gaze',
      granted: false,
      form_version: null,
      expires_at: null,
    });
    expect(consentRecordInput({ participantId: 'P07', modality: 'video', decision: 'granted', formVersion: 'v3', recordedOn: '2026-03-01', expiresOn: '2027-03-01' })).toEqual({
      participant_id: 'P07',
      modality: 'video',
      granted: true,
      form_version: 'v3',
      recorded_at: '2026-03-01T00:00:00Z',
      expires_at: '2027-03-01T00:00:00Z',
    });
    expect(dayToInstant('2026-12-31')).toBe('2026-12-31T00:00:00Z');
  });
});

describe('consentHistoryRows', () => {
  const record = (id: number, fields: Partial<ConsentHistoryRecord>): ConsentHistoryRecord => ({ ...consent('P01', 'video'), record_id: id, source: 'entered', recorded_by: 'ana', ...fields });

  it('lists records newest first and marks those a later record of the same modality replaced', () => {
    const rows = consentHistoryRows([
      record(1, { modality: 'video', granted: true }),
      record(4, { modality: 'video', granted: false, state: 'refused' }),
      record(2, { modality: 'gaze', source: '/lab/exports/consent_2026.csv', recorded_by: 'import' }),
    ]);
    expect(rows.map((r) => [r.recordId, r.superseded])).toEqual([
      [4, false],
      [2, false],
      [1, true],
    ]);
    expect(rows[0]).toMatchObject({ decision: 'refused', modalityLabel: 'Video', origin: 'entered in Weft, by ana' });
    expect(rows[0]?.badge.state).toBe('refused');
    expect(rows[1]?.origin).toBe('imported from consent_2026.csv, by import');
    expect(consentHistoryRows([record(5, { source: 'withdrawal', withdrawn_at: '2026-03-01T00:00:00Z', state: 'withdrawn' })])[0]?.origin).toBe('withdrawn in Weft, by ana');
  });
});

describe('withdrawalPreview', () => {
  const streams = [
    stream(1, 'S1', { participant_id: 'P01', modality: 'gaze', rows: 100 }),
    stream(2, 'S1', { participant_id: 'P01', modality: 'interaction_logs', rows: 10 }),
    stream(3, 'S2', { participant_id: 'P01', modality: 'gaze', rows: 50 }),
    stream(4, 'S3', { participant_id: 'P02', modality: 'gaze', rows: 999 }),
  ];

  it('counts every stream of the participant for a full erasure, and says it cannot be undone', () => {
    const preview = withdrawalPreview('P01', null, streams, 2);
    expect(preview).toMatchObject({ sessions: 2, streams: 3, rows: 160, modalities: null });
    expect(preview.consequences[0]).toContain('3 streams with 160 rows in 2 sessions');
    expect(preview.consequences.join(' ')).toMatch(/cannot be undone/);
    expect(preview.consequences.join(' ')).toMatch(/searched for any remaining trace/);
  });

  it('counts only the withdrawn modalities otherwise, and keeps the participant enrolled', () => {
    const preview = withdrawalPreview('P01', ['gaze'], streams, 2);
    expect(preview).toMatchObject({ sessions: 2, streams: 2, rows: 150 });
    expect(preview.consequences[0]).toContain("P01's data of Eye tracking is deleted");
    expect(preview.consequences.join(' ')).toMatch(/stays enrolled/);
    expect(withdrawalPreview('P01', ['video'], streams, 2)).toMatchObject({ streams: 0, rows: 0, sessions: 0 });
  });
});
