import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WeftError } from '../../../src/core/errors.js';
import { TX_HEADER, sessionRows, writeConsentCsv } from '../../support/fixtures.js';
import { createTestStudy, type TestStudy } from '../../support/study.js';

let study: TestStudy;
let dir: string;
const IDS = ['P01', 'P02', 'P03', 'P04', 'P05', 'P06'];

async function query(sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowsJS();
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function failure(promise: Promise<unknown>): Promise<WeftError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WeftError);
  return error as WeftError;
}

beforeAll(async () => {
  study = await createTestStudy({ timeZone: 'UTC' });
  dir = join(study.root, 'in');
  await mkdir(dir);
  const rows = IDS.flatMap((id, i) => sessionRows(id, `S-${id}`, i < 3 ? 'A' : 'B', `2026-02-0${i + 1}T09:00:00`, 4));
  const lines = rows.map((r, i) =>
    [String(i + 1), r.student, r.session, r.time, 'UTC', '4', 'ATTEMPT', 'EQ-1', 'step1', '1', 'CORRECT', 'answer', 'UpdateTextField', i === 0 ? 'mail me at ana.lopez@school.example or +1 555 867 5309, I am Ana' : '3/4', r.condition ?? 'A', 'experimental', 'kc', ''].join('\t'),
  );
  const tx = join(dir, 'tx.txt');
  await writeFile(tx, [TX_HEADER.join('\t'), ...lines].join('\n') + '\n');
  const demographics = join(dir, 'demographics.csv');
  await writeFile(demographics, ['participant_id,age,gender', 'P01,12,f', 'P02,13,m', 'P03,14,f', 'P04,12,m', 'P05,15,f', 'P06,13,f'].join('\n') + '\n');
  await writeFile(join(study.dir, 'roster.csv'), 'name,class\nAna,7b\nBoris,7b\n');
  await study.client.call('session.import', { files: [await writeConsentCsv(dir, IDS.map((id) => ({ id }))), tx, demographics] });
  await study.client.call('policy.set', { policy: { export: { roster_file: 'roster.csv' } } });
});
afterAll(async () => {
  await study.close();
});

describe('exports', () => {
  it('refuse demographics that are not k-anonymous, saying what to change', async () => {
    const error = await failure(study.client.call('export.create', { out: join(study.root, 'refused') }));
    expect(error.code).toBe('POLICY_REFUSED');
    expect(error.message).toMatch(/the demographic items age, gender single out groups smaller than k = 5 \(the smallest has 1 participant\)/);
    expect(await readdir(study.root)).not.toContain('refused');
  });

  it('write minimised, tidy Parquet files with a codebook when the policy generalizes', async () => {
    await study.client.call('policy.set', { policy: { export: { k_anonymity: { on_fail: 'generalize' } } } });
    const out = join(study.root, 'export-1');
    const summary = await study.client.call('export.create', { out });
    expect(summary).toMatchObject({ participants: 6, pseudonymized: true, session_relative_time: true, redaction: { emails_and_phones: true, roster_names: 2 } });
    expect(summary.k_anonymity).toMatchObject({ k: 5, quasi_identifiers: ['age', 'gender'], smallest_class: 6 });
    expect(summary.k_anonymity.generalized.length).toBeGreaterThan(0);

    const participants = await query(`SELECT participant_id, attributes FROM read_parquet('${out}/participants.parquet') ORDER BY 1`);
    expect(participants).toHaveLength(6);
    for (const [id] of participants) expect(id).toMatch(/^p_[0-9a-f]{20}$/);
    expect(new Set(participants.map((p) => p[1]))).toEqual(new Set([JSON.stringify({ age: '10-19', gender: '*' })]));

    const sessionColumns = (await query(`DESCRIBE SELECT * FROM read_parquet('${out}/sessions.parquet')`)).map((r) => r[0]);
    expect(sessionColumns).toEqual(['session_id', 'participant_id', 'variant', 'lesson', 'duration_us']);
    const [[input]] = (await query(`SELECT input FROM read_parquet('${out}/events.parquet') WHERE input LIKE '%mail%'`)) as [[string]];
    expect(input).toBe('mail me at [email] or [phone], I am [name]');

    for (const file of await readdir(out)) {
      const bytes = await readFile(join(out, file));
      for (const id of IDS) expect(bytes.includes(id), `${file} holds ${id}`).toBe(false);
      expect(bytes.includes('ana.lopez')).toBe(false);
    }
    const readme = await readFile(join(out, 'README.md'), 'utf8');
    expect(readme).toContain('keyed pseudonyms');
    expect(readme).toContain('| `t_us` | BIGINT |');
    expect((await study.client.call('audit.list', {})).at(-1)).toMatchObject({ action: 'export', target: summary.export_id, detail: { participants: 6, format: 'parquet' } });
  });

  it('write CSV too, and refuse a folder that is not empty', async () => {
    const out = join(study.root, 'export-csv');
    const summary = await study.client.call('export.create', { out, format: 'csv', views: ['events', 'interaction_features'] });
    expect(summary.files.map((f) => f.file)).toEqual(['events.csv', 'interaction_features.csv']);
    expect((await readFile(join(out, 'events.csv'), 'utf8')).split('\n')[0]).toContain('session_id,participant_id,stream_id,t_us');
    expect((await failure(study.client.call('export.create', { out, format: 'csv' }))).code).toBe('CONFLICT');
  });

  it('are listed by a later erasure, since Weft cannot recall them', async () => {
    const report = await study.client.call('consent.withdraw', { participant_id: 'P03' });
    expect(report.exports.map((e) => e.path)).toEqual([join(study.root, 'export-1'), join(study.root, 'export-csv')]);
    expect(report.verification?.verified).toBe(true);
  });
});
