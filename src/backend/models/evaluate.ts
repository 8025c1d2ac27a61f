import * as z from 'zod';
import { WeftError } from '../../core/errors.js';
import { labelRuleSchema } from '../../core/models/card.js';
import { latestVersion } from '../../core/models/version.js';
import { binaryReport, type BinaryReport } from '../../core/stats/binaryReport.js';
import type { BootstrapOptions } from '../../core/stats/bootstrap.js';
import { referenceReport, type ReferenceReport } from '../../core/stats/referenceReport.js';
import { sqlString } from '../store/duck.js';
import type { Study } from '../store/study.js';
import { labelsForWindows, readTier } from './annotationLabels.js';
import type { WindowRef } from './windows.js';

export interface PredictionSelector {
  readonly model_id: string;
  /** The latest version with predictions in the study when absent. */
  readonly model_version?: string;
  /** Sessions to evaluate on; every session with predictions when absent. */
  readonly sessions?: readonly string[];
}

export interface EvaluateRequest extends PredictionSelector {
  readonly labels: z.input<typeof labelRuleSchema>;
  readonly bootstrap?: BootstrapOptions;
  readonly shuffles?: number;
  readonly threshold?: number;
}

export interface OutputEvaluation {
  readonly output: string;
  readonly positive: readonly string[];
  readonly windows: number;
  /** Windows not evaluated, by reason (no probability, no label by the rule, …). */
  readonly skipped: Readonly<Record<string, number>>;
  readonly report: BinaryReport;
}

export interface EvaluationResult {
  readonly model_id: string;
  readonly model_version: string;
  readonly model_sha256: readonly string[];
  readonly runs: readonly string[];
  readonly tier: string;
  readonly rule: z.output<typeof labelRuleSchema>;
  readonly outputs: readonly OutputEvaluation[];
}

interface PredictionRow extends WindowRef {
  readonly label: string;
  readonly probability: number | null;
  readonly run_id: string;
  readonly model_sha256: string;
}

async function resolveVersion(study: Study, selector: PredictionSelector): Promise<string> {
  if (selector.model_version !== undefined) return selector.model_version;
  const versions = await study.db.read(async (conn) =>
    (await conn.all(`SELECT DISTINCT model_version FROM predictions WHERE model_id = $id`, { id: selector.model_id })).map((r) => String(r['model_version'])),
  );
  const latest = latestVersion(versions);
  if (latest === null) throw new WeftError('NOT_FOUND', `The study has no predictions of model ${selector.model_id}; run "weft predict" with it first`, { details: { model_id: selector.model_id } });
  return latest;
}

/** Stored predictions of one model version, in session and time order. */
export async function readPredictions(study: Study, selector: PredictionSelector): Promise<{ version: string; rows: PredictionRow[] }> {
  const version = await resolveVersion(study, selector);
  const sessionFilter = selector.sessions === undefined ? '' : ` AND session_id IN (${selector.sessions.map(sqlString).join(', ') || 'NULL'})`;
  const rows = await study.db.read((conn) =>
    conn.all(
      `SELECT session_id, participant_id, run_id, model_sha256, label, start_us, end_us, probability FROM predictions
WHERE model_id = $id AND model_version = $version${sessionFilter} ORDER BY session_id, start_us, label`,
      { id: selector.model_id, version },
    ),
  );
  if (rows.length === 0) {
    throw new WeftError('NOT_FOUND', `The study has no predictions of model ${selector.model_id} ${version}${selector.sessions ? ' for those sessions' : ''}; run "weft predict" first`, {
      details: { model_id: selector.model_id, model_version: version },
    });
  }
  return {
    version,
    rows: rows.map((r) => ({
      session_id: String(r['session_id']),
      participant_id: String(r['participant_id']),
      run_id: String(r['run_id']),
      model_sha256: String(r['model_sha256']),
      label: String(r['label']),
      start_us: Number(r['start_us']),
      end_us: Number(r['end_us']),
      probability: r['probability'] === null ? null : Number(r['probability']),
    })),
  };
}

const NO_PROBABILITY = 'no probability (the window lacked data)';

/**
 * A model's stored predictions against an annotation tier: per output, windows labelled by the
 * overlap rule, then AUC, F1, kappa, Brier and a reliability curve per participant and pooled,
 * with participant-bootstrap intervals beside the majority-class and shuffled-label baselines.
 * A target whose labels come out as one class is an error.
 */
