import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createClient } from '../../src/core/api/client.js';
import { createHttpTransport } from '../../src/core/api/http.js';
import { createInProcessTransport } from '../../src/core/api/inProcess.js';
import { Workspace } from '../../src/backend/workspace.js';
import { startServer } from '../../src/server/httpServer.js';
import { compare, medianMs, type Suite } from '../harness.js';

/** Study open time against a bare DuckDB open of the same file; an API call over HTTP against in-process. */
export function foundationSuite(studyDir: string): Suite {
  return {
    name: 'foundation',
    async run(report) {
      const dbPath = join(studyDir, 'study.duckdb');
      const bare = await medianMs(async () => {
        const instance = await DuckDBInstance.create(':memory:');
        const conn = await instance.connect();
        await conn.run(`ATTACH '${dbPath}' AS study (READ_ONLY)`);
        conn.closeSync();
        instance.closeSync();
      }, 15);
      const open = await medianMs(async () => {
        const workspace = await Workspace.open(studyDir, { actor: 'bench', readOnly: true });
        await workspace.close();
      }, 15);
      report(compare('foundation', 'study open (read-only)', open, 'ms', { name: 'bare DuckDB attach of the same file', value: bare }, 'checks identity, schema version and migration checksums'));

      const workspace = await Workspace.open(studyDir, { actor: 'bench' });
      const server = await startServer({ handlers: workspace.handlers, hub: workspace.hub, rendererDir: studyDir, actor: 'bench', port: 0 });
      try {
        const local = createClient(createInProcessTransport(workspace.handlers, workspace.hub, 'bench'));
        const http = createClient(createHttpTransport({ baseUrl: server.url, token: server.token, fetch: (url, init) => fetch(url, init) }));
        for (const [method, input] of [
          ['study.info', {}],
          ['session.list', {}],
          ['sql.query', { sql: 'SELECT participant_id, count(*) FROM events GROUP BY 1' }],
        ] as const) {
          const inProcess = await medianMs(() => local.call(method, input as never), 200, 20);
          const overHttp = await medianMs(() => http.call(method, input as never), 200, 20);
          report(compare('foundation', `API ${method} over HTTP`, overHttp, 'ms', { name: `the same call in-process`, value: inProcess }));
        }
      } finally {
        await server.close();
        await workspace.close();
      }
    },
  };
}
