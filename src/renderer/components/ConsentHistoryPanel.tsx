import { useEffect, useState } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import { consentHistoryRows, type ConsentHistoryRow } from '../view/consentHistory.js';
import { describeError, type ErrorView } from '../view/errors.js';
import { formatDate, formatInstant } from '../view/format.js';
import { ConsentBadge } from './ConsentBadge.js';
import { LoadingState } from './LoadingState.js';

interface ConsentHistoryPanelProps {
  readonly client: WeftClient;
  readonly participantId: string;
  /** Changes whenever the page's data was loaded again, so the history follows. */
  readonly loadedAt: Date | null;
}

type HistoryState = { readonly kind: 'loading' } | { readonly kind: 'loaded'; readonly rows: readonly ConsentHistoryRow[] } | { readonly kind: 'failed'; readonly error: ErrorView };

/** Every consent record of one participant, newest first. */
export function ConsentHistoryPanel({ client, participantId, loadedAt }: ConsentHistoryPanelProps) {
  const [state, setState] = useState<HistoryState>({ kind: 'loading' });
  useEffect(() => {
    let current = true;
    setState((s) => (s.kind === 'loaded' ? s : { kind: 'loading' }));
    client.call('consent.history', { participant_id: participantId }).then(
      (records) => current && setState({ kind: 'loaded', rows: consentHistoryRows(records) }),
      (error: unknown) => current && setState({ kind: 'failed', error: describeError(error) }),
    );
    return () => {
      current = false;
    };
  }, [client, participantId, loadedAt]);

  return (
    <section class="section" aria-labelledby="history-heading" data-history={participantId}>
      <div class="section__head">
        <h2 id="history-heading">Consent history of {participantId}</h2>
        <p class="section__meta">every record, newest first</p>
      </div>
      {state.kind === 'loading' ? (
        <LoadingState text={`Loading ${participantId}'s consent history…`} inline />
      ) : state.kind === 'failed' ? (
        <p class="form-error" role="alert">
          <span class="error-banner__code">{state.error.code}</span>
          {state.error.message}
        </p>
      ) : state.rows.length === 0 ? (
        <p class="empty">No consent record is kept for {participantId}: a participant erased after withdrawing leaves none.</p>
      ) : (
        <div class="table-wrap" role="region" aria-labelledby="history-heading" tabIndex={0}>
          <table class="table table--history">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Modality</th>
                <th scope="col">Decision</th>
                <th scope="col">State now</th>
                <th scope="col">Form</th>
                <th scope="col">Recorded (UTC)</th>
                <th scope="col">Expires</th>
                <th scope="col">Withdrawn</th>
                <th scope="col">Origin</th>
              </tr>
            </thead>
            <tbody>
              {state.rows.map((r) => (
                <tr key={r.recordId} data-record={r.recordId} data-modality={r.modality} class={r.superseded ? 'is-superseded' : undefined}>
                  <th scope="row">{r.recordId}</th>
                  <td>{r.modalityLabel}</td>
                  <td>{r.decision}</td>
                  <td>
                    <ConsentBadge badge={r.badge} title={`${r.modalityLabel}: ${r.badge.meaning}`} />
                    {r.superseded ? <span class="cell-sub">superseded by a later record</span> : null}
                  </td>
                  <td>{r.formVersion ?? '—'}</td>
                  <td>{formatInstant(r.recordedAt)}</td>
                  <td>{formatDate(r.expiresAt)}</td>
                  <td>{formatDate(r.withdrawnAt)}</td>
                  <td>{r.origin}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
