import { useMemo, useState } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import type { MinimizationPolicy } from '../../core/privacy/policy.js';
import { MODALITIES, MODALITY_LABELS } from '../../core/study/modalities.js';
import type { LiveUpdates } from '../api.js';
import { useAction } from '../useAction.js';
import { useStudyData } from '../useStudyData.js';
import { issueFor, type ActionError } from '../view/errors.js';
import { diffPolicies, policyPatch } from '../view/policyDiff.js';
import { policyDraft, policyFromDraft, type PolicyDraft } from '../view/policyForm.js';
import { PAGE_TITLES } from '../view/route.js';
import { FormError } from './FormError.js';
import { FormRow, describedBy } from './FormRow.js';
import { PageHeader } from './PageHeader.js';
import { PageLayout } from './PageLayout.js';
import { PolicyChanges } from './PolicyChanges.js';

interface PolicyPageProps {
  readonly client: WeftClient;
  readonly mode: 'desktop' | 'browser';
  readonly liveUpdates: LiveUpdates;
}

const loadPolicy = (client: WeftClient): Promise<MinimizationPolicy> => client.call('policy.get', {});

export function PolicyPage({ client, mode, liveUpdates }: PolicyPageProps) {
  const state = useStudyData(client, liveUpdates, loadPolicy);
  return (
    <PageLayout mode={mode} page="policy" state={state} loadingWhat="the policy">
      {(policy) => <PolicyEditor client={client} policy={policy} onSaved={state.reload} />}
    </PageLayout>
  );
}

