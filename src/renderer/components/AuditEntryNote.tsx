import type { AuditEntry } from '../../core/api/schemas.js';
import { auditDetailSummary, shortHash } from '../view/audit.js';
import { formatInstant } from '../view/format.js';
import { pageHref } from '../view/route.js';

interface AuditEntryNoteProps {
  readonly entry: AuditEntry;
  readonly lead?: string;
}

/** One audit entry in a sentence, linked to where it sits in the chain. */
export function AuditEntryNote({ entry, lead = 'Audited as' }: AuditEntryNoteProps) {
  return (
    <p class="audit-note" data-audit-seq={entry.seq} data-audit-action={entry.action}>
      {lead}{' '}
      <a href={pageHref('audit', { seq: String(entry.seq) })}>
        entry #{entry.seq}
      </a>{' '}
      <code>{entry.action}</code> by <strong>{entry.actor}</strong>, <time dateTime={entry.at}>{formatInstant(entry.at)}</time>
      <span class="subtle" title={entry.hash}>
        {' '}
        · hash {shortHash(entry.hash)}
      </span>
      <span class="audit-note__detail">{auditDetailSummary(entry.detail)}</span>
    </p>
  );
}
