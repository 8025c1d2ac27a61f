import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DATASHOP_COLUMNS, KC_COLUMNS_PER_STEP } from '../../datasets/demo/writers/datashop.js';
import { LineWriter } from '../../datasets/demo/lineWriter.js';
import { Rng } from '../../datasets/demo/random.js';
import { EventHub } from '../../src/core/api/events.js';
import { runImport } from '../../src/backend/import/job.js';
import { Workspace } from '../../src/backend/workspace.js';
import { compare, type Suite } from '../harness.js';

export const LOG_BENCH_TRANSACTIONS = 100_000;
const STUDENTS = 50;
const RUNS = 3;

const p2 = (n: number): string => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:MM:SS` of a UTC millisecond instant, as DataShop writes wall-clock time. */
function wallClock(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/**
 * Writes `count` DataShop transactions in the demo study's export layout (the real export's
 * columns, repeated KC pairs, CF columns), deterministically: students in turn, each in one
 * session of attempts and hint requests a few seconds apart.
 */
export async function writeDatashopBenchFile(path: string, count: number): Promise<number> {
  const rng = Rng.stream(20_260_302, 'log-bench');
  const out = new LineWriter(path);
  await out.meta(DATASHOP_COLUMNS.join('\t'));
  const perStudent = Math.ceil(count / STUDENTS);
  const kcNames = ['add-fractions', 'common-denominator', 'simplify', 'equivalent-fractions', 'compare-fractions'];
  let row = 0;
  for (let s = 0; s < STUDENTS && row < count; s += 1) {
    const student = `Stu_${(s * 7919).toString(16).padStart(8, '0')}`;
    const session = `S${String(s + 1).padStart(3, '0')}-2026-03-02`;
    let ms = Date.UTC(2026, 2, 2, 14, 0, 0) + s * 3_600_000;
    let attemptAtStep = 0;
    let problem = 0;
    let step = 0;
    for (let k = 0; k < perStudent && row < count; k += 1) {
      row += 1;
      const gap = 2 + Math.floor(rng.uniform() * 20);
      ms += gap * 1000;
      const hint = rng.uniform() < 0.15;
      const correct = !hint && rng.uniform() < 0.65;
      attemptAtStep += 1;
      const problemName = `FRAC-${1 + problem}`;
      const stepName = `step${1 + step}`;
      const kcs: string[] = [];
      for (let c = 0; c < KC_COLUMNS_PER_STEP; c += 1) kcs.push(c === 0 || step % 2 === 1 ? (kcNames[(problem + step + c) % kcNames.length] ?? '') : '', '');
      const fields = [
        String(row), 'All Data', `tx${row.toString(16).padStart(12, '0')}`, student, session, wallClock(ms), 'US/Eastern', String(gap),
        hint ? 'HINT_REQUEST' : 'ATTEMPT', '', hint ? 'HINT_MSG' : 'RESULT', '',
        'Fractions', `Section ${1 + (problem % 3)}`, problemName, '1', wallClock(ms - gap * 1000), stepName,
        String(attemptAtStep), correct || hint ? '0' : '1', hint ? 'HINT' : correct ? 'CORRECT' : 'INCORRECT', `answer${step}`, hint ? 'ButtonPressed' : 'UpdateTextField', hint ? '-1' : `${3 + step}/4`,
        hint ? 'Find a common denominator first.' : correct ? '' : 'Check the denominator.', '', hint ? String(attemptAtStep) : '', hint ? '3' : '',
        s % 2 === 0 ? 'worked-examples' : 'problem-solving', 'experimental',
        ...kcs,
        'Single-KC', '', `KC${problem * 4 + step}`, '',
        'Pine Ridge Middle School', `Class ${1 + (s % 4)}`, `x/${problem + 2}`, (0.3 + (problem % 5) / 10).toFixed(2),
      ];
      await out.row(fields.join('\t'));
      if (correct) {
        attemptAtStep = 0;
        step += 1;
        if (step === 4) {
          step = 0;
          problem += 1;
        }
      }
    }
  }
  await out.close();
  return out.rows;
}

async function weftImportMs(workDir: string, file: string, run: number): Promise<number> {
  const dir = join(workDir, `log-study-${run}`);
  const workspace = await Workspace.create(dir, { name: 'log bench', actor: 'bench', timeZone: 'America/New_York', dataBasis: { kind: 'secondary_data', terms: 'benchmark data' } });
  try {
    const start = performance.now();
    const summary = await runImport(workspace.study, { files: [file], actor: 'bench', events: new EventHub() });
    const ms = performance.now() - start;
    const rows = summary.files[0]?.streams.reduce((n, s) => n + s.rows, 0);
    if (rows !== LOG_BENCH_TRANSACTIONS) throw new Error(`weft imported ${String(rows)} transactions, expected ${LOG_BENCH_TRANSACTIONS}`);
    return ms;
  } finally {
    await workspace.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** read_csv of the file into a table, in memory or (dbPath) in a database file as Weft's study is. */
async function duckdbReadCsvMs(file: string, dbPath = ':memory:'): Promise<number> {
  if (dbPath !== ':memory:') await rm(dbPath, { force: true });
  const instance = await DuckDBInstance.create(dbPath);
  const conn = await instance.connect();
  try {
    const start = performance.now();
    await conn.run(`CREATE TABLE t AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}', delim = '\t', header = true)`);
    const ms = performance.now() - start;
    const reader = await conn.runAndReadAll('SELECT count(*) FROM t');
    const rows = Number(reader.getRows()[0]?.[0]);
    if (rows !== LOG_BENCH_TRANSACTIONS) throw new Error(`read_csv read ${rows} rows, expected ${LOG_BENCH_TRANSACTIONS}`);
    return ms;
  } finally {
    conn.closeSync();
    instance.closeSync();
    if (dbPath !== ':memory:') await rm(dbPath, { force: true });
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/**
 * Importing 100,000 DataShop transactions through Weft's datashop-tx importer (parse, consent
 * gate, sessions, one transaction) against DuckDB's own `read_csv` of the same file into a
 * table, in the same run. Both are timed end to end; Weft also creates sessions and streams.
 */
export function logImportSuite(workDir: string): Suite {
  return {
    name: 'logImport',
    async run(report) {
      await mkdir(workDir, { recursive: true });
      const file = join(workDir, 'datashop-100k.txt');
      await writeDatashopBenchFile(file, LOG_BENCH_TRANSACTIONS);
      const dbFile = join(workDir, 'read-csv.duckdb');
      await duckdbReadCsvMs(file);
      const duck: number[] = [];
      const duckFile: number[] = [];
      const weft: number[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        duck.push(await duckdbReadCsvMs(file));
        duckFile.push(await duckdbReadCsvMs(file, dbFile));
        weft.push(await weftImportMs(workDir, file, run));
      }
      const rowsPerSecond = (ms: number): number => LOG_BENCH_TRANSACTIONS / (ms / 1000);
      const note = (baseline: number[]): string => `median of ${RUNS} runs; Weft: ${median(weft).toFixed(0)} ms, read_csv: ${median(baseline).toFixed(0)} ms`;
      report(
        compare(
          'logImport',
          'DataShop tx import, 100k rows',
          rowsPerSecond(median(weft)),
          'rows/s',
          { name: 'DuckDB read_csv of the same file', value: rowsPerSecond(median(duck)) },
          `${note(duck)}; read_csv into an in-memory database`,
        ),
      );
      // Weft's rows land in a study file; this baseline also writes its table to a file, as the gaze suite's does.
      report(
        compare(
          'logImport',
          'DataShop tx import, 100k rows (file baseline)',
          rowsPerSecond(median(weft)),
          'rows/s',
          { name: 'DuckDB read_csv into a database file', value: rowsPerSecond(median(duckFile)) },
          `${note(duckFile)}; read_csv into a database file`,
        ),
      );
    },
  };
}
