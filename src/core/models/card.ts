import * as z from 'zod';
import { FEATURE_VIEWS, SAMPLE_VIEWS, featureSpecSchema } from './features.js';
import { coverageSchema, normalizationSchema, windowSpecSchema } from './windows.js';

export const MODEL_CARD_FORMAT = 'weft-model-card';
/** metadata_props key under which the card is written into the .onnx file. */
export const CARD_METADATA_KEY = 'weft.model_card';
export const INPUT_TENSOR = 'features';
export const OUTPUT_TENSOR = 'probabilities';
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
const SHA256 = /^[0-9a-f]{64}$/;

export const MODEL_KINDS = ['log', 'face', 'fusion', 'trained'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export const architectureSchema = z.discriminatedUnion('family', [
  z.object({ family: z.literal('logistic_regression') }).strict(),
  z.object({ family: z.literal('mlp'), hidden: z.array(z.number().int().positive()).min(1) }).strict(),
  z.object({ family: z.literal('gru'), units: z.number().int().positive() }).strict(),
]);
export type Architecture = z.infer<typeof architectureSchema>;

export const inputsSchema = z
  .object({
    /** Features in input order; the tensor is [windows, features], or [windows, steps, features] when window.steps > 1. */
    features: z.array(featureSpecSchema).min(1),
    window: windowSpecSchema,
    /** Coverage each sampled view must give a window (face frames, gaze samples, signals). */
    coverage: z.partialRecord(z.enum(FEATURE_VIEWS), coverageSchema).default({}),
    normalization: normalizationSchema,
  })
  .strict()
  .superRefine((inputs, ctx) => {
    const names = new Set<string>();
    inputs.features.forEach((f, i) => {
      if (names.has(f.name)) ctx.addIssue({ code: 'custom', path: ['features', i, 'name'], message: `feature "${f.name}" appears twice` });
      names.add(f.name);
    });
    if (inputs.normalization.kind === 'participant_zscore') {
      inputs.normalization.features?.forEach((name, i) => {
        if (!names.has(name)) ctx.addIssue({ code: 'custom', path: ['normalization', 'features', i], message: `"${name}" is not one of the input features` });
      });
    }
    for (const view of new Set(inputs.features.map((f) => f.view))) {
      if (SAMPLE_VIEWS.includes(view) && inputs.coverage[view] === undefined) {
        ctx.addIssue({ code: 'custom', path: ['coverage', view], message: `features from ${view} need its coverage (sample_rate_hz, min_valid_fraction)` });
      }
    }
  });
export type ModelInputs = z.infer<typeof inputsSchema>;

export const outputLabelSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/),
    description: z.string().min(1),
  })
  .strict();

export const outputsSchema = z
  .object({
    /** One independent probability per label (sigmoid outputs), in this order: the tensor is [windows, labels]. */
    labels: z.array(outputLabelSchema).min(1),
  })
  .strict()
  .superRefine((o, ctx) => {
    const names = o.labels.map((l) => l.name);
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['labels'], message: 'output labels must be distinct' });
  });
export type ModelOutputs = z.infer<typeof outputsSchema>;

/** An annotation tier made into one binary target: positive where the window's label is one of `positive`. */
export const targetSchema = z
  .object({
    output: z.string().min(1),
    positive: z.array(z.string().min(1)).min(1),
  })
  .strict();
export type Target = z.infer<typeof targetSchema>;

export const labelRuleSchema = z
  .object({
    tier: z.string().min(1),
    /** Annotators whose labels count; empty means every annotator of the tier. */
    annotators: z.array(z.string().min(1)).default([]),
    /** Share of a window an annotator's intervals must cover for that annotator to label it. */
    min_overlap: z.number().gt(0).max(1).default(0.5),
    targets: z.array(targetSchema).min(1),
  })
  .strict();
export type LabelRule = z.infer<typeof labelRuleSchema>;

const jsonScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const trainingSchema = z
  .object({
    /** annotations: trained by Weft on a study's annotation tier; literature: fixed weights from published work; external: trained elsewhere. */
    kind: z.enum(['annotations', 'literature', 'external']),
    description: z.string().min(1),
    data_set: z.string().min(1),
    references: z.array(z.string().min(1)).default([]),
    labels: labelRuleSchema.optional(),
    counts: z
      .object({
        participants: z.number().int().nonnegative(),
        sessions: z.number().int().nonnegative(),
        windows: z.number().int().nonnegative(),
        positives: z.record(z.string(), z.number().int().nonnegative()),
        skipped: z.record(z.string(), z.number().int().nonnegative()).default({}),
      })
      .strict()
      .optional(),
    hyperparameters: z.record(z.string(), z.union([jsonScalar, z.array(z.number())])).default({}),
    seed: z.number().int().optional(),
    backend: z.string().optional(),
    duration_s: z.number().nonnegative().optional(),
  })
  .strict();
export type Training = z.infer<typeof trainingSchema>;

