import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { printJson, withStudy, type StudyOptions } from '../context.js';
import { renderCsv, renderTable } from '../output.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

export function registerSql(program: Command): void {
  program
    .command('sql')
    .description('Run one read-only SELECT over the study\'s views (see docs/schema.md). Writes are refused.')
    .argument('<query>', 'a SELECT statement, e.g. "SELECT variant, count(*) FROM sessions GROUP BY 1"')
    .option('--csv', 'print CSV instead of a table')
    .option('--max-rows <n>', 'stop after this many rows', positiveInt, 10_000)
    .action(async (query: string, options: { csv?: boolean; maxRows: number }, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      await withStudy(global, { readOnly: true }, async (client) => {
        const result = await client.call('sql.query', { sql: query, max_rows: options.maxRows });
        const headers = result.columns.map((c) => c.name);
        if (global.json === true) {
          printJson({ ...result, rows: result.rows.map((row) => Object.fromEntries(headers.map((h, i) => [h, row[i]]))) });
        } else if (options.csv === true) {
          process.stdout.write(renderCsv(headers, result.rows));
        } else {
          process.stdout.write(`${renderTable(headers, result.rows)}\n`);
          process.stderr.write(`${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${result.truncated ? ` (stopped at --max-rows ${options.maxRows})` : ''}\n`);
        }
      });
    });
}
