import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WeftError } from '../../../src/core/errors.js';
import { HAVE_REALDATA, realdata } from '../../support/paths.js';
import { TX_HEADER, sessionRows, writeConsentCsv, writeFaceCsv, writeTransactions } from '../../support/fixtures.js';
import { createTestStudy, type TestStudy } from '../../support/study.js';

let study: TestStudy;
let dir: string;

beforeEach(async () => {
  study = await createTestStudy();
  dir = join(study.root, 'in');
  await mkdir(dir);
  await study.client.call('session.import', { files: [await writeConsentCsv(dir, [{ id: 'P01' }, { id: 'P02' }])] });
});
afterEach(async () => {
  await study.close();
});

/** Everything a failed import must leave exactly as it was. */
async function state(): Promise<unknown[]> {
  const { rows } = await study.client.call('sql.query', {
    sql: `SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM sessions), (SELECT count(*) FROM streams),
                 (SELECT count(*) FROM events), (SELECT count(*) FROM face_frames), (SELECT count(*) FROM annotations),
                 (SELECT count(*) FROM consent_history), (SELECT count(*) FROM audit_log)`,
  });
  return rows;
}

async function importError(files: string[], extra: Record<string, unknown> = {}): Promise<WeftError> {
  const before = await state();
  const error = await study.client.call('session.import', { files, ...extra }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the import should have failed').toBeInstanceOf(WeftError);
  expect(await state(), 'a failed import must leave the study unchanged').toEqual(before);
  return error as WeftError;
}

const txLines = (rows: ReturnType<typeof sessionRows>): string[] =>
  rows.map((r, i) => [String(i + 1), r.student, r.session, r.time, 'US/Eastern', '4', 'ATTEMPT', 'FRAC-1', 'step1', '1', 'CORRECT', 'answer', 'UpdateTextField', '3/4', 'A', 'experimental', 'add', ''].join('\t'));

describe('a failed import', () => {
  it('lands none of its files, even those that were fine', async () => {
    const good = await writeTransactions(dir, sessionRows('P01', 'S01', 'A', '2026-02-03T09:00:00Z', 10));
    const broken = join(dir, 'broken-face.csv');
    const text = (await (await import('node:fs/promises')).readFile(await writeFaceCsv(dir, 30, 'ok-face.csv'), 'utf8')).replace(/\n5,166667,1,0\.97/, '\n5,166667,1,zero');
    await writeFile(broken, text);
    const error = await importError([good, broken], { participant_id: 'P01', session_id: 'S01' });
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.location).toMatchObject({ file: broken, line: 7, column: 12 });
    expect(error.message).toContain('"zero" in column "confidence" is not a number');
  });
});

