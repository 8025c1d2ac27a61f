import type { StreamKind } from '../../core/study/modalities.js';
import type { ImportWarning } from './types.js';

/** What one stream's writer noticed about the order of its timestamps. */
export interface TimeOrder {
  /** Rows whose time is earlier than the row before. */
  readonly backwards: number;
  readonly firstBackwardsLine: number | undefined;
  /** Rows whose time equals the row before. */
  readonly repeats: number;
}

export interface StreamTimeOrder {
  readonly kind: StreamKind;
  readonly participantId: string;
  readonly sessionId: string;
  readonly order: TimeOrder;
}

/** Streams named in a warning that covers several; the count says how many more there are. */
const NAMED = 3;

const plural = (n: number, one: string, many: string): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Repeated times matter for sampled streams (a tracker's clock); events often share a second. */
const SAMPLED = new Set<StreamKind>(['face_features', 'gaze']);

/**
 * Warnings about time order for one file's streams: one per stream kind and problem, however
 * many participants and sessions the file holds (a tutor log of 1,000 students would otherwise
 * give 1,000 lines), naming the first few streams it applies to.
 */
export function timeOrderWarnings(file: string, streams: readonly StreamTimeOrder[]): (ImportWarning & { readonly count: number })[] {
  const warnings: (ImportWarning & { readonly count: number })[] = [];
  const kinds = [...new Set(streams.map((s) => s.kind))];
  for (const kind of kinds) {
    const ofKind = streams.filter((s) => s.kind === kind);
    const backwards = ofKind.filter((s) => s.order.backwards > 0).sort((a, b) => (a.order.firstBackwardsLine ?? Infinity) - (b.order.firstBackwardsLine ?? Infinity));
    if (backwards.length > 0) {
      const total = backwards.reduce((n, s) => n + s.order.backwards, 0);
      const firstLine = backwards[0]?.order.firstBackwardsLine;
      const where =
        ofKind.length === 1
          ? `in the ${kind} stream went backwards`
          : `went backwards in ${backwards.length} of ${plural(ofKind.length, `${kind} stream`, `${kind} streams`)} (${named(backwards, (s) => `${s.order.backwards.toLocaleString('en-US')}${s.order.firstBackwardsLine === undefined ? '' : `, from line ${s.order.firstBackwardsLine}`}`)})`;
      warnings.push({
        message: `${plural(total, 'timestamp', 'timestamps')} ${where}; rows were kept in file order (the views sort by time)`,
        location: { file, ...(firstLine === undefined ? {} : { line: firstLine }) },
        count: total,
      });
    }
    const repeating = SAMPLED.has(kind) ? ofKind.filter((s) => s.order.repeats > 0) : [];
    if (repeating.length > 0) {
      const total = repeating.reduce((n, s) => n + s.order.repeats, 0);
      const where =
        ofKind.length === 1
          ? `in the ${kind} stream ${total === 1 ? 'repeats' : 'repeat'} the previous timestamp`
          : `${total === 1 ? 'repeats' : 'repeat'} the previous timestamp in ${repeating.length} of ${plural(ofKind.length, `${kind} stream`, `${kind} streams`)} (${named(repeating, (s) => s.order.repeats.toLocaleString('en-US'))})`;
      warnings.push({ message: `${plural(total, 'sample', 'samples')} ${where}`, location: { file }, count: total });
    }
  }
  return warnings;
}

function named(streams: readonly StreamTimeOrder[], detail: (s: StreamTimeOrder) => string): string {
  const shown = streams.slice(0, NAMED).map((s) => `${s.participantId} / ${s.sessionId}: ${detail(s)}`);
  if (streams.length > NAMED) shown.push(`${streams.length - NAMED} more`);
  return shown.join('; ');
}
