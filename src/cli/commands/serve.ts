import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Workspace } from '../../backend/workspace.js';
import { requireRendererBuilt } from '../../server/rendererDir.js';
import { startServer } from '../../server/httpServer.js';
import { withStudy, type StudyOptions } from '../context.js';

export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number (0 picks a free one)');
  return n;
}

/** Serves the open study in browser mode until the process is interrupted. */
export async function serveUntilStopped(workspace: Workspace, options: { port: number; json: boolean; actor: string }): Promise<void> {
  const server = await startServer({
    handlers: workspace.handlers,
    hub: workspace.hub,
    rendererDir: requireRendererBuilt(),
    actor: options.actor,
    port: options.port,
  });
  if (options.json) process.stdout.write(`${JSON.stringify({ url: server.launchUrl, port: server.port })}\n`);
  else {
    process.stdout.write(`Weft is serving "${workspace.study.info().name}" at\n\n  ${server.launchUrl}\n\n`);
    process.stdout.write('Open that address in a browser on this machine (it carries this launch\'s access token). Press Ctrl+C to stop.\n');
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Browser mode: serve the study\'s UI and API on 127.0.0.1, behind a per-launch token.')
    .option('--port <port>', 'port to listen on (default: a free one)', parsePort, 0)
    .action(async (options: { port: number }, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      await withStudy(global, { readOnly: false }, async (_client, workspace) => {
        await serveUntilStopped(workspace, { port: options.port, json: global.json === true, actor: 'browser' });
      });
    });
}
