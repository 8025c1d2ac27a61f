import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ModelCard } from '../../../core/models/card.js';
import { registerModel } from '../registry.js';
import { buildFacePrior, type ShippedBuild } from './facePrior.js';
import { buildFusion } from './fusion.js';
import { actionRows, buildLogAffect, withAssistmentsStudy } from './logAffect.js';

export interface BuiltModel {
  readonly id: string;
  readonly version: string;
  readonly dir: string;
  readonly sha256: string;
  readonly card: ModelCard;
}

/** The three shipped models, built in memory: log model (trained), face prior, fusion of the two. */
export async function buildShippedModels(log: (line: string) => void = () => undefined): Promise<ShippedBuild[]> {
  log('log-affect: importing ASSISTments 2017 and training (student-grouped cross-validation, final fit)');
  const rows = await withAssistmentsStudy(actionRows);
  const logModel = await buildLogAffect(rows);
  log('face-affect-prior: literature weights, sanity check on the iMotions v6 export');
  const face = await buildFacePrior();
  log('fusion-affect: sum of the two logits');
  const fusion = buildFusion(logModel.bytes);
  return [{ card: logModel.card, bytes: logModel.bytes }, face, fusion];
}

/**
 * Writes built models into `root` as <id>/<version>/: each is registered (hash, card, tensors
 * checked) in a staging folder, then replaces any earlier copy of the same version by renames.
 */
export async function writeShippedModels(root: string, models: readonly ShippedBuild[]): Promise<BuiltModel[]> {
  const target = resolve(root);
  const staging = join(target, `.staging-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const out: BuiltModel[] = [];
  try {
    const loaded = [];
    for (const m of models) loaded.push(await registerModel(staging, m.card, m.bytes));
    for (const m of loaded) {
      const dir = join(target, m.id, m.version);
      await mkdir(join(target, m.id), { recursive: true });
      const old = join(target, m.id, `.${m.version}.old-${process.pid}`);
      if (existsSync(dir)) await rename(dir, old);
      await rename(m.dir, dir);
      await rm(old, { recursive: true, force: true });
      out.push({ id: m.id, version: m.version, dir, sha256: m.sha256, card: m.card });
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return out;
}
