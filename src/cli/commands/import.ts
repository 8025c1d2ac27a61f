import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { ImportSummary } from '../../core/api/schemas.js';
import { MODALITY_LABELS } from '../../core/study/modalities.js';
import { formatLocation } from '../../core/errors.js';
import { printJson, withStudy, type StudyOptions } from '../context.js';
import { formatSpan, renderTable } from '../output.js';
import { renderErasure } from './erasure.js';
import { formatCount } from '../progress.js';

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError('expected a number of seconds');
  return n;
}

function spanOf(streams: readonly { start_us: number | null; end_us: number | null }[]): string {
  const starts = streams.flatMap((s) => (s.start_us === null ? [] : [s.start_us]));
  const ends = streams.flatMap((s) => (s.end_us === null ? [] : [s.end_us]));
  if (starts.length === 0 || ends.length === 0) return '';
  return formatSpan(Math.min(...starts), Math.max(...ends));
}

/** Refused rows shown at most this many lines, one per participant and kind of data; --json lists every one. */
const REFUSED_LINES = 20;

/** What the consent gate kept out, a line per participant and kind of data, with how to let it in. */
function renderRefused(refused: ImportSummary['files'][number]['refused']): string[] {
  const groups = new Map<string, { participant: string; kind: string; reason: string; sessions: Set<string>; rows: number }>();
  for (const r of refused) {
    const reason = `${MODALITY_LABELS[r.modality]} consent ${r.consent}`;
    const key = `${r.participant_id}\u0000${r.kind}\u0000${reason}`;
    const group = groups.get(key) ?? { participant: r.participant_id, kind: r.kind, reason, sessions: new Set<string>(), rows: 0 };
    if (r.session_id !== null) group.sessions.add(r.session_id);
    group.rows += r.rows;
    groups.set(key, group);
  }
  const participants = new Set([...groups.values()].map((g) => g.participant));
  const rows = [...groups.values()].reduce((sum, g) => sum + g.rows, 0);
  const lines = [`Not stored, for lack of consent: ${formatCount(rows)} rows of ${formatCount(participants.size)} participant${participants.size === 1 ? '' : 's'}:`];
  for (const g of [...groups.values()].slice(0, REFUSED_LINES)) {
    const sessions = g.sessions.size === 0 ? '' : g.sessions.size === 1 ? ` (${[...g.sessions][0] ?? ''})` : ` (${g.sessions.size} sessions)`;
    lines.push(`  ${g.participant}${sessions}: ${g.kind}, ${formatCount(g.rows)} rows (${g.reason})`);
  }
  if (groups.size > REFUSED_LINES) lines.push(`  … and ${formatCount(groups.size - REFUSED_LINES)} more (--json lists every one)`);
  if (refused.some((r) => r.consent === 'missing')) {
    lines.push(
      'Consent is recorded with `weft consent import` (a REDCap export) or `weft consent record`; then import the file again. A study of an existing data set, with no consent per participant, is created with `weft init --secondary-data TERMS`.',
    );
  }
  if (refused.some((r) => r.kind === 'annotations' || r.kind === 'demographics')) {
    lines.push('Refused annotations and demographics are not read again from a file imported before: only its streams are.');
  }
  return lines;
}

export function renderImportSummary(summary: ImportSummary): string {
  const lines: string[] = [];
  const rows: unknown[][] = [];
  for (const file of summary.files) {
    const name = file.path.split('/').pop() ?? file.path;
    if (file.status === 'duplicate') {
      rows.push([name, file.format, 'already imported, skipped', null, null, null]);
      continue;
    }
    const kinds = [...new Set(file.streams.map((s) => s.kind))];
    for (const kind of kinds) {
      const streams = file.streams.filter((s) => s.kind === kind);
      const sessions = new Set(streams.map((s) => s.session_id));
      const participants = new Set(streams.map((s) => s.participant_id));
      const who =
        sessions.size === 1
          ? `${[...participants][0] ?? ''} / ${[...sessions][0] ?? ''}`
          : `${participants.size === 1 ? ([...participants][0] ?? '') : `${formatCount(participants.size)} participants`}, ${formatCount(sessions.size)} sessions`;
      rows.push([name, file.format, who, kind, streams.reduce((sum, s) => sum + s.rows, 0), sessions.size === 1 ? spanOf(streams) : '']);
    }
    if (file.consents > 0) rows.push([name, file.format, '', 'consent records', file.consents, '']);
    if (file.annotations > 0) rows.push([name, file.format, '', 'annotations', file.annotations, '']);
  }
  lines.push(rows.length === 0 ? 'Nothing stored.' : renderTable(['file', 'format', 'participant / session', 'stream', 'rows', 'time span'], rows));
  const refused = summary.files.flatMap((f) => f.refused);
  if (refused.length > 0) lines.push('', ...renderRefused(refused));
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
  lines.push(`Imported ${imported} file${imported === 1 ? '' : 's'} (${formatCount(summary.rows)} rows)${duplicates > 0 ? `; ${duplicates} already in the study, skipped` : ''}.`);
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
    .action(async (files: string[], options: { manifest?: string; format?: string; participant?: string; session?: string; variant?: string; lesson?: string; sessionStart?: string; clockOffset?: number }, command: Command) => {
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
        });
        if (global.json === true) printJson(summary);
        else process.stdout.write(`${renderImportSummary(summary)}\n`);
      });
    });
}
