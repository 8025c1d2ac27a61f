import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type WeftClient } from '../../../src/core/api/client.js';
import { createInProcessTransport } from '../../../src/core/api/inProcess.js';
import { WeftError } from '../../../src/core/errors.js';
import type { Workspace } from '../../../src/backend/workspace.js';
import { searchStudyFolder } from '../../../src/backend/privacy/erasure.js';
import { DEMO_PATHS } from '../../../datasets/demo/generate.js';
import { buildDemoStudy, demoSourcesDir } from '../../../src/cli/demo.js';
import { tempDir } from '../../support/paths.js';

let remove: () => Promise<void>;
let workspace: Workspace;
let client: WeftClient;
let studyDir: string;
let sources: string;

async function rows(sql: string): Promise<unknown[][]> {
  return (await client.call('sql.query', { sql })).rows;
}

/** Files under dir whose bytes hold text as UTF-8. */
async function filesHolding(dir: string, text: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(text)) found.push(path);
  }
  return found;
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
  const temp = await tempDir('weft-erasure-');
  remove = temp.remove;
  studyDir = join(temp.dir, 'demo');
  sources = demoSourcesDir(studyDir);
  const build = await buildDemoStudy(studyDir, { actor: 'test', minutes: 1 });
  workspace = build.workspace;
  client = createClient(createInProcessTransport(workspace.handlers, workspace.hub, 'ethics-officer'));
});

afterAll(async () => {
  await workspace.close();
  await remove();
});

describe('a withdrawal recorded in a consent export', () => {
  it('is carried out at import: the participant (P06 in the demo) is erased and verified', async () => {
    const erasures = await rows(`SELECT scope, reason, verification->>'verified' FROM erasures`);
    expect(erasures).toEqual([['participant', 'withdrawal recorded in a consent export', 'true']]);
    expect(await rows(`SELECT count(*) FROM consent_history WHERE participant_id = 'P06'`)).toEqual([[0]]);
    expect((await client.call('participant.list', {})).map((p) => p.participant_id)).toEqual(['P01', 'P02', 'P03', 'P04', 'P05']);
  });
});

describe('withdrawing a participant from everything', () => {
  it('erases every row, rewrites the database and verifies that no trace of them remains', async () => {
    const before = await rows(`SELECT (SELECT count(*) FROM events WHERE participant_id = 'P01'), (SELECT count(*) FROM face_frames WHERE participant_id = 'P01'), (SELECT count(*) FROM gaze_samples WHERE participant_id = 'P01'), (SELECT count(*) FROM annotations WHERE participant_id = 'P01')`);
    expect((before[0] as number[]).every((n) => n > 0)).toBe(true);

    const report = await client.call('consent.withdraw', { participant_id: 'P01', reason: 'asked to leave the study' });
    expect(report.scope).toBe('participant');
    expect(report.participant_ref).toMatch(/^p_[0-9a-f]{20}$/);
    expect(report.rows['face_frames']).toBe((before[0] as number[])[1]);
    expect(report.rows['sessions']).toBe(1);
    expect(report.rows['consent_records']).toBe(8);
    expect(report.verification).toMatchObject({ verified: true, database_rows: [], free_blocks: 0, files: [], identifiers: 2 });
    expect(report.verification?.text_columns).toBeGreaterThan(50);
    expect(report.verification?.files_scanned).toBeGreaterThanOrEqual(1);

    expect(await rows(`SELECT count(*) FROM participants WHERE participant_id = 'P01'`)).toEqual([[0]]);
    expect(await rows(`SELECT count(*) FROM streams WHERE session_id = 'S01'`)).toEqual([[0]]);
  });

  it('keeps an audited erasure register that names the participant only by pseudonym', async () => {
    const [erasure] = await rows(`SELECT participant_ref, scope, reason, actor, verification->>'verified' FROM erasures WHERE actor = 'ethics-officer'`);
    expect(erasure).toEqual([expect.stringMatching(/^p_/), 'participant', 'asked to leave the study', 'ethics-officer', 'true']);
    const entries = await client.call('audit.list', {});
    const actions = entries.map((e) => e.action);
    expect(actions.slice(-2)).toEqual(['participant.erase', 'participant.erase.verify']);
    expect(JSON.stringify(entries)).not.toContain('P01');
    expect(await client.call('audit.verify', {})).toMatchObject({ intact: true, breaks: [] });
  });

  it('refuses the participant\'s data if it is imported again, and does not re-enrol them from a consent export', async () => {
    const face = join(sources, DEMO_PATHS.face('P01', 'S01'));
    const again = await client.call('session.import', { files: [face], participant_id: 'P01', session_id: 'S01', clock_offset_s: 5 });
    expect(again.files[0]).toMatchObject({ status: 'imported', streams: [], refused: [{ participant_id: 'P01', consent: 'withdrawn' }] });
    const consentCsv = join(sources, DEMO_PATHS.consent);
    const edited = join(sources, 'consent-again.csv');
    await writeFile(edited, `${await readFile(consentCsv, 'utf8')}\n`);
    const consent = await client.call('session.import', { files: [edited] });
    expect(consent.files[0]?.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^2 rows of participants who were erased from this study were not stored/)]);
    expect(await rows(`SELECT count(*) FROM consents WHERE participant_id = 'P01'`)).toEqual([[0]]);
    expect((await failure(client.call('consent.record', { participant_id: 'P01', modality: 'gaze', granted: true }))).code).toBe('CONFLICT');
  });

  it('refuses an unknown participant and changes nothing', async () => {
    const count = async (): Promise<unknown[][]> => rows(`SELECT (SELECT count(*) FROM audit_log), (SELECT count(*) FROM erasures), (SELECT count(*) FROM events)`);
    const before = await count();
    const error = await failure(client.call('consent.withdraw', { participant_id: 'P99' }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('nothing was changed');
    expect(await count()).toEqual(before);
  });
});

