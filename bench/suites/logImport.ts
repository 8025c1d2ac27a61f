import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeDatashopTransactions } from '../../datasets/demo/writers/datashopTransactions.js';
import { EventHub } from '../../src/core/api/events.js';
import { runImport } from '../../src/backend/import/job.js';
import { Workspace } from '../../src/backend/workspace.js';
import { compare, type Suite } from '../harness.js';

export const LOG_BENCH_TRANSACTIONS = 100_000;
const RUNS = 5;

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
      await writeDatashopTransactions(file, LOG_BENCH_TRANSACTIONS);
      const dbFile = join(workDir, 'read-csv.duckdb');
      // One run of each first, untimed: both sides then start with their code loaded and compiled.
      await duckdbReadCsvMs(file);
      await weftImportMs(workDir, file, -1);
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
