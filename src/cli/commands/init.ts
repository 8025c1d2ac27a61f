import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { WeftError } from '../../core/errors.js';
import { Workspace } from '../../backend/workspace.js';
import { cliActor, printJson, studyDir, type StudyOptions } from '../context.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .argument('[dir]', 'folder to create the study in (the same as --study)')
    .description('Create a new, empty study in the study folder (default: the current folder).')
    .option('--name <name>', 'study name (default: the folder name)')
    .option('--time-zone <zone>', "IANA time zone of the lab's clocks, for files that write local times without one (default: this machine's)")
    .option('--secondary-data <terms>', 'the study re-uses an existing data set under these terms (e.g. "DataShop ds76 terms of use") instead of collecting consent per participant')
    .action(async (dirArgument: string | undefined, options: { name?: string; secondaryData?: string; timeZone?: string }, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      const dir = dirArgument === undefined ? studyDir(global) : resolve(dirArgument);
      if (dirArgument !== undefined && command.parent?.getOptionValueSource('study') === 'cli' && studyDir(global) !== dir) {
        throw new WeftError('INVALID_INPUT', `weft init was given two study folders: ${dirArgument} and --study ${global.study}; give one`);
      }
      const workspace = await Workspace.create(dir, {
        name: options.name ?? basename(dir),
        actor: cliActor(),
        ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
        ...(options.secondaryData === undefined ? {} : { dataBasis: { kind: 'secondary_data' as const, terms: options.secondaryData } }),
      });
      const info = workspace.study.info();
      await workspace.close();
      if (global.json === true) printJson(info);
      else process.stdout.write(`Created study "${info.name}" in ${info.path} (schema ${info.schema_version}).\n`);
    });
}
