import type { FieldEntry } from '../../core/api/schemas.js';
import { SENSITIVITIES, SENSITIVITY_LABELS, type Sensitivity } from '../../core/privacy/policy.js';
import { MODALITIES, MODALITY_LABELS, type Modality } from '../../core/study/modalities.js';

/** How the registry is narrowed; "none" as modality means fields no consent gates. */
export interface FieldFilter {
  readonly text: string;
  readonly modality: Modality | 'none' | 'all';
  readonly sensitivity: Sensitivity | 'all';
  readonly view: string;
  readonly collectedOnly: boolean;
  readonly unreviewedOnly: boolean;
  /** Only fields whose purpose or legal basis is missing. */
  readonly incompleteOnly: boolean;
}

export const NO_FIELD_FILTER: FieldFilter = { text: '', modality: 'all', sensitivity: 'all', view: 'all', collectedOnly: false, unreviewedOnly: false, incompleteOnly: false };

/** What the registry lacks for a field to be justified: "purpose", "legal basis". */
export function fieldGaps(entry: FieldEntry): string[] {
  return [entry.purpose.trim() === '' ? 'purpose' : null, entry.legal_basis.trim() === '' ? 'legal basis' : null].filter((gap): gap is string => gap !== null);
}

export const FIELD_SORT_KEYS = ['view', 'field', 'modality', 'sensitivity', 'purpose', 'legal_basis', 'retention_days', 'first_seen', 'collected', 'reviewed_at'] as const;
export type FieldSortKey = (typeof FIELD_SORT_KEYS)[number];
export type SortDirection = 'ascending' | 'descending';
export interface FieldSort {
  readonly key: FieldSortKey;
  readonly direction: SortDirection;
}

export type FieldGrouping = 'none' | 'modality' | 'sensitivity';

export const NOT_CONSENT_GATED = 'Not consent-gated';

export function sensitivityLabel(sensitivity: Sensitivity): string {
  return SENSITIVITY_LABELS[sensitivity];
}

export function fieldModalityLabel(modality: Modality | null): string {
  return modality === null ? NOT_CONSENT_GATED : MODALITY_LABELS[modality];
}

export function retentionText(days: number | null): string {
  return days === null ? 'until consent ends' : `${days} ${days === 1 ? 'day' : 'days'}`;
}

export function filterFields(fields: readonly FieldEntry[], filter: FieldFilter): FieldEntry[] {
  const needle = filter.text.trim().toLowerCase();
  return fields.filter((f) => {
    if (filter.modality === 'none' ? f.modality !== null : filter.modality !== 'all' && f.modality !== filter.modality) return false;
    if (filter.sensitivity !== 'all' && f.sensitivity !== filter.sensitivity) return false;
    if (filter.view !== 'all' && f.view !== filter.view) return false;
    if (filter.collectedOnly && !f.collected) return false;
    if (filter.unreviewedOnly && f.reviewed_at !== null) return false;
    if (filter.incompleteOnly && fieldGaps(f).length === 0) return false;
    if (needle === '') return true;
    return [f.field, f.purpose, f.legal_basis, f.note ?? ''].some((text) => text.toLowerCase().includes(needle));
  });
}

const modalityRank = (m: Modality | null): number => (m === null ? MODALITIES.length : MODALITIES.indexOf(m));
const sensitivityRank = (s: Sensitivity): number => SENSITIVITIES.indexOf(s);

function compareBy(key: FieldSortKey, a: FieldEntry, b: FieldEntry): number {
  switch (key) {
    case 'modality':
      return modalityRank(a.modality) - modalityRank(b.modality);
    case 'sensitivity':
      return sensitivityRank(a.sensitivity) - sensitivityRank(b.sensitivity);
    case 'retention_days':
      // "Until consent ends" is the longest retention, so it sorts last.
      return (a.retention_days ?? Number.POSITIVE_INFINITY) - (b.retention_days ?? Number.POSITIVE_INFINITY);
    case 'collected':
      return Number(b.collected) - Number(a.collected);
    case 'reviewed_at':
      // Never reviewed sorts first: it is what a reviewer looks for.
      return (a.reviewed_at ?? '').localeCompare(b.reviewed_at ?? '');
    default:
      return a[key].localeCompare(b[key]);
  }
}

/** A stable sort; ties keep the registry's order by field name. */
export function sortFields(fields: readonly FieldEntry[], sort: FieldSort): FieldEntry[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...fields].sort((a, b) => sign * compareBy(sort.key, a, b) || a.field.localeCompare(b.field));
}

export interface FieldGroup {
  readonly key: string;
  readonly label: string;
  readonly fields: readonly FieldEntry[];
}

/** Groups in Weft's modality or sensitivity order; each keeps the order it was given. */
export function groupFields(fields: readonly FieldEntry[], grouping: FieldGrouping): FieldGroup[] {
  if (grouping === 'none') return [{ key: 'all', label: 'All fields', fields }];
  const keys: readonly (string | null)[] = grouping === 'modality' ? [...MODALITIES, null] : SENSITIVITIES;
  return keys
    .map((key) => {
      const members = fields.filter((f) => (grouping === 'modality' ? f.modality : f.sensitivity) === key);
      const label = grouping === 'modality' ? fieldModalityLabel(key as Modality | null) : sensitivityLabel(key as Sensitivity);
      return { key: key ?? 'none', label, fields: members };
    })
    .filter((group) => group.fields.length > 0);
}

export function fieldViews(fields: readonly FieldEntry[]): string[] {
  return [...new Set(fields.map((f) => f.view))].sort();
}
