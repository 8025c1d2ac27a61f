import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { MODALITIES, MODALITY_LABELS, isModality, type Modality } from '../../core/study/modalities.js';
import { printJson, withStudy, type StudyOptions } from '../context.js';
import { renderTable } from '../output.js';
import { renderErasure } from './erasure.js';
import { renderImportSummary } from './import.js';

function modality(value: string): Modality {
  if (!isModality(value)) throw new InvalidArgumentError(`one of ${MODALITIES.join(', ')}`);
  return value;
}

function collect(value: string, previous: Modality[] = []): Modality[] {
  return [...previous, modality(value)];
}

export function registerConsent(program: Command): void {
  const consent = program.command('consent').description('Consent records: list, record, import a REDCap export, withdraw.');

  consent
    .command('list')
    .description('Current consent of every participant for every modality recorded.')
    .option('--participant <id>', 'only this participant')
    .action(async (options: { participant?: string }, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      await withStudy(global, { readOnly: true }, async (client) => {
        const rows = await client.call('consent.list', options.participant === undefined ? {} : { participant_id: options.participant });
        if (global.json === true) printJson(rows);
        else process.stdout.write(`${renderTable(['participant', 'modality', 'state', 'form', 'recorded', 'expires', 'withdrawn'], rows.map((r) => [r.participant_id, MODALITY_LABELS[r.modality], r.state, r.form_version, r.recorded_at.slice(0, 10), r.expires_at?.slice(0, 10) ?? '', r.withdrawn_at?.slice(0, 10) ?? '']))}\n`);
      });
    });

  consent
    .command('record')
    .description('Record one consent decision (enrols the participant if new).')
    .argument('<participant>', 'participant id')
    .requiredOption('--modality <modality>', `one of ${MODALITIES.join(', ')}`, modality)
    .option('--granted', 'consent given')
    .option('--refused', 'consent refused')
    .option('--form-version <version>', 'version of the consent form')
    .option('--expires <instant>', 'ISO-8601 instant when the consent lapses')
    .action(async (participant: string, options: { modality: Modality; granted?: boolean; refused?: boolean; formVersion?: string; expires?: string }, command: Command) => {
      if (options.granted === options.refused) throw new InvalidArgumentError('give exactly one of --granted or --refused');
      const global = command.optsWithGlobals<StudyOptions>();
      await withStudy(global, { readOnly: false }, async (client) => {
        const recorded = await client.call('consent.record', {
          participant_id: participant,
          modality: options.modality,
          granted: options.granted === true,
          form_version: options.formVersion ?? null,
          expires_at: options.expires ?? null,
        });
        if (global.json === true) printJson(recorded);
        else process.stdout.write(`${participant}: ${MODALITY_LABELS[recorded.modality]} consent ${recorded.state}.\n`);
      });
    });

  consent
    .command('import')
    .description('Import a REDCap consent export (docs/formats.md); every row is checked before any is applied.')
    .argument('<file>', 'the CSV export')
    .action(async (file: string, _options: unknown, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      await withStudy(global, { readOnly: false }, async (client) => {
        const summary = await client.call('session.import', { files: [file], format: 'redcap-consent-csv' });
        if (global.json === true) printJson(summary);
        else process.stdout.write(`${renderImportSummary(summary)}\n`);
      });
    });

  consent
    .command('withdraw')
    .description('Withdraw a participant. Without --modality: erase them everywhere, rewrite the database and verify that no trace remains. With --modality: delete their data of those modalities only.')
    .argument('<participant>', 'participant id')
    .option('--modality <modality>', 'withdraw only this modality (repeatable)', collect)
    .option('--reason <text>', 'reason, kept in the erasure register')
    .action(async (participant: string, options: { modality?: Modality[]; reason?: string }, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      await withStudy(global, { readOnly: false }, async (client) => {
        const report = await client.call('consent.withdraw', {
          participant_id: participant,
          reason: options.reason ?? null,
          ...(options.modality === undefined ? {} : { modalities: options.modality }),
        });
        if (global.json === true) printJson(report);
        else process.stdout.write(`${renderErasure(report)}\n`);
        if (report.verification !== null && !report.verification.verified) process.exitCode = 1;
      });
    });
}
