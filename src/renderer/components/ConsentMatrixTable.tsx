import { MODALITIES } from '../../core/study/modalities.js';
import { modalityLabel } from '../view/consent.js';
import type { ConsentMatrixRow } from '../view/consentMatrix.js';
import { formatDate } from '../view/format.js';
import { ConsentBadge } from './ConsentBadge.js';

interface ConsentMatrixTableProps {
  readonly rows: readonly ConsentMatrixRow[];
  readonly selected: string | null;
  readonly onSelect: (participantId: string) => void;
}

/** Participants × modalities: each consent's state, the form it was given on and its dates. */
export function ConsentMatrixTable({ rows, selected, onSelect }: ConsentMatrixTableProps) {
  return (
    <div class="table-wrap" role="region" aria-labelledby="matrix-heading" tabIndex={0}>
      <table class="table table--matrix">
        <thead>
          <tr>
            <th scope="col">Participant</th>
            {MODALITIES.map((m) => (
              <th key={m} scope="col" data-modality={m}>
                {modalityLabel(m)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.participantId} data-participant={row.participantId} class={row.participantId === selected ? 'is-selected' : undefined}>
              <th scope="row">
                <button type="button" class="link-button" aria-pressed={row.participantId === selected} onClick={() => onSelect(row.participantId)} title={`Show ${row.participantId}'s consent history`}>
                  {row.participantId}
                </button>
                <span class="cell-sub">
                  {row.sessions} {row.sessions === 1 ? 'session' : 'sessions'}
                  {row.withdrawn ? ' · withdrawn' : ''}
                </span>
              </th>
              {row.cells.map((cell) => (
                <td key={cell.modality} data-modality={cell.modality} data-consent={cell.state}>
                  <ConsentBadge badge={cell.badge} title={cell.title} />
                  {cell.record === null ? null : (
                    <span class="cell-sub">
                      {cell.record.form_version === null ? 'no form version' : `form ${cell.record.form_version}`}
                      <br />
                      {formatDate(cell.record.recorded_at)}
                      {cell.record.withdrawn_at !== null ? ` · withdrawn ${formatDate(cell.record.withdrawn_at)}` : cell.record.expires_at !== null ? ` → ${formatDate(cell.record.expires_at)}` : ''}
                    </span>
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
