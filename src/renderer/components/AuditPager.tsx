import type { AuditPage } from '../view/audit.js';
import { pageHref } from '../view/route.js';

interface AuditPagerProps {
  readonly slice: AuditPage;
  readonly total: number;
}

/** Links, not buttons: each page of the trail has its own address, for the back button and for sharing. */
export function AuditPager({ slice, total }: AuditPagerProps) {
  if (slice.count <= 1) return null;
  const first = slice.afterSeq + 1;
  const last = slice.afterSeq + slice.limit;
  const link = (index: number, label: string, rel: string) => (
    <a class="button" href={pageHref('audit', { page: String(index) })} rel={rel} data-pager={rel}>
      {label}
    </a>
  );
  return (
    <nav class="pager" aria-label="Audit trail pages">
      {slice.index > 0 ? link(slice.index - 1, '← Newer', 'prev') : <span class="button is-disabled" aria-hidden="true">← Newer</span>}
      <span class="pager__where" aria-current="page" data-page-index={slice.index}>
        Page {slice.index + 1} of {slice.count} · entries {first}–{last} of {total}
      </span>
      {slice.index < slice.count - 1 ? link(slice.index + 1, 'Older →', 'next') : <span class="button is-disabled" aria-hidden="true">Older →</span>}
    </nav>
  );
}
