import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HTTPFS_EXTENSION_ENV, PASSPHRASE_ENV, studyDatabaseKey } from '../../../src/backend/store/encryption.js';
import { Study } from '../../../src/backend/store/study.js';
import { DATABASE_FILE } from '../../../src/core/study/settings.js';
import { WeftError } from '../../../src/core/errors.js';
import { studyPassphrase } from '../../../src/cli/context.js';
import { weft } from '../../support/cli.js';
import { writeConsentCsv } from '../../support/fixtures.js';
import { createTestStudy, type TestStudy } from '../../support/study.js';

const PASSPHRASE = 'correct horse battery staple';

const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

async function weftError(promise: Promise<unknown>): Promise<WeftError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WeftError) return error;
    throw error;
  }
  throw new Error('expected a WeftError');
}

/**
 * This machine has no httpfs extension, so Weft cannot write an encrypted database here. The
 * fixture is made with DuckDB's own test-grade fallback (`force_mbedtls_unsafe`), which Weft
 * never uses: the test needs only bytes DuckDB can read, under the key Weft derives.
 */
async function encryptForTest(plainPath: string, encryptedPath: string, key: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run(`SET force_mbedtls_unsafe = true`);
  await conn.run(`ATTACH '${plainPath}' AS plain (READ_ONLY)`);
  await conn.run(`ATTACH '${encryptedPath}' AS sealed (ENCRYPTION_KEY '${key}')`);
  await conn.run(`COPY FROM DATABASE plain TO sealed`);
  await conn.run(`DETACH sealed`);
  await conn.run(`DETACH plain`);
  conn.closeSync();
  instance.closeSync();
}

