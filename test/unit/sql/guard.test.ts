import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WeftError } from '../../../src/core/errors.js';
import { createTestStudy, type TestStudy } from '../../support/study.js';

let study: TestStudy;
beforeAll(async () => {
  study = await createTestStudy();
});
afterAll(async () => {
  await study.close();
});

async function codeOf(sql: string): Promise<string> {
  return study.client.call('sql.query', { sql }).then(
    () => 'OK',
    (e: unknown) => (e instanceof WeftError ? e.code : String(e)),
  );
}

describe('weft sql admits only reads of the documented views', () => {
  it.each([
    ['SELECT count(*) FROM sessions'],
    ['FROM participants SELECT participant_id'],
    ['WITH s AS (SELECT * FROM sessions) SELECT count(*) FROM s'],
    ['SELECT * FROM study.main.events LIMIT 1'],
    ['SELECT (SELECT count(*) FROM audit_log) AS n'],
    ['SELECT * FROM range(3)'],
    ['SELECT * FROM sessions s JOIN streams USING (session_id) WHERE s.session_id IN (SELECT session_id FROM events)'],
  ])('allows %s', async (sql) => {
    expect(await codeOf(sql)).toBe('OK');
  });

  it.each([
    ['INSERT INTO sessions VALUES (1)', 'SQL_NOT_READ_ONLY'],
    ['UPDATE weft.sessions SET variant = NULL', 'SQL_NOT_READ_ONLY'],
    ['DELETE FROM weft.audit_log', 'SQL_NOT_READ_ONLY'],
    ['DROP VIEW sessions', 'SQL_NOT_READ_ONLY'],
    ['CREATE TABLE x AS SELECT 1', 'SQL_NOT_READ_ONLY'],
    ["COPY sessions TO '/tmp/out.csv'", 'SQL_NOT_READ_ONLY'],
    ["ATTACH '/tmp/other.duckdb' AS other", 'SQL_NOT_READ_ONLY'],
    ['DETACH study', 'SQL_NOT_READ_ONLY'],
    ["EXPORT DATABASE '/tmp/dump'", 'SQL_NOT_READ_ONLY'],
    ['PRAGMA database_list', 'SQL_NOT_READ_ONLY'],
    ["SET enable_external_access = true", 'SQL_NOT_READ_ONLY'],
    ['INSTALL httpfs', 'SQL_NOT_READ_ONLY'],
    ['LOAD httpfs', 'SQL_NOT_READ_ONLY'],
    ['CHECKPOINT', 'SQL_NOT_READ_ONLY'],
    ['SELECT 1; DELETE FROM weft.sessions', 'SQL_NOT_READ_ONLY'],
    ['SELECT * FROM weft.consent_records', 'SQL_NOT_ALLOWED'],
    ['SELECT * FROM study.weft.meta', 'SQL_NOT_ALLOWED'],
    ["SELECT value FROM weft.meta WHERE key = 'pseudonym_key'", 'SQL_NOT_ALLOWED'],
    ['SELECT * FROM sessions WHERE session_id IN (SELECT participant_id FROM weft.participants)', 'SQL_NOT_ALLOWED'],
    ['WITH sessions AS (SELECT * FROM weft.meta) SELECT * FROM sessions', 'SQL_NOT_ALLOWED'],
    ["SELECT * FROM read_csv('/etc/passwd')", 'SQL_NOT_ALLOWED'],
    ["SELECT * FROM '/etc/passwd'", 'SQL_NOT_ALLOWED'],
    ["SELECT * FROM read_text('/etc/hostname')", 'SQL_NOT_ALLOWED'],
    ["SELECT * FROM glob('/*')", 'SQL_NOT_ALLOWED'],
    ["SELECT * FROM query('SELECT * FROM weft.meta')", 'SQL_NOT_ALLOWED'],
    ['SELECT * FROM duckdb_settings()', 'SQL_NOT_ALLOWED'],
    ['SELECT * FROM memory.main.anything', 'SQL_NOT_ALLOWED'],
    ['SELEC 1', 'SQL_SYNTAX'],
    ['SELECT nosuchcolumn FROM sessions', 'SQL_ERROR'],
  ])('refuses %s with %s', async (sql, code) => {
    expect(await codeOf(sql)).toBe(code);
  });

  it('leaves nothing behind: the query runs in a read-only transaction', async () => {
    expect(await codeOf('SELECT * FROM sessions')).toBe('OK');
    const { rows } = await study.client.call('sql.query', { sql: 'SELECT count(*) FROM audit_log' });
    expect(rows).toEqual([[1]]);
  });
});
