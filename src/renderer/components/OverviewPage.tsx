import { useMemo } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import type { LiveUpdates } from '../api.js';
import { loadOverview } from '../loadOverview.js';
import { useStudyData } from '../useStudyData.js';
import type { Overview } from '../view/overview.js';
import { overviewCounts } from '../view/overview.js';
import { buildSessionRows, buildVariantRows } from '../view/sessions.js';
import { ConsentCoverage } from './ConsentCoverage.js';
import { ErasuresSection } from './ErasuresSection.js';
import { FaceFeaturesSection } from './FaceFeaturesSection.js';
import { PageLayout } from './PageLayout.js';
import { ParticipantsTable } from './ParticipantsTable.js';
import { SessionTimeline } from './SessionTimeline.js';
import { SessionsTable } from './SessionsTable.js';
import { StudyCounts } from './StudyCounts.js';
import { StudyHeader } from './StudyHeader.js';
import { VariantsSummary } from './VariantsSummary.js';

interface OverviewPageProps {
  readonly client: WeftClient;
  readonly mode: 'desktop' | 'browser';
  readonly liveUpdates: LiveUpdates;
}

export function OverviewPage({ client, mode, liveUpdates }: OverviewPageProps) {
  const state = useStudyData(client, liveUpdates, loadOverview);
  const studyName = state.data?.status.study.name;
  return (
    <PageLayout mode={mode} page="overview" state={state} loadingWhat="the study" {...(studyName === undefined ? {} : { documentTitle: studyName })}>
      {(overview) => <OverviewContent client={client} overview={overview} />}
    </PageLayout>
  );
}

function OverviewContent({ client, overview }: { readonly client: WeftClient; readonly overview: Overview }) {
  const view = useMemo(
    () => ({
      counts: overviewCounts(overview),
      sessionRows: buildSessionRows(overview.sessions, overview.streams),
      variantRows: buildVariantRows(overview.status.variants, overview.sessions),
    }),
    [overview],
  );
  return (
    <>
      <StudyHeader study={overview.status.study} />
      <StudyCounts counts={view.counts} />
      <div class="columns">
        <VariantsSummary rows={view.variantRows} />
        <ConsentCoverage coverage={overview.status.consent_coverage} dataBasis={overview.status.study.data_basis} />
      </div>
      <ParticipantsTable participants={overview.participants} consentRecorded={overview.status.study.data_basis.kind === 'participant_consent'} />
      <ErasuresSection erasures={overview.erasures} />
      <SessionsTable rows={view.sessionRows} />
      <FaceFeaturesSection client={client} streams={overview.streams} />
      <SessionTimeline sessions={overview.sessions} streams={overview.streams} />
    </>
  );
}
