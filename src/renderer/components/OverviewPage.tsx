import { useEffect, useMemo } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import type { LiveUpdates } from '../api.js';
import { useOverview } from '../useOverview.js';
import { overviewCounts } from '../view/overview.js';
import { buildSessionRows, buildVariantRows } from '../view/sessions.js';
import { ConsentCoverage } from './ConsentCoverage.js';
import { ErasuresSection } from './ErasuresSection.js';
import { ErrorBanner } from './ErrorBanner.js';
import { ParticipantsTable } from './ParticipantsTable.js';
import { SessionTimeline } from './SessionTimeline.js';
import { SessionsTable } from './SessionsTable.js';
import { StudyCounts } from './StudyCounts.js';
import { StudyHeader } from './StudyHeader.js';
import { TopBar } from './TopBar.js';
import { VariantsSummary } from './VariantsSummary.js';

interface OverviewPageProps {
  readonly client: WeftClient;
  readonly mode: 'desktop' | 'browser';
  readonly liveUpdates: LiveUpdates;
}

export function OverviewPage({ client, mode, liveUpdates }: OverviewPageProps) {
  const { overview, error, loading, loadedAt, live, reload, dismissError } = useOverview(client, liveUpdates);
  const view = useMemo(
    () =>
      overview === null
        ? null
        : {
            counts: overviewCounts(overview),
            sessionRows: buildSessionRows(overview.sessions, overview.streams),
            variantRows: buildVariantRows(overview.status.variants, overview.sessions),
          },
    [overview],
  );

  const studyName = overview?.status.study.name ?? null;
  useEffect(() => {
    document.title = studyName === null ? 'Weft' : `${studyName} — Weft`;
  }, [studyName]);

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to the overview
      </a>
      <TopBar
        mode={mode}
        studyName={studyName}
        live={overview === null && error !== null ? 'offline' : live}
        loading={loading}
        loadedAt={loadedAt}
        onRefresh={reload}
      />
      <main id="main" class="page" tabIndex={-1} aria-busy={loading}>
        {error === null ? null : <ErrorBanner error={error} onRetry={reload} onDismiss={dismissError} />}
        {overview === null || view === null ? (
          loading ? (
            <div class="loading" role="status">
              <span class="spinner" aria-hidden="true" />
              Loading the study…
            </div>
          ) : error === null ? null : (
            <p class="empty">The overview could not be loaded.</p>
          )
        ) : (
          <>
            <StudyHeader study={overview.status.study} />
            <StudyCounts counts={view.counts} />
            <div class="columns">
              <VariantsSummary rows={view.variantRows} />
              <ConsentCoverage coverage={overview.status.consent_coverage} />
            </div>
            <ParticipantsTable participants={overview.participants} />
            <ErasuresSection erasures={overview.erasures} />
            <SessionsTable rows={view.sessionRows} />
            <SessionTimeline sessions={overview.sessions} streams={overview.streams} />
          </>
        )}
      </main>
    </>
  );
}
