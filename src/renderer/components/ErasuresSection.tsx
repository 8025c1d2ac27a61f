import type { ErasureEntry } from '../../core/api/schemas.js';
import { erasureScopeLabel } from '../view/erasure.js';
import { formatCount, formatInstant, plural } from '../view/format.js';
import { ScrollableTable } from './ScrollableTable.js';
import { Section } from './Section.js';

interface ErasuresSectionProps {
  readonly erasures: readonly ErasureEntry[];
}

/** The erasure register: who withdrew (by pseudonym only), what was deleted, and whether the erasure was verified. */
export function ErasuresSection({ erasures }: ErasuresSectionProps) {
  return (
    <Section id="erasures" title="Withdrawals and erasures" meta={erasures.length === 0 ? 'none' : `${plural(erasures.length, 'erasure')} · participants named by pseudonym only`}>
      {erasures.length === 0 ? (
        <p class="empty">No participant has withdrawn data from this study.</p>
      ) : (
        <ScrollableTable labelledBy="erasures-heading">
          <table class="table table--erasures">
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">Participant</th>
                <th scope="col">Withdrawn from</th>
                <th scope="col" class="num">
                  Rows deleted
                </th>
                <th scope="col">Verification</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {erasures.map((e) => (
                <tr key={e.erasure_id} data-erasure={e.erasure_id} data-verified={e.verified === null ? 'n/a' : String(e.verified)}>
                  <th scope="row">{formatInstant(e.erased_at)}</th>
                  <td>
                    <code title="Keyed pseudonym: the participant's id is gone">{e.participant_ref}</code>
                  </td>
                  <td>{erasureScopeLabel(e.scope)}</td>
                  <td class="num">{formatCount(e.rows_deleted)}</td>
                  <td>
                    {e.verified === null ? (
                      <span class="subtle">not applicable (the participant stays enrolled)</span>
                    ) : e.verified ? (
                      <span class="badge badge--granted" data-consent="granted">
                        ✓ no trace in the database or {plural(e.files_scanned ?? 0, 'file')}
                      </span>
                    ) : (
                      <span class="badge badge--refused" data-consent="refused">
                        ✗ traces remain: see the erasure report
                      </span>
                    )}
                  </td>
                  <td>{e.reason ?? <span class="subtle">none given</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollableTable>
      )}
    </Section>
  );
}
