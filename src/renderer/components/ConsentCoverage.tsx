import type { StudyStatus } from '../../core/api/schemas.js';
import { CONSENT_STATES, consentBadge, coverageRows } from '../view/consent.js';
import { formatCount, formatPercent } from '../view/format.js';
import { ScrollableTable } from './ScrollableTable.js';
import { Section } from './Section.js';

interface ConsentCoverageProps {
  readonly coverage: StudyStatus['consent_coverage'];
  readonly dataBasis: StudyStatus['study']['data_basis'];
}

/**
 * Modality × consent state: how many participants each modality's data may come from. A study of
 * an existing data set records no consent per participant: it says so instead of a table of "missing".
 */
export function ConsentCoverage({ coverage, dataBasis }: ConsentCoverageProps) {
  if (dataBasis.kind === 'secondary_data') {
    return (
      <Section id="consent" title="Consent coverage" meta="not recorded per participant" className="section--compact">
        <p class="notice" data-data-basis="secondary_data">
          This study re-uses an existing data set under its terms: <q>{dataBasis.terms}</q>. Consent is not recorded per participant, so the
          ingest gate admits every modality; withdrawal and retention still apply.
        </p>
      </Section>
    );
  }
  const rows = coverageRows(coverage);
  return (
    <Section id="consent" title="Consent coverage" meta="participants per modality and consent state" className="section--compact">
      <ScrollableTable labelledBy="consent-heading">
        <table class="table table--coverage">
          <thead>
            <tr>
              <th scope="col">Modality</th>
              {CONSENT_STATES.map((state) => {
                const badge = consentBadge(state);
                return (
                  <th key={state} scope="col" class="num" title={badge.meaning}>
                    <span class={`legend-dot legend-dot--${state}`} aria-hidden="true" />
                    {badge.label}
                  </th>
                );
              })}
              <th scope="col" class="num" title="Share of participants who granted the modality">
                Coverage
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.modality} data-modality={row.modality}>
                <th scope="row">{row.label}</th>
                {CONSENT_STATES.map((state) => {
                  const count = row.counts[state];
                  return (
                    <td key={state} class={count === 0 ? 'num cell-zero' : `num cell--${state}`} data-state={state}>
                      {formatCount(count)}
                    </td>
                  );
                })}
                <td class="num" title={`${formatCount(row.counts.granted)} of ${formatCount(row.total)} participants granted ${row.label.toLowerCase()}`}>
                  {formatPercent(row.grantedShare)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollableTable>
    </Section>
  );
}