function PolicyEditor({ client, policy, onSaved }: { readonly client: WeftClient; readonly policy: MinimizationPolicy; readonly onSaved: () => void }) {
  /** Null while nothing was edited: the form then follows the stored policy as it changes. */
  const [edited, setEdited] = useState<PolicyDraft | null>(null);
  const draft = edited ?? policyDraft(policy);
  const save = useAction((patch: Record<string, unknown>) => client.call('policy.set', { policy: patch }));
  const plan = useMemo(() => policyFromDraft(policy, draft), [policy, draft]);
  const changes = useMemo(() => (plan.ok ? diffPolicies(policy, plan.policy) : []), [policy, plan]);
  const localError: ActionError | null = plan.ok ? null : { code: 'INVALID_INPUT', message: 'Some settings cannot be saved as they are.', hint: null, issues: plan.issues };
  const error = save.error ?? localError;
  const set = (patch: Partial<PolicyDraft>): void => {
    save.reset();
    setEdited({ ...draft, ...patch });
  };

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!plan.ok || changes.length === 0) return;
    const stored = await save.run(policyPatch(plan.policy, changes));
    if (stored !== null) {
      setEdited(null);
      onSaved();
    }
  };
  const row = (id: string, path: string, hint?: string) => {
    const message = issueFor(error, path);
    return { id, hint, error: message, 'aria-invalid': message !== null, 'aria-describedby': describedBy(id, hint, message) };
  };
  const k = row('policy-k', 'export.k_anonymity.k', 'From 2 to 100.');
  const quasi = row('policy-quasi', 'export.k_anonymity.quasi_identifiers', 'Demographic attributes, separated by commas.');
  const roster = row('policy-roster', 'export.roster_file', 'A file of names whose occurrences exports redact; empty for none.');

  return (
    <>
      <PageHeader title={PAGE_TITLES.policy}>
        What Weft keeps and what leaves the study in exports. Every default is the protective choice; a change is audited with its before and after.
      </PageHeader>
      <form class="form policy-form" onSubmit={(e) => void submit(e)} noValidate data-form="policy">
        <FormError error={save.error !== null && save.error.issues.length === 0 ? save.error : null} what="The policy could not be saved" />
        <fieldset class="card">
          <legend>Collection</legend>
          <FormRow id="policy-face-landmarks" label="Face landmarks (biometric)">
            <select id="policy-face-landmarks" value={draft.face_landmarks} onChange={(e) => set({ face_landmarks: e.currentTarget.value === 'with_consent' ? 'with_consent' : 'never' })}>
              <option value="never">Never extracted or stored</option>
              <option value="with_consent">Stored only with consent</option>
            </select>
          </FormRow>
          <FormRow id="policy-raw-video" label="Raw video managed by Weft">
            <select id="policy-raw-video" value={draft.raw_video} onChange={(e) => set({ raw_video: e.currentTarget.value === 'delete_after_extraction' ? 'delete_after_extraction' : 'keep' })}>
              <option value="keep">Kept</option>
              <option value="delete_after_extraction">Deleted once face features are extracted</option>
            </select>
          </FormRow>
        </fieldset>
        <fieldset class="card">
          <legend>Exports</legend>
          <label class="check">
            <input type="checkbox" checked={draft.pseudonymize_ids} onChange={(e) => set({ pseudonymize_ids: e.currentTarget.checked })} data-setting="export.pseudonymize_ids" />
            Replace participant and session ids by keyed pseudonyms
          </label>
          <label class="check">
            <input type="checkbox" checked={draft.session_relative_time} onChange={(e) => set({ session_relative_time: e.currentTarget.checked })} data-setting="export.session_relative_time" />
            Session-relative time only (no dates)
          </label>
          <label class="check">
            <input type="checkbox" checked={draft.redact_free_text} onChange={(e) => set({ redact_free_text: e.currentTarget.checked })} data-setting="export.redact_free_text" />
            Redact e-mail addresses, phone numbers and roster names in free text
          </label>
          <FormRow id={roster.id} label="Roster file" hint={roster.hint} error={roster.error}>
            <input id={roster.id} type="text" value={draft.roster_file} aria-invalid={roster['aria-invalid']} aria-describedby={roster['aria-describedby']} onInput={(e) => set({ roster_file: e.currentTarget.value })} />
          </FormRow>
          <div class="form__pair">
            <FormRow id={k.id} label="k-anonymity: k" hint={k.hint} error={k.error}>
              <input id={k.id} type="text" inputMode="numeric" value={draft.k} aria-invalid={k['aria-invalid']} aria-describedby={k['aria-describedby']} onInput={(e) => set({ k: e.currentTarget.value })} />
            </FormRow>
            <FormRow id="policy-on-fail" label="When fewer than k share a combination">
              <select id="policy-on-fail" value={draft.on_fail} onChange={(e) => set({ on_fail: e.currentTarget.value === 'generalize' ? 'generalize' : 'refuse' })}>
                <option value="refuse">Refuse the export</option>
                <option value="generalize">Generalize the quasi-identifiers</option>
              </select>
            </FormRow>
          </div>
          <FormRow id={quasi.id} label="Quasi-identifiers checked" hint={quasi.hint} error={quasi.error}>
            <input id={quasi.id} type="text" value={draft.quasi_identifiers} aria-invalid={quasi['aria-invalid']} aria-describedby={quasi['aria-describedby']} onInput={(e) => set({ quasi_identifiers: e.currentTarget.value })} />
          </FormRow>
        </fieldset>
        <fieldset class="card">
          <legend>Retention after the session (days)</legend>
          <p class="form-row__hint">Empty keeps a modality's data until consent ends.</p>
          <div class="retention-grid">
            {MODALITIES.map((m) => {
              const r = row(`policy-retention-${m}`, `retention_days.${m}`);
              return (
                <FormRow key={m} id={r.id} label={MODALITY_LABELS[m]} error={r.error}>
                  <input id={r.id} type="text" inputMode="numeric" value={draft.retention_days[m]} aria-invalid={r['aria-invalid']} aria-describedby={r['aria-describedby']} onInput={(e) => set({ retention_days: { ...draft.retention_days, [m]: e.currentTarget.value } })} />
                </FormRow>
              );
            })}
          </div>
        </fieldset>
        <PolicyChanges changes={changes} />
        <div class="form__actions">
          <button type="submit" class="button button--primary" disabled={save.pending || !plan.ok || changes.length === 0}>
            {save.pending ? 'Saving…' : changes.length === 0 ? 'No changes to save' : `Save ${changes.length} ${changes.length === 1 ? 'change' : 'changes'}`}
          </button>
          <button type="button" class="button button--quiet" disabled={edited === null || save.pending} onClick={() => {
            save.reset();
            setEdited(null);
          }}>
            Discard changes
          </button>
        </div>
        {save.result === null ? null : (
          <p class="notice notice--success" role="status" data-saved="policy">
            Policy saved and audited.
          </p>
        )}
      </form>
    </>
  );
}
