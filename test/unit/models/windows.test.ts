import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputsSchema } from '../../../src/core/models/card.js';
import { COUNT_COLUMN, feature } from '../../../src/core/models/features.js';
import { buildWindows } from '../../../src/backend/models/windows.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';
import { addActions, addFace, addSession, frames } from './fixtures.js';

let study: TestStudy;

// S1 (P1), 20 s: face at 10 Hz from 2 s to 18 s, brow = t, lost between 10 and 12 s; actions at
// 1, 1.5 (wrong, wrong), 6 (hint), 7 (right). S2 (P1), 20 s: face, brow = 100 + t. S3 (P2), 20 s: no face.
beforeAll(async () => {
  study = await createTestStudy({ dataBasis: SECONDARY });
  const s = study.workspace.study;
  await addSession(s, 'P1', 'S1', 20);
  await addSession(s, 'P1', 'S2', 20);
  await addSession(s, 'P2', 'S3', 20);
  await addFace(s, 'S1', frames(2, 18, 10, (t) => (t >= 10 && t < 12 ? null : { bs_brow_down_left: t, bs_eye_squint_left: 1 })));
  await addFace(s, 'S2', frames(0, 20, 10, (t) => ({ bs_brow_down_left: 100 + t, bs_eye_squint_left: 2 })));
  await addActions(s, 'S1', [
    { t_s: 1, kind: 'attempt', outcome: 'INCORRECT' },
    { t_s: 1.5, kind: 'attempt', outcome: 'INCORRECT' },
    { t_s: 6, kind: 'hint_request', outcome: 'HINT' },
    { t_s: 7, kind: 'attempt', outcome: 'CORRECT' },
  ]);
  await addActions(s, 'S3', [{ t_s: 3, kind: 'attempt', outcome: 'CORRECT' }]);
});
afterAll(async () => {
  await study.close();
});

const faceInputs = (extra: Record<string, unknown> = {}) =>
  inputsSchema.parse({
    features: [feature('face_frames', 'bs_brow_down_left', 'mean')],
    window: { length_s: 2, hop_s: 1 },
    coverage: { face_frames: { sample_rate_hz: 10, min_valid_fraction: 0.5 } },
    normalization: { kind: 'none' },
    ...extra,
  });

