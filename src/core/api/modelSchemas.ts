import * as z from 'zod';
import { architectureSchema, inputsSchema, labelRuleSchema, modelCardSchema } from '../models/card.js';
import { FEATURE_PRESETS } from '../models/presets.js';
import { normalizationSchema, windowSpecSchema } from '../models/windows.js';
import { sessionIdSchema } from './schemas.js';

const modelIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'model ids are lower-case letters, digits and hyphens');
const versionSchema = z.string().regex(/^\d+\.\d+\.\d+$/, 'versions are MAJOR.MINOR.PATCH');

export const modelEntrySchema = z.object({
  id: z.string(),
  version: z.string(),
  /** study: trained on this study and kept in its folder; shipped: comes with Weft. */
  origin: z.enum(['study', 'shipped']),
  dir: z.string(),
  card: modelCardSchema,
});
export type ModelEntryInfo = z.infer<typeof modelEntrySchema>;

export const modelListSchema = z.object({
  models: z.array(modelEntrySchema),
  /** Folders under a models root that are not a valid model, with why. */
  problems: z.array(z.object({ path: z.string(), message: z.string() })),
});

const bootstrapInputSchema = z
  .object({
    resamples: z.number().int().min(10).max(100_000).default(1000),
    seed: z.number().int().default(20261123),
    level: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();

const sessionsInput = z.array(sessionIdSchema).min(1).optional();

export const modelPredictInputSchema = z
  .object({
    /** One model; every model (the latest version of each) when absent. */
    model_id: modelIdSchema.optional(),
    model_version: versionSchema.optional(),
    /** Sessions to score; every session when absent. */
    session_ids: sessionsInput,
  })
  .strict()
  .refine((i) => i.model_version === undefined || i.model_id !== undefined, { message: 'a model_version needs a model_id', path: ['model_version'] });

const countsSchema = z.record(z.string(), z.number());

export const predictionSummarySchema = z.object({
  run_id: z.string(),
  model_id: z.string(),
  model_version: z.string(),
  model_sha256: z.string(),
  labels: z.array(z.string()),
  sessions: z.array(z.string()),
  /** Sessions not scored: their participant has not consented to affect inferences. */
  refused: z.array(z.object({ session_id: z.string(), participant_id: z.string(), consent: z.string() })),
  windows_total: z.number().int(),
  windows_scored: z.number().int(),
  windows_skipped: z.number().int(),
  skipped: countsSchema,
  rows_written: z.number().int(),
  rows_replaced: z.number().int(),
  timings_ms: z.object({ windows: z.number(), inference: z.number(), write: z.number() }),
});
export type PredictionSummaryInfo = z.infer<typeof predictionSummarySchema>;

export const modelPredictResultSchema = z.object({
  runs: z.array(predictionSummarySchema),
  /** Models left out of a run of every model because the study cannot supply their inputs. */
  skipped: z.array(z.object({ model_id: z.string(), model_version: z.string(), reason: z.string() })),
});

const estimateSchema = z.object({
  value: z.number(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  level: z.number(),
  resamples: z.number().int(),
  degenerate: z.number().int(),
});
const distributionSchema = z.object({ mean: z.number().nullable(), lower: z.number().nullable(), upper: z.number().nullable(), degenerate: z.number().int() });
const metrics = <T extends z.ZodType>(value: T) => ({ auc: value, f1: value, kappa: value, brier: value });

export const binaryReportSchema = z.object({
  n: z.number().int(),
  positives: z.number(),
  prevalence: z.number(),
  participants: z.number().int(),
  threshold: z.number(),
  overall: z.object(metrics(estimateSchema)),
  participant_mean_auc: estimateSchema.nullable(),
  reliability: z.object({
    bins: z.array(z.object({ lower: z.number(), upper: z.number(), count: z.number().int(), mean_predicted: z.number().nullable(), observed_rate: z.number().nullable() })),
    ece: z.number(),
  }),
  per_participant: z.array(
    z.object({
      participant_id: z.string(),
      n: z.number().int(),
      positives: z.number(),
      auc: z.number().nullable(),
      f1: z.number().nullable(),
      kappa: z.number().nullable(),
      brier: z.number(),
      undefined_reason: z.string().nullable(),
    }),
  ),
  baselines: z.object({
    majority_class: z.object({ majority: z.union([z.literal(0), z.literal(1)]), prevalence: z.number(), ...metrics(estimateSchema) }),
    shuffled_labels: z.object({ shuffles: z.number().int(), level: z.number(), ...metrics(distributionSchema) }),
  }),
  method: z.object({ interval: z.string(), resamples: z.number().int(), seed: z.number().int(), level: z.number() }),
});

export const referenceReportSchema = z.object({
  n: z.number().int(),
  participants: z.number().int(),
  quantile: z.number(),
  threshold: z.number(),
  positives: z.number(),
  overall: z.object({ spearman: estimateSchema, rmse: estimateSchema, auc: estimateSchema }),
  per_participant: z.array(
    z.object({ participant_id: z.string(), n: z.number().int(), spearman: z.number().nullable(), rmse: z.number(), auc: z.number().nullable(), undefined_reason: z.string().nullable() }),
  ),
  baselines: z.object({
    constant_mean: z.object({ value: z.number(), rmse: z.number(), auc: z.number() }),
    shuffled_reference: z.object({ shuffles: z.number().int(), level: z.number(), spearman: distributionSchema, auc: distributionSchema }),
  }),
  method: z.object({ interval: z.string(), resamples: z.number().int(), seed: z.number().int(), level: z.number(), rmse_note: z.string() }),
});

/** The features a detector reads: one of the presets, with its window and normalization, or a full input spec. */
const trainInputsSchema = z.union([
  z
    .object({
      preset: z.enum(Object.keys(FEATURE_PRESETS) as [keyof typeof FEATURE_PRESETS, ...(keyof typeof FEATURE_PRESETS)[]]),
      window: windowSpecSchema,
      normalization: normalizationSchema.default({ kind: 'participant_zscore', baseline: { kind: 'participant_all' }, min_windows: 10 }),
    })
    .strict(),
  inputsSchema,
]);

export const modelTrainInputSchema = z
  .object({
    id: modelIdSchema,
    version: versionSchema.optional(),
    title: z.string().min(1).optional(),
    architecture: architectureSchema,
    inputs: trainInputsSchema,
    labels: labelRuleSchema,
    session_ids: sessionsInput,
    seed: z.number().int().optional(),
    fit: z
      .object({
        epochs: z.number().int().positive().optional(),
        batch_size: z.number().int().positive().optional(),
        learning_rate: z.number().positive().optional(),
        l2: z.number().nonnegative().optional(),
      })
      .strict()
      .default({}),
    threshold: z.number().gt(0).lt(1).optional(),
    shuffles: z.number().int().min(1).max(10_000).optional(),
    bootstrap: bootstrapInputSchema.optional(),
  })
  .strict();

export const modelTrainResultSchema = z.object({
  model: modelEntrySchema.extend({ sha256: z.string() }),
  /** Leave-one-participant-out evaluation per output, in full (the card holds a summary). */
  evaluation: z.record(z.string(), binaryReportSchema),
  summary: z.object({
    id: z.string(),
    version: z.string(),
    dir: z.string(),
    sha256: z.string(),
    windows: z.number().int(),
    participants: z.number().int(),
    positives: countsSchema,
    skipped: countsSchema,
    folds: z.number().int(),
    folds_skipped: z.array(z.object({ participant_id: z.string(), reason: z.string() })),
    backend: z.string(),
    timings_ms: countsSchema,
  }),
});

const selectorShape = {
  model_id: modelIdSchema,
  /** The latest version with predictions in the study when absent. */
  model_version: versionSchema.optional(),
  /** Sessions to evaluate on; every session with predictions when absent. */
  session_ids: sessionsInput,
  bootstrap: bootstrapInputSchema.optional(),
  shuffles: z.number().int().min(1).max(10_000).optional(),
};

export const modelEvaluateInputSchema = z
  .object({
    ...selectorShape,
    /** The annotation tier and rule the labels come from; the model card's own rule when absent. */
    labels: labelRuleSchema.optional(),
    threshold: z.number().gt(0).lt(1).optional(),
  })
  .strict();

export const modelEvaluateResultSchema = z.object({
  model_id: z.string(),
  model_version: z.string(),
  model_sha256: z.array(z.string()),
  runs: z.array(z.string()),
  tier: z.string(),
  rule: labelRuleSchema,
  /** What the reader must know before trusting the numbers (an evaluation on the model's own training data, say). */
  warnings: z.array(z.string()),
  outputs: z.array(z.object({ output: z.string(), positive: z.array(z.string()), windows: z.number().int(), skipped: countsSchema, report: binaryReportSchema })),
});

export const modelCompareInputSchema = z
  .object({
    ...selectorShape,
    /** The model output compared with the reference, e.g. confusion. */
    output: z.string().min(1),
    /** signal:NAME (e.g. signal:confidence_confused) or attribute:KEY of events.attributes. */
    reference: z.string().min(1),
    /** The reference counts as positive above this quantile of its values, for the AUC. */
    quantile: z.number().gt(0).lt(1).default(0.5),
  })
  .strict();

export const modelCompareResultSchema = z.object({
  model_id: z.string(),
  model_version: z.string(),
  output: z.string(),
  reference: z.discriminatedUnion('kind', [z.object({ kind: z.literal('signal'), name: z.string() }), z.object({ kind: z.literal('event_attribute'), key: z.string() })]),
  aggregation: z.string(),
  windows: z.number().int(),
  skipped: countsSchema,
  warnings: z.array(z.string()),
  report: referenceReportSchema,
});