describe('encryption at rest', () => {
  let study: TestStudy;
  let studyId: string;
  const saved = { httpfs: process.env[HTTPFS_EXTENSION_ENV] };

  beforeAll(async () => {
    study = await createTestStudy({ name: 'Sealed study' });
    studyId = study.workspace.study.info().study_id;
    await study.client.call('session.import', { files: [await writeConsentCsv(study.root, [{ id: 'P_SECRET_01' }, { id: 'P_SECRET_02' }])] });
    await study.workspace.close();
    const plain = join(study.dir, DATABASE_FILE);
    expect((await readFile(plain)).includes(studyId)).toBe(true);
    await encryptForTest(plain, `${plain}.sealed`, studyDatabaseKey(PASSPHRASE, studyId));
    await writeFile(plain, await readFile(`${plain}.sealed`));
    return async () => {
      await study.close().catch(() => undefined);
    };
  });

  afterEach(() => {
    if (saved.httpfs === undefined) delete process.env[HTTPFS_EXTENSION_ENV];
    else process.env[HTTPFS_EXTENSION_ENV] = saved.httpfs;
  });

  it('derives a different key per study and per passphrase, and refuses an empty one', () => {
    const key = studyDatabaseKey(PASSPHRASE, studyId);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(studyDatabaseKey(PASSPHRASE, '00000000-0000-4000-8000-000000000000')).not.toBe(key);
    expect(studyDatabaseKey(`${PASSPHRASE}!`, studyId)).not.toBe(key);
    expect(() => studyDatabaseKey('', studyId)).toThrow(/empty/);
  });

  it('holds no clear text: neither the study id nor a participant id is in the file', async () => {
    const bytes = await readFile(join(study.dir, DATABASE_FILE));
    expect(bytes.includes(studyId)).toBe(false);
    expect(bytes.includes('P_SECRET_01')).toBe(false);
  });

  it('opens read-only with the passphrase, and says it is encrypted', async () => {
    const opened = await Study.open(study.dir, { actor: 'test', readOnly: true, passphrase: PASSPHRASE });
    try {
      expect(opened.info()).toMatchObject({ study_id: studyId, encrypted: true, read_only: true });
      const ids = await opened.db.read((conn) => conn.all(`SELECT participant_id FROM participants ORDER BY 1`));
      expect(ids.map((row) => row['participant_id'])).toEqual(['P_SECRET_01', 'P_SECRET_02']);
    } finally {
      await opened.close();
    }
  });

  it('asks for the passphrase, and rejects a wrong one, naming the file', async () => {
    const missing = await weftError(Study.open(study.dir, { actor: 'test', readOnly: true }));
    expect(missing.code).toBe('UNAUTHORIZED');
    expect(missing.details).toMatchObject({ reason: 'passphrase_required' });
    expect(missing.message).toContain(join(study.dir, DATABASE_FILE));
    expect(missing.message).toContain('--passphrase-file');
    const wrong = await weftError(Study.open(study.dir, { actor: 'test', readOnly: true, passphrase: 'not it' }));
    expect(wrong.details).toMatchObject({ reason: 'wrong_passphrase' });
  });

  it('refuses to write without httpfs rather than fall back to an encryption DuckDB calls unsafe', async () => {
    delete process.env[HTTPFS_EXTENSION_ENV];
    const before = await sha256(join(study.dir, DATABASE_FILE));
    const refused = await weftError(Study.open(study.dir, { actor: 'test', passphrase: PASSPHRASE }));
    expect(refused.code).toBe('POLICY_REFUSED');
    expect(refused.details).toMatchObject({ reason: 'encryption_writer_unavailable' });
    expect(refused.message).toContain(HTTPFS_EXTENSION_ENV);
    process.env[HTTPFS_EXTENSION_ENV] = join(study.root, 'httpfs.duckdb_extension');
    await writeFile(process.env[HTTPFS_EXTENSION_ENV], 'not an extension');
    const bad = await weftError(Study.open(study.dir, { actor: 'test', passphrase: PASSPHRASE }));
    expect(bad.message).toMatch(/could not load the httpfs extension .*not a DuckDB extension/);
    expect(await sha256(join(study.dir, DATABASE_FILE))).toBe(before);
  });

  it('reads the passphrase from a file or the environment, never from an argument', async () => {
    const file = join(study.root, 'passphrase.txt');
    await writeFile(file, `${PASSPHRASE}\nignored second line\n`);
    expect(studyPassphrase({ study: study.dir, passphraseFile: file }, {})).toBe(PASSPHRASE);
    expect(studyPassphrase({ study: study.dir }, { [PASSPHRASE_ENV]: 'from env' })).toBe('from env');
    expect(studyPassphrase({ study: study.dir }, {})).toBeUndefined();
    await writeFile(file, '\n');
    expect(() => studyPassphrase({ study: study.dir, passphraseFile: file }, {})).toThrow(/is empty/);
  });

  it('works from the command line: status with --passphrase-file, a clear exit without it', async () => {
    const file = join(study.root, 'pass.txt');
    await writeFile(file, `${PASSPHRASE}\n`);
    const ok = await weft(['sql', '--study', study.dir, '--passphrase-file', file, 'SELECT count(*) AS n FROM participants']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/\b2\b/);
    const denied = await weft(['status', '--study', study.dir]);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/is encrypted: give its passphrase/);
    const encrypt = await weft(['encrypt', '--study', study.dir, '--passphrase-file', file, '--new-passphrase-file', file]);
    expect(encrypt.code).toBe(7);
    expect(encrypt.stderr).toContain(HTTPFS_EXTENSION_ENV);
  });

  it('refuses to encrypt a plain study without httpfs, leaving it as it was', async () => {
    delete process.env[HTTPFS_EXTENSION_ENV];
    const plain = await createTestStudy();
    try {
      const path = join(plain.dir, DATABASE_FILE);
      await plain.workspace.study.db.maintenance('CHECKPOINT');
      const before = await sha256(path);
      const refused = await weftError(plain.workspace.study.setPassphrase(PASSPHRASE, 'test'));
      expect(refused.details).toMatchObject({ reason: 'encryption_writer_unavailable' });
      expect(await sha256(path)).toBe(before);
      expect(plain.workspace.study.info().encrypted).toBe(false);
      expect((await plain.client.call('study.status', {})).study.encrypted).toBe(false);
      const notEncrypted = await weftError(plain.workspace.study.setPassphrase(undefined, 'test'));
      expect(notEncrypted.details).toMatchObject({ reason: 'not_encrypted' });
    } finally {
      await plain.close();
    }
  });
});
