import type { Command } from 'commander';
import { printJson, withStudy, type StudyOptions } from '../context.js';
import { renderTable } from '../output.js';

export function registerRetention(program: Command): void {
  const retention = program.command('retention').description('Retention of data: consent expiry, retention periods per modality and per field.');
  retention
    .command('enforce')
    .description('Delete what the study may no longer keep, and say what went (audited). --dry-run only reports.')
    .option('--dry-run', 'report what would be deleted, delete nothing')
    .option('--as-of <instant>', 'evaluate as of this ISO-8601 instant instead of now')
    .action(async (options: { dryRun?: boolean; asOf?: string }, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      await withStudy(global, { readOnly: options.dryRun === true }, async (client) => {
        const report = await client.call('retention.enforce', { dry_run: options.dryRun === true, ...(options.asOf === undefined ? {} : { as_of: options.asOf }) });
        if (global.json === true) printJson(report);
        else if (report.actions.every((a) => a.rows === 0)) process.stdout.write('Nothing is past its retention: nothing to delete.\n');
        else {
          process.stdout.write(
            `${renderTable(['participant', 'why', 'modality or field', 'sessions', report.dry_run ? 'rows that would go' : 'rows deleted'], report.actions.filter((a) => a.rows > 0).map((a) => [a.participant_ref, a.reason, a.modality ?? a.field ?? '', a.sessions, a.rows]))}\n`,
          );
        }
      });
    });
}
