import { join } from 'node:path';
import { createClient, type WeftClient } from '../../src/core/api/client.js';
import { createInProcessTransport } from '../../src/core/api/inProcess.js';
import type { Database } from '../../src/backend/store/duck.js';
import { Workspace } from '../../src/backend/workspace.js';
import type { DataBasis } from '../../src/core/study/settings.js';
import { tempDir } from './paths.js';

export interface TestStudy {
  readonly dir: string;
  readonly root: string;
  readonly workspace: Workspace;
  readonly client: WeftClient;
  close(): Promise<void>;
}

/** A new study in a temporary folder with an in-process client; close() removes everything. */
export async function createTestStudy(options: { dataBasis?: DataBasis; name?: string; timeZone?: string } = {}): Promise<TestStudy> {
  const temp = await tempDir();
  const dir = join(temp.dir, 'study');
  const workspace = await Workspace.create(dir, {
    name: options.name ?? 'Test study',
    actor: 'test',
    timeZone: options.timeZone ?? 'UTC',
    ...(options.dataBasis === undefined ? {} : { dataBasis: options.dataBasis }),
  });
  const client = createClient(createInProcessTransport(workspace.handlers, workspace.hub, 'test'));
  return {
    dir,
    root: temp.dir,
    workspace,
    client,
    close: async () => {
      await workspace.close();
      await temp.remove();
    },
  };
}

export const SECONDARY: DataBasis = { kind: 'secondary_data', terms: 'test data set' };

/** Row count of every internal table (schema weft), by table name. */
export async function tableRowCounts(db: Database): Promise<Record<string, number>> {
  return db.read(async (conn) => {
    const tables = await conn.all(`SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'weft' ORDER BY table_name`);
    const out: Record<string, number> = {};
    for (const t of tables) out[String(t['table_name'])] = Number(await conn.scalar(`SELECT count(*) FROM weft."${String(t['table_name'])}"`));
    return out;
  });
}
