import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { printJson, withStudy, type StudyOptions } from '../context.js';
import { collect, fraction, parseArchitecture, parseTarget, positiveInteger, positiveNumber } from '../modelOptions.js';
import { renderBinaryReport } from '../modelReports.js';

interface TrainOptions {
  id: string;
  tier: string;
  target: { output: string; positive: string[] }[];
  annotator?: string[];
  minOverlap?: number;
  features: 'face' | 'log' | 'fusion';
  window: number;
  hop: number;
  steps?: number;
  baseline: string;
  architecture: ReturnType<typeof parseArchitecture>;
  session?: string[];
  seed?: number;
  epochs?: number;
  version?: string;
  resamples?: number;
  perParticipant?: boolean;
}

function normalization(value: string): { kind: 'none' } | { kind: 'participant_zscore'; baseline: { kind: 'participant_all' } | { kind: 'session_start'; seconds: number } } {
  if (value === 'none') return { kind: 'none' };
  if (value === 'participant') return { kind: 'participant_zscore', baseline: { kind: 'participant_all' } };
  const match = /^session-start:(\d+(?:\.\d+)?)$/.exec(value);
  if (match !== null) return { kind: 'participant_zscore', baseline: { kind: 'session_start', seconds: Number(match[1]) } };
  throw new InvalidArgumentError('participant, session-start:SECONDS or none');
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description("Train a confusion/frustration detector from an annotation tier, evaluate it by leave-one-participant-out cross-validation beside majority-class and shuffled-label baselines, export it to ONNX with a generated model card, and register it in the study's models.")
    .requiredOption('--id <id>', 'model id (lower-case letters, digits, hyphens); training it again gives the next version')
    .requiredOption('--tier <tier>', 'the annotation tier the labels come from, e.g. affect')
    .requiredOption('--target <output=labels>', 'an output and the tier labels that make it positive, e.g. confusion=CONFUSED (repeat for more outputs)', parseTarget)
    .option('--annotator <names>', 'only these annotators (default: all, where they agree)', collect)
    .option('--min-overlap <fraction>', 'share of a window an annotation must cover to label it', fraction)
    .option('--features <preset>', 'face (52 blendshapes), log (canonical interaction features) or fusion (both)', (v) => {
      if (v !== 'face' && v !== 'log' && v !== 'fusion') throw new InvalidArgumentError('face, log or fusion');
      return v;
    }, 'face')
    .option('--window <seconds>', 'window length', positiveNumber, 10)
    .option('--hop <seconds>', 'time between window starts', positiveNumber, 2)
    .option('--steps <n>', 'steps per window (GRU only)', positiveInteger)
    .option('--baseline <how>', "normalize each feature by the participant's own baseline: participant (all their windows), session-start:SECONDS, or none", 'participant')
    .option('--architecture <kind>', 'logistic, mlp[:H1,H2…] or gru[:UNITS]', parseArchitecture, { family: 'logistic_regression' } as ReturnType<typeof parseArchitecture>)
    .option('--session <ids>', 'sessions to train on (default: all)', collect)
    .option('--seed <n>', 'random seed (training and bootstrap)', positiveInteger)
    .option('--epochs <n>', 'training epochs', positiveInteger)
    .option('--version <semver>', 'version to register (default: the next minor version)')
    .option('--resamples <n>', 'bootstrap resamples for the intervals', positiveInteger)
    .option('--per-participant', 'also print each participant’s numbers')
    .action(async (options: TrainOptions, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      const steps = options.steps ?? (options.architecture.family === 'gru' ? 5 : 1);
      await withStudy(global, { readOnly: false }, async (client) => {
        const result = await client.call('model.train', {
          id: options.id,
          architecture: options.architecture,
          inputs: { preset: options.features, window: { length_s: options.window, hop_s: options.hop, steps }, normalization: { ...normalization(options.baseline) } },
          labels: {
            tier: options.tier,
            targets: options.target,
            ...(options.annotator === undefined ? {} : { annotators: options.annotator }),
            ...(options.minOverlap === undefined ? {} : { min_overlap: options.minOverlap }),
          },
          ...(options.session === undefined ? {} : { session_ids: options.session }),
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(options.epochs === undefined ? {} : { fit: { epochs: options.epochs } }),
          ...(options.version === undefined ? {} : { version: options.version }),
          ...(options.resamples === undefined ? {} : { bootstrap: { resamples: options.resamples } }),
        });
        if (global.json === true) return printJson(result);
        const s = result.summary;
        process.stdout.write(
          `Registered ${s.id} ${s.version} in ${s.dir} (sha256 ${s.sha256.slice(0, 12)}…), trained on ${s.windows} windows of ${s.participants} participants.\n` +
            `Leave-one-participant-out cross-validation, ${s.folds} folds${s.folds_skipped.length > 0 ? ` (${s.folds_skipped.length} skipped: ${s.folds_skipped.map((f) => f.reason).join('; ')})` : ''}:\n\n`,
        );
        for (const [output, report] of Object.entries(result.evaluation)) process.stdout.write(`${renderBinaryReport(output, report, options.perParticipant === true)}\n\n`);
        process.stdout.write(`Its model card is ${s.dir}/manifest.json; score sessions with: weft predict --model ${s.id}@${s.version}\n`);
      });
    });
}
