import type { Command } from 'commander';
import { HTTPFS_EXTENSION_ENV } from '../../backend/store/encryption.js';
import { cliActor, printJson, studyPassphrase, withStudy, type StudyOptions } from '../context.js';
import { formatCount } from '../progress.js';

interface EncryptOptions {
  newPassphraseFile: string;
}

export function registerEncryption(program: Command): void {
  program
    .command('encrypt')
    .description(
      `Encrypt the study's database at rest (DuckDB AES-GCM; the key is derived from a passphrase with scrypt), or change the passphrase of an encrypted study. ` +
        `The database is rewritten into a fresh file that replaces the old one only when complete. DuckDB writes encrypted files with the OpenSSL of its httpfs extension: set ${HTTPFS_EXTENSION_ENV} to a local copy of it.`,
    )
    .requiredOption('--new-passphrase-file <file>', 'the new passphrase, first line of this file (the current one, if any, comes from --passphrase-file or WEFT_PASSPHRASE)')
    .action(async (options: EncryptOptions, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      const passphrase = studyPassphrase({ ...global, passphraseFile: options.newPassphraseFile });
      const result = await withStudy(global, { readOnly: false }, (_client, workspace) => workspace.study.setPassphrase(passphrase, cliActor()));
      if (global.json === true) printJson(result);
      else process.stdout.write(`The study is encrypted (${`${formatCount(result.bytes_after)} bytes`}). Keep the passphrase safe: without it the data cannot be read.\n`);
    });
  program
    .command('decrypt')
    .description('Rewrite an encrypted study as a plain database (needs its passphrase).')
    .action(async (_options: unknown, command: Command) => {
      const global = command.optsWithGlobals<StudyOptions>();
      const result = await withStudy(global, { readOnly: false }, (_client, workspace) => workspace.study.setPassphrase(undefined, cliActor()));
      if (global.json === true) printJson(result);
      else process.stdout.write(`The study is no longer encrypted (${`${formatCount(result.bytes_after)} bytes`}).\n`);
    });
}
