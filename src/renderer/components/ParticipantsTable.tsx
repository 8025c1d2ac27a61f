import type { Participant } from '../../core/api/schemas.js';
import { MODALITIES } from '../../core/study/modalities.js';
import { modalityLabel, participantConsentCells, participantStatus } from '../view/consent.js';
import { formatCount, formatDate, plural } from '../view/format.js';
import { pageHref } from '../view/route.js';
import { ConsentBadge } from './ConsentBadge.js';
import { ScrollableTable } from './ScrollableTable.js';
import { Section } from './Section.js';

interface ParticipantsTableProps {
  readonly participants: readonly Participant[];
  /** False for a study of an existing data set: no consent per participant, so no consent columns. */
  readonly consentRecorded: boolean;
}

export function ParticipantsTable({ participants, consentRecorded }: ParticipantsTableProps) {
  const withdrawn = participants.filter((p) => p.withdrawn).length;
  const headRows = consentRecorded ? 2 : 1;
  return (
    <Section
      id="participants"
      title="Participants"
      meta={`${plural(participants.length, 'participant')}${withdrawn > 0 ? `, ${formatCount(withdrawn)} withdrawn` : ''}${consentRecorded ? ' · current consent per modality' : ''}`}
    >
      {participants.length === 0 ? (
        <p class="empty">
          No participants yet. <a href={pageHref('import')}>Import</a> a consent export or a data file that names its participants.
        </p>
      ) : (
        <ScrollableTable labelledBy="participants-heading">
          <table class="table table--participants">
            <thead>
              <tr>
                <th scope="col" rowSpan={headRows}>
                  Participant
                </th>
                <th scope="col" rowSpan={headRows}>
                  Status
                </th>
                <th scope="col" rowSpan={headRows}>
                  Enrolled
                </th>
                <th scope="col" rowSpan={headRows} class="num">
                  Sessions
                </th>
                {consentRecorded ? (
                  <th scope="colgroup" colSpan={MODALITIES.length} class="group-head">
                    Consent by modality
                  </th>
                ) : null}
              </tr>
              {consentRecorded ? (
                <tr>
                  {MODALITIES.map((m) => (
                    <th key={m} scope="col" class="modality-head">
                      {modalityLabel(m)}
                    </th>
                  ))}
                </tr>
              ) : null}
            </thead>
            <tbody>
              {participants.map((p) => {
                const status = participantStatus(p, consentRecorded);
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
                    {consentRecorded
                      ? participantConsentCells(p).map((cell) => (
                          <td key={cell.modality} data-modality={cell.modality}>
                            <ConsentBadge badge={cell.badge} title={cell.title} />
                          </td>
                        ))
                      : null}
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
