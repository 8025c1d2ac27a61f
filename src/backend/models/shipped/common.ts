import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createClient, type WeftClient } from '../../../core/api/client.js';
import { createInProcessTransport } from '../../../core/api/inProcess.js';
import { WeftError } from '../../../core/errors.js';
import { ONNX_IR_VERSION, ONNX_OPSET, type EvaluationEntry, type ModelCardInput } from '../../../core/models/card.js';
import type { ReferenceReport } from '../../../core/stats/referenceReport.js';
import { Workspace } from '../../workspace.js';
import { shippedModelsDir } from '../registry.js';

/**
 * The shipped models' version and the date their cards carry. The date is that of this
 * definition, never the build's clock: rebuilding from the same data gives the same bytes.
 */
export const SHIPPED_VERSION = '1.0.0';
export const SHIPPED_DATE = '2026-11-24';
export const BUILD_SCRIPT = 'npm run models:build (scripts/models/build.ts)';
export const ACTOR = 'models:build';

export const BROMP_OUTPUTS = [
  { name: 'confusion', description: 'Probability that the learner is confused in the window.' },
  { name: 'frustration', description: 'Probability that the learner is frustrated in the window.' },
] as const;

/** The repository (or installed package) root: the folder holding package.json and models/. */
export const repoRoot = (): string => dirname(shippedModelsDir());

/** ../shared beside the repository (WEFT_SHARED overrides, as for the tests). */
export function sharedDir(): string {
  return resolve(process.env['WEFT_SHARED'] ?? join(repoRoot(), '..', 'shared'));
}

/** A real-data file the build reads; a clear error when the shared folder does not hold it. */
export function realDataFile(...parts: string[]): string {
  const path = join(sharedDir(), 'realdata', ...parts);
  if (!existsSync(path)) {
    throw new WeftError('NOT_FOUND', `${path} is absent: the shipped models are rebuilt from the public data in ../shared/realdata beside the repository (set WEFT_SHARED to another copy)`, {
      location: { file: path },
    });
  }
  return path;
}

export function producer(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  return `weft ${String(pkg.version)}`;
}

export function provenance(): ModelCardInput['provenance'] {
  return { script: BUILD_SCRIPT, created_at: SHIPPED_DATE, producer: producer(), ir_version: ONNX_IR_VERSION, opset: ONNX_OPSET };
}

export interface ScratchStudy {
  readonly workspace: Workspace;
  readonly client: WeftClient;
  close(): Promise<void>;
}

/** A temporary study holding public data under its stated terms; close() deletes it. */
export async function scratchStudy(name: string, terms: string): Promise<ScratchStudy> {
  const root = await mkdtemp(join(tmpdir(), 'weft-shipped-'));
  try {
    const workspace = await Workspace.create(join(root, 'study'), { name, actor: ACTOR, timeZone: 'UTC', dataBasis: { kind: 'secondary_data', terms } });
    const client = createClient(createInProcessTransport(workspace.handlers, workspace.hub, ACTOR));
    return {
      workspace,
      client,
      close: async () => {
        await workspace.close();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

const round = (v: number | null, digits = 4): number | null => (v === null || !Number.isFinite(v) ? null : Number(v.toFixed(digits)));
const estimate = (e: { value: number | null; lower: number | null; upper: number | null }) => ({ value: round(e.value), lower: round(e.lower), upper: round(e.upper) });

/**
 * A reference comparison (core/stats/referenceReport.ts) as a card's evaluation entry, rounded to
 * 4 decimals; RMSE only when the reference is a probability.
 */
export function referenceEntry(
  report: ReferenceReport,
  entry: { method: string; description: string; data_set: string; output: string },
  options: { rmse: boolean } = { rmse: true },
): EvaluationEntry {
  const shuffled = report.baselines.shuffled_reference;
  const constant = report.baselines.constant_mean;
  return {
    ...entry,
    date: SHIPPED_DATE,
    n: report.n,
    participants: report.participants,
    positives: report.positives,
    metrics: {
      spearman: estimate(report.overall.spearman),
      ...(options.rmse ? { rmse: estimate(report.overall.rmse) } : {}),
      auc: estimate(report.overall.auc),
      reference_threshold: { value: round(report.threshold, 6), lower: null, upper: null },
    },
    baselines: {
      constant_mean: { ...(options.rmse ? { rmse: round(constant.rmse) } : {}), auc: round(constant.auc) },
      shuffled_reference: { spearman: round(shuffled.spearman.mean), auc: round(shuffled.auc.mean) },
    },
    interval: `${Math.round(report.method.level * 100)}% ${report.method.interval}, ${report.method.resamples} resamples (seed ${report.method.seed})`,
  };
}
