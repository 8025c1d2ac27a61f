import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { EXPORTABLE_VIEW_NAMES } from '../../core/api/contract.js';
import { printJson, withStudy, type StudyOptions } from '../context.js';
import { renderTable } from '../output.js';

type View = (typeof EXPORTABLE_VIEW_NAMES)[number];

function views(value: string): View[] {
  const names = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  for (const name of names) {
    if (!(EXPORTABLE_VIEW_NAMES as readonly string[]).includes(name)) throw new InvalidArgumentError(`unknown view "${name}"; one of ${EXPORTABLE_VIEW_NAMES.join(', ')}`);
  }
  return names as View[];
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description("Write the study's data as tidy Parquet or CSV files for R and Python, minimised by the study's policy (pseudonyms, session time, redacted free text, k-anonymous demographics), with a codebook.")
    .requiredOption('--out <dir>', 'a new or empty folder for the files')
    .option('--format <format>', 'parquet or csv', (v) => {
      if (v !== 'parquet' && v !== 'csv') throw new InvalidArgumentError('parquet or csv');
      return v;
    }, 'parquet')
    .option('--views <list>', `comma-separated views (default: all of ${EXPORTABLE_VIEW_NAMES.join(', ')})`, views)
    .action(async (options: { out: string; format: 'parquet' | 'csv'; views?: View[] }, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      await withStudy(global, { readOnly: false }, async (client) => {
        const summary = await client.call('export.create', { out: options.out, format: options.format, ...(options.views === undefined ? {} : { views: options.views }) });
        if (global.json === true) printJson(summary);
        else {
          process.stdout.write(`${renderTable(['file', 'rows'], summary.files.map((f) => [f.file, f.rows]))}\n\n`);
          process.stdout.write(`Exported ${summary.participants} participants to ${summary.out} (export ${summary.export_id}); README.md there describes every column and how the data were minimised.\n`);
        }
      });
    });
}
