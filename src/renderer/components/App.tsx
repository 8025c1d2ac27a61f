import type { Connection } from '../api.js';
import { MissingTokenPage } from './MissingTokenPage.js';
import { OverviewPage } from './OverviewPage.js';

interface AppProps {
  readonly connection: Connection;
}

export function App({ connection }: AppProps) {
  if (connection.kind === 'no-token') return <MissingTokenPage />;
  return <OverviewPage client={connection.client} mode={connection.mode} liveUpdates={connection.liveUpdates} />;
}
