import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gazepointCsv } from '../../../src/backend/import/formats/gazepointCsv.js';
import { inspectSource } from '../../../src/backend/import/source.js';
import { WeftError } from '../../../src/core/errors.js';
import { writeConsentCsv } from '../../support/fixtures.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, realdata, tempDir } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

const gazepoint = (name: string): string => realdata('eyetracking_emdat', 'Gazepoint', name);

async function query(study: TestStudy, sql: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql })).rows;
}

async function readRows(path: string): Promise<{ header: string[]; rows: string[][] }> {
  const [head = '', ...rest] = (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '');
  return { header: head.split(','), rows: rest.map((l) => l.split(',')) };
}

describe.skipIf(!HAVE_REALDATA)(`Gazepoint fixation export (real file)${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  let study: TestStudy;
  beforeAll(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
  });
  afterAll(async () => {
    await study.close();
  });

  it('detects the fixation CSV from its header, and not the segment file beside it', async () => {
    expect(gazepointCsv.detect(await inspectSource(gazepoint('P5_fixations.csv')))).toBe(1);
    expect(gazepointCsv.detect(await inspectSource(gazepoint('P5_TIME.seg')))).toBe(0);
    expect(gazepointCsv.detect(await inspectSource(realdata('eyetracking_emdat', 'Tobii4C_raw', '4Ctest_fixation.csv')))).toBe(0);
  });

  it('stores one fixation per valid fixation id, in normalised screen coordinates, on the segments\' clock', async () => {
    const { header, rows } = await readRows(gazepoint('P5_fixations.csv'));
    expect(header).toEqual(['CNT', 'TIME', 'FPOGX', 'FPOGY', 'FPOGS', 'FPOGD', 'FPOGID', 'FPOGV']);
    // PROVENANCE.md: 3,968 rows; one per fixation id; the first is not valid.
    expect(rows.length).toBe(3968);
    expect(new Set(rows.map((r) => r[6])).size).toBe(rows.length);
    const invalid = rows.filter((r) => r[7] === '0').length;
    expect(invalid).toBe(1);
    // Each row is written when its fixation ends: TIME = FPOGS + FPOGD.
    expect(rows.every((r) => Math.abs(Number(r[1]) - Number(r[4]) - Number(r[5])) < 2e-5)).toBe(true);

    const summary = await study.client.call('session.import', { files: [gazepoint('P5_fixations.csv'), gazepoint('P5_TIME.seg')], participant_id: 'P5', clock_offset_s: 0 });
    expect(summary.files.map((f) => [f.format, f.streams.map((s) => [s.kind, s.rows])])).toEqual([
      ['gazepoint-csv', [['fixations', rows.length - invalid]]],
      ['emdat-seg', [['segments', 2]]],
    ]);
    expect(summary.files[0]?.warnings.map((w) => [w.message, w.location?.line])).toEqual([['1 fixation that Gazepoint marked not valid (FPOGV = 0) was not stored (first at line 2)', 2]]);
    const second = rows[1] ?? [];
    expect(await query(study, `SELECT start_us, end_us, x, y, eye FROM fixations ORDER BY start_us LIMIT 1`)).toEqual([
      [Math.round(Number(second[4]) * 1e6), Math.round(Number(second[4]) * 1e6) + Math.round(Number(second[5]) * 1e6), Number(second[2]), Number(second[3]), null],
    ]);
    // The segment file counts milliseconds of the same clock: fixations fall inside the "gaze" segment.
    const [gazeStart, gazeEnd] = [2_143_034, 2_248_422];
    const inside = rows.filter((r) => r[7] === '1' && Number(r[4]) * 1000 >= gazeStart && Number(r[4]) * 1000 < gazeEnd).length;
    expect(inside).toBeGreaterThan(100);
    expect(await query(study, `SELECT count(*) FROM fixations f JOIN events e ON e.label = 'gaze' AND f.start_us >= e.t_us AND f.start_us < e.t_us + e.duration_us`)).toEqual([[inside]]);
    expect(await query(study, `SELECT count(*), min(value), max(value) FROM signals WHERE name = 'sample_counter'`)).toEqual([[rows.length, 0, Number(rows[rows.length - 1]?.[0])]]);
    const [[provenance]] = (await query(study, `SELECT provenance FROM streams WHERE kind = 'fixations'`)) as [[string]];
    expect(JSON.parse(provenance)).toMatchObject({ format: 'gazepoint-csv', signals: { CNT: "sample_counter (at the row's TIME)" } });
    expect(provenance).toContain('NOT pixels');
  });

  it('refuses the .xlsx workbook named P5_TIME.tsv, saying what it is', async () => {
    const dir = await tempDir();
    try {
      const path = join(dir.dir, 'P5_TIME.tsv');
      await copyFile(gazepoint('P5_TIME.tsv'), path);
      const error = await study.client.call('session.import', { files: [path], participant_id: 'P5' }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(WeftError);
      expect((error as WeftError).code).toBe('UNSUPPORTED_FORMAT');
      expect((error as WeftError).message).toMatch(/ZIP container \(most likely an Excel \.xlsx workbook/);
    } finally {
      await dir.remove();
    }
  });
});

describe('broken Gazepoint exports', () => {
  let dir: { dir: string; remove: () => Promise<void> };
  let study: TestStudy;
  const HEADER = 'CNT,TIME,FPOGX,FPOGY,FPOGS,FPOGD,FPOGID,FPOGV';
  /** Per-sample rows: a fixation's fields repeat, its duration growing, until the next id. */
  const ROWS = ['1,0.016,0.5,0.5,0.0,0.016,7,1', '2,0.032,0.51,0.5,0.0,0.032,7,1', '3,0.048,0.52,0.49,0.0,0.048,7,1', '4,0.064,0.2,0.3,0.064,0.0,8,0', '5,0.080,0.2,0.3,0.064,0.016,8,1'];

  beforeAll(async () => {
    dir = await tempDir('weft-gazepoint-bad-');
    study = await createTestStudy({ dataBasis: SECONDARY });
  });
  afterAll(async () => {
    await study.close();
    await dir.remove();
  });

  async function write(name: string, lines: readonly string[]): Promise<string> {
    const path = join(dir.dir, name);
    await writeFile(path, `${lines.join('\n')}\n`);
    return path;
  }

  async function state(): Promise<unknown[][]> {
    return query(study, `SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM streams), (SELECT count(*) FROM fixations), (SELECT count(*) FROM signals), (SELECT count(*) FROM audit_log)`);
  }

  async function importError(path: string, extra: Record<string, unknown> = {}): Promise<WeftError> {
    const before = await state();
    const error = await study.client.call('session.import', { files: [path], participant_id: 'P1', ...extra }).then(() => undefined, (e: unknown) => e);
    expect(error, 'the import should have failed').toBeInstanceOf(WeftError);
    expect(await state(), 'a failed import must leave the study unchanged').toEqual(before);
    return error as WeftError;
  }

  it('per-sample rows: one fixation per id with its whole duration; the last row of a run decides validity', async () => {
    const summary = await study.client.call('session.import', { files: [await write('samples.csv', [HEADER, ...ROWS])], participant_id: 'P1' });
    expect(summary.files[0]?.streams.map((s) => [s.kind, s.rows])).toEqual([['fixations', 2]]);
    expect(await query(study, `SELECT start_us, end_us, x, y FROM fixations WHERE participant_id = 'P1' ORDER BY start_us`)).toEqual([
      [0, 48_000, 0.52, 0.49],
      [64_000, 80_000, 0.2, 0.3],
    ]);
    expect(await query(study, `SELECT count(*) FROM signals WHERE participant_id = 'P1' AND name = 'sample_counter'`)).toEqual([[ROWS.length]]);
  });

  it('a header without the validity column', async () => {
    const path = await write('no-valid.csv', ['CNT,TIME,FPOGX,FPOGY,FPOGS,FPOGD,FPOGID', '1,0.016,0.5,0.5,0.0,0.016,7']);
    expect(gazepointCsv.detect(await inspectSource(path))).toBe(0);
    const error = await importError(path, { format: 'gazepoint-csv' });
    expect(error.location).toEqual({ file: path, line: 1 });
    expect(error.message).toContain('a Gazepoint fixation export needs a "FPOGV" column');
  });

  it('a file cut off in its last row', async () => {
    const path = join(dir.dir, 'cut.csv');
    await writeFile(path, [HEADER, ...ROWS.slice(0, 2), '3,0.048,0.52'].join('\n'));
    const error = await importError(path);
    expect(error.location).toEqual({ file: path, line: 4, column: 13 });
    expect(error.message).toContain('3 fields where the header has 8 (too few: the row ends before "FPOGY"');
  });

  it('a semicolon-separated file', async () => {
    const path = await write('semicolons.csv', [HEADER, ...ROWS.map((r) => r.replaceAll(',', ';'))]);
    const error = await importError(path);
    expect(error.location).toEqual({ file: path, line: 2, column: 30 });
    expect(error.message).toContain('1 fields where the header has 8 (too few');
  });

  it('a damaged start time, a negative duration, a validity that is neither 0 nor 1', async () => {
    const damaged = await write('bad-start.csv', [HEADER, '1,0.016,0.5,0.5,0.O,0.016,7,1']);
    expect((await importError(damaged)).message).toBe(`${damaged}:2:17: "0.O" in column "FPOGS" is not a number`);
    const negative = await write('negative.csv', [HEADER, '1,0.016,0.5,0.5,0.0,-0.016,7,1']);
    expect((await importError(negative)).message).toBe(`${negative}:2:21: FPOGD -0.016 is negative`);
    const validity = await write('validity.csv', [HEADER, '1,0.016,0.5,0.5,0.0,0.016,7,2']);
    expect((await importError(validity)).message).toBe(`${validity}:2:29: FPOGV is 2; Gazepoint writes 1 (valid) or 0`);
  });

  it('a text column and an infinite value are reported, NaN is missing', async () => {
    const summary = await study.client.call('session.import', {
      files: [await write('extra.csv', [`${HEADER},USER,BPOGX`, `${ROWS[0] ?? ''},EXP1,inf`, `${ROWS[1] ?? ''},EXP1,NaN`, `${ROWS[2] ?? ''},EXP1,0.52`])],
      participant_id: 'P2',
    });
    expect(summary.files[0]?.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^Times in this file count/),
      'the text column "USER" was not stored: fixations have no column for it',
      'column "BPOGX": 1 infinite values were stored as missing (first at line 2)',
    ]);
    expect(await query(study, `SELECT value FROM signals WHERE participant_id = 'P2' AND name = 'bpogx' ORDER BY t_us`)).toEqual([[null], [null], [0.52]]);
  });

  it('never stores the fixations of a participant without gaze consent', async () => {
    const consenting = await createTestStudy();
    try {
      await consenting.client.call('session.import', { files: [await writeConsentCsv(dir.dir, [{ id: 'P01', refuse: ['gaze'] }])] });
      const summary = await consenting.client.call('session.import', { files: [await write('refused.csv', [HEADER, ...ROWS])], participant_id: 'P01' });
      expect(summary.files[0]?.refused.map((r) => [r.kind, r.consent, r.rows])).toEqual([['fixations', 'refused', 2]]);
      expect(await query(consenting, `SELECT (SELECT count(*) FROM fixations), (SELECT count(*) FROM signals)`)).toEqual([[0, 0]]);
    } finally {
      await consenting.close();
    }
  });
});
