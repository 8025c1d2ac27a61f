import type * as z from 'zod';
import type { binaryReportSchema, modelCompareResultSchema, modelEvaluateResultSchema, predictionSummarySchema, referenceReportSchema } from '../core/api/modelSchemas.js';
import { renderTable } from './output.js';

type BinaryReport = z.infer<typeof binaryReportSchema>;
type ReferenceReport = z.infer<typeof referenceReportSchema>;
interface Interval {
  readonly value: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
}

const fixed = (n: number | null | undefined, digits = 3): string => (n === null || n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits));

/** "0.712 [0.651, 0.770]". */
export function withInterval(e: Interval | null): string {
  if (e === null) return '–';
  const interval = e.lower === null || e.upper === null ? '' : ` [${fixed(e.lower)}, ${fixed(e.upper)}]`;
  return `${fixed(e.value)}${interval}`;
}

export function renderBinaryReport(output: string, report: BinaryReport, perParticipant: boolean): string {
  const majority = report.baselines.majority_class;
  const shuffled = report.baselines.shuffled_labels;
  const shuffledCell = (d: { mean: number | null; lower: number | null; upper: number | null }): string => withInterval({ value: d.mean, lower: d.lower, upper: d.upper });
  const lines = [
    `${output}: ${report.n} windows of ${report.participants} participants, ${report.positives} positive (${(report.prevalence * 100).toFixed(1)}%); F1 and kappa at p ≥ ${report.threshold}`,
    renderTable(
      ['metric', 'model', 'majority class', `shuffled labels (${shuffled.shuffles}×)`],
      [
        ['AUC', withInterval(report.overall.auc), fixed(majority.auc.value), shuffledCell(shuffled.auc)],
        ['F1', withInterval(report.overall.f1), fixed(majority.f1.value), shuffledCell(shuffled.f1)],
        ["Cohen's kappa", withInterval(report.overall.kappa), fixed(majority.kappa.value), shuffledCell(shuffled.kappa)],
        ['Brier score (lower is better)', withInterval(report.overall.brier), fixed(majority.brier.value), shuffledCell(shuffled.brier)],
        ['mean AUC within participants', withInterval(report.participant_mean_auc), '', ''],
        ['expected calibration error', fixed(report.reliability.ece), '', ''],
      ],
      60,
    ),
    `Intervals: ${Math.round(report.method.level * 100)}% ${report.method.interval}, ${report.method.resamples} resamples (seed ${report.method.seed}).`,
    `Reliability (predicted → observed): ${report.reliability.bins
      .filter((b) => b.count > 0)
      .map((b) => `${fixed(b.mean_predicted, 2)}→${fixed(b.observed_rate, 2)} (n=${b.count})`)
      .join(', ')}`,
  ];
  if (perParticipant) {
    lines.push(
      renderTable(
        ['participant', 'windows', 'positive', 'AUC', 'F1', 'kappa', 'Brier', 'note'],
        report.per_participant.map((p) => [p.participant_id, p.n, p.positives, fixed(p.auc), fixed(p.f1), fixed(p.kappa), fixed(p.brier), p.undefined_reason ?? '']),
      ),
    );
  }
  return lines.join('\n');
}

export function renderEvaluation(result: z.infer<typeof modelEvaluateResultSchema>, perParticipant: boolean): string {
  const head = `Model ${result.model_id} ${result.model_version} against tier "${result.tier}"${result.rule.annotators.length > 0 ? ` (annotators ${result.rule.annotators.join(', ')})` : ''}, windows labelled where an annotator covers ≥ ${result.rule.min_overlap * 100}% of them:`;
  const parts = result.outputs.map((o) => {
    const skipped = Object.entries(o.skipped).map(([reason, n]) => `${reason}: ${n}`).join('; ');
    return `${renderBinaryReport(o.output, o.report, perParticipant)}${skipped === '' ? '' : `\nNot evaluated: ${skipped}`}`;
  });
  return [head, ...result.warnings.map((w) => `Warning: ${w}`), ...parts].join('\n\n');
}

export function renderReferenceReport(result: z.infer<typeof modelCompareResultSchema>, perParticipant: boolean): string {
  const report: ReferenceReport = result.report;
  const reference = result.reference.kind === 'signal' ? `signal ${result.reference.name}` : `events.attributes.${result.reference.key}`;
  const shuffled = report.baselines.shuffled_reference;
  const lines = [
    `Model ${result.model_id} ${result.model_version} output "${result.output}" against ${reference} (${result.aggregation}): ${report.n} windows of ${report.participants} participants.`,
    renderTable(
      ['metric', 'model', 'constant mean', `shuffled reference (${shuffled.shuffles}×)`],
      [
        ['Spearman', withInterval(report.overall.spearman), '', withInterval({ value: shuffled.spearman.mean, lower: shuffled.spearman.lower, upper: shuffled.spearman.upper })],
        ['RMSE', withInterval(report.overall.rmse), fixed(report.baselines.constant_mean.rmse), ''],
        [`AUC, reference above its ${report.quantile} quantile (${fixed(report.threshold)})`, withInterval(report.overall.auc), fixed(report.baselines.constant_mean.auc), withInterval({ value: shuffled.auc.mean, lower: shuffled.auc.lower, upper: shuffled.auc.upper })],
      ],
      60,
    ),
    `Intervals: ${Math.round(report.method.level * 100)}% ${report.method.interval}, ${report.method.resamples} resamples (seed ${report.method.seed}). ${report.method.rmse_note}`,
    ...result.warnings.map((w) => `Warning: ${w}`),
  ];
  if (perParticipant) {
    lines.push(renderTable(['participant', 'windows', 'Spearman', 'RMSE', 'AUC', 'note'], report.per_participant.map((p) => [p.participant_id, p.n, fixed(p.spearman), fixed(p.rmse), fixed(p.auc), p.undefined_reason ?? ''])));
  }
  return lines.join('\n');
}

export function renderPredictions(runs: readonly z.infer<typeof predictionSummarySchema>[]): string {
  const table = renderTable(
    ['model', 'version', 'sessions', 'refused', 'windows scored', 'skipped', 'rows replaced'],
    runs.map((r) => [r.model_id, r.model_version, r.sessions.length, r.refused.length, r.windows_scored, r.windows_skipped, r.rows_replaced]),
  );
  const notes: string[] = [];
  for (const r of runs) {
    const reasons = Object.entries(r.skipped).map(([reason, n]) => `${reason}: ${n}`);
    if (reasons.length > 0) notes.push(`${r.model_id}: windows skipped (stored without a probability): ${reasons.join('; ')}`);
    for (const x of r.refused) notes.push(`${r.model_id}: session ${x.session_id} not scored: participant ${x.participant_id} has ${x.consent} consent to affect inferences`);
  }
  return [table, ...notes].join('\n');
}
