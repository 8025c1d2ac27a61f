import { derivedColumn } from '../../core/models/derivedColumns.js';
import { COUNT_COLUMN, type FeatureSpec, type FeatureView } from '../../core/models/features.js';
import { sqlString } from '../store/duck.js';

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

function valueExpression(f: FeatureSpec): string {
  if (f.column === COUNT_COLUMN) return '1.0';
  if (f.view === 'signals') return `CASE WHEN v.name = ${sqlString(f.column)} THEN v.value END`;
  const derived = derivedColumn(f.view, f.column);
  if (derived !== undefined) return `(${derived.sql})::DOUBLE`;
  return `v.${quoteIdent(f.column)}::DOUBLE`;
}

function rowFilter(view: FeatureView, features: readonly FeatureSpec[], sessionIds: readonly string[]): string {
  const sessions = `v.session_id IN (${sessionIds.map(sqlString).join(', ')})`;
  if (view !== 'signals') return sessions;
  return `${sessions} AND v.name IN (${[...new Set(features.map((f) => sqlString(f.column)))].join(', ')})`;
}

/**
 * Per session and time bin of `binUs` (bin b holds b·binUs <= t_us < (b+1)·binUs) of a view:
 * the row count, and per feature i what its aggregate needs: the count of values (n_i), their
 * sum (s_i), for a standard deviation their sum of squares (q_i) about the session's mean c_i,
 * their minimum (lo_i) or maximum (hi_i). A window of whole bins sums these, so one GROUP BY
 * serves any overlap of windows; the shift by c_i keeps the variance exact for large values
 * such as microsecond durations.
 */
export function binAggregateSql(view: FeatureView, features: readonly FeatureSpec[], sessionIds: readonly string[], binUs: number): string {
  const shifted = features.flatMap((f, i) => (f.aggregate === 'std' ? [i] : []));
  const aggregates = features.flatMap((f, i) => {
    switch (f.aggregate) {
      case 'count':
        return [];
      case 'mean':
      case 'sum':
        return [`count(x.e${i}) AS n${i}`, `sum(x.e${i}) AS s${i}`];
      case 'std':
        return [`count(x.e${i}) AS n${i}`, `sum(x.e${i} - s.c${i}) AS s${i}`, `sum((x.e${i} - s.c${i}) * (x.e${i} - s.c${i})) AS q${i}`, `any_value(s.c${i}) AS c${i}`];
      case 'min':
        return [`count(x.e${i}) AS n${i}`, `min(x.e${i}) AS lo${i}`];
      case 'max':
        return [`count(x.e${i}) AS n${i}`, `max(x.e${i}) AS hi${i}`];
    }
  });
  const shift = shifted.length === 0 ? '' : `,\ns AS (SELECT session_id, ${shifted.map((i) => `coalesce(avg(e${i}), 0) AS c${i}`).join(', ')} FROM x GROUP BY session_id)`;
  return `WITH x AS (${rowValuesSql(view, features, sessionIds)})${shift}
SELECT x.session_id, x.t_us // ${binUs} AS b, count(*) AS rows${aggregates.map((a) => `, ${a}`).join('')}
FROM x${shifted.length === 0 ? '' : ' JOIN s USING (session_id)'}
GROUP BY ALL`;
}

/**
 * Per row of a view at session time 0 or later: its keys and each feature's value before
 * aggregation (e0, e1, …; NULL where missing). A window of one row aggregates to these values.
 */
export function rowValuesSql(view: FeatureView, features: readonly FeatureSpec[], sessionIds: readonly string[], keys: readonly string[] = ['session_id', 't_us']): string {
  const values = features.map((f, i) => `${valueExpression(f)} AS e${i}`).join(', ');
  return `SELECT ${keys.map((k) => `v.${quoteIdent(k)}`).join(', ')}, ${values} FROM ${view} v WHERE ${rowFilter(view, features, sessionIds)} AND v.t_us >= 0`;
}

/** Per requested session: first and last time of the view's rows (the features' rows, for signals). */
export function extentSql(view: FeatureView, features: readonly FeatureSpec[], sessionIds: readonly string[]): string {
  return `SELECT v.session_id, min(v.t_us) AS first_us, max(v.t_us) AS last_us FROM ${view} v WHERE ${rowFilter(view, features, sessionIds)} GROUP BY v.session_id`;
}

/** Per feature, how many non-missing values the view holds over the requested sessions. */
export function availabilitySql(view: FeatureView, features: readonly FeatureSpec[], sessionIds: readonly string[]): string {
  const counts = features.map((f, i) => `count(${valueExpression(f)}) AS n${i}`);
  return `SELECT ${counts.join(', ')} FROM ${view} v WHERE ${rowFilter(view, features, sessionIds)}`;
}