describe('broken files get an error naming file, line and column', () => {
  it('a row with too many fields', async () => {
    const rows = txLines(sessionRows('P01', 'S01', 'A', '2026-02-03T09:00:00Z', 6));
    rows[3] = `${rows[3]}\textra`;
    const path = join(dir, 'ragged.txt');
    await writeFile(path, [TX_HEADER.join('\t'), ...rows].join('\n'));
    const error = await importError([path]);
    expect(error.location).toMatchObject({ file: path, line: 5 });
    expect(error.message).toMatch(/19 fields where the header has 18 \(too many/);
  });

  it('a file cut off in the middle of a row', async () => {
    const rows = txLines(sessionRows('P01', 'S01', 'A', '2026-02-03T09:00:00Z', 6));
    const path = join(dir, 'truncated.txt');
    await writeFile(path, [TX_HEADER.join('\t'), ...rows].join('\n').slice(0, -40));
    const error = await importError([path]);
    expect(error.location).toMatchObject({ file: path, line: 7 });
    expect(error.message).toMatch(/too few: the row ends before ".*"; is the file tab-separated, and is this row complete\?/);
  });

  it('a quoted cell that never closes', async () => {
    const path = join(dir, 'unclosed.csv');
    await writeFile(path, 'session_id,tier,annotator,label,start_s,end_s,note\nS01,affect,c1,CONFUSED,1,2,"never closed\nS01,affect,c1,BORED,3,4,\n');
    const error = await importError([path]);
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.location).toMatchObject({ file: path, line: 2, column: 28 });
    expect(error.message).toContain('quoted field is never closed');
  });

  it('timestamps a spreadsheet reformatted to mm:ss.0', async () => {
    const rows = txLines(sessionRows('P01', 'S01', 'A', '2026-02-03T09:00:00Z', 4));
    rows[2] = (rows[2] ?? '').replace(/2026-02-03 09:00:40/, '00:40.0');
    const path = join(dir, 'excel-damaged.txt');
    await writeFile(path, [TX_HEADER.join('\t'), ...rows].join('\n'));
    const error = await importError([path]);
    expect(error.location).toMatchObject({ file: path, line: 4, column: expect.any(Number) as number });
    expect(error.message).toMatch(/lost its date and hour: a spreadsheet program reformatted the column as mm:ss.0/);
  });

  it('a comma-separated file given as tab-separated data', async () => {
    const rows = sessionRows('P01', 'S01', 'A', '2026-02-03T09:00:00Z', 3).map((r) => [r.student, r.session, r.time].join(','));
    const path = join(dir, 'commas.txt');
    await writeFile(path, ['Anon Student Id\tSession Id\tTime', ...rows].join('\n'));
    const error = await importError([path], { format: 'datashop-tx' });
    expect(error.location).toMatchObject({ file: path, line: 2 });
    expect(error.message).toMatch(/1 fields where the header has 3/);
  });

  it('binary garbage', async () => {
    const path = join(dir, 'garbage.tsv');
    await writeFile(path, Buffer.from([0x41, 0x42, 0x0a, 0x00, 0xff, 0xfe, 0x13, 0x37]));
    const error = await importError([path]);
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.location).toMatchObject({ file: path, line: 2, column: 1 });
  });

  it.skipIf(!HAVE_REALDATA)('an Excel workbook named .tsv (real file)', async () => {
    const path = join(dir, 'P5_TIME.tsv');
    await copyFile(realdata('eyetracking_emdat', 'Gazepoint', 'P5_TIME.tsv'), path);
    const error = await importError([path]);
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.message).toMatch(/Excel .xlsx workbook.*save it as CSV/i);
  });

  it('a file Weft cannot recognise', async () => {
    const path = join(dir, 'notes.txt');
    await writeFile(path, 'Observed P01 frowning at minute 3.\n');
    const error = await importError([path]);
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.message).toContain('--format');
  });

  it('an annotation for a session the study does not have', async () => {
    const path = join(dir, 'annotations.csv');
    await writeFile(path, 'session_id,tier,annotator,label,start_s,end_s,note\nS99,affect,c1,CONFUSED,1,2,\n');
    const error = await importError([path]);
    expect(error.location).toMatchObject({ file: path, line: 2 });
    expect(error.message).toContain('no session "S99"');
  });
});

describe('repairs are made visible as warnings', () => {
  it('NaN is missing and infinity is stored as missing with a warning; face_present 0 stores no features', async () => {
    const path = await writeFaceCsv(dir, 60, 'face.csv', { missing: (f) => f >= 10 && f < 15 });
    const { readFile } = await import('node:fs/promises');
    const text = (await readFile(path, 'utf8')).replace(/\n20,666667,1,0\.97,2\.5/, '\n20,666667,1,0.97,inf').replace(/\n21,700000,1,0\.97,2\.5/, '\n21,700000,1,NaN,-Infinity');
    await writeFile(path, text);
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01', clock_offset_s: 0 });
    expect(summary.files[0]?.warnings).toEqual([
      { message: 'column "head_yaw_deg": 2 infinite values were stored as missing (first at line 22)', location: { file: path, line: 22, column: 18, field: 'head_yaw_deg' }, count: 2 },
    ]);
    const { rows } = await study.client.call('sql.query', {
      sql: `SELECT count(*) FILTER (WHERE NOT success), count(*) FILTER (WHERE NOT success AND bs_brow_down_left IS NULL AND confidence IS NULL),
                   count(*) FILTER (WHERE success AND head_yaw_deg IS NULL), count(*) FILTER (WHERE success AND confidence IS NULL) FROM face_frames`,
    });
    expect(rows).toEqual([[5, 5, 2, 1]]);
  });

  it('timestamps going backwards or repeating are kept and reported', async () => {
    const rows = sessionRows('P01', 'S01', 'A', '2026-02-03T09:00:00Z', 6);
    const swapped = [rows[0], rows[2], rows[1], rows[3], rows[4], rows[5]].filter((r) => r !== undefined);
    const path = await writeTransactions(dir, swapped);
    const summary = await study.client.call('session.import', { files: [path] });
    expect(summary.files[0]?.warnings.map((w) => [w.message, w.location?.line])).toEqual([
      ['1 timestamp in the interaction_log stream went backwards; rows were kept in file order (the views sort by time)', 4],
    ]);
  });
});

