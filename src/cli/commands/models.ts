import type { Command } from 'commander';
import { printJson, withStudy, type StudyOptions } from '../context.js';
import { collect, parseModelRef } from '../modelOptions.js';
import { renderPredictions, withInterval } from '../modelReports.js';
import { renderTable } from '../output.js';

export function registerModels(program: Command): void {
  program
    .command('models')
    .description("List the affect detectors the study can run (its own trained models, then Weft's shipped ones) with what each reads and how well it was measured to do.")
    .action(async (_options: unknown, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      await withStudy(global, { readOnly: true }, async (client) => {
        const listing = await client.call('model.list', {});
        if (global.json === true) return printJson(listing);
        const rows = listing.models.map((m) => {
          const auc = m.card.evaluation.map((e) => `${e.output} ${withInterval({ value: e.metrics['auc']?.value ?? null, lower: e.metrics['auc']?.lower ?? null, upper: e.metrics['auc']?.upper ?? null })}`);
          return [m.id, m.version, m.origin, m.card.kind, m.card.outputs.labels.map((l) => l.name).join(', '), `${m.card.inputs.features.length} (${m.card.inputs.window.length_s} s / ${m.card.inputs.window.hop_s} s)`, auc.join('; ') || 'not evaluated'];
        });
        process.stdout.write(`${renderTable(['model', 'version', 'origin', 'kind', 'outputs', 'features (window / hop)', 'AUC as its card reports it'], rows, 70)}\n`);
        for (const p of listing.problems) process.stdout.write(`not a valid model: ${p.path}: ${p.message}\n`);
      });
    });

  program
    .command('predict')
    .description('Score sessions with affect detectors on this machine and store the predictions (re-running a model version replaces its earlier predictions). Sessions whose participant has not consented to affect inferences are not scored.')
    .option('--model <id[@version]>', 'one model (default: the latest version of every model)', parseModelRef)
    .option('--session <ids>', 'sessions to score, comma-separated or repeated (default: all)', collect)
    .action(async (options: { model?: { model_id: string; model_version?: string }; session?: string[] }, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      await withStudy(global, { readOnly: false }, async (client) => {
        const result = await client.call('model.predict', { ...(options.model ?? {}), ...(options.session === undefined ? {} : { session_ids: options.session }) });
        if (global.json === true) printJson(result);
        else {
          process.stdout.write(`${renderPredictions(result.runs)}\n`);
          for (const s of result.skipped) process.stdout.write(`Skipped ${s.model_id} ${s.model_version}: ${s.reason}\n`);
        }
      });
    });
}
