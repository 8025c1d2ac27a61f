import type { ErasureEntry } from '../../../src/core/api/schemas.js';
import { describe, expect, it } from 'vitest';
import { overviewCounts } from '../../../src/renderer/view/overview.js';
import { participant, session, status, stream } from './builders.js';

const erasure = (scope: string): ErasureEntry => ({
  erasure_id: scope,
  participant_ref: 'p_00000000000000000000',
  scope,
  reason: null,
  actor: 'test',
  erased_at: '2026-01-01T00:00:00Z',
  rows_deleted: 10,
  verified: scope === 'participant' ? true : null,
  files_scanned: scope === 'participant' ? 2 : null,
});

describe('overviewCounts', () => {
  it('counts participants, withdrawals, sessions, recorded time, named variants, streams and rows per data view', () => {
    const counts = overviewCounts({
      status: status({
        participants: 3,
        variants: [
          { variant: 'A', sessions: 1 },
          { variant: null, sessions: 1 },
        ],
        views: [
          { view: 'events', rows: 53 },
          { view: 'face_frames', rows: 1800 },
          { view: 'consents', rows: 24 },
        ],
      }),
      participants: [participant('P01'), participant('P02', { withdrawn: true }), participant('P03')],
      sessions: [session('S1', { duration_us: 60e6 }), session('S2', { duration_us: null })],
      streams: [stream(1, 'S1'), stream(2, 'S1', { kind: 'face_features' }), stream(3, 'S2')],
      erasures: [erasure('participant'), erasure('modalities:gaze')],
    });
    expect(counts).toMatchObject({ participants: 3, withdrawn: 1, erased: 1, sessions: 2, variants: 1, streams: 3, streamKinds: 2, recordedUs: 60e6 });
    expect(counts.dataRows).toEqual([
      { view: 'events', label: 'Tutor events', rows: 53 },
      { view: 'face_frames', label: 'Face frames', rows: 1800 },
    ]);
  });
});
