import { describe, expect, it } from 'vitest';
import { NO_VARIANT, buildSessionRows, buildVariantRows } from '../../../src/renderer/view/sessions.js';
import { session, stream } from './builders.js';

describe('buildSessionRows', () => {
  it('attaches each session its streams, tutor logs before face features, with labels and row counts', () => {
    const rows = buildSessionRows(
      [session('S1'), session('S2', { variant: null })],
      [
        stream(7, 'S1', { kind: 'face_features', format: 'weft-face-csv', modality: 'face_features', rows: 1800 }),
        stream(3, 'S1', { rows: 14 }),
        stream(4, 'S2', { rows: 9 }),
      ],
    );
    expect(rows.map((r) => r.sessionId)).toEqual(['S1', 'S2']);
    expect(rows[0]?.streams.map((s) => [s.label, s.rows])).toEqual([
      ['Tutor log', 14],
      ['Face features', 1800],
    ]);
    expect(rows[1]?.variant).toBeNull();
    expect(rows[1]?.streams).toHaveLength(1);
  });

  it('gives a session without streams an empty list', () => {
    expect(buildSessionRows([session('S1')], [])[0]?.streams).toEqual([]);
  });
});

describe('buildVariantRows', () => {
  it('counts sessions, distinct participants and the share of sessions per variant', () => {
    const sessions = [
      session('S1', { participant_id: 'P01', variant: 'A' }),
      session('S2', { participant_id: 'P01', variant: 'A' }),
      session('S3', { participant_id: 'P02', variant: 'B' }),
      session('S4', { participant_id: 'P03', variant: null }),
    ];
    const rows = buildVariantRows(
      [
        { variant: 'A', sessions: 2 },
        { variant: 'B', sessions: 1 },
        { variant: null, sessions: 1 },
      ],
      sessions,
    );
    expect(rows.map((r) => [r.label, r.sessions, r.participants, r.share])).toEqual([
      ['A', 2, 1, 0.5],
      ['B', 1, 1, 0.25],
      [NO_VARIANT, 1, 1, 0.25],
    ]);
  });

  it('has no share without sessions', () => {
    expect(buildVariantRows([{ variant: 'A', sessions: 0 }], [])[0]?.share).toBe(0);
  });
});
