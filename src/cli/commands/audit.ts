import type { Command } from 'commander';
import { printJson, withStudy, type StudyOptions } from '../context.js';
import { renderTable } from '../output.js';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('The hash-chained audit log.');

  audit
    .command('verify')
    .description('Recompute the chain; report every edited, deleted or reordered entry and where. Exits 1 when the chain is broken.')
    .action(async (_options: unknown, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      await withStudy(global, { readOnly: true }, async (client) => {
        const result = await client.call('audit.verify', {});
        if (global.json === true) printJson(result);
        else if (result.intact) process.stdout.write(`The audit log is intact: ${result.entries} entries, each linked to the one before.\n`);
        else process.stdout.write(`The audit log has been tampered with:\n${result.breaks.map((b) => `  entry ${b.seq}: ${b.message}`).join('\n')}\n`);
        if (!result.intact) process.exitCode = 1;
      });
    });

  audit
    .command('list')
    .description('Audit entries, oldest first.')
    .option('--after <seq>', 'only entries after this sequence number', (v) => Number(v), 0)
    .option('--limit <n>', 'at most this many entries', (v) => Number(v), 500)
    .action(async (options: { after: number; limit: number }, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      await withStudy(global, { readOnly: true }, async (client) => {
        const entries = await client.call('audit.list', { after_seq: options.after, limit: options.limit });
        if (global.json === true) printJson(entries);
        else process.stdout.write(`${renderTable(['seq', 'at', 'actor', 'action', 'target', 'detail'], entries.map((e) => [e.seq, e.at, e.actor, e.action, e.target, e.detail]), 60)}\n`);
      });
    });
}
