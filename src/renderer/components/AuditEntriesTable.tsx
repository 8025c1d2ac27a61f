import { useEffect, useRef } from 'preact/hooks';
import type { AuditEntry } from '../../core/api/schemas.js';
import { auditDetailSummary, shortHash } from '../view/audit.js';
import { formatInstant } from '../view/format.js';

interface AuditEntriesTableProps {
  readonly entries: readonly AuditEntry[];
  /** An entry a link pointed at: marked, and scrolled to. */
  readonly highlighted: number | null;
}

export function AuditEntriesTable({ entries, highlighted }: AuditEntriesTableProps) {
  const marked = useRef<HTMLTableRowElement>(null);
  useEffect(() => marked.current?.scrollIntoView({ block: 'center' }), [highlighted]);
  return (
    <div class="table-wrap" role="region" aria-labelledby="entries-heading" tabIndex={0}>
      <table class="table table--audit">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When (UTC)</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Detail</th>
            <th scope="col">Hash</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.seq} data-seq={e.seq} data-action={e.action} ref={e.seq === highlighted ? marked : null} class={e.seq === highlighted ? 'is-selected' : undefined}>
              <th scope="row">{e.seq}</th>
              <td>
                <time dateTime={e.at}>{formatInstant(e.at)}</time>
              </td>
              <td>{e.actor}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td class="cell-wrap">{e.target ?? '—'}</td>
              <td class="cell-wrap" title={JSON.stringify(e.detail, null, 1)}>
                {auditDetailSummary(e.detail)}
              </td>
              <td>
                <code title={`hash ${e.hash}\nprevious ${e.prev_hash}`}>{shortHash(e.hash)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
