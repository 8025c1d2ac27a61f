import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, minimizationPolicySchema, type MinimizationPolicy } from '../../../src/core/privacy/policy.js';
import { diffPolicies, flattenPolicy, policyPatch, policyValueText } from '../../../src/renderer/view/policyDiff.js';
import { policyDraft, policyFromDraft } from '../../../src/renderer/view/policyForm.js';

const withVideo: MinimizationPolicy = { ...DEFAULT_POLICY, retention_days: { video: 30 } };

describe('policy form', () => {
  it('gives back the same policy for an unedited draft', () => {
    expect(policyFromDraft(withVideo, policyDraft(withVideo))).toEqual({ ok: true, policy: withVideo });
  });

  it('reads numbers, lists and empty text from the form', () => {
    const draft = { ...policyDraft(DEFAULT_POLICY), k: ' 7 ', quasi_identifiers: 'age,\n grade , ,school', roster_file: ' roster.csv ', retention_days: { ...policyDraft(DEFAULT_POLICY).retention_days, gaze: '365' } };
    const plan = policyFromDraft(DEFAULT_POLICY, draft);
    if (!plan.ok) throw new Error('expected a policy');
    expect(plan.policy.export.k_anonymity).toEqual({ k: 7, on_fail: 'refuse', quasi_identifiers: ['age', 'grade', 'school'] });
    expect(plan.policy.export.roster_file).toBe('roster.csv');
    expect(plan.policy.retention_days).toEqual({ gaze: 365 });
  });

  it('refuses text that is no number and an emptied retention period, naming each input', () => {
    const draft = { ...policyDraft(withVideo), k: 'five', retention_days: { ...policyDraft(withVideo).retention_days, video: '', audio: 'soon' } };
    const plan = policyFromDraft(withVideo, draft);
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.issues.map((i) => i.path)).toEqual(['export.k_anonymity.k', 'retention_days.video', 'retention_days.audio']);
    expect(plan.issues[1]?.message).toMatch(/cannot be removed/);
  });
});

describe('policy diff', () => {
  it('lists exactly the settings that change, in words, before and after', () => {
    const after: MinimizationPolicy = { ...withVideo, face_landmarks: 'with_consent', export: { ...withVideo.export, k_anonymity: { ...withVideo.export.k_anonymity, k: 10 } }, retention_days: { video: 30, gaze: 90 } };
    const changes = diffPolicies(withVideo, after);
    expect(changes).toEqual([
      { path: 'face_landmarks', label: 'Face landmarks (biometric)', before: 'never extracted or stored', after: 'stored only with consent' },
      { path: 'export.k_anonymity.k', label: 'Exports: k-anonymity of demographics (k)', before: '5', after: '10' },
      { path: 'retention_days.gaze', label: 'Retention: Eye tracking', before: 'until consent ends', after: '90 days after the session' },
    ]);
    expect(diffPolicies(withVideo, withVideo)).toEqual([]);
  });

  it('treats a list as one setting', () => {
    const after = { ...DEFAULT_POLICY, export: { ...DEFAULT_POLICY.export, k_anonymity: { ...DEFAULT_POLICY.export.k_anonymity, quasi_identifiers: ['age'] } } };
    expect(diffPolicies(DEFAULT_POLICY, after).map((c) => [c.path, c.after])).toEqual([['export.k_anonymity.quasi_identifiers', 'age']]);
    expect(flattenPolicy(DEFAULT_POLICY).get('export.k_anonymity.quasi_identifiers')).toEqual(DEFAULT_POLICY.export.k_anonymity.quasi_identifiers);
    expect(policyValueText('export.roster_file', null)).toBe('none');
  });

  it('patches only the changed settings, and the patch merged into the old policy gives the new one', () => {
    const after: MinimizationPolicy = { ...withVideo, export: { ...withVideo.export, pseudonymize_ids: false }, retention_days: { video: 14 } };
    const patch = policyPatch(after, diffPolicies(withVideo, after));
    expect(patch).toEqual({ export: { pseudonymize_ids: false }, retention_days: { video: 14 } });
    const merged = minimizationPolicySchema.parse({
      ...withVideo,
      export: { ...withVideo.export, ...(patch['export'] as object) },
      retention_days: { ...withVideo.retention_days, ...(patch['retention_days'] as object) },
    });
    expect(merged).toEqual(after);
  });
});
