import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { createClient } from '../../core/api/client.js';
import { createInProcessTransport } from '../../core/api/inProcess.js';
import { STUDY_FILE } from '../../core/study/settings.js';
import { Workspace } from '../../backend/workspace.js';
import { cliActor, printJson, studyDir, type StudyOptions } from '../context.js';
import { buildDemoStudy, removeDemoStudy } from '../demo.js';
import { ProgressRenderer } from '../progress.js';
import { parsePort, serveUntilStopped } from './serve.js';
import { renderAlignment } from './align.js';
import { renderImportSummary } from './import.js';
import { renderStatus } from './status.js';

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Build the demo study (six learners, two lesson variants, face, gaze, tutor log, annotations, consent), print a summary, then serve it in the browser.')
    .option('--no-serve', 'build and summarise, but do not start the browser UI')
    .option('--rebuild', 'throw away an existing demo study in the folder and build it again')
    .option('--seed <n>', 'seed of the generator (same seed, same study)', integer)
    .option('--minutes <m>', 'nominal session length in minutes (default 10)', positiveNumber)
    .option('--port <port>', 'port for the browser UI (default: a free one)', parsePort, 0)
    .action(async (options: { serve: boolean; rebuild?: boolean; seed?: number; minutes?: number; port: number }, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      const dir = studyDir(global);
      const actor = cliActor();
      const json = global.json === true;
      if (options.rebuild === true) await removeDemoStudy(dir);
      let workspace: Workspace;
      let imported: string | undefined;
      if (existsSync(join(dir, STUDY_FILE))) {
        workspace = await Workspace.open(dir, { actor });
        if (!json) process.stdout.write(`Using the demo study already in ${dir} (--rebuild builds it afresh).\n\n`);
      } else {
        const progress = new ProgressRenderer();
        if (!json) process.stdout.write(`Building the demo study in ${dir} …\n`);
        const build = await buildDemoStudy(dir, {
          actor,
          ...(json ? {} : { onEvent: progress.onEvent }),
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(options.minutes === undefined ? {} : { minutes: options.minutes }),
        });
        progress.clear();
        workspace = build.workspace;
        imported = renderImportSummary(build.summary);
        if (build.alignment !== null) imported += `\n\nEye-tracker clocks aligned to the tutor log by the LogData sync markers:\n${renderAlignment(build.alignment)}`;
      }
      try {
        const client = createClient(createInProcessTransport(workspace.handlers, workspace.hub, actor));
        const status = await client.call('study.status', {});
        if (json) printJson(status);
        else {
          if (imported !== undefined) process.stdout.write(`${imported}\n\n`);
          process.stdout.write(`${renderStatus(status)}\n\n`);
        }
        if (options.serve) await serveUntilStopped(workspace, { port: options.port, json, actor: 'browser' });
      } finally {
        await workspace.close();
      }
    });
}
