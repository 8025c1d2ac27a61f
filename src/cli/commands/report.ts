import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { printPdf } from '../../backend/browser/chromium.js';
import { printJson, withStudy, type StudyOptions } from '../context.js';

export function registerReport(program: Command): void {
  const report = program.command('report').description("Reports: the ethics reviewer's one-page report, and its sign-off.");

  report
    .command('ethics')
    .description('Write the ethics review (fields collected, consented and used; consent coverage; minimization; retention; erasures; audit integrity) as HTML, and as PDF printed by Chromium.')
    .option('--out <file>', 'the HTML file', 'ethics-report.html')
    .option('--pdf <file>', 'also print it to this PDF')
    .action(async (options: { out: string; pdf?: string }, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      await withStudy(global, { readOnly: true }, async (client) => {
        const result = await client.call('report.ethics', {});
        const out = resolve(options.out);
        await writeFile(out, result.html);
        if (options.pdf !== undefined) await printPdf(result.html, resolve(options.pdf));
        if (global.json === true) printJson({ html: out, pdf: options.pdf === undefined ? null : resolve(options.pdf), sha256: result.sha256 });
        else {
          process.stdout.write(`Wrote ${out}${options.pdf === undefined ? '' : ` and ${resolve(options.pdf)}`} (sha256 ${result.sha256}).\n`);
          process.stdout.write(`A reviewer signs it off with: weft report signoff --report ${options.out} --reviewer "Name" --comment "..."\n`);
        }
      });
    });

  report
    .command('signoff')
    .description('Sign off the report you reviewed (the HTML file weft report ethics wrote), with a comment; audited.')
    .requiredOption('--report <file>', 'the report HTML you reviewed')
    .requiredOption('--reviewer <name>', 'who signs off')
    .requiredOption('--comment <text>', 'the reviewer\'s comment')
    .action(async (options: { report: string; reviewer: string; comment: string }, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      const sha256 = createHash('sha256').update(await readFile(resolve(options.report))).digest('hex');
      await withStudy(global, { readOnly: false }, async (client) => {
        const signoff = await client.call('report.signoff', { reviewer: options.reviewer, comment: options.comment, report_sha256: sha256 });
        if (global.json === true) printJson(signoff);
        else process.stdout.write(`Signed off by ${signoff.reviewer} at ${signoff.at} (report ${sha256.slice(0, 12)}…).\n`);
      });
    });
}
