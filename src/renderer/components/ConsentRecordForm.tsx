import { useState } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import type { MethodInput } from '../../core/api/contract.js';
import type { Consent } from '../../core/api/schemas.js';
import { MODALITIES, isModality } from '../../core/study/modalities.js';
import { useAction } from '../useAction.js';
import { modalityLabel } from '../view/consent.js';
import { consentRecordInput, type ConsentDraft } from '../view/consentForm.js';
import { issueFor } from '../view/errors.js';
import { formatDate } from '../view/format.js';
import { FormError } from './FormError.js';
import { FormRow, describedBy } from './FormRow.js';

interface ConsentRecordFormProps {
  readonly client: WeftClient;
  readonly participantIds: readonly string[];
  /** The participant chosen in the matrix, to prefill the form. */
  readonly participantId: string | null;
  readonly onRecorded: (consent: Consent) => void;
}

const EMPTY: ConsentDraft = { participantId: '', modality: 'video', decision: 'granted', formVersion: '', recordedOn: '', expiresOn: '' };

/** Records one decision of one participant for one modality, as the signed consent form says. */
export function ConsentRecordForm({ client, participantIds, participantId, onRecorded }: ConsentRecordFormProps) {
  const [draft, setDraft] = useState<ConsentDraft>(EMPTY);
  /** Null until typed into: the field then shows the participant chosen in the matrix. */
  const [typedParticipant, setTypedParticipant] = useState<string | null>(null);
  const record = useAction((input: MethodInput<'consent.record'>) => client.call('consent.record', input));
  const set = (patch: Partial<ConsentDraft>): void => setDraft((d) => ({ ...d, ...patch }));
  const shownParticipant = typedParticipant ?? participantId ?? '';

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const consent = await record.run(consentRecordInput({ ...draft, participantId: shownParticipant }));
    if (consent !== null) {
      setDraft({ ...EMPTY, formVersion: draft.formVersion });
      setTypedParticipant(null);
      onRecorded(consent);
    }
  };

  const field = (id: string, path: string, hint?: string) => {
    const error = issueFor(record.error, path);
    return { id, hint, error, 'aria-invalid': error !== null, 'aria-describedby': describedBy(id, hint, error) };
  };
  const participant = field('consent-participant', 'participant_id', 'An enrolled participant, or a new id to enrol.');
  const formVersion = field('consent-form-version', 'form_version', 'The version printed on the signed form, e.g. "v2".');
  const recordedOn = field('consent-recorded-on', 'recorded_at', 'The day the form was signed; empty for today.');
  const expiresOn = field('consent-expires-on', 'expires_at', 'Empty when the consent does not lapse.');
  const result = record.result;

  return (
    <form class="form card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="record-heading" data-form="consent-record">
      <h2 id="record-heading">Record a consent decision</h2>
      <FormError error={record.error !== null && record.error.issues.length === 0 ? record.error : null} what="The consent could not be recorded" />
      <FormRow id={participant.id} label="Participant" hint={participant.hint} error={participant.error}>
        <input id={participant.id} type="text" list="consent-participants" autoComplete="off" value={shownParticipant} required aria-invalid={participant['aria-invalid']} aria-describedby={participant['aria-describedby']} onInput={(e) => setTypedParticipant(e.currentTarget.value)} />
        <datalist id="consent-participants">
          {participantIds.map((id) => (
            <option key={id} value={id} />
          ))}
        </datalist>
      </FormRow>
      <FormRow id="consent-modality" label="Modality" error={issueFor(record.error, 'modality')}>
        <select id="consent-modality" value={draft.modality} onChange={(e) => isModality(e.currentTarget.value) && set({ modality: e.currentTarget.value })}>
          {MODALITIES.map((m) => (
            <option key={m} value={m}>
              {modalityLabel(m)}
            </option>
          ))}
        </select>
      </FormRow>
      <fieldset class="form-row">
        <legend class="form-row__label">Decision</legend>
        {(['granted', 'refused'] as const).map((decision) => (
          <label key={decision} class="check">
            <input type="radio" name="consent-decision" value={decision} checked={draft.decision === decision} onChange={() => set({ decision })} />
            {decision === 'granted' ? 'Granted' : 'Refused'}
          </label>
        ))}
      </fieldset>
      <FormRow id={formVersion.id} label="Form version" hint={formVersion.hint} error={formVersion.error}>
        <input id={formVersion.id} type="text" value={draft.formVersion} aria-invalid={formVersion['aria-invalid']} aria-describedby={formVersion['aria-describedby']} onInput={(e) => set({ formVersion: e.currentTarget.value })} />
      </FormRow>
      <div class="form__pair">
        <FormRow id={recordedOn.id} label="Signed on" hint={recordedOn.hint} error={recordedOn.error}>
          <input id={recordedOn.id} type="date" value={draft.recordedOn} aria-invalid={recordedOn['aria-invalid']} aria-describedby={recordedOn['aria-describedby']} onInput={(e) => set({ recordedOn: e.currentTarget.value })} />
        </FormRow>
        <FormRow id={expiresOn.id} label="Expires on" hint={expiresOn.hint} error={expiresOn.error}>
          <input id={expiresOn.id} type="date" value={draft.expiresOn} aria-invalid={expiresOn['aria-invalid']} aria-describedby={expiresOn['aria-describedby']} onInput={(e) => set({ expiresOn: e.currentTarget.value })} />
        </FormRow>
      </div>
      <div class="form__actions">
        <button type="submit" class="button button--primary" disabled={record.pending}>
          {record.pending ? 'Recording…' : 'Record consent'}
        </button>
      </div>
      {result === null ? null : (
        <p class="notice notice--success" role="status" data-recorded={`${result.participant_id}:${result.modality}`}>
          Recorded: {result.participant_id}, {modalityLabel(result.modality)} {result.granted ? 'granted' : 'refused'}
          {result.form_version === null ? '' : ` on form ${result.form_version}`}, {formatDate(result.recorded_at)}. Audited.
        </p>
      )}
    </form>
  );
}
