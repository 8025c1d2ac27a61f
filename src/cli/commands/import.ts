import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { ImportSummary } from '../../core/api/schemas.js';
import { importSummaryRows, refusals, type Refusals } from '../../core/api/importSummaryView.js';
import { formatLocation } from '../../core/errors.js';
import { printJson, withStudy, type StudyOptions } from '../context.js';
import { renderTable } from '../output.js';
import { renderErasure } from './erasure.js';
import { formatCount } from '../progress.js';

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError('expected a number of seconds');
  return n;
}

/** Refused rows shown at most this many lines, one per participant and kind of data; --json lists every one. */
const REFUSED_LINES = 20;

/** What the consent gate kept out, a line per participant and kind of data, with how to let it in. */
function renderRefused(refused: Refusals): string[] {
  const lines = [`Not stored, for lack of consent: ${formatCount(refused.rows)} rows of ${formatCount(refused.participants)} participant${refused.participants === 1 ? '' : 's'}:`];
  for (const g of refused.groups.slice(0, REFUSED_LINES)) lines.push(`  ${g.participant}${g.sessions}: ${g.kind}, ${formatCount(g.rows)} rows (${g.reason})`);
  if (refused.groups.length > REFUSED_LINES) lines.push(`  … and ${formatCount(refused.groups.length - REFUSED_LINES)} more (--json lists every one)`);
  if (refused.consentMissing) {
    lines.push(
      'Consent is recorded with `weft consent import` (a REDCap export) or `weft consent record`; then import the file again. A study of an existing data set, with no consent per participant, is created with `weft init --secondary-data TERMS`.',
    );
  }
  if (refused.recordsRefused) lines.push('Refused annotations and demographics are not read again from a file imported before: only its streams are.');
  return lines;
}

export function renderImportSummary(summary: ImportSummary): string {
  const lines: string[] = [];
  const rows = importSummaryRows(summary).map((r) => [r.file, r.format, r.who, r.stream, r.rows, r.span]);
  lines.push(rows.length === 0 ? 'Nothing stored.' : renderTable(['file', 'format', 'participant / session', 'stream', 'rows', 'time span'], rows));
  const refused = refusals(summary.files);
  if (refused.groups.length > 0) lines.push('', ...renderRefused(refused));
  const warnings = summary.files.flatMap((f) => f.warnings);
  if (warnings.length > 0) {
    lines.push('');
    lines.push('Warnings:');
    for (const w of warnings) lines.push(`  ${w.location === undefined ? '' : `${formatLocation(w.location)}: `}${w.message}`);
  }
  if (summary.erasures.length > 0) {
    lines.push('');
    lines.push('Withdrawn from the study by this import, and erased:');
    for (const erasure of summary.erasures) lines.push(renderErasure(erasure));
  }
  const imported = summary.files.filter((f) => f.status === 'imported').length;
  const duplicates = summary.files.length - imported;
  lines.push('');
  const skipped = duplicates > 0 ? `; ${duplicates} already in the study, skipped` : '';
  lines.push(
    summary.dry_run
      ? `Dry run: ${imported} file${imported === 1 ? '' : 's'} (${formatCount(summary.rows)} rows) would be imported${skipped}. Nothing was stored.`
      : `Imported ${imported} file${imported === 1 ? '' : 's'} (${formatCount(summary.rows)} rows)${skipped}.`,
  );
  return lines.join('\n');
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('Import recordings, tutor logs, eye tracking, annotations and consent files. Formats are detected from contents. All files land, or none.')
    .argument('[files...]', 'files to import')
    .option('--manifest <file>', 'CSV mapping files to participants, sessions and clocks (docs/formats.md)')
    .option('--format <format>', 'skip detection and read every file given as this format')
    .option('--participant <id>', 'participant the files belong to, when they do not say')
    .option('--session <id>', 'session the files belong to, when they do not say')
    .option('--variant <name>', 'lesson variant of the session')
    .option('--lesson <name>', 'lesson the session covered')
    .option('--session-start <instant>', 'ISO-8601 instant of session time 0 (e.g. 2026-03-02T14:05:00Z)')
    .option('--clock-offset <seconds>', 'session time, in seconds, of time 0 on the files\' own clock', seconds)
    .option('--dry-run', 'read and check everything and print the summary, storing nothing')
    .action(async (files: string[], options: { manifest?: string; format?: string; participant?: string; session?: string; variant?: string; lesson?: string; sessionStart?: string; clockOffset?: number; dryRun?: boolean }, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      await withStudy(global, { readOnly: false }, async (client) => {
        const summary = await client.call('session.import', {
          files,
          ...(options.manifest === undefined ? {} : { manifest: options.manifest }),
          ...(options.format === undefined ? {} : { format: options.format }),
          ...(options.participant === undefined ? {} : { participant_id: options.participant }),
          ...(options.session === undefined ? {} : { session_id: options.session }),
          ...(options.variant === undefined ? {} : { variant: options.variant }),
          ...(options.lesson === undefined ? {} : { lesson: options.lesson }),
          ...(options.sessionStart === undefined ? {} : { session_start: options.sessionStart }),
          ...(options.clockOffset === undefined ? {} : { clock_offset_s: options.clockOffset }),
          dry_run: options.dryRun === true,
        });
        if (global.json === true) printJson(summary);
        else process.stdout.write(`${renderImportSummary(summary)}\n`);
      });
    });
}
