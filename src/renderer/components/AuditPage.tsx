import { useCallback } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import type { AuditEntry } from '../../core/api/schemas.js';
import type { LiveUpdates } from '../api.js';
import { useStudyData } from '../useStudyData.js';
import { auditPage, auditPageOf, type AuditPage as AuditPageSlice } from '../view/audit.js';
import { PAGE_TITLES, type Route } from '../view/route.js';
import { AuditEntriesTable } from './AuditEntriesTable.js';
import { AuditPager } from './AuditPager.js';
import { AuditVerifyPanel } from './AuditVerifyPanel.js';
import { PageHeader } from './PageHeader.js';
import { PageLayout } from './PageLayout.js';

interface AuditPageProps {
  readonly client: WeftClient;
  readonly mode: 'desktop' | 'browser';
  readonly liveUpdates: LiveUpdates;
  readonly route: Route;
}

interface AuditData {
  readonly total: number;
  readonly slice: AuditPageSlice;
  /** Newest first. */
  readonly entries: readonly AuditEntry[];
}

/** "#/audit?page=2" (0 holds the newest), or "#/audit?seq=12": the page holding entry 12. */
function requestedPage(route: Route, total: number): number {
  const seq = Number(route.params.get('seq'));
  if (Number.isInteger(seq) && seq > 0) return auditPageOf(total, seq);
  const page = Number(route.params.get('page'));
  return Number.isInteger(page) && page > 0 ? page : 0;
}

export function AuditPage({ client, mode, liveUpdates, route }: AuditPageProps) {
  const load = useCallback(
    async (c: WeftClient): Promise<AuditData> => {
      // audit.list reads forward from a sequence number; the chain's length places the newest page.
      const { entries: total } = await c.call('audit.verify', {});
      const slice = auditPage(total, requestedPage(route, total));
      const entries = total === 0 ? [] : await c.call('audit.list', { after_seq: slice.afterSeq, limit: slice.limit });
      return { total, slice, entries: [...entries].reverse() };
    },
    [route],
  );
  const state = useStudyData(client, liveUpdates, load);
  const highlighted = Number(route.params.get('seq'));
  return (
    <PageLayout mode={mode} page="audit" state={state} loadingWhat="the audit trail">
      {(data) => (
        <>
          <PageHeader title={PAGE_TITLES.audit}>
            Every change to the study, in a hash chain: each entry's hash covers the one before it, so an edited, deleted or reordered entry breaks the chain where it happened.
          </PageHeader>
          <AuditVerifyPanel client={client} />
          <section class="section" aria-labelledby="entries-heading">
            <div class="section__head">
              <h2 id="entries-heading">Entries</h2>
              <p class="section__meta">{data.total === 0 ? 'none yet' : `newest first · ${data.total} in all`}</p>
            </div>
            {data.entries.length === 0 ? <p class="empty">Nothing has been audited yet.</p> : <AuditEntriesTable entries={data.entries} highlighted={Number.isInteger(highlighted) ? highlighted : null} />}
            <AuditPager slice={data.slice} total={data.total} />
          </section>
        </>
      )}
    </PageLayout>
  );
}
