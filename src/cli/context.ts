import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { createClient, type WeftClient } from '../core/api/client.js';
import type { EventPayload } from '../core/api/events.js';
import { createInProcessTransport } from '../core/api/inProcess.js';
import { WeftError } from '../core/errors.js';
import { PASSPHRASE_ENV } from '../backend/store/encryption.js';
import { Workspace } from '../backend/workspace.js';
import { EXIT } from './exitCodes.js';
import { ProgressRenderer } from './progress.js';

export interface StudyOptions {
  readonly study: string;
  readonly json?: boolean;
  readonly passphraseFile?: string;
}

export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/**
 * An encrypted study's passphrase: from --passphrase-file (first line), else WEFT_PASSPHRASE.
 * Never an argument of its own, which any user could read in the process list.
 */
export function studyPassphrase(options: StudyOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (options.passphraseFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.passphraseFile, 'utf8');
    } catch (error) {
      throw new WeftError('NOT_FOUND', `Cannot read the passphrase file ${options.passphraseFile}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const passphrase = text.split(/\r?\n/, 1)[0] ?? '';
    if (passphrase === '') throw new WeftError('INVALID_INPUT', `The passphrase file ${options.passphraseFile} is empty`);
    return passphrase;
  }
  const fromEnv = env[PASSPHRASE_ENV];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
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
  const passphrase = studyPassphrase(options);
  const workspace = await Workspace.open(studyDir(options), { actor, readOnly: access.readOnly, ...(passphrase === undefined ? {} : { passphrase }) });
  const client = createClient(createInProcessTransport(workspace.handlers, workspace.hub, actor));
  const progress = new ProgressRenderer();
  const unsubscribe = options.json === true ? () => undefined : client.on(progress.onEvent);
  const stopCancelling = cancelJobsOnInterrupt(client);
  try {
    return await run(client, workspace);
  } finally {
    stopCancelling();
    unsubscribe();
    progress.clear();
    await workspace.close();
  }
}

/** Where the interrupt handler listens, writes and exits: the process, or a test's stand-ins. */
export interface InterruptIo {
  readonly signals: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
  readonly stderr: Pick<NodeJS.WritableStream, 'write'>;
  readonly exit: (code: number) => void;
}

/**
 * Ctrl+C (or SIGTERM) during a job that can stop cleanly (an import, say) asks it to, through
 * jobs.cancel like the app's Cancel button: the command then ends with CANCELLED (exit 130) and
 * the study as it was. With no such job running, or pressed a second time, the process exits at
 * once, as it would without Weft's handler. Returns the function that removes the handler.
 */
export function cancelJobsOnInterrupt(client: WeftClient, io: InterruptIo = { signals: process, stderr: process.stderr, exit: (code) => process.exit(code) }): () => void {
  const { signals, stderr, exit } = io;
  const running = new Set<string>();
  const stopTracking = client.on((event) => {
    if (event.name !== 'job.progress') return;
    const progress = event.payload as EventPayload<'job.progress'>;
    if (progress.cancellable === true) running.add(progress.job_id);
    else running.delete(progress.job_id);
  });
  let asked = false;
  const interrupt = (): void => {
    if (running.size === 0 || asked) {
      exit(EXIT.cancelled);
      return;
    }
    asked = true;
    stderr.write('\nCancelling; the study stays as it was (press Ctrl+C again to quit at once)\n');
    for (const jobId of running) void client.call('jobs.cancel', { job_id: jobId }).catch(() => undefined);
  };
  signals.on('SIGINT', interrupt);
  signals.on('SIGTERM', interrupt);
  return () => {
    signals.off('SIGINT', interrupt);
    signals.off('SIGTERM', interrupt);
    stopTracking();
  };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