describe('the consent gate', () => {
  it('never stores a stream whose modality the participant refused, withdrew or never gave, and reports it', async () => {
    await study.client.call('session.import', { files: [await writeConsentCsv(dir, [{ id: 'P03', refuse: ['face_features'] }, { id: 'P04', withdrawn: '2026-02-10' }], 'consent-2.csv')] });
    const tx = await writeTransactions(dir, [
      ...sessionRows('P03', 'S03', 'A', '2026-02-03T09:00:00Z', 4),
      ...sessionRows('P04', 'S04', 'B', '2026-02-03T10:00:00Z', 5),
      ...sessionRows('P09', 'S09', 'B', '2026-02-03T11:00:00Z', 3),
    ]);
    const face = await writeFaceCsv(dir, 45);
    const logs = await study.client.call('session.import', { files: [tx] });
    expect(logs.files[0]?.streams.map((s) => s.participant_id)).toEqual(['P03']);
    expect(logs.files[0]?.refused.map((r) => [r.participant_id, r.modality, r.consent, r.rows])).toEqual([
      ['P04', 'interaction_logs', 'withdrawn', 5],
      ['P09', 'interaction_logs', 'missing', 3],
    ]);
    const faces = await study.client.call('session.import', { files: [face], participant_id: 'P03', session_id: 'S03' });
    expect(faces.files[0]?.refused).toEqual([{ participant_id: 'P03', session_id: 'S03', kind: 'face_features', modality: 'face_features', consent: 'refused', rows: 45 }]);
    const { rows } = await study.client.call('sql.query', {
      sql: `SELECT (SELECT count(*) FROM face_frames), (SELECT count(*) FROM events WHERE participant_id <> 'P03'), (SELECT count(*) FROM sessions WHERE session_id IN ('S04', 'S09')), (SELECT count(*) FROM participants WHERE participant_id = 'P09')`,
    });
    expect(rows).toEqual([[0, 0, 0, 0]]);
  });

  it('audits a refusal with a keyed pseudonym, never the participant id', async () => {
    const tx = await writeTransactions(dir, sessionRows('P77', 'S77', 'A', '2026-02-03T09:00:00Z', 2));
    await study.client.call('session.import', { files: [tx] });
    const entries = await study.client.call('audit.list', {});
    const last = JSON.stringify(entries[entries.length - 1]?.detail);
    expect(last).toMatch(/"participant":"p_[0-9a-f]{20}"/);
    expect(last).not.toContain('P77');
  });
});

describe('consent files are checked whole before any record is applied', () => {
  it.each([
    ['an unknown modality', 'record_id,consent_date,consent_form_version,consent_modalities___telepathy,consent_complete\nP05,2026-02-01,v1,1,2\n', /unknown modality "telepathy"/, { line: 1 }],
    ['a malformed date', 'record_id,consent_date,consent_form_version,consent_modalities___gaze,consent_complete\nP05,01/02/2026,v1,1,2\n', /consent_date "01\/02\/2026" is not a date/, { line: 2, column: 5 }],
    ['a duplicate participant', 'record_id,consent_date,consent_form_version,consent_modalities___gaze,consent_complete\nP05,2026-02-01,v1,1,2\nP05,2026-02-02,v1,0,2\n', /"P05" is listed twice \(first on line 2\)/, { line: 3 }],
    ['an incomplete form', 'record_id,consent_date,consent_form_version,consent_modalities___gaze,consent_complete\nP05,2026-02-01,v1,1,0\n', /not marked complete/, { line: 2 }],
  ])('%s', async (_what, text, message, location) => {
    const path = join(dir, 'bad-consent.csv');
    await writeFile(path, text);
    const error = await importError([path]);
    expect(error.message).toMatch(message);
    expect(error.location).toMatchObject({ file: path, ...location });
  });
});
