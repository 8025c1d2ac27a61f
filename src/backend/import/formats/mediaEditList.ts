/** One entry of an ISO-BMFF edit list ('elst'), in the units the box uses. */
export interface EditEntry {
  /** Length of this stretch of the presentation, movie timescale; 0 means "to the end of the media" (fragmented files). */
  readonly segmentDuration: number;
  /** Media time (track timescale) the stretch starts at; -1 is an empty edit: nothing shows for segmentDuration. */
  readonly mediaTime: number;
  readonly rateInteger: number;
  readonly rateFraction: number;
}

export interface SampleTiming {
  /** Composition (presentation) time stamp, track timescale. */
  readonly cts: number;
  readonly duration: number;
}

/** Where a track's frames land on the presentation timeline (what a player's currentTime shows). */
export interface Presentation {
  /** Frames (samples) shown, counting a sample once per edit that shows it. */
  readonly frames: number;
  /** Presentation time of the earliest frame shown, microseconds. */
  readonly firstUs: number | null;
  /** Presentation time at which the last frame shown stops showing, microseconds. */
  readonly endUs: number | null;
  /** Samples in the file that no edit shows (encoder priming, trimmed heads and tails). */
  readonly hiddenSamples: number;
}

export class EditListError extends Error {}

const toUs = (ticks: number, timescale: number): number => Math.round((ticks * 1e6) / timescale);

/**
 * Applies an edit list the way ISO/IEC 14496-12 §8.6.6 defines it, and as FFmpeg and browsers
 * play it: an empty edit delays what follows; an edit starting at media time M shows the
 * samples whose composition time falls in [M, M + its duration), moved to start where the edit
 * starts. Audio (`partial`) also plays the part of a sample that straddles M (the decoder trims
 * its priming), so it starts where the edit starts. Without an edit list a sample's presentation
 * time is its composition time.
 */
export function presentation(
  samples: readonly SampleTiming[],
  trackTimescale: number,
  movieTimescale: number,
  edits: readonly EditEntry[],
  partial = false,
): Presentation {
  if (trackTimescale <= 0 || movieTimescale <= 0) throw new EditListError(`timescale ${trackTimescale <= 0 ? trackTimescale : movieTimescale} is not positive`);
  if (samples.length === 0) return { frames: 0, firstUs: null, endUs: null, hiddenSamples: 0 };
  if (edits.length === 0) {
    let first = Number.POSITIVE_INFINITY;
    let end = Number.NEGATIVE_INFINITY;
    for (const s of samples) {
      first = Math.min(first, s.cts);
      end = Math.max(end, s.cts + s.duration);
    }
    return { frames: samples.length, firstUs: toUs(first, trackTimescale), endUs: toUs(end, trackTimescale), hiddenSamples: 0 };
  }

  const shown = new Uint8Array(samples.length);
  let frames = 0;
  let first = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  /** Where the current edit starts on the presentation timeline, movie timescale. */
  let editStartTicks = 0;
  edits.forEach((edit, index) => {
    if (edit.mediaTime === -1) {
      editStartTicks += edit.segmentDuration;
      return;
    }
    if (edit.rateInteger !== 1 || edit.rateFraction !== 0) {
      throw new EditListError(
        `edit ${index + 1} of the edit list plays at rate ${edit.rateInteger}${edit.rateFraction === 0 ? '' : ` + ${edit.rateFraction}/65536`} (a held frame or a speed change), which Weft cannot map to media time`,
      );
    }
    const startUs = toUs(editStartTicks, movieTimescale);
    const windowEnd = edit.segmentDuration === 0 ? Number.POSITIVE_INFINITY : edit.mediaTime + (edit.segmentDuration * trackTimescale) / movieTimescale;
    const editEndUs = edit.segmentDuration === 0 ? Number.POSITIVE_INFINITY : toUs(editStartTicks + edit.segmentDuration, movieTimescale);
    samples.forEach((s, i) => {
      const before = partial ? s.cts + s.duration <= edit.mediaTime : s.cts < edit.mediaTime;
      if (before || s.cts >= windowEnd) return;
      shown[i] = 1;
      frames += 1;
      const at = startUs + toUs(Math.max(0, s.cts - edit.mediaTime), trackTimescale);
      first = Math.min(first, at);
      end = Math.max(end, Math.min(editEndUs, startUs + toUs(s.cts + s.duration - edit.mediaTime, trackTimescale)));
    });
    editStartTicks += edit.segmentDuration;
  });
  const hiddenSamples = shown.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);
  return frames === 0
    ? { frames: 0, firstUs: null, endUs: null, hiddenSamples }
    : { frames, firstUs: first, endUs: end, hiddenSamples };
}
