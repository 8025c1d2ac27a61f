import { WeftError } from '../../core/errors.js';

export interface Edit {
  /** Movie timescale; 0 means "to the end of the media". */
  readonly segmentDuration: number;
  /** Track timescale; −1 is an empty edit (nothing shown for segmentDuration). */
  readonly mediaTime: number;
  readonly rate: number;
}

const toUs = (ticks: number, timescale: number): number => Math.round((ticks * 1e6) / timescale);

/**
 * Presentation time of each sample, microseconds, from its composition time and the track's edit
 * list (ISO/IEC 14496-12 §8.6.6), as players show it and as Weft's media importer registers it:
 * empty edits delay what follows; a media edit starting at M shows the samples whose composition
 * time is in [M, M + its duration). Samples no edit shows get null. An edit list that shows a
 * sample twice or changes the speed cannot be mapped frame by frame and is refused.
 */
export function presentationTimes(cts: readonly number[], trackTimescale: number, movieTimescale: number, edits: readonly Edit[]): (number | null)[] {
  if (edits.length === 0) return cts.map((t) => toUs(t, trackTimescale));
  const times: (number | null)[] = cts.map(() => null);
  let editStart = 0;
  for (const edit of edits) {
    if (edit.mediaTime === -1) {
      editStart += edit.segmentDuration;
      continue;
    }
    if (edit.rate !== 1) throw new WeftError('UNSUPPORTED_FORMAT', `its edit list plays part of the video at rate ${edit.rate}, which has no frame-by-frame media time`);
    const windowEnd = edit.segmentDuration === 0 ? Number.POSITIVE_INFINITY : edit.mediaTime + (edit.segmentDuration * trackTimescale) / movieTimescale;
    const startUs = toUs(editStart, movieTimescale);
    cts.forEach((t, i) => {
      if (t < edit.mediaTime || t >= windowEnd) return;
      if (times[i] !== null) throw new WeftError('UNSUPPORTED_FORMAT', 'its edit list shows some frames twice, which has no single media time per frame');
      times[i] = startUs + toUs(t - edit.mediaTime, trackTimescale);
    });
    editStart += edit.segmentDuration;
  }
  return times;
}

/** Frame numbers in presentation order for samples in decode order; hidden samples get null. */
export function frameNumbers(times: readonly (number | null)[]): (number | null)[] {
  const order = times.flatMap((t, i) => (t === null ? [] : [{ t, i }])).sort((a, b) => a.t - b.t || a.i - b.i);
  const frames: (number | null)[] = times.map(() => null);
  order.forEach(({ i }, frame) => {
    frames[i] = frame;
  });
  return frames;
}
