import { resolve } from 'node:path';
import type { Handlers } from '../../core/api/dispatch.js';
import type { ModelEntryInfo } from '../../core/api/modelSchemas.js';
import { WeftError } from '../../core/errors.js';
import { FEATURE_PRESETS } from '../../core/models/presets.js';
import { evaluateAgainstReference, evaluatePredictions, parseReference } from '../models/evaluate.js';
import { findModel, listModels, loadModel, modelRoots, studyModelsDir, type ModelEntry } from '../models/registry.js';
import { predict, type PredictionSummary } from '../models/runner.js';
import { trainModel } from '../models/train.js';
import type { Study } from '../store/study.js';

/** The library's results are deeply readonly; the API's output types are not, and dispatch validates them. */
type DeepMutable<T> = T extends readonly (infer U)[] ? DeepMutable<U>[] : T extends object ? { -readonly [K in keyof T]: DeepMutable<T[K]> } : T;
const asOutput = <T>(value: T): DeepMutable<T> => value as DeepMutable<T>;

type ModelHandlers = Pick<Handlers, 'model.list' | 'model.predict' | 'model.train' | 'model.evaluate' | 'model.compare'>;

function entryInfo(study: Study, entry: ModelEntry): ModelEntryInfo {
  const origin = resolve(entry.root) === resolve(studyModelsDir(study.dir)) ? 'study' : 'shipped';
  return { id: entry.id, version: entry.version, origin, dir: entry.dir, card: entry.card };
}

/** The latest version of each model, the study's own first. */
function latestOfEach(models: readonly ModelEntry[]): ModelEntry[] {
  const byId = new Map<string, ModelEntry>();
  for (const m of models) byId.set(m.id, m);
  return [...byId.values()];
}

/**
 * A model trained on this study and evaluated on it again is scored on windows it learnt from:
 * the numbers overstate how it does on new learners, and the reader is told so.
 */
async function inSampleWarnings(study: Study, roots: readonly string[], id: string, version: string): Promise<string[]> {
  let card: ModelEntry['card'];
  try {
    card = (await findModel(roots, id, version)).card;
  } catch (error) {
    if (error instanceof WeftError && error.code === 'NOT_FOUND') return [`${id} ${version} is no longer in the model registry, so its card cannot say what it was trained on.`];
    throw error;
  }
  if (card.training.kind !== 'annotations' || !card.training.data_set.includes(study.file.study_id)) return [];
  const cv = card.evaluation.map((e) => `${e.output} AUC ${e.metrics['auc']?.value?.toFixed(3) ?? '–'}`).join(', ');
  return [
    `${id} ${version} was trained on this study's data: these windows are (largely) the ones it learnt from, so the numbers overstate how it does on new learners. Its leave-one-participant-out numbers (${cv || 'in its card'}) are the honest estimate.`,
  ];
}

