// npm run bench: every suite reports measurements as ratios against a baseline taken in the
// same run on the same machine, so numbers from different machines stay comparable.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { buildDemoStudy } from '../src/cli/demo.js';
import type { Measurement, Suite } from './harness.js';
import { faceImportSuite } from './suites/faceImport.js';
import { foundationSuite } from './suites/foundation.js';

function format(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(3);
}

const root = await mkdtemp(join(tmpdir(), 'weft-bench-'));
const measurements: Measurement[] = [];
try {
  const studyDir = join(root, 'demo');
  process.stderr.write('Building the demo study for the benchmarks …\n');
  const build = await buildDemoStudy(studyDir, { actor: 'bench' });
  await build.workspace.close();

  const suites: Suite[] = [foundationSuite(studyDir), faceImportSuite(join(root, 'face-import'))];
  for (const suite of suites) {
    process.stderr.write(`${suite.name} …\n`);
    await suite.run((m) => {
      measurements.push(m);
      const ratio = m.ratio === null ? '' : `  ×${format(m.ratio)} vs ${m.baseline?.name} (${format(m.baseline?.value ?? 0)} ${m.unit})`;
      process.stdout.write(`${m.suite.padEnd(12)} ${m.name.padEnd(44)} ${format(m.value).padStart(9)} ${m.unit}${ratio}\n`);
    });
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

await mkdir('bench-results', { recursive: true });
await writeFile(
  'bench-results/latest.json',
  `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: cpus().length, memory_bytes: totalmem(), measurements }, null, 2)}\n`,
);
process.stderr.write('Written to bench-results/latest.json\n');
