import { randomUUID } from 'node:crypto';
import { WeftError } from '../../core/errors.js';
import { INPUT_TENSOR, OUTPUT_TENSOR } from '../../core/models/card.js';
import { TableAppender } from '../import/tableAppender.js';
import { appendAudit } from '../store/audit.js';
import type { Study } from '../store/study.js';
import { affectConsent, type ConsentRefusal } from './consent.js';
import { OnnxWorker } from './onnxWorker.js';
import type { LoadedModel } from './registry.js';
import { buildWindows, type FeatureWindows } from './windows.js';
import { jobProgress, type JobProgress } from '../jobs/progress.js';
import type { EventSink } from '../../core/api/events.js';

export interface PredictOptions {
  /** Sessions to score; every session of the study when absent. */
  readonly sessions?: readonly string[];
  readonly actor: string;
  /** Windows per onnxruntime call. */
  readonly batchSize?: number;
  /** Progress (windows, inference, storing) as job.progress events. */
  readonly events?: EventSink;
}

/** What `weft predict` reports: JSON-safe. */
export interface PredictionSummary {
  readonly run_id: string;
  readonly model_id: string;
  readonly model_version: string;
  readonly model_sha256: string;
  readonly labels: readonly string[];
  readonly sessions: readonly string[];
  /** Sessions not scored because their participant has not consented to affect inferences. */
  readonly refused: readonly ConsentRefusal[];
  readonly windows_total: number;
  readonly windows_scored: number;
  readonly windows_skipped: number;
  /** Skipped windows by reason; they are stored with a NULL probability. */
  readonly skipped: Readonly<Record<string, number>>;
  readonly rows_written: number;
  readonly rows_replaced: number;
  readonly timings_ms: { readonly windows: number; readonly inference: number; readonly write: number };
}

/** Probabilities [windows, labels] for a window set, batch by batch in the worker. */
export async function inferWindows(worker: OnnxWorker, model: LoadedModel, windows: FeatureWindows, batchSize = 4096): Promise<Float32Array> {
  const F = windows.features.length;
  const T = windows.steps;
  const L = model.card.outputs.labels.length;
  const n = windows.windows.length;
  const out = new Float32Array(n * L);
  for (let start = 0; start < n; start += batchSize) {
    const rows = Math.min(batchSize, n - start);
    const dims = T === 1 ? [rows, F] : [rows, T, F];
    const batch = windows.values.subarray(start * T * F, (start + rows) * T * F);
    const result = await worker.run(INPUT_TENSOR, OUTPUT_TENSOR, batch, dims);
    if (result.data.length !== rows * L) {
      throw new WeftError('INTERNAL', `Model ${model.id} ${model.version} returned ${result.data.length} values for ${rows} windows × ${L} labels`);
    }
    out.set(result.data, start * L);
  }
  return out;
}

/**
 * Scores sessions with a model and stores the predictions: one row per window and label, with a
 * NULL probability for windows that lacked data. In one write transaction the model version's
 * earlier predictions for those sessions are deleted and the new ones appended, so a re-run
 * replaces the old one completely or not at all.
 */
export async function predict(study: Study, model: LoadedModel, options: PredictOptions): Promise<PredictionSummary> {
  const all = options.sessions ?? (await study.db.read(async (conn) => (await conn.all('SELECT session_id FROM sessions ORDER BY session_id')).map((r) => String(r['session_id']))));
  const { allowed, refused } = await affectConsent(study, all);
  const progress = jobProgress(options.events, `Scoring with ${model.id} ${model.version}`, 'steps', 3);
  try {
    const summary = await scoreAndStore(study, model, options, allowed, refused, progress);
    progress.finish(`${summary.windows_scored} windows scored, ${summary.windows_skipped} skipped`);
    return summary;
  } catch (error) {
    progress.fail(error instanceof Error ? error.message : String(error));
    throw error;
  }
}

