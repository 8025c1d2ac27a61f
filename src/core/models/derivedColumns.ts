import { AU_PROXIES, auProxyColumnExpressions } from '../face/auProxies.js';
import { auIntensityColumn, auPresenceColumn, type ActionUnit } from '../face/featureSchema.js';
import type { ColumnKind, FeatureView } from './features.js';

/**
 * Columns models may read that no view stores, each an SQL expression over one row of its view
 * (evaluated in windowSql.ts with the view as the only table). They let one model read the
 * same quantity from different sources, and give one-action windows a value where the stored
 * column is NULL by design.
 */
export interface DerivedColumn {
  readonly view: Exclude<FeatureView, 'signals'>;
  readonly column: string;
  readonly kind: ColumnKind;
  readonly sql: string;
  readonly description: string;
}

/** `au04` for AU4: the derived action-unit column's name. */
export const auColumn = (au: ActionUnit): string => auIntensityColumn(au).replace(/_intensity$/, '');

/**
 * One mapping from every face source to an action unit's activation: OpenFace's intensity
 * (AUxx_r, 0–5) when the frame has it, else the MediaPipe blendshape proxy of
 * src/core/face/auProxies.ts computed from the stored blendshapes, else the stored presence
 * (the proxy again for extracted MediaPipe streams, Affectiva's AU evidence for iMotions exports).
 * The scales differ between sources, so only a model that z-scores each participant against
 * their own baseline (one source per participant) can compare them.
 */
function actionUnitColumn(au: ActionUnit): DerivedColumn {
  const presence = auPresenceColumn(au);
  const proxy = auProxyColumnExpressions().get(presence);
  const sources = [auIntensityColumn(au), ...(proxy === undefined ? [] : [proxy]), presence];
  return {
    view: 'face_frames',
    column: auColumn(au),
    kind: 'number',
    sql: `coalesce(${sources.join(', ')})`,
    description: `AU${au}: OpenFace intensity, else the MediaPipe blendshape proxy, else the stored presence (Affectiva evidence)`,
  };
}

export const DERIVED_COLUMNS: readonly DerivedColumn[] = [
  ...AU_PROXIES.map((p) => actionUnitColumn(p.au)),
  {
    view: 'interaction_features',
    column: 'incorrect',
    kind: 'boolean',
    sql: 'coalesce(NOT correct, false)',
    description: 'the action is an attempt judged incorrect (false for hint requests and ungraded attempts, where correct is NULL)',
  },
];

const BY_VIEW_AND_COLUMN = new Map(DERIVED_COLUMNS.map((d) => [`${d.view}.${d.column}`, d]));

export function derivedColumn(view: FeatureView, column: string): DerivedColumn | undefined {
  return BY_VIEW_AND_COLUMN.get(`${view}.${column}`);
}
