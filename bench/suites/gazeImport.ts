import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { TOBII_COLUMNS } from '../../datasets/demo/writers/tobii.js';
import { LineWriter } from '../../datasets/demo/lineWriter.js';
import { Rng } from '../../datasets/demo/random.js';
import { createClient } from '../../src/core/api/client.js';
import { createInProcessTransport } from '../../src/core/api/inProcess.js';
import { Workspace } from '../../src/backend/workspace.js';
import { compare, medianMs, type Suite } from '../harness.js';

const RATE_HZ = 120;
const SAMPLES = 3600 * RATE_HZ;
const WIDTH = 1280;
const HEIGHT = 1024;
const TAB = 0x09;
const LOST = 4;

const PREAMBLE = [
  'System Properties:',
  'Operating System:\t Microsoft Windows NT 6.2.9200.0',
  'System User Name:\t eyelab',
  'Machine Name:\t BENCH-ET01',
  '',
  'Data properties:',
  '',
  'Recording name:\t Rec 01',
  'Recording date:\t 10/26/2026',
  'Recording time:\t 9:58:12 AM',
  `Recording resolution:\t ${WIDTH} x ${HEIGHT}`,
  '',
  'Export date:\t 10/26/2026',
  'Export time:\t 10:05:41 AM',
  '',
  'Participant:\t B01',
  'Participant properties:',
  '',
  'Filter settings:',
  '',
  'Eye: Average',
  'Validity: Normal',
  'Fixation filter: Tobii fixation filter',
  'Fixation radius: 35',
  '',
];

export interface GeneratedGaze {
  readonly path: string;
  /** Lines before the column header, for read_csv's skip. */
  readonly preambleLines: number;
  readonly samples: number;
  readonly events: number;
}

/**
 * An hour of 120 Hz gaze in Tobii Studio's All-Data layout (the 41 columns of the demo writer),
 * generated deterministically: fixations of 150–450 ms joined by 30 ms saccades, 3% of samples
 * with one or both eyes lost (Tobii's -1280/-1024/-1 sentinels), and a LogData event every 5 s.
 */
export async function writeGazeHour(path: string, seed = 7): Promise<GeneratedGaze> {
  const rng = new Rng(`gaze-bench-${seed}`);
  const out = new LineWriter(path);
  for (const line of PREAMBLE) await out.meta(line);
  await out.meta(`${TOBII_COLUMNS.join('\t')}\t`);
  const periodUs = 1e6 / RATE_HZ;
  const saccadeSamples = Math.round(0.03 * RATE_HZ);
  let fixation = 0;
  let position = 0;
  let runLength = 0;
  let fx = WIDTH / 2;
  let fy = HEIGHT / 2;
  let events = 0;
  const media = `\t\t\t\t\t\tScreenRec\t0\t${WIDTH}\t${HEIGHT}\t0\t0\t`;
  const lostEye = `-${WIDTH}\t-${HEIGHT}\t-1\t-1\t-1\t-1\t${LOST}\t`;
  for (let k = 0; k < SAMPLES; k++) {
    const us = Math.round(k * periodUs);
    const ms = Math.round(us / 1000);
    if (position === runLength + saccadeSamples || k === 0) {
      fixation += 1;
      position = 0;
      runLength = rng.int(Math.round(0.15 * RATE_HZ), Math.round(0.45 * RATE_HZ));
      fx = rng.range(40, WIDTH - 40);
      fy = rng.range(40, HEIGHT - 40);
    }
    const inFixation = position < runLength;
    position += 1;
    if (k % (5 * RATE_HZ) === 0) {
      await out.row(`${ms}\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\tLogData\t0\tMarker\t${events}\tmarker-${events}\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t`);
      events += 1;
    }
    const lost = rng.chance(0.03) ? rng.int(1, 3) : 0;
    out.int(ms);
    out.byte(TAB);
    out.put('10:00:00.000\t00:00:00.000\t');
    out.int(k + 1);
    out.byte(TAB);
    const x = fx + rng.normal(0, 6);
    const y = fy + rng.normal(0, 6);
    for (let side = 0; side < 2; side++) {
      if ((lost & (side + 1)) !== 0) {
        out.put(lostEye);
        continue;
      }
      out.int(x + (side === 0 ? -4 : 4));
      out.byte(TAB);
      out.int(y);
      out.put('\t0.441\t0.532\t');
      out.fixed(612 + rng.normal(0, 1), 1);
      out.byte(TAB);
      out.fixed(3.2 + rng.normal(0, 0.05), 2);
      out.put('\t0\t');
    }
    if (inFixation && lost !== 3) out.int(fixation);
    out.byte(TAB);
    out.int(lost === 3 ? -WIDTH : x);
    out.byte(TAB);
    out.int(lost === 3 ? -HEIGHT : y);
    out.put(media);
    if (inFixation && lost !== 3) {
      out.int(fx);
      out.byte(TAB);
      out.int(fy);
      out.byte(TAB);
      out.int(Math.round((runLength * 1000) / RATE_HZ));
      out.byte(TAB);
    } else {
      out.put('\t\t\t');
    }
    out.put('\t\t\t');
    out.int(x);
    out.byte(TAB);
    out.int(y);
    out.byte(TAB);
    out.int(us);
    out.byte(TAB);
    out.int(1_000_000_000 + us);
    out.byte(TAB);
    out.endRow();
    await out.maybeFlush();
  }
  await out.close();
  return { path, preambleLines: PREAMBLE.length, samples: SAMPLES, events };
}

/** Fresh study with the secondary-data basis (no consent records needed), for one timed import. */
async function importOnce(dir: string, path: string): Promise<void> {
  const workspace = await Workspace.create(dir, { name: 'gaze bench', actor: 'bench', timeZone: 'America/New_York', dataBasis: { kind: 'secondary_data', terms: 'benchmark data' } });
  try {
    const client = createClient(createInProcessTransport(workspace.handlers, workspace.hub, 'bench'));
    await client.call('session.import', { files: [path] });
  } finally {
    await workspace.close();
  }
}

async function readCsvOnce(dbPath: string, file: GeneratedGaze): Promise<void> {
  const instance = await DuckDBInstance.create(dbPath);
  const conn = await instance.connect();
  try {
    await conn.run(`CREATE TABLE samples AS SELECT * FROM read_csv('${file.path}', skip = ${file.preambleLines}, delim = '\t', header = true, quote = '')`);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/**
 * Rows per second of `weft import` of an hour of 120 Hz Tobii Studio All-Data (432,000 samples)
 * against DuckDB's own read_csv of the same file into a table, in the same run.
 */
export function gazeImportSuite(workDir: string): Suite {
  return {
    name: 'gazeImport',
    async run(report) {
      const file = await writeGazeHour(join(workDir, 'tobii-all-data-hour.tsv'));
      const rows = file.samples + file.events;
      let n = 0;
      const duck = await medianMs(() => readCsvOnce(join(workDir, `read-csv-${n++}.duckdb`), file), 3, 1);
      const weft = await medianMs(() => importOnce(join(workDir, `study-${n++}`), file.path), 3, 1);
      const duckRate = rows / (duck / 1000);
      report(compare('gazeImport', 'weft import, Tobii All-Data 120 Hz hour', rows / (weft / 1000), 'rows/s', { name: "DuckDB read_csv of the same file", value: duckRate }, `${rows} rows; weft also rebuilds fixations, checks every value and writes gaze, fixation and event rows; ratio above 0.5 is within 2x`));
    },
  };
}
