import { scryptSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { WeftError } from '../../core/errors.js';

/** Where Weft finds DuckDB's httpfs extension, whose OpenSSL is what DuckDB encrypts with. */
export const HTTPFS_EXTENSION_ENV = 'WEFT_DUCKDB_HTTPFS';

/** Where the command line reads a study's passphrase from when `--passphrase-file` is not given. */
export const PASSPHRASE_ENV = 'WEFT_PASSPHRASE';

const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

/**
 * The database key for a study: scrypt of the passphrase, salted with the study's id (unique per
 * study and never changed), so a passphrase reused across studies gives different keys and the
 * key needs nothing stored beside the database.
 */
export function studyDatabaseKey(passphrase: string, studyId: string): string {
  if (passphrase.length === 0) throw new WeftError('INVALID_INPUT', 'The study passphrase is empty');
  return scryptSync(passphrase.normalize('NFC'), `weft-study:${studyId}`, 32, SCRYPT).toString('hex');
}

/**
 * DuckDB 1.5 reads encrypted databases with its bundled mbedtls but writes them only with OpenSSL
 * from the httpfs extension; its fallback (`force_mbedtls_unsafe`) is, in DuckDB's own words,
 * not securely encrypted, so Weft never uses it. An offline install has no httpfs, so the file
 * must be supplied; DuckDB checks its signature when loading it.
 */
export async function loadEncryptionWriter(host: DuckDBConnection, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const path = env[HTTPFS_EXTENSION_ENV];
  if (path === undefined || path === '') {
    throw new WeftError(
      'POLICY_REFUSED',
      `Writing an encrypted study needs DuckDB's httpfs extension (DuckDB encrypts with its OpenSSL), and none is configured. ` +
        `On a machine with internet access, download httpfs.duckdb_extension for DuckDB v1.5.5 and this platform from extensions.duckdb.org, ` +
        `copy it here and set ${HTTPFS_EXTENSION_ENV} to its path. Encrypted studies can be opened read-only without it.`,
      { details: { reason: 'encryption_writer_unavailable' } },
    );
  }
  if (!existsSync(path)) {
    throw new WeftError('NOT_FOUND', `${HTTPFS_EXTENSION_ENV} names ${path}, which does not exist`, { details: { reason: 'encryption_writer_unavailable' } });
  }
  try {
    await host.run(`LOAD '${path.replaceAll("'", "''")}'`);
  } catch (error) {
    throw new WeftError('POLICY_REFUSED', `DuckDB could not load the httpfs extension ${path}: ${error instanceof Error ? error.message : String(error)}`, {
      details: { reason: 'encryption_writer_unavailable' },
      cause: error,
    });
  }
}