describe('feature windows from the store', () => {
  it('aggregates face frames per window on session time and skips windows without enough tracked frames', async () => {
    const w = await buildWindows(study.workspace.study, faceInputs(), { sessions: ['S1'] });
    expect(w.total).toBe(19);
    expect(w.features).toEqual(['bs_brow_down_left_mean']);
    const byStart = new Map(w.windows.map((win, i) => [win.start_us / 1e6, w.values[i]]));
    // [2, 4): frames 2.0 … 3.9, mean 2.95.
    expect(byStart.get(2)).toBeCloseTo(2.95, 5);
    // [1, 3): frames 2.0 … 2.9 are exactly half of 20 expected frames.
    expect(byStart.get(1)).toBeCloseTo(2.45, 5);
    // [0, 2) ends where the recording starts and [18, 20) begins after it; [9, 11) has 10 tracked
    // frames (9.0 … 9.9), [10, 12) none, [17, 19) ten (17.0 … 17.9).
    expect(byStart.has(0)).toBe(false);
    expect(byStart.get(9)).toBeCloseTo(9.45, 5);
    expect(byStart.has(10)).toBe(false);
    expect(byStart.get(17)).toBeCloseTo(17.45, 5);
    expect(w.skipped).toEqual({
      'face_frames: window outside the recording': 2,
      'face_frames: too few valid face frames (50% of 10 Hz)': 1,
    });
    expect(w.skippedWindows.map((s) => s.start_us / 1e6)).toEqual([0, 10, 18]);
    expect(w.windows.length + w.skippedWindows.length).toBe(w.total);
  });

  it('skips and counts every window of a session without the view, never filling zeros', async () => {
    const w = await buildWindows(study.workspace.study, faceInputs(), { sessions: ['S1', 'S3'] });
    expect(w.skipped['face_frames: no face frames in this session']).toBe(19);
    expect(w.windows.every((win) => win.session_id === 'S1')).toBe(true);
  });

  it('names every feature the study cannot supply', async () => {
    const inputs = faceInputs({
      features: [feature('face_frames', 'au04_intensity', 'mean'), feature('face_frames', 'bs_brow_down_left', 'mean'), feature('signals', 'confusion_evidence', 'mean')],
      coverage: { face_frames: { sample_rate_hz: 10, min_valid_fraction: 0.5 }, signals: { sample_rate_hz: 10, min_valid_fraction: 0.5 } },
    });
    await expect(buildWindows(study.workspace.study, inputs, { model: 'Model m 1.0.0' })).rejects.toThrow(
      'Model m 1.0.0 needs features the study cannot supply (no values in the 3 sessions asked for): au04_intensity_mean (from face_frames.au04_intensity), confusion_evidence_mean (from signal "confusion_evidence")',
    );
  });

  it('aggregates tutor actions: counts and sums are 0 in a window without actions, means are missing', async () => {
    const inputs = inputsSchema.parse({
      features: [feature('interaction_features', COUNT_COLUMN, 'count'), feature('interaction_features', 'correct', 'mean'), feature('interaction_features', 'wrong_past5', 'sum')],
      window: { length_s: 5, hop_s: 5 },
      normalization: { kind: 'none' },
    });
    const counts = await buildWindows(study.workspace.study, { ...inputs, features: inputs.features.filter((f) => f.aggregate !== 'mean') }, { sessions: ['S1'] });
    expect(counts.windows.map((x) => x.start_us / 1e6)).toEqual([0, 5, 10, 15]);
    expect([...counts.values]).toEqual([2, 1, 2, 4, 0, 0, 0, 0]);
    const means = await buildWindows(study.workspace.study, inputs, { sessions: ['S1', 'S2'] });
    // S1 [0, 5): two wrong attempts; [5, 10): a hint (no correctness) and a right attempt.
    expect(means.windows.map((x) => `${x.session_id}@${x.start_us / 1e6}`)).toEqual(['S1@0', 'S1@5']);
    expect([...means.values]).toEqual([2, 0, 1, 2, 1, 4]);
    expect(means.skipped).toEqual({
      'interaction_features: no tutor actions with correct in the window': 2,
      'interaction_features: no tutor actions in this session': 4,
    });
  });

  it('computes standard deviations, minima and maxima over overlapping windows exactly as SQL does over the raw rows', async () => {
    const inputs = faceInputs({
      features: [feature('face_frames', 'bs_brow_down_left', 'std'), feature('face_frames', 'bs_brow_down_left', 'min'), feature('face_frames', 'bs_brow_down_left', 'max')],
      window: { length_s: 3, hop_s: 0.5 },
    });
    const w = await buildWindows(study.workspace.study, inputs, { sessions: ['S2'] });
    expect(w.windows).toHaveLength(35);
    const expected = await study.workspace.study.db.read((conn) =>
      conn.all(`SELECT k, stddev_samp(bs_brow_down_left) AS sd, min(bs_brow_down_left) AS lo, max(bs_brow_down_left) AS hi
        FROM range(35) r(k) JOIN face_frames f ON f.session_id = 'S2' AND f.t_us >= k * 500000 AND f.t_us < k * 500000 + 3000000 GROUP BY k ORDER BY k`),
    );
    expected.forEach((row, k) => {
      expect(w.values[k * 3]).toBeCloseTo(Number(row['sd']), 5);
      expect(w.values[k * 3 + 1]).toBeCloseTo(Number(row['lo']), 5);
      expect(w.values[k * 3 + 2]).toBeCloseTo(Number(row['hi']), 5);
    });
  });

  it("z-scores features against each participant's own baseline", async () => {
    const inputs = faceInputs({
      window: { length_s: 2, hop_s: 2 },
      normalization: { kind: 'participant_zscore', baseline: { kind: 'participant_all' }, min_windows: 3 },
    });
    const s1 = await buildWindows(study.workspace.study, inputs, { sessions: ['S1'] });
    const both = await buildWindows(study.workspace.study, inputs, { sessions: ['S1', 'S2'] });
    // The baseline spans both of P1's sessions even when only S1 is scored.
    expect([...s1.values]).toEqual([...both.values.slice(0, s1.windows.length)]);
    const values = [...both.values];
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
    expect(mean).toBeCloseTo(0, 5);
    expect(sd).toBeCloseTo(1, 5);
  });

  it('skips a participant whose baseline is too small or does not vary, saying why', async () => {
    const inputs = faceInputs({
      features: [feature('face_frames', 'bs_eye_squint_left', 'mean')],
      normalization: { kind: 'participant_zscore', baseline: { kind: 'session_start', seconds: 6 }, min_windows: 3 },
    });
    const w = await buildWindows(study.workspace.study, inputs, { sessions: ['S2'] });
    expect(w.windows).toHaveLength(0);
    expect(w.skipped).toEqual({ 'normalization: bs_eye_squint_left_mean does not vary in the baseline': 19 });
  });

  it('builds step sequences for a sequence model', async () => {
    const inputs = faceInputs({ window: { length_s: 4, hop_s: 2, steps: 4 } });
    const w = await buildWindows(study.workspace.study, inputs, { sessions: ['S2'] });
    expect(w.steps).toBe(4);
    expect(w.total).toBe(9);
    expect(w.windows[1]).toMatchObject({ start_us: 2_000_000, end_us: 6_000_000 });
    // Window [2, 6) holds cells [2,3), [3,4), [4,5), [5,6): means 102.45 … 105.45.
    [102.45, 103.45, 104.45, 105.45].forEach((v, i) => expect(w.values[4 + i]).toBeCloseTo(v, 4));
  });

  it('refuses an unknown session', async () => {
    await expect(buildWindows(study.workspace.study, faceInputs(), { sessions: ['nope'] })).rejects.toThrow('The study has no session "nope"');
  });
});
