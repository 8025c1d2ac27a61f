import * as z from 'zod';

/**
 * Windows over session time: every `hop_s` a window of `length_s` starts, from session time 0
 * until the window would pass the session's end. A sequence model (`steps` > 1) sees each window
 * as `steps` consecutive cells of `length_s / steps`, so `hop_s` must be a whole number of cells.
 * Lengths are whole multiples of 10 ms, the finest bin windows are aggregated from.
 */
export const windowSpecSchema = z
  .object({
    length_s: z.number().positive().max(3600),
    hop_s: z.number().positive().max(3600),
    steps: z.number().int().min(1).max(600).default(1),
  })
  .strict()
  .superRefine((w, ctx) => {
    const centis = (x: number): boolean => Math.abs(x * 100 - Math.round(x * 100)) < 1e-6;
    if (!centis(w.length_s)) ctx.addIssue({ code: 'custom', path: ['length_s'], message: `length_s (${w.length_s}) must be a whole number of 10 ms` });
    if (!centis(w.hop_s)) ctx.addIssue({ code: 'custom', path: ['hop_s'], message: `hop_s (${w.hop_s}) must be a whole number of 10 ms` });
    if (w.steps === 1) return;
    if (!centis(w.length_s / w.steps)) ctx.addIssue({ code: 'custom', path: ['steps'], message: `a step (${w.length_s} s / ${w.steps}) must be a whole number of 10 ms` });
    const cells = w.hop_s / (w.length_s / w.steps);
    if (Math.abs(cells - Math.round(cells)) > 1e-9) {
      ctx.addIssue({ code: 'custom', path: ['hop_s'], message: `hop_s (${w.hop_s}) must be a whole number of steps of ${w.length_s / w.steps} s` });
    }
  });
export type WindowSpec = z.infer<typeof windowSpecSchema>;

/**
 * What a window needs from a sampled view to count as observed: at least `min_valid_fraction`
 * of the samples `sample_rate_hz` would give, with a value (a face frame must have tracked the face).
 */
export const coverageSchema = z
  .object({
    sample_rate_hz: z.number().positive(),
    min_valid_fraction: z.number().min(0).max(1),
  })
  .strict();
export type Coverage = z.infer<typeof coverageSchema>;

/**
 * Each participant's own baseline, subtracted and divided out per feature (z-scores), computed
 * from the window values (not raw samples) of the windows the baseline names:
 * - participant_all: every observed window of the participant, in all their sessions in the study;
 * - session_start: the observed windows that end within the first `seconds` of the same session.
 */
export const baselineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('participant_all') }).strict(),
  z.object({ kind: z.literal('session_start'), seconds: z.number().positive() }).strict(),
]);
export type Baseline = z.infer<typeof baselineSchema>;

export const normalizationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z
    .object({
      kind: z.literal('participant_zscore'),
      baseline: baselineSchema,
      /** Fewer baseline windows than this and the participant's windows are skipped, not guessed. */
      min_windows: z.number().int().min(2).default(10),
      /** Names of the features z-scored (a fusion model's face features, say); every feature when absent. */
      features: z.array(z.string().min(1)).min(1).optional(),
    })
    .strict(),
]);
export type Normalization = z.infer<typeof normalizationSchema>;

/** Window start times (µs) of a session of `durationUs` for a window spec. */
export function windowStarts(durationUs: number, lengthUs: number, hopUs: number): number[] {
  const out: number[] = [];
  for (let k = 0; k * hopUs + lengthUs <= durationUs; k++) out.push(k * hopUs);
  return out;
}

export const secondsToUs = (s: number): number => Math.round(s * 1e6);