export async function evaluatePredictions(study: Study, request: EvaluateRequest): Promise<EvaluationResult> {
  const rule = labelRuleSchema.parse(request.labels);
  const { version, rows } = await readPredictions(study, request);
  const tier = await readTier(study, rule.tier);
  const outputs: OutputEvaluation[] = [];
  for (const target of rule.targets) {
    const forOutput = rows.filter((r) => r.label === target.output);
    if (forOutput.length === 0) {
      const labels = [...new Set(rows.map((r) => r.label))].join(', ');
      throw new WeftError('INVALID_INPUT', `Model ${request.model_id} ${version} has no output "${target.output}" (its predictions are for: ${labels})`, { details: { reason: 'unknown_output' } });
    }
    const skipped: Record<string, number> = {};
    const scored = forOutput.filter((r) => r.probability !== null);
    if (scored.length < forOutput.length) skipped[NO_PROBABILITY] = forOutput.length - scored.length;
    const labelled = labelsForWindows(scored, tier, { ...rule, targets: [target] });
    const y = labelled.labels.get(target.output) as Int8Array;
    for (const [reason, n] of Object.entries(labelled.unlabeled.get(target.output) ?? {})) skipped[`labels: ${reason}`] = n;
    const idx = scored.map((_, i) => i).filter((i) => (y[i] ?? -1) >= 0);
    let report: BinaryReport;
    try {
      report = binaryReport(
        { labels: idx.map((i) => y[i] ?? 0), probabilities: idx.map((i) => scored[i]?.probability ?? 0), participants: idx.map((i) => scored[i]?.participant_id ?? '') },
        {
          ...(request.bootstrap === undefined ? {} : { bootstrap: request.bootstrap }),
          ...(request.shuffles === undefined ? {} : { shuffles: request.shuffles }),
          ...(request.threshold === undefined ? {} : { threshold: request.threshold }),
        },
      );
    } catch (error) {
      throw new WeftError(
        'INVALID_INPUT',
        `Cannot evaluate ${request.model_id} ${version} for ${target.output} against tier "${rule.tier}" (${target.positive.join(', ')} as positive, ${idx.length} labelled windows): ${(error as Error).message}`,
        { details: { reason: idx.length === 0 ? 'no_labelled_windows' : 'single_class', skipped } },
      );
    }
    outputs.push({ output: target.output, positive: target.positive, windows: forOutput.length, skipped, report });
  }
  return {
    model_id: request.model_id,
    model_version: version,
    model_sha256: [...new Set(rows.map((r) => r.model_sha256))],
    runs: [...new Set(rows.map((r) => r.run_id))],
    tier: rule.tier,
    rule,
    outputs,
  };
}

/** A numeric column the data carries: a signal by name, or a numeric field of events.attributes. */
export const referenceSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('signal'), name: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('event_attribute'), key: z.string().min(1) }).strict(),
]);
export type ReferenceSource = z.infer<typeof referenceSourceSchema>;

/**
 * `--reference` text: "signal:NAME" (or "signals.NAME") for the signals view,
 * "attribute:KEY" (or "events.attributes.KEY") for a field of events.attributes.
 */
export function parseReference(text: string): ReferenceSource {
  const m = /^(signal|signals|attribute|events\.attributes)[:.](.+)$/.exec(text.trim());
  if (m === null || m[2] === undefined) {
    throw new WeftError('INVALID_INPUT', `"${text}" is not a reference column: write signal:NAME (e.g. signal:confusion_evidence) or attribute:KEY (e.g. attribute:confidence(CONFUSED))`);
  }
  return m[1] === 'signal' || m[1] === 'signals' ? { kind: 'signal', name: m[2] } : { kind: 'event_attribute', key: m[2] };
}

export interface ReferenceRequest extends PredictionSelector {
  /** The model output compared with the reference. */
  readonly output: string;
  readonly reference: ReferenceSource;
  readonly quantile: number;
  readonly bootstrap?: BootstrapOptions;
  readonly shuffles?: number;
}

export interface ReferenceResult {
  readonly model_id: string;
  readonly model_version: string;
  readonly output: string;
  readonly reference: ReferenceSource;
  /** How a window's reference value is formed. */
  readonly aggregation: string;
  readonly windows: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly report: ReferenceReport;
}

