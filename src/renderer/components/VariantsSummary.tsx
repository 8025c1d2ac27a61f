import { formatCount, formatPercent, plural } from '../view/format.js';
import type { VariantRow } from '../view/sessions.js';
import { ScrollableTable } from './ScrollableTable.js';
import { Section } from './Section.js';

interface VariantsSummaryProps {
  readonly rows: readonly VariantRow[];
}

export function VariantsSummary({ rows }: VariantsSummaryProps) {
  const named = rows.filter((r) => r.variant !== null).length;
  return (
    <Section id="variants" title="Lesson variants" meta={plural(named, 'variant')} className="section--compact">
      {rows.length === 0 ? (
        <p class="empty">No sessions yet, so no variants.</p>
      ) : (
        <ScrollableTable labelledBy="variants-heading">
          <table class="table table--variants">
            <thead>
              <tr>
                <th scope="col">Variant</th>
                <th scope="col" class="num">
                  Sessions
                </th>
                <th scope="col" class="num">
                  Participants
                </th>
                <th scope="col">Share of sessions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.label} data-variant={row.label}>
                  <th scope="row">{row.variant === null ? <span class="subtle">{row.label}</span> : <span class="tag">{row.label}</span>}</th>
                  <td class="num" data-sessions={row.sessions}>
                    {formatCount(row.sessions)}
                  </td>
                  <td class="num">{formatCount(row.participants)}</td>
                  <td>
                    <span class="share">
                      <span class="share__bar" aria-hidden="true">
                        <span class="share__fill" style={{ width: `${(row.share * 100).toFixed(1)}%` }} />
                      </span>
                      {formatPercent(row.share)}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollableTable>
      )}
    </Section>
  );
}
