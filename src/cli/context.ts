import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { createClient, type WeftClient } from '../core/api/client.js';
import { createInProcessTransport } from '../core/api/inProcess.js';
import { Workspace } from '../backend/workspace.js';
import { ProgressRenderer } from './progress.js';

export interface StudyOptions {
  readonly study: string;
  readonly json?: boolean;
}

export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

export function studyDir(options: StudyOptions): string {
  return resolve(options.study);
}

/** Opens the study, hands the command a typed API client over it, and always closes it. */
export async function withStudy<T>(
  options: StudyOptions,
  access: { readOnly: boolean },
  run: (client: WeftClient, workspace: Workspace) => Promise<T>,
): Promise<T> {
  const actor = cliActor();
  const workspace = await Workspace.open(studyDir(options), { actor, readOnly: access.readOnly });
  const client = createClient(createInProcessTransport(workspace.handlers, workspace.hub, actor));
  const progress = new ProgressRenderer();
  const unsubscribe = options.json === true ? () => undefined : client.on(progress.onEvent);
  try {
    return await run(client, workspace);
  } finally {
    unsubscribe();
    progress.clear();
    await workspace.close();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
