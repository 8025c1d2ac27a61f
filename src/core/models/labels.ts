import type { LabelRule } from './card.js';

export interface LabelInterval {
  readonly annotator: string;
  readonly label: string;
  readonly start_us: number;
  readonly end_us: number;
}

export interface TimeWindow {
  readonly start_us: number;
  readonly end_us: number;
}

/** 1 positive, 0 negative, -1 no label. */
export type WindowLabels = Int8Array;

export const UNLABELED_REASONS = {
  notAnnotated: 'not annotated (annotations cover less of the window than the rule asks)',
  tie: 'an annotator\'s positive and negative labels cover the window equally',
  disagree: 'annotators disagree',
} as const;

export interface Labelling {
  /** Per target output: a label per window. */
  readonly labels: ReadonlyMap<string, WindowLabels>;
  /** Per target output: windows left unlabelled, by reason. */
  readonly unlabeled: ReadonlyMap<string, Readonly<Record<string, number>>>;
}

/**
 * Window labels from one session's annotation intervals, by overlap. For each annotator the
 * rule counts (annotators: all of the tier when the rule lists none): when that annotator's
 * intervals cover at least `min_overlap` of the window, the annotator calls the window positive
 * for a target if the labels in `positive` cover more of it than their other labels, negative
 * if less, and nothing on a tie. The window is positive or negative when every annotator who
 * called it agrees; it stays unlabelled when none did or they disagree.
 */
export function labelWindows(windows: readonly TimeWindow[], intervals: readonly LabelInterval[], rule: LabelRule): Labelling {
  const annotators = rule.annotators.length > 0 ? rule.annotators : [...new Set(intervals.map((i) => i.annotator))].sort();
  const byAnnotator = new Map<string, LabelInterval[]>(annotators.map((a) => [a, []]));
  for (const iv of intervals) if (iv.end_us > iv.start_us) byAnnotator.get(iv.annotator)?.push(iv);
  for (const list of byAnnotator.values()) list.sort((a, b) => a.start_us - b.start_us);
  const longest = new Map([...byAnnotator].map(([a, list]) => [a, list.reduce((m, iv) => Math.max(m, iv.end_us - iv.start_us), 0)]));

  const labels = new Map<string, Int8Array>();
  const unlabeled = new Map<string, Record<string, number>>();
  for (const target of rule.targets) {
    const positive = new Set(target.positive);
    const out = new Int8Array(windows.length).fill(-1);
    const reasons: Record<string, number> = {};
    const skip = (reason: string): void => {
      reasons[reason] = (reasons[reason] ?? 0) + 1;
    };
    windows.forEach((w, k) => {
      const length = w.end_us - w.start_us;
      const calls: number[] = [];
      let tie = false;
      for (const [annotator, list] of byAnnotator) {
        let pos = 0;
        let neg = 0;
        const from = lowerBound(list, w.start_us - (longest.get(annotator) ?? 0));
        for (let i = from; i < list.length; i++) {
          const iv = list[i] as LabelInterval;
          if (iv.start_us >= w.end_us) break;
          const overlap = Math.min(iv.end_us, w.end_us) - Math.max(iv.start_us, w.start_us);
          if (overlap <= 0) continue;
          if (positive.has(iv.label)) pos += overlap;
          else neg += overlap;
        }
        if (length <= 0 || Math.min(pos + neg, length) < rule.min_overlap * length) continue;
        if (pos === neg) tie = true;
        else calls.push(pos > neg ? 1 : 0);
      }
      if (calls.length === 0) return skip(tie ? UNLABELED_REASONS.tie : UNLABELED_REASONS.notAnnotated);
      if (calls.some((c) => c !== calls[0]) || tie) return skip(UNLABELED_REASONS.disagree);
      out[k] = calls[0] ?? -1;
    });
    labels.set(target.output, out);
    unlabeled.set(target.output, reasons);
  }
  return { labels, unlabeled };
}

/** First index whose interval starts at or after `t`. */
function lowerBound(list: readonly LabelInterval[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid]?.start_us ?? 0) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
