import type { Participant } from '../../core/api/schemas.js';
import { MODALITIES } from '../../core/study/modalities.js';
import { modalityLabel, participantConsentCells, participantStatus } from '../view/consent.js';
import { formatCount, formatDate, plural } from '../view/format.js';
import { ConsentBadge } from './ConsentBadge.js';
import { ScrollableTable } from './ScrollableTable.js';
import { Section } from './Section.js';

interface ParticipantsTableProps {
  readonly participants: readonly Participant[];
}

export function ParticipantsTable({ participants }: ParticipantsTableProps) {
  const withdrawn = participants.filter((p) => p.withdrawn).length;
  return (
    <Section
      id="participants"
      title="Participants"
      meta={`${plural(participants.length, 'participant')}${withdrawn > 0 ? `, ${formatCount(withdrawn)} withdrawn` : ''} · current consent per modality`}
    >
      {participants.length === 0 ? (
        <p class="empty">No participants yet. Import a consent export or a data file that names its participants.</p>
      ) : (
        <ScrollableTable labelledBy="participants-heading">
          <table class="table table--participants">
            <thead>
              <tr>
                <th scope="col" rowSpan={2}>
                  Participant
                </th>
                <th scope="col" rowSpan={2}>
                  Status
                </th>
                <th scope="col" rowSpan={2}>
                  Enrolled
                </th>
                <th scope="col" rowSpan={2} class="num">
                  Sessions
                </th>
                <th scope="colgroup" colSpan={MODALITIES.length} class="group-head">
                  Consent by modality
                </th>
              </tr>
              <tr>
                {MODALITIES.map((m) => (
                  <th key={m} scope="col" class="modality-head">
                    {modalityLabel(m)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {participants.map((p) => {
                const status = participantStatus(p);
                return (
                  <tr key={p.participant_id} class={p.withdrawn ? 'is-withdrawn' : undefined} data-participant={p.participant_id}>
                    <th scope="row" class="id">
                      {p.participant_id}
                    </th>
                    <td>
                      <span class={status.className} data-status={status.label}>
                        <span aria-hidden="true">{status.symbol}</span> {status.label}
                      </span>
                    </td>
                    <td>
                      {p.enrolled_at === null ? '—' : <time dateTime={p.enrolled_at}>{formatDate(p.enrolled_at)}</time>}
                    </td>
                    <td class="num">{formatCount(p.sessions)}</td>
                    {participantConsentCells(p).map((cell) => (
                      <td key={cell.modality} data-modality={cell.modality}>
                        <ConsentBadge badge={cell.badge} title={cell.title} />
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollableTable>
      )}
    </Section>
  );
}
