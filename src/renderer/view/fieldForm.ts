import type { MethodInput } from '../../core/api/contract.js';
import type { FieldEntry } from '../../core/api/schemas.js';
import type { Sensitivity } from '../../core/privacy/policy.js';
import type { InputIssue } from './errors.js';

/** The editable part of a field as the form holds it: text, as typed. */
export interface FieldDraft {
  readonly sensitivity: Sensitivity;
  readonly purpose: string;
  readonly legal_basis: string;
  readonly retention_days: string;
  readonly note: string;
}

export function fieldDraft(entry: FieldEntry): FieldDraft {
  return {
    sensitivity: entry.sensitivity,
    purpose: entry.purpose,
    legal_basis: entry.legal_basis,
    retention_days: entry.retention_days === null ? '' : String(entry.retention_days),
    note: entry.note ?? '',
  };
}

export type FieldUpdateInput = MethodInput<'field.update'>;

export type FieldUpdatePlan =
  | { readonly ok: true; readonly input: FieldUpdateInput; readonly changed: readonly (keyof FieldDraft)[] }
  | { readonly ok: false; readonly issues: readonly InputIssue[] };

/**
 * The field.update call for a draft: only what changed is sent, so the audit entry says exactly
 * what the reviewer changed; with no change the call records the review alone. Checking what
 * is sent is left to the API, whose messages the form shows; only text that is no number at all
 * is caught here, since it cannot be sent.
 */
export function planFieldUpdate(entry: FieldEntry, draft: FieldDraft): FieldUpdatePlan {
  const input: { -readonly [K in keyof FieldUpdateInput]: FieldUpdateInput[K] } = { field: entry.field };
  const changed: (keyof FieldDraft)[] = [];
  if (draft.sensitivity !== entry.sensitivity) {
    input.sensitivity = draft.sensitivity;
    changed.push('sensitivity');
  }
  if (draft.purpose.trim() !== entry.purpose) {
    input.purpose = draft.purpose.trim();
    changed.push('purpose');
  }
  if (draft.legal_basis.trim() !== entry.legal_basis) {
    input.legal_basis = draft.legal_basis.trim();
    changed.push('legal_basis');
  }
  const retentionText = draft.retention_days.trim();
  if (retentionText !== '' && !/^[+-]?\d+(\.\d+)?$/.test(retentionText)) {
    return { ok: false, issues: [{ path: 'retention_days', message: 'Enter a number of days, or leave it empty to keep the data until consent ends.' }] };
  }
  const retention = retentionText === '' ? null : Number(retentionText);
  if (retention !== entry.retention_days) {
    input.retention_days = retention;
    changed.push('retention_days');
  }
  const note = draft.note.trim() === '' ? null : draft.note.trim();
  if (note !== entry.note) {
    input.note = note;
    changed.push('note');
  }
  return { ok: true, input, changed };
}
