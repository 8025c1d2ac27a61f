import { useState } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import type { MethodInput } from '../../core/api/contract.js';
import type { ErasureReport, Participant, Stream } from '../../core/api/schemas.js';
import { MODALITIES, type Modality } from '../../core/study/modalities.js';
import { useAction } from '../useAction.js';
import { modalityLabel } from '../view/consent.js';
import { formatCount } from '../view/format.js';
import { withdrawalPreview, type WithdrawalPreview } from '../view/withdrawal.js';
import { Dialog } from './Dialog.js';
import { ErasureResult } from './ErasureResult.js';
import { FormError } from './FormError.js';
import { FormRow } from './FormRow.js';

interface WithdrawalFormProps {
  readonly client: WeftClient;
  readonly participants: readonly Participant[];
  readonly streams: readonly Stream[];
  readonly participantId: string | null;
  readonly onWithdrawn: (report: ErasureReport) => void;
}

type Scope = 'everything' | 'modalities';

/** Withdraws a participant, after a confirmation that says what will be deleted; then shows the erasure's verification. */
export function WithdrawalForm({ client, participants, streams, participantId, onWithdrawn }: WithdrawalFormProps) {
  const enrolled = participants.filter((p) => !p.withdrawn);
  const [chosen, setChosen] = useState<string>('');
  const [scope, setScope] = useState<Scope>('everything');
  const [modalities, setModalities] = useState<readonly Modality[]>([]);
  const [reason, setReason] = useState('');
  /** What the open confirmation is about: fixed when it opens, as the page reloads beneath it. */
  const [confirming, setConfirming] = useState<WithdrawalPreview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const withdraw = useAction((input: MethodInput<'consent.withdraw'>) => client.call('consent.withdraw', input));

  const fallback = participantId !== null && enrolled.some((p) => p.participant_id === participantId) ? participantId : (enrolled[0]?.participant_id ?? '');
  const target = chosen !== '' && enrolled.some((p) => p.participant_id === chosen) ? chosen : fallback;
  const sessions = participants.find((p) => p.participant_id === target)?.sessions ?? 0;
  const withdrawn = scope === 'everything' ? null : modalities;
  const done = withdraw.result;

  const open = (event: Event): void => {
    event.preventDefault();
    if (withdrawn !== null && withdrawn.length === 0) return setProblem('Choose at least one modality to withdraw from.');
    setProblem(null);
    withdraw.reset();
    setConfirming(withdrawalPreview(target, withdrawn, streams, sessions));
  };
  const confirm = async (preview: WithdrawalPreview): Promise<void> => {
    const trimmed = reason.trim();
    const report = await withdraw.run({ participant_id: preview.participantId, ...(preview.modalities === null ? {} : { modalities: [...preview.modalities] }), reason: trimmed === '' ? null : trimmed });
    if (report !== null) onWithdrawn(report);
  };
  const close = (): void => {
    setConfirming(null);
    if (withdraw.result !== null) {
      setChosen('');
      setReason('');
      setModalities([]);
    }
  };

  return (
    <form class="form card" onSubmit={open} noValidate aria-labelledby="withdraw-heading" data-form="withdraw">
      <h2 id="withdraw-heading">Withdraw a participant</h2>
      {enrolled.length === 0 ? (
        <p class="empty">No participant is enrolled.</p>
      ) : (
        <>
          <FormRow id="withdraw-participant" label="Participant">
            <select id="withdraw-participant" value={target} onChange={(e) => setChosen(e.currentTarget.value)}>
              {enrolled.map((p) => (
                <option key={p.participant_id} value={p.participant_id}>
                  {p.participant_id}
                </option>
              ))}
            </select>
          </FormRow>
          <fieldset class="form-row">
            <legend class="form-row__label">Withdraw from</legend>
            <label class="check">
              <input type="radio" name="withdraw-scope" value="everything" checked={scope === 'everything'} onChange={() => setScope('everything')} />
              Everything: erase the participant from the study
            </label>
            <label class="check">
              <input type="radio" name="withdraw-scope" value="modalities" checked={scope === 'modalities'} onChange={() => setScope('modalities')} />
              Some modalities only
            </label>
            {scope === 'modalities' ? (
              <div class="check-grid" role="group" aria-label="Modalities to withdraw from" aria-describedby={problem === null ? undefined : 'withdraw-modalities-error'}>
                {MODALITIES.map((m) => (
                  <label key={m} class="check">
                    <input type="checkbox" value={m} checked={modalities.includes(m)} onChange={(e) => setModalities((ms) => (e.currentTarget.checked ? [...ms, m] : ms.filter((x) => x !== m)))} />
                    {modalityLabel(m)}
                  </label>
                ))}
              </div>
            ) : null}
            {problem !== null ? (
              <p id="withdraw-modalities-error" class="form-row__error">
                {problem}
              </p>
            ) : null}
          </fieldset>
          <FormRow id="withdraw-reason" label="Reason (optional)" hint="Kept in the erasure register and the audit trail; do not name the participant.">
            <textarea id="withdraw-reason" rows={2} maxLength={2000} value={reason} aria-describedby="withdraw-reason-hint" onInput={(e) => setReason(e.currentTarget.value)} />
          </FormRow>
          <div class="form__actions">
            <button type="submit" class="button button--danger">
              Withdraw…
            </button>
          </div>
        </>
      )}
      {confirming === null ? null : (
        <Dialog open title={done === null ? `Withdraw ${confirming.participantId}?` : `${confirming.participantId} withdrawn`} onClose={close} busy={withdraw.pending} className="dialog--confirm">
          {done === null ? (
            <>
              <p>This deletes {formatCount(confirming.rows)} rows of {confirming.participantId}'s data now:</p>
              <ul class="consequences" data-preview-rows={confirming.rows}>
                {confirming.consequences.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
              <FormError error={withdraw.error} what="The withdrawal failed and nothing was deleted" />
              <div class="form__actions">
                <button type="button" class="button button--danger" onClick={() => void confirm(confirming)} disabled={withdraw.pending}>
                  {withdraw.pending ? 'Erasing and verifying…' : confirming.modalities === null ? `Erase ${confirming.participantId}` : `Withdraw ${confirming.participantId}`}
                </button>
                <button type="button" class="button button--quiet" onClick={close} disabled={withdraw.pending} autoFocus>
                  Cancel
                </button>
              </div>
            </>
          ) : (
            <>
              <ErasureResult participantId={confirming.participantId} report={done} />
              <div class="form__actions">
                <button type="button" class="button" onClick={close} autoFocus>
                  Close
                </button>
              </div>
            </>
          )}
        </Dialog>
      )}
    </form>
  );
}
