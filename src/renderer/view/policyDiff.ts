import type { MinimizationPolicy } from '../../core/privacy/policy.js';
import { MODALITIES, MODALITY_LABELS, isModality } from '../../core/study/modalities.js';

/** One setting whose value a change would alter, in words a reviewer reads. */
export interface PolicyChange {
  /** Where in the policy: "export.k_anonymity.k", "retention_days.video". */
  readonly path: string;
  readonly label: string;
  readonly before: string;
  readonly after: string;
}

const SETTING_LABELS: Record<string, string> = {
  face_landmarks: 'Face landmarks (biometric)',
  raw_video: 'Raw video managed by Weft',
  'export.pseudonymize_ids': 'Exports: participant and session ids',
  'export.session_relative_time': 'Exports: time',
  'export.redact_free_text': 'Exports: free text',
  'export.roster_file': 'Exports: roster of names to redact',
  'export.k_anonymity.k': 'Exports: k-anonymity of demographics (k)',
  'export.k_anonymity.on_fail': 'Exports: when fewer than k participants share a combination',
  'export.k_anonymity.quasi_identifiers': 'Exports: quasi-identifiers checked',
};

const VALUE_TEXT: Record<string, Record<string, string>> = {
  face_landmarks: { never: 'never extracted or stored', with_consent: 'stored only with consent' },
  raw_video: { keep: 'kept', delete_after_extraction: 'deleted once face features are extracted' },
  'export.pseudonymize_ids': { true: 'replaced by keyed pseudonyms', false: 'kept as they are' },
  'export.session_relative_time': { true: 'session-relative only (no dates)', false: 'wall-clock dates included' },
  'export.redact_free_text': { true: 'e-mail, phone and roster names redacted', false: 'not redacted' },
  'export.k_anonymity.on_fail': { refuse: 'refuse the export', generalize: 'generalize the quasi-identifiers' },
};

export function policySettingLabel(path: string): string {
  const retention = /^retention_days\.(.+)$/.exec(path)?.[1];
  if (retention !== undefined) return `Retention: ${isModality(retention) ? MODALITY_LABELS[retention] : retention}`;
  return SETTING_LABELS[path] ?? path;
}

export function policyValueText(path: string, value: unknown): string {
  if (path.startsWith('retention_days.')) return value === undefined ? 'until consent ends' : `${String(value)} days after the session`;
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(String).join(', ');
  return VALUE_TEXT[path]?.[String(value)] ?? String(value);
}

/** Every setting of a policy by path; lists are one setting. Retention lists every modality, set or not. */
export function flattenPolicy(policy: MinimizationPolicy): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (value: unknown, prefix: string): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) walk(inner, prefix === '' ? key : `${prefix}.${key}`);
    } else out.set(prefix, value);
  };
  const { retention_days: retention, ...rest } = policy;
  walk(rest, '');
  for (const modality of MODALITIES) out.set(`retention_days.${modality}`, retention[modality]);
  return out;
}

export function diffPolicies(before: MinimizationPolicy, after: MinimizationPolicy): PolicyChange[] {
  const a = flattenPolicy(before);
  const b = flattenPolicy(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  return paths
    .filter((path) => JSON.stringify(a.get(path)) !== JSON.stringify(b.get(path)))
    .map((path) => ({ path, label: policySettingLabel(path), before: policyValueText(path, a.get(path)), after: policyValueText(path, b.get(path)) }));
}

/** The partial policy policy.set takes: each changed setting at its place, nothing else. */
export function policyPatch(after: MinimizationPolicy, changes: readonly PolicyChange[]): Record<string, unknown> {
  const values = flattenPolicy(after);
  const patch: Record<string, unknown> = {};
  for (const { path } of changes) {
    const keys = path.split('.');
    let node = patch;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      node = (typeof next === 'object' && next !== null ? next : (node[key] = {})) as Record<string, unknown>;
    }
    const last = keys.at(-1);
    if (last !== undefined) node[last] = values.get(path);
  }
  return patch;
}
