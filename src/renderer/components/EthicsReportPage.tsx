import { useEffect, useMemo } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import type { MethodOutput } from '../../core/api/contract.js';
import type { LiveUpdates } from '../api.js';
import { useStudyData } from '../useStudyData.js';
import { formatInstant } from '../view/format.js';
import { reportFileName } from '../view/report.js';
import { PAGE_TITLES } from '../view/route.js';
import { PageHeader } from './PageHeader.js';
import { PageLayout } from './PageLayout.js';
import { SignoffForm } from './SignoffForm.js';

interface EthicsReportPageProps {
  readonly client: WeftClient;
  readonly mode: 'desktop' | 'browser';
  readonly liveUpdates: LiveUpdates;
}

interface ReportData {
  readonly report: MethodOutput<'report.ethics'>;
  readonly studyName: string;
}

async function loadReport(client: WeftClient): Promise<ReportData> {
  const [report, info] = await Promise.all([client.call('report.ethics', {}), client.call('study.info', {})]);
  return { report, studyName: info.name };
}

/**
 * A reviewer signs the report as it was shown, so other changes only flag it as out of date; a
 * sign-off is the one change whose report is loaded at once, so that the sign-off shows in it.
 */
const onStudyChange = (reason: string): 'reload' | 'flag' => (reason === 'report signed off' ? 'reload' : 'flag');

export function EthicsReportPage({ client, mode, liveUpdates }: EthicsReportPageProps) {
  const state = useStudyData(client, liveUpdates, loadReport, onStudyChange);
  return (
    <PageLayout mode={mode} page="report" state={state} loadingWhat="the ethics report">
      {(data) => (
        <>
          <PageHeader title={PAGE_TITLES.report} actions={<DownloadLink data={data} />}>
            The study's consent, data and safeguards on one page, as an ethics board reviews them. Read it, then sign it off with a comment; the sign-off names this exact report by its hash.
          </PageHeader>
          {state.staleReasons.length === 0 ? null : (
            <div class="notice notice--warning" role="status" data-stale={state.staleReasons.join(',')}>
              <p>The study changed since this report was generated ({state.staleReasons.join('; ')}). Reload it before signing off, so that you sign what the study holds now.</p>
              <button type="button" class="button" onClick={state.reload}>
                Reload the report
              </button>
            </div>
          )}
          <p class="subtle report-meta">
            Generated {formatInstant(data.report.generated_at)} · sha256 <code data-sha256={data.report.sha256}>{data.report.sha256}</code>
          </p>
          <iframe class="report-frame" title="Ethics report" sandbox="" srcdoc={data.report.html} referrerpolicy="no-referrer" />
          <SignoffForm client={client} reportSha256={data.report.sha256} onSigned={state.reload} />
        </>
      )}
    </PageLayout>
  );
}

function DownloadLink({ data }: { readonly data: ReportData }) {
  const url = useMemo(() => URL.createObjectURL(new Blob([data.report.html], { type: 'text/html' })), [data.report.html]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return (
    <a class="button" href={url} download={reportFileName(data.studyName, data.report.generated_at)}>
      Download the report (HTML)
    </a>
  );
}
