// npm run bench: every suite reports measurements as ratios against a baseline taken in the
// same run on the same machine, so numbers from different machines stay comparable.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { buildDemoStudy } from '../src/cli/demo.js';
import type { Measurement, Suite } from './harness.js';
import { faceExtractionSuite } from './suites/faceExtraction.js';
import { faceImportSuite } from './suites/faceImport.js';
import { foundationSuite } from './suites/foundation.js';
import { gazeImportSuite } from './suites/gazeImport.js';
import { logImportSuite } from './suites/logImport.js';
import { mediaClockSuite } from './suites/mediaClock.js';
import { modelsSuite } from './suites/models.js';

function format(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(3);
}

// npm run bench -- models gaze-import: only the suites named.
const only = process.argv.slice(2);
const root = await mkdtemp(join(tmpdir(), 'weft-bench-'));
const measurements: Measurement[] = [];
try {
  const studyDir = join(root, 'demo');
  process.stderr.write('Building the demo study for the benchmarks …\n');
  const build = await buildDemoStudy(studyDir, { actor: 'bench' });
  await build.workspace.close();

  const scratch = async (name: string): Promise<string> => {
    const dir = join(root, name);
    await mkdir(dir, { recursive: true });
    return dir;
  };
  const suites: Suite[] = [
    foundationSuite(studyDir),
    faceImportSuite(await scratch('face-import')),
    faceExtractionSuite(await scratch('face-extraction')),
    gazeImportSuite(await scratch('gaze-import')),
    logImportSuite(await scratch('log-import')),
    mediaClockSuite(await scratch('media-clock')),
    modelsSuite(await scratch('models')),
  ];
  const unknown = only.filter((name) => !suites.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`No benchmark suite named ${unknown.join(', ')}; the suites are ${suites.map((s) => s.name).join(', ')}`);
  for (const suite of suites.filter((s) => only.length === 0 || only.includes(s.name))) {
    process.stderr.write(`${suite.name} …\n`);
    await suite.run((m) => {
      measurements.push(m);
      const ratio = m.ratio === null ? '' : `  ×${format(m.ratio)} vs ${m.baseline?.name} (${format(m.baseline?.value ?? 0)} ${m.unit})`;
      process.stdout.write(`${m.suite.padEnd(15)} ${m.name.padEnd(44)} ${format(m.value).padStart(9)} ${m.unit}${ratio}\n`);
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
