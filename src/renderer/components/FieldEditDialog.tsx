import { useState } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import type { FieldEntry } from '../../core/api/schemas.js';
import { SENSITIVITIES, type Sensitivity } from '../../core/privacy/policy.js';
import { useAction } from '../useAction.js';
import { issueFor } from '../view/errors.js';
import { fieldDraft, planFieldUpdate, type FieldDraft, type FieldUpdateInput } from '../view/fieldForm.js';
import { fieldModalityLabel, sensitivityLabel } from '../view/fields.js';
import { Dialog } from './Dialog.js';
import { FormError } from './FormError.js';
import { FormRow, describedBy } from './FormRow.js';

interface FieldEditDialogProps {
  readonly client: WeftClient;
  /** Null when closed. */
  readonly entry: FieldEntry | null;
  readonly onClose: () => void;
  readonly onSaved: (entry: FieldEntry) => void;
}

export function FieldEditDialog({ client, entry, onClose, onSaved }: FieldEditDialogProps) {
  return (
    <Dialog open={entry !== null} title={entry === null ? 'Review a field' : `Review ${entry.field}`} onClose={onClose} className="dialog--form">
      {entry === null ? null : <FieldEditForm key={entry.field} client={client} entry={entry} onClose={onClose} onSaved={onSaved} />}
    </Dialog>
  );
}

const isSensitivity = (value: string): value is Sensitivity => (SENSITIVITIES as readonly string[]).includes(value);

function FieldEditForm({ client, entry, onClose, onSaved }: { readonly client: WeftClient; readonly entry: FieldEntry; readonly onClose: () => void; readonly onSaved: (entry: FieldEntry) => void }) {
  const [draft, setDraft] = useState<FieldDraft>(() => fieldDraft(entry));
  const save = useAction((input: FieldUpdateInput) => client.call('field.update', input));
  const set = (patch: Partial<FieldDraft>): void => setDraft((d) => ({ ...d, ...patch }));
  const error = save.error;
  const control = (name: keyof FieldDraft, hint?: string) => {
    const message = issueFor(error, name);
    return { id: `field-${name}`, hint, error: message, invalid: message !== null, describedBy: describedBy(`field-${name}`, hint, message) };
  };

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const plan = planFieldUpdate(entry, draft);
    if (!plan.ok) {
      save.fail({ code: 'INVALID_INPUT', message: 'Some inputs cannot be sent as they are.', hint: null, issues: plan.issues });
      return;
    }
    const saved = await save.run(plan.input);
    if (saved !== null) onSaved(saved);
  };

  const sensitivity = control('sensitivity');
  const purpose = control('purpose', 'Why the study holds this field, as the ethics application states it.');
  const basis = control('legal_basis', 'For example "consent (GDPR Art. 6(1)(a))" or "public task".');
  const retention = control('retention_days', 'Whole days after the session; empty keeps the data until consent ends.');
  const note = control('note');
  return (
    <form class="form" onSubmit={(e) => void submit(e)} noValidate data-form="field">
      <p class="form__context">
        <code>{entry.view}</code> · column <code>{entry.column}</code> · {fieldModalityLabel(entry.modality)}
        {entry.reviewed_at === null ? ' · never reviewed' : ` · last reviewed by ${entry.reviewed_by ?? 'unknown'}`}
      </p>
      <FormError error={error !== null && error.issues.length === 0 ? error : null} what="The field could not be saved" />
      <FormRow id={sensitivity.id} label="Sensitivity" error={sensitivity.error}>
        <select id={sensitivity.id} value={draft.sensitivity} aria-invalid={sensitivity.invalid} aria-describedby={sensitivity.describedBy} onChange={(e) => isSensitivity(e.currentTarget.value) && set({ sensitivity: e.currentTarget.value })}>
          {SENSITIVITIES.map((s) => (
            <option key={s} value={s}>
              {sensitivityLabel(s)}
            </option>
          ))}
        </select>
      </FormRow>
      <FormRow id={purpose.id} label="Purpose" hint={purpose.hint} error={purpose.error}>
        <textarea id={purpose.id} rows={2} value={draft.purpose} aria-invalid={purpose.invalid} aria-describedby={purpose.describedBy} onInput={(e) => set({ purpose: e.currentTarget.value })} />
      </FormRow>
      <FormRow id={basis.id} label="Legal basis" hint={basis.hint} error={basis.error}>
        <input id={basis.id} type="text" value={draft.legal_basis} aria-invalid={basis.invalid} aria-describedby={basis.describedBy} onInput={(e) => set({ legal_basis: e.currentTarget.value })} />
      </FormRow>
      <FormRow id={retention.id} label="Retention (days)" hint={retention.hint} error={retention.error}>
        <input id={retention.id} type="text" inputMode="numeric" value={draft.retention_days} aria-invalid={retention.invalid} aria-describedby={retention.describedBy} onInput={(e) => set({ retention_days: e.currentTarget.value })} />
      </FormRow>
      <FormRow id={note.id} label="Reviewer's note" error={note.error}>
        <textarea id={note.id} rows={2} value={draft.note} aria-invalid={note.invalid} aria-describedby={note.describedBy} onInput={(e) => set({ note: e.currentTarget.value })} />
      </FormRow>
      <div class="form__actions">
        <button type="submit" class="button button--primary" disabled={save.pending}>
          {save.pending ? 'Saving…' : 'Save review'}
        </button>
        <button type="button" class="button button--quiet" onClick={onClose} disabled={save.pending}>
          Cancel
        </button>
      </div>
    </form>
  );
}