function referenceSql(source: ReferenceSource): { sql: string; params: Record<string, string> } {
  if (source.kind === 'signal') {
    return { sql: `SELECT session_id, t_us, value AS v FROM signals WHERE name = $ref AND value IS NOT NULL AND isfinite(value)`, params: { ref: source.name } };
  }
  const path = `$."${source.key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  return {
    sql: `SELECT session_id, t_us, v FROM (SELECT session_id, t_us, TRY_CAST(json_extract_string(attributes, $path) AS DOUBLE) AS v FROM events) WHERE v IS NOT NULL AND isfinite(v)`,
    params: { path },
  };
}

/**
 * A model's stored predictions for one output against a numeric reference the data carries
 * (ASSISTments confidence(CONFUSED), iMotions Confusion Evidence): each window's reference is
 * the mean of the reference's values inside it; then Spearman, RMSE and AUC with the reference
 * thresholded at the stated quantile, per participant and pooled.
 */
export async function evaluateAgainstReference(study: Study, request: ReferenceRequest): Promise<ReferenceResult> {
  const { version, rows } = await readPredictions(study, request);
  const forOutput = rows.filter((r) => r.label === request.output);
  if (forOutput.length === 0) {
    throw new WeftError('INVALID_INPUT', `Model ${request.model_id} ${version} has no output "${request.output}" (its predictions are for: ${[...new Set(rows.map((r) => r.label))].join(', ')})`, {
      details: { reason: 'unknown_output' },
    });
  }
  const { sql, params } = referenceSql(request.reference);
  const available = Number(await study.db.read((conn) => conn.scalar(`SELECT count(*) FROM (${sql})`, params)));
  const what = request.reference.kind === 'signal' ? `signal "${request.reference.name}"` : `events.attributes field "${request.reference.key}"`;
  if (available === 0) throw new WeftError('INVALID_INPUT', `The study has no numeric values of ${what} to compare with`, { details: { reason: 'reference_missing' } });
  const scored = forOutput.filter((r) => r.probability !== null);
  const values = new Map<string, number>();
  const sessionFilter = request.sessions === undefined ? '' : ` AND p.session_id IN (${request.sessions.map(sqlString).join(', ') || 'NULL'})`;
  const result = await study.db.read((conn) =>
    conn.all(
      `WITH ref AS (${sql})
SELECT p.session_id, p.start_us, p.end_us, avg(ref.v) AS v
FROM predictions p JOIN ref ON ref.session_id = p.session_id AND ref.t_us >= p.start_us AND ref.t_us < p.end_us
WHERE p.model_id = $id AND p.model_version = $version AND p.label = $output AND p.probability IS NOT NULL${sessionFilter}
GROUP BY ALL`,
      { ...params, id: request.model_id, version, output: request.output },
    ),
  );
  for (const r of result) values.set(`${String(r['session_id'])}\u0000${Number(r['start_us'])}\u0000${Number(r['end_us'])}`, Number(r['v']));
  const skipped: Record<string, number> = {};
  if (scored.length < forOutput.length) skipped[NO_PROBABILITY] = forOutput.length - scored.length;
  const items = scored.filter((r) => values.has(`${r.session_id}\u0000${r.start_us}\u0000${r.end_us}`));
  if (items.length < scored.length) skipped['no reference value in the window'] = scored.length - items.length;
  if (items.length === 0) {
    throw new WeftError('INVALID_INPUT', `No window of ${request.model_id} ${version} has a value of ${what}`, { details: { reason: 'no_overlap', skipped } });
  }
  const report = referenceReport(
    {
      probabilities: items.map((r) => r.probability ?? 0),
      reference: items.map((r) => values.get(`${r.session_id}\u0000${r.start_us}\u0000${r.end_us}`) ?? 0),
      participants: items.map((r) => r.participant_id),
    },
    {
      quantile: request.quantile,
      ...(request.bootstrap === undefined ? {} : { bootstrap: request.bootstrap }),
      ...(request.shuffles === undefined ? {} : { shuffles: request.shuffles }),
    },
  );
  return {
    model_id: request.model_id,
    model_version: version,
    output: request.output,
    reference: request.reference,
    aggregation: `mean of the ${what} values with start_us <= t_us < end_us of each prediction window`,
    windows: forOutput.length,
    skipped,
    report,
  };
}