export const metricValueSchema = z
  .object({
    value: z.number().nullable(),
    lower: z.number().nullable().default(null),
    upper: z.number().nullable().default(null),
  })
  .strict();

export const evaluationEntrySchema = z
  .object({
    /** How the numbers were measured, e.g. leave_one_participant_out, student_grouped_cv, held_out, published. */
    method: z.string().min(1),
    description: z.string().min(1),
    data_set: z.string().min(1),
    date: z.string().min(1),
    output: z.string().min(1),
    n: z.number().int().nonnegative().nullable(),
    participants: z.number().int().nonnegative().nullable(),
    positives: z.number().nonnegative().nullable(),
    /** auc, f1, kappa, brier, … with interval bounds where measured. */
    metrics: z.record(z.string(), metricValueSchema),
    /** Baselines measured beside the model on the same data: majority_class, shuffled_labels → metric → value. */
    baselines: z.record(z.string(), z.record(z.string(), z.number().nullable())).default({}),
    interval: z.string().optional(),
  })
  .strict();
export type EvaluationEntry = z.infer<typeof evaluationEntrySchema>;

export const provenanceSchema = z
  .object({
    /** The script or command that (re)built the model. */
    script: z.string().min(1),
    created_at: z.string().min(1),
    producer: z.string().min(1),
    ir_version: z.number().int().positive(),
    opset: z.number().int().positive(),
    /** SHA-256 of model.onnx. Only in manifest.json: a file cannot hold its own hash. */
    onnx_sha256: z.string().regex(SHA256).optional(),
  })
  .strict();

/** The model manifest, which is also its model card (docs/models.md). */
export const modelCardSchema = z
  .object({
    format: z.literal(MODEL_CARD_FORMAT),
    format_version: z.literal(1),
    id: z.string().regex(SLUG, 'model ids are lower-case letters, digits and hyphens'),
    version: z.string().regex(SEMVER, 'versions are MAJOR.MINOR.PATCH'),
    title: z.string().min(1),
    description: z.string().min(1),
    kind: z.enum(MODEL_KINDS),
    architecture: architectureSchema,
    inputs: inputsSchema,
    outputs: outputsSchema,
    training: trainingSchema,
    evaluation: z.array(evaluationEntrySchema),
    intended_use: z.string().min(1),
    limits: z.array(z.string().min(1)).min(1),
    licence: z.string().min(1),
    provenance: provenanceSchema,
  })
  .strict()
  .superRefine((card, ctx) => {
    const steps = card.inputs.window.steps;
    if (card.architecture.family === 'gru' && steps < 2) {
      ctx.addIssue({ code: 'custom', path: ['inputs', 'window', 'steps'], message: 'a GRU reads a sequence: window.steps must be at least 2' });
    }
    if (card.architecture.family !== 'gru' && steps !== 1) {
      ctx.addIssue({ code: 'custom', path: ['inputs', 'window', 'steps'], message: `a ${card.architecture.family} model reads one vector per window: window.steps must be 1` });
    }
    const outputs = new Set(card.outputs.labels.map((l) => l.name));
    card.training.labels?.targets.forEach((t, i) => {
      if (!outputs.has(t.output)) ctx.addIssue({ code: 'custom', path: ['training', 'labels', 'targets', i, 'output'], message: `"${t.output}" is not an output label` });
    });
  });
export type ModelCard = z.infer<typeof modelCardSchema>;
/** What a caller writes (defaults not yet applied). */
export type ModelCardInput = z.input<typeof modelCardSchema>;

/** The card as written into the .onnx file: the manifest without the file's own hash. */
export function embeddedCard(card: ModelCard): ModelCard {
  const provenance = { ...card.provenance };
  delete provenance.onnx_sha256;
  return { ...card, provenance };
}

/** Dotted paths at which two JSON values differ (at most `limit`), for error messages. */
export function jsonDifferences(a: unknown, b: unknown, limit = 10, path = ''): string[] {
  if (Object.is(a, b)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length) && out.length < limit; i++) out.push(...jsonDifferences(a[i], b[i], limit - out.length, `${path}[${i}]`));
    return out;
  }
  if (isObject(a) && isObject(b) && !Array.isArray(a) && !Array.isArray(b)) {
    const out: string[] = [];
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (out.length >= limit) break;
      out.push(...jsonDifferences(a[key], b[key], limit - out.length, path === '' ? key : `${path}.${key}`));
    }
    return out;
  }
  return [path === '' ? '(the whole value)' : path];
}

/** Shape of the input tensor: [windows, features] or [windows, steps, features]. */
export function inputShape(card: ModelCard): (string | number)[] {
  const f = card.inputs.features.length;
  return card.inputs.window.steps === 1 ? ['N', f] : ['N', card.inputs.window.steps, f];
}

export function outputShape(card: ModelCard): (string | number)[] {
  return ['N', card.outputs.labels.length];
}