async function scoreAndStore(study: Study, model: LoadedModel, options: PredictOptions, allowed: string[], refused: ConsentRefusal[], progress: JobProgress): Promise<PredictionSummary> {
  const name = `Model ${model.id} ${model.version}`;
  await progress.step(0, `building windows for ${allowed.length} session${allowed.length === 1 ? '' : 's'}`);
  const t0 = performance.now();
  const windows: FeatureWindows =
    allowed.length === 0
      ? { features: model.card.inputs.features.map((f) => f.name), steps: model.card.inputs.window.steps, windows: [], values: new Float32Array(), total: 0, skipped: {}, skippedWindows: [] }
      : await buildWindows(study, model.card.inputs, { sessions: allowed, model: name });
  const t1 = performance.now();
  let probabilities: Float32Array = new Float32Array();
  await progress.step(1, `scoring ${windows.windows.length} windows`);
  if (windows.windows.length > 0) {
    const worker = await OnnxWorker.open(model.bytes, { file: `${model.dir}/model.onnx` });
    try {
      probabilities = await inferWindows(worker, model, windows, options.batchSize);
    } finally {
      await worker.close();
    }
  }
  const t2 = performance.now();
  await progress.step(2, 'storing the predictions');
  const runId = randomUUID();
  const labels = model.card.outputs.labels.map((l) => l.name);
  const { written, replaced } = await study.db.write(async (conn) => {
    let replacedRows = 0;
    if (allowed.length > 0) {
      const params = { id: model.id, version: model.version };
      const inList = allowed.map((_, i) => `$s${i}`).join(', ');
      const sessionParams = Object.fromEntries(allowed.map((s, i) => [`s${i}`, s]));
      replacedRows = Number(await conn.scalar(`SELECT count(*) FROM weft.predictions WHERE model_id = $id AND model_version = $version AND session_id IN (${inList})`, { ...params, ...sessionParams }));
      await conn.run(`DELETE FROM weft.predictions WHERE model_id = $id AND model_version = $version AND session_id IN (${inList})`, { ...params, ...sessionParams });
    }
    const appender = await TableAppender.open(conn, 'predictions');
    const column = (c: string): number => appender.indexOf(c);
    const at = { session: column('session_id'), run: column('run_id'), id: column('model_id'), version: column('model_version'), sha: column('model_sha256'), label: column('label'), start: column('start_us'), end: column('end_us'), p: column('probability'), created: column('created_at_us') };
    const createdUs = Date.now() * 1000;
    const row = new Array<unknown>(appender.columns.length);
    const put = (session: string, start: number, end: number, label: string, p: number | null): void => {
      row[at.session] = session;
      row[at.run] = runId;
      row[at.id] = model.id;
      row[at.version] = model.version;
      row[at.sha] = model.sha256;
      row[at.label] = label;
      row[at.start] = start;
      row[at.end] = end;
      row[at.p] = p;
      row[at.created] = createdUs;
      appender.append(row);
    };
    let rows = 0;
    try {
      windows.windows.forEach((w, i) => {
        labels.forEach((label, l) => put(w.session_id, w.start_us, w.end_us, label, probabilities[i * labels.length + l] ?? null));
        rows += labels.length;
      });
      for (const w of windows.skippedWindows) {
        for (const label of labels) put(w.session_id, w.start_us, w.end_us, label, null);
        rows += labels.length;
      }
    } finally {
      appender.close();
    }
    await appendAudit(conn, {
      actor: options.actor,
      action: 'model.predict',
      target: `${model.id}@${model.version}`,
      detail: { run_id: runId, model_sha256: model.sha256, sessions: allowed.length, refused: refused.length, windows_scored: windows.windows.length, windows_skipped: windows.skippedWindows.length, rows, replaced: replacedRows },
    });
    return { written: rows, replaced: replacedRows };
  });
  const t3 = performance.now();
  return {
    run_id: runId,
    model_id: model.id,
    model_version: model.version,
    model_sha256: model.sha256,
    labels,
    sessions: allowed,
    refused,
    windows_total: windows.total,
    windows_scored: windows.windows.length,
    windows_skipped: windows.skippedWindows.length,
    skipped: windows.skipped,
    rows_written: written,
    rows_replaced: replaced,
    timings_ms: { windows: t1 - t0, inference: t2 - t1, write: t3 - t2 },
  };
}
