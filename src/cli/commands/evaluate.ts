import type { Command } from 'commander';
import { printJson, withStudy, type StudyOptions } from '../context.js';
import { collect, fraction, parseModelRef, parseTarget, positiveInteger } from '../modelOptions.js';
import { renderEvaluation, renderReferenceReport } from '../modelReports.js';

interface EvaluateOptions {
  model: { model_id: string; model_version?: string };
  tier?: string;
  target?: { output: string; positive: string[] }[];
  annotator?: string[];
  minOverlap?: number;
  reference?: string;
  output?: string;
  quantile: number;
  session?: string[];
  threshold?: number;
  resamples?: number;
  perParticipant?: boolean;
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description(
      "Evaluate a model's stored predictions honestly: against an annotation tier (AUC, F1, Cohen's kappa, Brier score, reliability; per participant and overall; participant-bootstrap intervals; beside majority-class and shuffled-label baselines), or with --reference against a numeric column the data carries (Spearman, RMSE, AUC at a quantile).",
    )
    .requiredOption('--model <id[@version]>', 'the model (default version: the latest with predictions)', parseModelRef)
    .option('--tier <tier>', "annotation tier with the labels (default: the model card's own rule)")
    .option('--target <output=labels>', 'an output and the labels that make it positive, e.g. confusion=CONFUSED (repeat; needed with --tier)', parseTarget)
    .option('--annotator <names>', 'only these annotators', collect)
    .option('--min-overlap <fraction>', 'share of a window an annotation must cover to label it', fraction)
    .option('--reference <column>', 'compare with a numeric reference instead: signal:NAME (e.g. signal:confidence_confused) or attribute:KEY')
    .option('--output <name>', 'the model output to compare with the reference (default: the first)')
    .option('--quantile <q>', 'the reference counts as positive above this quantile of its values, for the AUC', fraction, 0.5)
    .option('--session <ids>', 'sessions to evaluate on (default: all with predictions)', collect)
    .option('--threshold <p>', 'probability at or above which a window counts as positive, for F1 and kappa', fraction)
    .option('--resamples <n>', 'bootstrap resamples', positiveInteger)
    .option('--per-participant', 'also print each participant’s numbers')
    .action(async (options: EvaluateOptions, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      if (options.tier !== undefined && options.target === undefined) command.error('error: --tier needs at least one --target OUTPUT=LABEL, e.g. --target confusion=CONFUSED');
      const common = {
        ...options.model,
        ...(options.session === undefined ? {} : { session_ids: options.session }),
        ...(options.resamples === undefined ? {} : { bootstrap: { resamples: options.resamples } }),
      };
      await withStudy(global, { readOnly: true }, async (client) => {
        if (options.reference !== undefined) {
          let output = options.output;
          if (output === undefined) {
            const listing = await client.call('model.list', {});
            const model = listing.models.filter((m) => m.id === options.model.model_id).at(-1);
            output = model?.card.outputs.labels[0]?.name ?? 'confusion';
          }
          const result = await client.call('model.compare', { ...common, reference: options.reference, output, quantile: options.quantile });
          if (global.json === true) printJson(result);
          else process.stdout.write(`${renderReferenceReport(result, options.perParticipant === true)}\n`);
          return;
        }
        const labels =
          options.tier === undefined
            ? undefined
            : {
                tier: options.tier,
                targets: options.target ?? [],
                ...(options.annotator === undefined ? {} : { annotators: options.annotator }),
                ...(options.minOverlap === undefined ? {} : { min_overlap: options.minOverlap }),
              };
        const result = await client.call('model.evaluate', { ...common, ...(labels === undefined ? {} : { labels }), ...(options.threshold === undefined ? {} : { threshold: options.threshold }) });
        if (global.json === true) printJson(result);
        else process.stdout.write(`${renderEvaluation(result, options.perParticipant === true)}\n`);
      });
    });
}
