import { WeftError } from '../../core/errors.js';
import type { LabelRule } from '../../core/models/card.js';
import { labelWindows, type LabelInterval } from '../../core/models/labels.js';
import type { Study } from '../store/study.js';
import type { WindowRef } from './windows.js';

export interface Tier {
  readonly name: string;
  readonly bySession: ReadonlyMap<string, readonly LabelInterval[]>;
  readonly annotators: readonly string[];
  readonly labels: readonly string[];
}

/** Every interval of an annotation tier, by session; an error when the tier has none. */
export async function readTier(study: Study, tier: string): Promise<Tier> {
  const rows = await study.db.read((conn) =>
    conn.all(`SELECT session_id, annotator, label, start_us, end_us FROM annotations WHERE tier = $tier ORDER BY session_id, start_us`, { tier }),
  );
  if (rows.length === 0) {
    const tiers = await study.db.read(async (conn) => (await conn.all('SELECT DISTINCT tier FROM annotations ORDER BY tier')).map((r) => String(r['tier'])));
    throw new WeftError('NOT_FOUND', `The study has no annotations in tier "${tier}" (tiers: ${tiers.join(', ') || 'none'})`, { details: { tier, tiers } });
  }
  const bySession = new Map<string, LabelInterval[]>();
  for (const r of rows) {
    const sid = String(r['session_id']);
    const list = bySession.get(sid) ?? [];
    list.push({ annotator: String(r['annotator']), label: String(r['label']), start_us: Number(r['start_us']), end_us: Number(r['end_us']) });
    bySession.set(sid, list);
  }
  const all = [...bySession.values()].flat();
  return { name: tier, bySession, annotators: [...new Set(all.map((i) => i.annotator))].sort(), labels: [...new Set(all.map((i) => i.label))].sort() };
}

/** Refuses a rule that names annotators or labels the tier does not have (a typo would make every window negative). */
export function checkRule(tier: Tier, rule: LabelRule): void {
  const unknownAnnotators = rule.annotators.filter((a) => !tier.annotators.includes(a));
  if (unknownAnnotators.length > 0) {
    throw new WeftError('INVALID_INPUT', `Tier "${tier.name}" has no annotator ${unknownAnnotators.join(', ')} (annotators: ${tier.annotators.join(', ')})`, {
      details: { reason: 'unknown_annotator' },
    });
  }
  for (const t of rule.targets) {
    const unknown = t.positive.filter((l) => !tier.labels.includes(l));
    if (unknown.length > 0) {
      throw new WeftError('INVALID_INPUT', `Tier "${tier.name}" has no label ${unknown.join(', ')} for ${t.output} (labels: ${tier.labels.join(', ')})`, {
        details: { reason: 'unknown_label' },
      });
    }
  }
}

export interface WindowLabelSet {
  /** Per target output: 1, 0, or -1 (unlabelled) per window, in the windows' order. */
  readonly labels: ReadonlyMap<string, Int8Array>;
  /** Per target output: unlabelled windows by reason. */
  readonly unlabeled: ReadonlyMap<string, Record<string, number>>;
}

/** Labels for windows of any sessions by the overlap rule of core/models/labels.ts. */
export function labelsForWindows(windows: readonly WindowRef[], tier: Tier, rule: LabelRule): WindowLabelSet {
  checkRule(tier, rule);
  const labels = new Map(rule.targets.map((t) => [t.output, new Int8Array(windows.length).fill(-1)]));
  const unlabeled = new Map(rule.targets.map((t) => [t.output, {} as Record<string, number>]));
  const bySession = new Map<string, number[]>();
  windows.forEach((w, i) => {
    const list = bySession.get(w.session_id) ?? [];
    list.push(i);
    bySession.set(w.session_id, list);
  });
  for (const [sessionId, indices] of bySession) {
    const result = labelWindows(
      indices.map((i) => windows[i] as WindowRef),
      tier.bySession.get(sessionId) ?? [],
      { ...rule, annotators: rule.annotators.length > 0 ? rule.annotators : [...tier.annotators] },
    );
    for (const t of rule.targets) {
      const out = labels.get(t.output) as Int8Array;
      const got = result.labels.get(t.output) as Int8Array;
      indices.forEach((i, k) => (out[i] = got[k] ?? -1));
      const reasons = unlabeled.get(t.output) as Record<string, number>;
      for (const [reason, n] of Object.entries(result.unlabeled.get(t.output) ?? {})) reasons[reason] = (reasons[reason] ?? 0) + n;
    }
  }
  return { labels, unlabeled };
}
