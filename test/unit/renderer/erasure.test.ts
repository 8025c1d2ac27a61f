import { describe, expect, it } from 'vitest';
import type { ErasureReport } from '../../../src/core/api/schemas.js';
import { deletedRows, erasureScopeLabel, formatBytes, totalDeleted } from '../../../src/renderer/view/erasure.js';

const report: ErasureReport = {
  erasure_id: 'e1',
  participant_ref: 'p_0123456789abcdef0123',
  scope: 'participant',
  rows: { sessions: 1, gaze_samples: 8000, events: 60, face_frames: 3700, annotations: 0 },
  files_deleted: [],
  exports: [],
  database_bytes: { before: 11e6, after: 10e6 },
  verification: null,
};

describe('erasure views', () => {
  it('names the scope in words', () => {
    expect(erasureScopeLabel('participant')).toBe('Everything');
    expect(erasureScopeLabel('modalities:video,face_landmarks')).toBe('Video, Face landmarks');
    expect(erasureScopeLabel('modalities:something_else')).toBe('something else');
  });

  it('lists the tables rows were deleted from, most first, and totals them', () => {
    expect(deletedRows(report)).toEqual([
      { table: 'gaze_samples', rows: 8000 },
      { table: 'face_frames', rows: 3700 },
      { table: 'events', rows: 60 },
      { table: 'sessions', rows: 1 },
    ]);
    expect(totalDeleted(report)).toBe(11761);
  });

  it('formats byte counts', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(11 * 1024 * 1024)).toBe('11 MB');
  });
});
