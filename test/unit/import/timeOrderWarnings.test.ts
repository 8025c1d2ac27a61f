import { describe, expect, it } from 'vitest';
import { timeOrderWarnings, type StreamTimeOrder } from '../../../src/backend/import/timeOrderWarnings.js';
import type { StreamKind } from '../../../src/core/study/modalities.js';

const stream = (kind: StreamKind, participantId: string, backwards: number, firstBackwardsLine: number | undefined, repeats = 0): StreamTimeOrder => ({
  kind,
  participantId,
  sessionId: `${participantId}-1`,
  order: { backwards, firstBackwardsLine, repeats },
});

describe('time-order warnings of one file', () => {
  it('say nothing when every stream keeps its order', () => {
    expect(timeOrderWarnings('f.csv', [stream('interaction_log', 'P1', 0, undefined), stream('gaze', 'P1', 0, undefined)])).toEqual([]);
  });

  it('word a file of one stream as before: how many rows, from which line', () => {
    expect(timeOrderWarnings('f.csv', [stream('interaction_log', 'P1', 2, 40)])).toEqual([
      { message: '2 timestamps in the interaction_log stream went backwards; rows were kept in file order (the views sort by time)', location: { file: 'f.csv', line: 40 }, count: 2 },
    ]);
    expect(timeOrderWarnings('f.csv', [stream('gaze', 'P1', 0, undefined, 1)])).toEqual([
      { message: '1 sample in the gaze stream repeats the previous timestamp', location: { file: 'f.csv' }, count: 1 },
    ]);
  });

  it('give one warning for many students, naming the first three in file order and counting the rest', () => {
    const streams = [
      stream('interaction_log', 'S4', 5, 900),
      stream('interaction_log', 'S1', 1, 12),
      stream('interaction_log', 'S2', 0, undefined),
      stream('interaction_log', 'S3', 1_200, 300),
      stream('interaction_log', 'S5', 7, 1500),
      stream('interaction_log', 'S6', 1, 2000),
    ];
    expect(timeOrderWarnings('log.csv', streams)).toEqual([
      {
        message:
          '1,214 timestamps went backwards in 5 of 6 interaction_log streams (S1 / S1-1: 1, from line 12; S3 / S3-1: 1,200, from line 300; S4 / S4-1: 5, from line 900; 2 more); rows were kept in file order (the views sort by time)',
        location: { file: 'log.csv', line: 12 },
        count: 1_214,
      },
    ]);
  });

  it('keep stream kinds apart, and report repeated times only for sampled streams', () => {
    const warnings = timeOrderWarnings('tracker.txt', [
      stream('gaze', 'P1', 0, undefined, 3),
      stream('eye_markers', 'P1', 1, 8, 4),
      stream('gaze', 'P2', 2, 20, 1),
    ]);
    expect(warnings.map((w) => [w.message, w.count])).toEqual([
      ['2 timestamps went backwards in 1 of 2 gaze streams (P2 / P2-1: 2, from line 20); rows were kept in file order (the views sort by time)', 2],
      ['4 samples repeat the previous timestamp in 2 of 2 gaze streams (P1 / P1-1: 3; P2 / P2-1: 1)', 4],
      ['1 timestamp in the eye_markers stream went backwards; rows were kept in file order (the views sort by time)', 1],
    ]);
  });
});
