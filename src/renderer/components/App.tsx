import { useEffect, useRef } from 'preact/hooks';
import type { Connection } from '../api.js';
import { useRoute } from '../useRoute.js';
import { AuditPage } from './AuditPage.js';
import { ConsentPage } from './ConsentPage.js';
import { EthicsReportPage } from './EthicsReportPage.js';
import { FieldsPage } from './FieldsPage.js';
import { ImportPage } from './ImportPage.js';
import { LiveCapturePage } from './LiveCapturePage.js';
import { MissingTokenPage } from './MissingTokenPage.js';
import { NotFoundPage } from './NotFoundPage.js';
import { OverviewPage } from './OverviewPage.js';
import { PolicyPage } from './PolicyPage.js';

interface AppProps {
  readonly connection: Connection;
}

/** After following a link to another page, reading starts at that page's content, at its top. */
function useFocusOnPageChange(page: string | null): void {
  const previous = useRef(page);
  useEffect(() => {
    if (previous.current === page) return;
    previous.current = page;
    window.scrollTo(0, 0);
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [page]);
}

export function App({ connection }: AppProps) {
  const route = useRoute();
  useFocusOnPageChange(route.page);
  if (connection.kind === 'no-token') return <MissingTokenPage />;
  const { client, mode, liveUpdates } = connection;
  const page = { client, mode, liveUpdates };
  switch (route.page) {
    case 'overview':
      return <OverviewPage {...page} />;
    case 'import':
      return <ImportPage {...page} />;
    case 'fields':
      return <FieldsPage {...page} />;
    case 'consent':
      return <ConsentPage {...page} />;
    case 'policy':
      return <PolicyPage {...page} />;
    case 'audit':
      return <AuditPage {...page} route={route} />;
    case 'report':
      return <EthicsReportPage {...page} />;
    case 'live':
      return <LiveCapturePage client={client} mode={mode} />;
    case null:
      return <NotFoundPage mode={mode} path={route.path} />;
  }
}
