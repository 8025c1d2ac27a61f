import * as z from 'zod';
import { FACE_FEATURE_COLUMNS } from '../face/featureSchema.js';
import { DERIVED_COLUMNS } from './derivedColumns.js';

/** Views a model's features are computed from, and whether they hold samples at a rate or discrete events. */
export const FEATURE_VIEWS = ['face_frames', 'gaze_samples', 'signals', 'interaction_features'] as const;
export type FeatureView = (typeof FEATURE_VIEWS)[number];
export const SAMPLE_VIEWS: readonly FeatureView[] = ['face_frames', 'gaze_samples', 'signals'];
export const isSampleView = (view: FeatureView): boolean => SAMPLE_VIEWS.includes(view);

/**
 * How the rows of a view inside one window become one number. `mean` of a boolean column is
 * the share of rows where it is true; `count` counts rows (its column is "*"); `std` is the
 * sample standard deviation and needs two values.
 */
export const AGGREGATES = ['mean', 'std', 'min', 'max', 'sum', 'count'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export type ColumnKind = 'number' | 'boolean';

const faceColumns: Record<string, ColumnKind> = Object.fromEntries(
  FACE_FEATURE_COLUMNS.filter((c) => c.name !== 'success').map((c) => [c.name, c.type === 'BOOLEAN' ? 'boolean' : 'number']),
);

const derived = (view: Exclude<FeatureView, 'signals'>): Record<string, ColumnKind> =>
  Object.fromEntries(DERIVED_COLUMNS.filter((d) => d.view === view).map((d) => [d.column, d.kind]));

/**
 * Columns each view offers to models, stored and derived (derivedColumns.ts); `signals` takes
 * any signal name instead of a column.
 */
export const FEATURE_COLUMNS: Readonly<Record<Exclude<FeatureView, 'signals'>, Readonly<Record<string, ColumnKind>>>> = {
  face_frames: { ...faceColumns, ...derived('face_frames') },
  gaze_samples: {
    x: 'number', y: 'number', left_x: 'number', left_y: 'number', right_x: 'number', right_y: 'number',
    pupil_left: 'number', pupil_right: 'number', valid_left: 'boolean', valid_right: 'boolean',
  },
  interaction_features: {
    duration_us: 'number', correct: 'boolean', attempt: 'number', help_request: 'boolean', hints_on_step: 'number',
    wrong_past5: 'number', help_past5: 'number', wrong_past8: 'number', help_past8: 'number',
    consecutive_errors: 'number', time_on_skill_us: 'number',
    ...derived('interaction_features'),
  },
};

export const COUNT_COLUMN = '*';
const IDENTIFIER = /^[a-z][a-z0-9_]*$/;

export const featureSpecSchema = z
  .object({
    /** The feature's name in the model's input, in order. */
    name: z.string().regex(IDENTIFIER, 'feature names are lower snake_case'),
    view: z.enum(FEATURE_VIEWS),
    /** Column of the view (a signal name for `signals`; "*" with `count`). */
    column: z.string().min(1),
    aggregate: z.enum(AGGREGATES),
    description: z.string().optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    const problem = featureProblem(f);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, path: ['column'] });
  });
export type FeatureSpec = z.infer<typeof featureSpecSchema>;

/** Why a feature cannot be computed from its view, or null when it can. */
export function featureProblem(f: { view: FeatureView; column: string; aggregate: Aggregate }): string | null {
  if (f.aggregate === 'count') return f.column === COUNT_COLUMN ? null : `"count" counts rows: its column must be "${COUNT_COLUMN}", not "${f.column}"`;
  if (f.column === COUNT_COLUMN) return `column "${COUNT_COLUMN}" goes only with the "count" aggregate`;
  if (f.view === 'signals') return IDENTIFIER.test(f.column) ? null : `signal names are lower snake_case, not "${f.column}"`;
  const kind = FEATURE_COLUMNS[f.view][f.column];
  if (kind === undefined) return `${f.view} has no column "${f.column}" a model can use`;
  if (kind === 'boolean' && f.aggregate !== 'mean') return `${f.view}.${f.column} is true/false: aggregate it with "mean" (the share of true)`;
  return null;
}

/** A feature named after its column and aggregate: au04_intensity_mean, help_request_mean, action_count. */
export function feature(view: FeatureView, column: string, aggregate: Aggregate, name?: string): FeatureSpec {
  const fallback = column === COUNT_COLUMN ? `${view === 'interaction_features' ? 'action' : view}_count` : `${column}_${aggregate}`;
  return { name: name ?? fallback, view, column, aggregate };
}
