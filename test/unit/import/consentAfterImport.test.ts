import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStudy, type TestStudy } from '../../support/study.js';

/** Two students of a DataShop transaction export, three and two transactions. */
const LOG = [
  ['Anon Student Id', 'Session Id', 'Time', 'Time Zone', 'Student Response Type', 'Outcome'],
  ['Stu_A', 'A-1', '2026-03-02 14:00:00', 'UTC', 'ATTEMPT', 'INCORRECT'],
  ['Stu_A', 'A-1', '2026-03-02 14:00:09', 'UTC', 'HINT_REQUEST', 'HINT'],
  ['Stu_A', 'A-1', '2026-03-02 14:00:20', 'UTC', 'ATTEMPT', 'CORRECT'],
  ['Stu_B', 'B-1', '2026-03-02 15:00:00', 'UTC', 'ATTEMPT', 'CORRECT'],
  ['Stu_B', 'B-1', '2026-03-02 15:00:07', 'UTC', 'ATTEMPT', 'CORRECT'],
]
  .map((row) => row.join('\t'))
  .join('\n');

describe('a file imported before its participants consented', () => {
  let study: TestStudy;
  let file: string;
  const events = async (): Promise<unknown[][]> =>
    (await study.client.call('sql.query', { sql: `SELECT participant_id, count(*)::INTEGER FROM events GROUP BY ALL ORDER BY 1` })).rows;
  const importIt = () => study.client.call('session.import', { files: [file] });

  beforeAll(async () => {
    study = await createTestStudy();
    file = join(study.root, 'tx.txt');
    await writeFile(file, `${LOG}\n`);
  });
  afterAll(async () => {
    await study.close();
  });

  it('stores nothing without consent, and says so again when the file is imported again', async () => {
    const first = (await importIt()).files[0];
    expect(first).toMatchObject({ status: 'imported', streams: [] });
    expect(first?.refused.map((r) => [r.participant_id, r.consent, r.rows])).toEqual([
      ['Stu_A', 'missing', 3],
      ['Stu_B', 'missing', 2],
    ]);
    const again = (await importIt()).files[0];
    expect(again).toMatchObject({ status: 'duplicate', streams: [] });
    expect(again?.refused).toHaveLength(2);
    expect(await events()).toEqual([]);
  });

  it('stores the streams of a participant who consented since, and only those, when the file is imported again', async () => {
    await study.client.call('consent.record', { participant_id: 'Stu_A', modality: 'interaction_logs', granted: true });
    const summary = await importIt();
    const file1 = summary.files[0];
    expect(file1).toMatchObject({ status: 'imported', duplicate_of: null });
    expect(file1?.streams.map((s) => [s.participant_id, s.session_id, s.rows])).toEqual([['Stu_A', 'A-1', 3]]);
    expect(file1?.refused.map((r) => r.participant_id)).toEqual(['Stu_B']);
    expect(file1?.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^This file was imported before \(import [0-9a-f-]+\) and read again, because streams of it were refused then for lack of consent: 1 stream is stored now$/)]);
    expect(await events()).toEqual([['Stu_A', 3]]);

    const again = (await importIt()).files[0];
    expect(again).toMatchObject({ status: 'duplicate', streams: [] });
    expect(await events()).toEqual([['Stu_A', 3]]);
  });

  it('keeps the streams stored before as they were when another participant consents', async () => {
    const before = (await study.client.call('sql.query', { sql: `SELECT stream_id FROM streams WHERE participant_id = 'Stu_A'` })).rows;
    await study.client.call('consent.record', { participant_id: 'Stu_B', modality: 'interaction_logs', granted: true });
    const file1 = (await importIt()).files[0];
    expect(file1?.streams.map((s) => s.participant_id)).toEqual(['Stu_B']);
    expect(file1?.refused).toEqual([]);
    expect(file1?.warnings[0]?.message).toMatch(/: 1 stream is stored now; the 1 stored then is kept as it was$/);
    expect(await events()).toEqual([
      ['Stu_A', 3],
      ['Stu_B', 2],
    ]);
    expect((await study.client.call('sql.query', { sql: `SELECT stream_id FROM streams WHERE participant_id = 'Stu_A'` })).rows).toEqual(before);
    expect(await study.workspace.study.db.read((conn) => conn.scalar(`SELECT count(*)::INTEGER FROM weft.source_files`))).toBe(1);

    // Nothing was refused this time: the file is a plain duplicate from now on.
    for (let i = 0; i < 2; i += 1) {
      const again = (await importIt()).files[0];
      expect(again).toMatchObject({ status: 'duplicate', streams: [], refused: [], warnings: [] });
    }
    expect(await events()).toEqual([
      ['Stu_A', 3],
      ['Stu_B', 2],
    ]);
  });
});

describe('a file without session ids imported before consent', () => {
  let study: TestStudy;
  afterAll(async () => {
    await study.close();
  });

  it('goes to the participant’s one session when read again, and is not stored twice when read once more', async () => {
    study = await createTestStudy();
    const file = join(study.root, 'no-sessions.txt');
    await writeFile(file, 'Anon Student Id\tTime\tTime Zone\tOutcome\nStu_C\t2026-03-02 14:00:00\tUTC\tCORRECT\nStu_C\t2026-03-02 14:00:05\tUTC\tINCORRECT\nStu_D\t2026-03-02 15:00:00\tUTC\tCORRECT\n');
    const importIt = async () => (await study.client.call('session.import', { files: [file] })).files[0];
    expect((await importIt())?.refused.map((r) => [r.participant_id, r.session_id])).toEqual([
      ['Stu_C', null],
      ['Stu_D', null],
    ]);
    await study.client.call('consent.record', { participant_id: 'Stu_C', modality: 'interaction_logs', granted: true });
    expect((await importIt())?.streams.map((s) => [s.participant_id, s.session_id, s.rows])).toEqual([['Stu_C', 'Stu_C-1', 2]]);
    // Stu_D is still refused, so the file is read again; Stu_C's rows, stored last time, are not stored twice.
    const again = await importIt();
    expect(again).toMatchObject({ status: 'duplicate', streams: [] });
    expect(again?.refused.map((r) => r.participant_id)).toEqual(['Stu_D']);
    expect((await study.client.call('sql.query', { sql: `SELECT participant_id, count(*)::INTEGER FROM events GROUP BY ALL` })).rows).toEqual([['Stu_C', 2]]);
  });
});