/** Model registry, scoring, training and evaluation over one open study. */
export function createModelHandlers(study: Study): ModelHandlers {
  const roots = (): string[] => modelRoots(study.dir);
  return {
    'model.list': async () => {
      const { models, problems } = await listModels(roots());
      return { models: models.map((m) => entryInfo(study, m)), problems: [...problems] };
    },

    'model.predict': async (input, ctx) => {
      const entries =
        input.model_id !== undefined ? [await findModel(roots(), input.model_id, input.model_version)] : latestOfEach((await listModels(roots())).models);
      if (entries.length === 0) throw new WeftError('NOT_FOUND', `No models in ${roots().join(' or ')}`);
      const runs: PredictionSummary[] = [];
      const skipped: { model_id: string; model_version: string; reason: string }[] = [];
      for (const entry of entries) {
        const model = await loadModel(entry);
        try {
          runs.push(
            await predict(study, model, {
              actor: ctx.actor,
              events: ctx.events,
              ...(input.session_ids === undefined ? {} : { sessions: input.session_ids }),
            }),
          );
        } catch (error) {
          // Asked for every model, a study without (say) face data still gets the log detector.
          const missing = error instanceof WeftError && error.details?.['reason'] === 'missing_features';
          if (input.model_id !== undefined || !missing) throw error;
          skipped.push({ model_id: entry.id, model_version: entry.version, reason: error.message });
        }
      }
      if (runs.length === 0) {
        throw new WeftError('INVALID_INPUT', `No model can run on this study: ${skipped.map((s) => s.reason).join('; ')}`, { details: { reason: 'missing_features' } });
      }
      ctx.events.emit('study.changed', { reason: 'predictions stored' });
      return { runs: asOutput(runs), skipped };
    },

    'model.train': async (input, ctx) => {
      const inputs =
        'preset' in input.inputs
          ? { ...FEATURE_PRESETS[input.inputs.preset], features: [...FEATURE_PRESETS[input.inputs.preset].features], window: input.inputs.window, normalization: input.inputs.normalization }
          : input.inputs;
      const fit = {
        ...(input.fit.epochs === undefined ? {} : { epochs: input.fit.epochs }),
        ...(input.fit.batch_size === undefined ? {} : { batchSize: input.fit.batch_size }),
        ...(input.fit.learning_rate === undefined ? {} : { learningRate: input.fit.learning_rate }),
        ...(input.fit.l2 === undefined ? {} : { l2: input.fit.l2 }),
      };
      const result = await trainModel(study, {
        id: input.id,
        architecture: input.architecture,
        inputs,
        labels: input.labels,
        fit,
        actor: ctx.actor,
        events: ctx.events,
        script: 'weft train',
        ...(input.version === undefined ? {} : { version: input.version }),
        ...(input.title === undefined ? {} : { title: input.title }),
        ...(input.session_ids === undefined ? {} : { sessions: input.session_ids }),
        ...(input.seed === undefined ? {} : { seed: input.seed }),
        ...(input.threshold === undefined ? {} : { threshold: input.threshold }),
        ...(input.shuffles === undefined ? {} : { shuffles: input.shuffles }),
        ...(input.bootstrap === undefined ? {} : { bootstrap: input.bootstrap }),
      });
      ctx.events.emit('study.changed', { reason: 'model trained' });
      return {
        model: { ...entryInfo(study, result.model), sha256: result.model.sha256 },
        evaluation: asOutput(result.evaluation),
        summary: asOutput(result.summary),
      };
    },

    'model.evaluate': async (input) => {
      let labels = input.labels;
      if (labels === undefined) {
        const entry = await findModel(roots(), input.model_id, input.model_version);
        labels = entry.card.training.labels;
        if (labels === undefined) {
          throw new WeftError('INVALID_INPUT', `Model ${entry.id} ${entry.version} was not trained on annotations, so it has no label rule of its own: name the annotation tier to evaluate it against`, {
            details: { reason: 'no_label_rule' },
          });
        }
      }
      const result = await evaluatePredictions(study, {
        model_id: input.model_id,
        labels,
        ...(input.model_version === undefined ? {} : { model_version: input.model_version }),
        ...(input.session_ids === undefined ? {} : { sessions: input.session_ids }),
        ...(input.bootstrap === undefined ? {} : { bootstrap: input.bootstrap }),
        ...(input.shuffles === undefined ? {} : { shuffles: input.shuffles }),
        ...(input.threshold === undefined ? {} : { threshold: input.threshold }),
      });
      return { ...asOutput(result), warnings: await inSampleWarnings(study, roots(), result.model_id, result.model_version) };
    },

    'model.compare': async (input) => {
      const result = await evaluateAgainstReference(study, {
        model_id: input.model_id,
        output: input.output,
        reference: parseReference(input.reference),
        quantile: input.quantile,
        ...(input.model_version === undefined ? {} : { model_version: input.model_version }),
        ...(input.session_ids === undefined ? {} : { sessions: input.session_ids }),
        ...(input.bootstrap === undefined ? {} : { bootstrap: input.bootstrap }),
        ...(input.shuffles === undefined ? {} : { shuffles: input.shuffles }),
      });
      return { ...asOutput(result), warnings: await inSampleWarnings(study, roots(), result.model_id, result.model_version) };
    },
  };
}
