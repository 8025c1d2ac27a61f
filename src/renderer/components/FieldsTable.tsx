import type { FieldEntry } from '../../core/api/schemas.js';
import { formatDate, formatInstant } from '../view/format.js';
import { fieldGaps, fieldModalityLabel, retentionText, sensitivityLabel, type FieldSort, type FieldSortKey } from '../view/fields.js';

interface FieldsTableProps {
  readonly caption: string;
  readonly fields: readonly FieldEntry[];
  readonly sort: FieldSort;
  readonly onSort: (key: FieldSortKey) => void;
  readonly onEdit: (entry: FieldEntry) => void;
}

const COLUMNS: readonly (readonly [FieldSortKey, string])[] = [
  ['field', 'Field'],
  ['modality', 'Modality'],
  ['sensitivity', 'Sensitivity'],
  ['purpose', 'Purpose'],
  ['legal_basis', 'Legal basis'],
  ['retention_days', 'Retention'],
  ['first_seen', 'First seen'],
  ['reviewed_at', 'Reviewed'],
];

/** A dotted name that may wrap after each dot, and nowhere else. */
function breakableName(name: string) {
  return name.split('.').flatMap((part, i) => (i === 0 ? [part] : ['.', <wbr key={i} />, part]));
}

/** The registry, one row per field; the headings sort it, and each row opens the field's review. */
export function FieldsTable({ caption, fields, sort, onSort, onEdit }: FieldsTableProps) {
  return (
    <div class="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table class="table table--fields">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {COLUMNS.map(([key, label]) => (
              <th key={key} scope="col" aria-sort={sort.key === key ? sort.direction : undefined}>
                <button type="button" class="sort-button" onClick={() => onSort(key)} data-sort={key}>
                  {label}
                  <span aria-hidden="true" class="sort-button__mark">
                    {sort.key === key ? (sort.direction === 'ascending' ? '▲' : '▼') : ''}
                  </span>
                </button>
              </th>
            ))}
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {fields.map((f) => {
            const gaps = fieldGaps(f);
            return (
              <tr key={f.field} data-field={f.field} data-gaps={gaps.join(',')} class={gaps.length > 0 ? 'is-flagged' : undefined}>
                <th scope="row">
                  <code>{breakableName(f.field)}</code>
                  <span class="cell-sub">
                    {f.origin === 'observed' ? 'found in the data' : 'Weft field'}
                    {f.note === null ? null : <span class="cell-note"> · {f.note}</span>}
                  </span>
                </th>
                <td data-column="modality">{fieldModalityLabel(f.modality)}</td>
                <td data-column="sensitivity">
                  <span class={`sensitivity sensitivity--${f.sensitivity}`}>{sensitivityLabel(f.sensitivity)}</span>
                </td>
                <td data-column="purpose">
                  {f.purpose.trim() === '' ? (
                    <span class="flag">⚠ no purpose</span>
                  ) : (
                    <span class="clamp" title={f.purpose}>
                      {f.purpose}
                    </span>
                  )}
                </td>
                <td data-column="legal_basis">
                  {f.legal_basis.trim() === '' ? (
                    <span class="flag">⚠ no legal basis</span>
                  ) : (
                    <span class="clamp" title={f.legal_basis}>
                      {f.legal_basis}
                    </span>
                  )}
                </td>
                <td data-column="retention_days">{retentionText(f.retention_days)}</td>
                <td data-column="first_seen">
                  <time dateTime={f.first_seen}>{formatDate(f.first_seen)}</time>
                  <span class="cell-sub">{f.collected ? 'has data' : 'no data yet'}</span>
                </td>
                <td data-column="reviewed">
                  {f.reviewed_at === null ? (
                    <span class="subtle">not yet</span>
                  ) : (
                    <span title={formatInstant(f.reviewed_at)}>
                      {formatDate(f.reviewed_at)} by {f.reviewed_by ?? 'unknown'}
                    </span>
                  )}
                </td>
                <td>
                  <button type="button" class="button button--small" onClick={() => onEdit(f)} aria-label={`Review ${f.field}`}>
                    Review
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
