import { Command, CommanderError } from 'commander';
import { WeftError, formatLocation } from '../core/errors.js';
import { registerAlign } from './commands/align.js';
import { registerAudit } from './commands/audit.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerModels } from './commands/models.js';
import { registerTrain } from './commands/train.js';
import { registerConsent } from './commands/consent.js';
import { registerDemo } from './commands/demo.js';
import { registerEncryption } from './commands/encrypt.js';
import { registerExport } from './commands/export.js';
import { registerExtractFace } from './commands/extractFace.js';
import { registerReport } from './commands/report.js';
import { registerRetention } from './commands/retention.js';
import { registerImport } from './commands/import.js';
import { registerInit } from './commands/init.js';
import { registerServe } from './commands/serve.js';
import { registerSetup } from './commands/setup.js';
import { registerSql } from './commands/sql.js';
import { registerStatus } from './commands/status.js';
import { EXIT, exitCodeFor } from './exitCodes.js';

export function buildProgram(): Command {
  const program = new Command('weft')
    .description('Weft: multimodal learning-analytics workbench. Face, gaze and tutor logs on one timeline, on your machine.')
    .option('--study <dir>', 'study folder', process.cwd())
    .option('--json', 'machine-readable JSON output')
    .option('--passphrase-file <file>', 'an encrypted study\'s passphrase, read from the first line of this file (or set WEFT_PASSPHRASE)')
    .showHelpAfterError('(run "weft --help" or "weft <command> --help" for usage)')
    .exitOverride();
  registerInit(program);
  registerStatus(program);
  registerImport(program);
  registerExtractFace(program);
  registerAlign(program);
  registerModels(program);
  registerTrain(program);
  registerEvaluate(program);
  registerSql(program);
  registerServe(program);
  registerSetup(program);
  registerDemo(program);
  registerConsent(program);
  registerExport(program);
  registerRetention(program);
  registerReport(program);
  registerAudit(program);
  registerEncryption(program);
  const overrideAll = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(overrideAll);
  };
  program.commands.forEach(overrideAll);
  return program;
}

function report(error: unknown, json: boolean): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const weftError = error instanceof WeftError ? error : new WeftError('INTERNAL', error instanceof Error ? error.message : String(error));
  if (json) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: weftError.toData() }, null, 2)}\n`);
  } else {
    const location = weftError.location;
    const where = location === undefined || weftError.message.includes(location.file) ? '' : `${formatLocation(location)}: `;
    process.stderr.write(`weft: ${where}${weftError.message}\n`);
    if (weftError.code === 'INTERNAL' && error instanceof Error && error.stack && process.env['WEFT_DEBUG']) {
      process.stderr.write(`${error.stack}\n`);
    }
  }
  return exitCodeFor(weftError.code);
}

export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return report(error, argv.includes('--json'));
  }
}