describe('withdrawing some modalities', () => {
  it('deletes only the participant\'s data of those modalities and records the withdrawal', async () => {
    const report = await client.call('consent.withdraw', { participant_id: 'P02', modalities: ['gaze'] });
    expect(report.scope).toBe('modalities:gaze');
    expect(report.rows['gaze_samples']).toBeGreaterThan(0);
    expect(report.verification).toBeNull();
    expect(await rows(`SELECT kind FROM streams WHERE participant_id = 'P02' ORDER BY kind`)).toEqual([['face_features'], ['interaction_log'], ['segments']]);
    expect(await rows(`SELECT state FROM consents WHERE participant_id = 'P02' AND modality = 'gaze'`)).toEqual([['withdrawn']]);
    expect(await rows(`SELECT count(*) FROM gaze_samples WHERE participant_id = 'P02'`)).toEqual([[0]]);
    expect(await rows(`SELECT count(*) > 0 FROM face_frames WHERE participant_id = 'P02'`)).toEqual([[true]]);
  });
});

describe('an erasure, byte by byte', () => {
  it('leaves no byte of the erased rows in any file of the study folder, the database file included', async () => {
    // A distinctive value in one of P03's rows; a fresh import keeps it uncompressed in the WAL.
    const probe = 'erasure-probe-6f1d0c2e9a7b4e35';
    const log = join(sources, 'probe.tsv');
    await writeFile(log, `Anon Student Id\tSession Id\tTime\tTime Zone\tStudent Response Type\tFeedback Text\nP03\tS03\t2026-10-21 16:40:00\tUTC\tATTEMPT\t${probe}\n`);
    await client.call('session.import', { files: [log] });
    expect(await rows(`SELECT count(*) FROM events WHERE feedback = '${probe}'`)).toEqual([[1]]);
    expect(await filesHolding(studyDir, probe)).not.toEqual([]);

    const report = await client.call('consent.withdraw', { participant_id: 'P03' });
    expect(report.verification).toMatchObject({ verified: true, database_rows: [], free_blocks: 0, files: [] });
    expect(await filesHolding(studyDir, probe)).toEqual([]);
  });
});

describe('the search of the study folder after an erasure', () => {
  it('reads every file but the database, whose values DuckDB searches instead, and reports identifiers in names, UTF-8 and UTF-16', async () => {
    const temp = await tempDir('weft-erasure-folder-');
    try {
      const database = join(temp.dir, 'study.duckdb');
      // Compressed numbers in a database file hold short runs like this by chance; its values are searched through DuckDB.
      await writeFile(database, Buffer.concat([Buffer.from([0x16, 0x01]), Buffer.from('P06NAA'), Buffer.alloc(64, 7)]));
      await mkdir(join(temp.dir, 'media', 'P06'), { recursive: true });
      await writeFile(join(temp.dir, 'media', 'P06', 'clip.txt'), 'nothing here');
      await writeFile(join(temp.dir, 'notes.txt'), Buffer.from('seen: P06, S06', 'utf16le'));
      await writeFile(join(temp.dir, 'weft-study.json'), '{"name":"x"}');
      const identifiers = [{ value: 'P06', kind: 'participant id' as const }, { value: 'S06', kind: 'session id' as const }];
      const result = await searchStudyFolder(temp.dir, database, identifiers);
      expect(result.files).toBe(3);
      expect(result.hits).toEqual(
        expect.arrayContaining([
          { where: 'file name media/<participant id>', identifier: 'participant id', count: 1 },
          { where: 'notes.txt', identifier: 'participant id', count: 1 },
          { where: 'notes.txt', identifier: 'session id', count: 1 },
        ]),
      );
      expect(result.hits).toHaveLength(3);
      expect(JSON.stringify(result.hits)).not.toContain('study.duckdb');
    } finally {
      await temp.remove();
    }
  });
});
