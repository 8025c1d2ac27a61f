import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient, type WeftClient } from '../../src/core/api/client.js';
import { createHttpTransport } from '../../src/core/api/http.js';
import { startServer, type RunningServer } from '../../src/server/httpServer.js';
import type { TestStudy } from './study.js';

/** Browser mode's server over a test study, with a placeholder page for a UI (actor "browser"). */
export async function serveStudyApi(study: TestStudy): Promise<RunningServer> {
  const renderer = join(study.root, 'renderer');
  await mkdir(renderer, { recursive: true });
  await writeFile(join(renderer, 'index.html'), '<!doctype html><title>Weft</title>');
  return startServer({ handlers: study.workspace.handlers, hub: study.workspace.hub, rendererDir: `${renderer}/`, actor: 'browser', port: 0 });
}

/** A client that calls the server over HTTP with Node's fetch, as the UI does from a browser. */
export function httpClient(server: RunningServer): WeftClient {
  return createClient(createHttpTransport({ baseUrl: server.url, token: server.token, fetch: (url, init) => fetch(url, init) }));
}
