import { describe, expect, it } from 'vitest';
import { labelRuleSchema } from '../../../src/core/models/card.js';
import { UNLABELED_REASONS, labelWindows, type LabelInterval } from '../../../src/core/models/labels.js';

const s = (x: number): number => x * 1e6;
const iv = (annotator: string, label: string, from: number, to: number): LabelInterval => ({ annotator, label, start_us: s(from), end_us: s(to) });
const windows = [0, 5, 10, 15, 20].map((t) => ({ start_us: s(t), end_us: s(t + 10) }));
const rule = (extra: Record<string, unknown> = {}) =>
  labelRuleSchema.parse({ tier: 'affect', targets: [{ output: 'confusion', positive: ['CONFUSED'] }], ...extra });

describe('window labels from annotation intervals', () => {
  it('labels a window by which labels cover more of it, once the annotations cover enough of it', () => {
    // One coder: CONFUSED over [0, 12), CONCENTRATING over [12, 24).
    const result = labelWindows(windows, [iv('a', 'CONFUSED', 0, 12), iv('a', 'CONCENTRATING', 12, 24)], rule());
    // [0,10): all confused. [5,15): 7 s confused vs 3 s. [10,20): 2 vs 8. [15,25): 0 vs 9 (90% covered). [20,30): 4 s covered, < 50 %.
    expect([...(result.labels.get('confusion') ?? [])]).toEqual([1, 1, 0, 0, -1]);
    expect(result.unlabeled.get('confusion')).toEqual({ [UNLABELED_REASONS.notAnnotated]: 1 });
  });

  it('keeps a window only where every annotator who called it agrees', () => {
    const intervals = [iv('a', 'CONFUSED', 0, 30), iv('b', 'CONFUSED', 0, 10), iv('b', 'BORED', 10, 30)];
    const both = labelWindows(windows, intervals, rule());
    expect([...(both.labels.get('confusion') ?? [])]).toEqual([1, -1, -1, -1, -1]);
    expect(both.unlabeled.get('confusion')).toEqual({ [UNLABELED_REASONS.disagree]: 4 });
    // b alone: [5, 15) is half confused, half bored — a tie, so no label.
    const onlyB = labelWindows(windows, intervals, rule({ annotators: ['b'] }));
    expect([...(onlyB.labels.get('confusion') ?? [])]).toEqual([1, -1, 0, 0, 0]);
    expect(onlyB.unlabeled.get('confusion')).toEqual({ [UNLABELED_REASONS.tie]: 1 });
  });

  it('honours the minimum overlap and several positive labels', () => {
    const intervals = [iv('a', 'FRUSTRATED', 0, 2), iv('a', 'CONFUSED', 4, 8)];
    const strict = labelWindows(windows, intervals, rule({ min_overlap: 0.5 }));
    expect([...(strict.labels.get('confusion') ?? [])]).toEqual([1, -1, -1, -1, -1]);
    const loose = labelWindows(windows, intervals, rule({ min_overlap: 0.2, targets: [{ output: 'impasse', positive: ['CONFUSED', 'FRUSTRATED'] }] }));
    expect([...(loose.labels.get('impasse') ?? [])]).toEqual([1, 1, -1, -1, -1]);
  });
});
