import { WeftError } from '../../core/errors.js';
import type { CodedSample } from './videoIndex.js';

/**
 * A run of frames the landmarker tracks through from a fresh start. Segments depend only on the
 * video (its key frames) and the segment length, so the output is the same whichever worker
 * takes a segment, and a resumed run restarts at a segment boundary with identical results.
 */
export interface Segment {
  readonly index: number;
  /** Frames [startFrame, endFrame), presentation order. */
  readonly startFrame: number;
  readonly endFrame: number;
  /** Samples [firstSample, lastSample] in decode order: from the key frame it depends on to its last frame. */
  readonly firstSample: number;
  readonly lastSample: number;
}

/** Splits the video at its key frames, and long groups of pictures every `maxFrames` frames. */
export function planSegments(samples: readonly CodedSample[], maxFrames: number): Segment[] {
  if (samples.length > 0 && samples[0]?.key !== true) throw new WeftError('PARSE_ERROR', 'the video does not start with a key frame, so it cannot be decoded from its start');
  const sampleOfFrame: number[] = [];
  const keyFrames = new Set<number>([0]);
  samples.forEach((s, i) => {
    if (s.frame === null) return;
    sampleOfFrame[s.frame] = i;
    if (s.key) keyFrames.add(s.frame);
  });
  const frames = sampleOfFrame.length;
  if (frames === 0) return [];
  const keys = [...keyFrames].filter((f) => f < frames).sort((a, b) => a - b);
  const starts: number[] = [];
  keys.forEach((key, i) => {
    const next = keys[i + 1] ?? frames;
    for (let f = key; f < next; f += maxFrames) starts.push(f);
  });
  const keySamples = samples.flatMap((s, i) => (s.key ? [i] : []));
  return starts.map((startFrame, index) => {
    const endFrame = starts[index + 1] ?? frames;
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    for (let f = startFrame; f < endFrame; f += 1) {
      const sample = sampleOfFrame[f] as number;
      first = Math.min(first, sample);
      last = Math.max(last, sample);
    }
    return { index, startFrame, endFrame, firstSample: lastAtOrBefore(keySamples, first), lastSample: last };
  });
}

/** The largest entry of an ascending list that is at most `limit` (the list starts with 0). */
function lastAtOrBefore(ascending: readonly number[], limit: number): number {
  let lo = 0;
  let hi = ascending.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((ascending[mid] as number) <= limit) lo = mid;
    else hi = mid - 1;
  }
  return ascending[lo] ?? 0;
}
