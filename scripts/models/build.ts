/**
 * Rebuilds the models Weft ships into models/ (or --out DIR): the log-based detector trained on
 * ASSISTments 2017 (read from ../shared/realdata), the face literature prior and their fusion.
 * The same data give byte-identical model.onnx and manifest.json files. docs/models.md, "Shipped models".
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildShippedModels, writeShippedModels } from '../../src/backend/models/shipped/build.js';
import { repoRoot } from '../../src/backend/models/shipped/common.js';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const root = values.out ?? join(repoRoot(), 'models');
const started = performance.now();
try {
  const built = await writeShippedModels(root, await buildShippedModels((line) => console.log(line)));
  for (const m of built) console.log(`${m.id} ${m.version}  sha256 ${m.sha256}  ${m.dir}`);
  console.log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(`models:build failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
