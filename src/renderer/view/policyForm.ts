import type { MinimizationPolicy } from '../../core/privacy/policy.js';
import { MODALITIES, MODALITY_LABELS, type Modality } from '../../core/study/modalities.js';
import type { InputIssue } from './errors.js';

/** The policy as its form holds it: numbers and lists as typed. */
export interface PolicyDraft {
  readonly face_landmarks: MinimizationPolicy['face_landmarks'];
  readonly raw_video: MinimizationPolicy['raw_video'];
  readonly pseudonymize_ids: boolean;
  readonly session_relative_time: boolean;
  readonly redact_free_text: boolean;
  readonly roster_file: string;
  readonly k: string;
  readonly on_fail: MinimizationPolicy['export']['k_anonymity']['on_fail'];
  /** Comma- or line-separated. */
  readonly quasi_identifiers: string;
  readonly retention_days: Readonly<Record<Modality, string>>;
}

export function policyDraft(policy: MinimizationPolicy): PolicyDraft {
  const e = policy.export;
  return {
    face_landmarks: policy.face_landmarks,
    raw_video: policy.raw_video,
    pseudonymize_ids: e.pseudonymize_ids,
    session_relative_time: e.session_relative_time,
    redact_free_text: e.redact_free_text,
    roster_file: e.roster_file ?? '',
    k: String(e.k_anonymity.k),
    on_fail: e.k_anonymity.on_fail,
    quasi_identifiers: e.k_anonymity.quasi_identifiers.join(', '),
    retention_days: Object.fromEntries(MODALITIES.map((m) => [m, policy.retention_days[m] === undefined ? '' : String(policy.retention_days[m])])) as Record<Modality, string>,
  };
}

const NUMBER = /^[+-]?\d+(\.\d+)?$/;

export type PolicyPlan = { readonly ok: true; readonly policy: MinimizationPolicy } | { readonly ok: false; readonly issues: readonly InputIssue[] };

/**
 * The policy a draft describes. Ranges (k from 2 to 100, whole positive days) are the API's to
 * check, and its messages are shown; here only what cannot be sent at all is refused: text that
 * is no number, and an emptied retention period, which policy.set cannot remove.
 */
export function policyFromDraft(current: MinimizationPolicy, draft: PolicyDraft): PolicyPlan {
  const issues: InputIssue[] = [];
  const k = draft.k.trim();
  if (!NUMBER.test(k)) issues.push({ path: 'export.k_anonymity.k', message: 'Enter a number.' });
  const retention: Partial<Record<Modality, number>> = {};
  for (const modality of MODALITIES) {
    const text = draft.retention_days[modality].trim();
    const path = `retention_days.${modality}`;
    if (text === '') {
      if (current.retention_days[modality] !== undefined) {
        issues.push({ path, message: `A retention period, once set, cannot be removed through Weft's API yet; set a number of days for ${MODALITY_LABELS[modality].toLowerCase()}.` });
      }
    } else if (!NUMBER.test(text)) issues.push({ path, message: 'Enter a number of days, or leave it empty to keep the data until consent ends.' });
    else retention[modality] = Number(text);
  }
  if (issues.length > 0) return { ok: false, issues };
  const roster = draft.roster_file.trim();
  return {
    ok: true,
    policy: {
      face_landmarks: draft.face_landmarks,
      raw_video: draft.raw_video,
      export: {
        pseudonymize_ids: draft.pseudonymize_ids,
        session_relative_time: draft.session_relative_time,
        redact_free_text: draft.redact_free_text,
        roster_file: roster === '' ? null : roster,
        k_anonymity: {
          k: Number(k),
          on_fail: draft.on_fail,
          quasi_identifiers: draft.quasi_identifiers
            .split(/[,\n]/)
            .map((q) => q.trim())
            .filter((q) => q !== ''),
        },
      },
      retention_days: retention,
    },
  };
}
