import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tobii4cFixationsCsv } from '../../../src/backend/import/formats/tobii4cFixations.js';
import { tobiiSdkCsv } from '../../../src/backend/import/formats/tobii4cSdk.js';
import { inspectSource } from '../../../src/backend/import/source.js';
import type { ImportSummary } from '../../../src/core/api/schemas.js';
import { WeftError } from '../../../src/core/errors.js';
import { writeConsentCsv } from '../../support/fixtures.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, realdata, tempDir } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

const raw = (name: string): string => realdata('eyetracking_emdat', 'Tobii4C_raw', name);

async function query(study: TestStudy, sql: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql })).rows;
}

/** The stream read independently: records split on the CR CR LF the recording script wrote. */
async function readStream(path: string): Promise<{ header: string[]; rows: Record<string, string>[]; cut: string | undefined }> {
  const [head = '', ...rest] = (await readFile(path, 'utf8')).split('\r\r\n');
  const header = head.split(';');
  const complete = rest.filter((l) => l.split(';').length === header.length);
  const cut = rest.find((l) => l !== '' && l.split(';').length !== header.length);
  return { header, rows: complete.map((l) => Object.fromEntries(l.split(';').map((v, i) => [header[i] ?? '', v]))), cut };
}

const point = (text: string | undefined): number[] => (text ?? '').replace(/[()]/g, '').split(',').map((v) => (v.trim() === 'nan' ? Number.NaN : Number(v)));

describe.skipIf(!HAVE_REALDATA)(`Tobii 4C SDK stream and EMDAT's fixations of it (real files)${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  let study: TestStudy;
  let summary: ImportSummary;
  beforeAll(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
    summary = await study.client.call('session.import', { files: [raw('4Ctest.csv'), raw('4Ctest_fixation.csv')], participant_id: 'P4C' });
  });
  afterAll(async () => {
    await study.close();
  });

  it('detects each file from its header', async () => {
    const stream = await inspectSource(raw('4Ctest.csv'));
    const fixations = await inspectSource(raw('4Ctest_fixation.csv'));
    expect([tobiiSdkCsv.detect(stream), tobii4cFixationsCsv.detect(stream)]).toEqual([1, 0]);
    expect([tobiiSdkCsv.detect(fixations), tobii4cFixationsCsv.detect(fixations)]).toEqual([0, 0.9]);
    expect(summary.files.map((f) => f.format)).toEqual(['tobii-sdk-csv', 'emdat-4c-fixations-csv']);
  });

  it('imports every complete sample and reports the row the recording was cut off in', async () => {
    const file = await readStream(raw('4Ctest.csv'));
    // PROVENANCE.md counts 454 rows: the last stops after 11 of 18 fields, with no line break.
    expect([file.rows.length, file.cut?.split(';').length]).toEqual([453, 11]);
    expect(summary.files[0]?.streams.map((s) => [s.kind, s.rows, s.clock_source])).toEqual([['gaze', 453, 'absolute timestamps in the file']]);
    // Lines count every CR as a line end, as editors that show this file do: CR CR LF makes two.
    expect(summary.files[0]?.warnings).toEqual([
      {
        message: 'the last row (line 909) stops after 11 of 18 fields and the file ends without a line break: the recording was cut off there, and that row was not imported',
        location: { file: raw('4Ctest.csv'), line: 909 },
        count: 1,
      },
    ]);
  });

  it('places the eye tracker clock on the computer clock by their mean difference, and keeps the samples µs apart', async () => {
    const { rows } = await readStream(raw('4Ctest.csv'));
    const offset = Math.round(rows.reduce((sum, r) => sum + (Number(r['system_time_stamp']) - Number(r['device_time_stamp'])), 0) / rows.length);
    const firstDevice = Number(rows[0]?.['device_time_stamp']);
    const [[startedAt]] = (await query(study, `SELECT epoch_us(started_at) FROM sessions`)) as [[number]];
    expect(startedAt).toBe(firstDevice + offset);
    const devices = rows.map((r) => Number(r['device_time_stamp']) - firstDevice);
    expect(await query(study, `SELECT list(t_us::DOUBLE ORDER BY t_us) FROM gaze_samples`)).toEqual([[devices]]);
    const [[provenance]] = (await query(study, `SELECT provenance FROM streams WHERE kind = 'gaze'`)) as [[string]];
    expect(JSON.parse(provenance)).toMatchObject({ clock: { offset_us: offset, samples_averaged: 453, system_time_stamp_written_to_us: 10_000 } });
  });

  it('keeps both eyes in display-area coordinates, their mean where both are valid, NULL for nan and invalid', async () => {
    const { rows } = await readStream(raw('4Ctest.csv'));
    const valid = (r: Record<string, string>, side: string): boolean => r[`${side}_gaze_point_validity`] === '1';
    const both = rows.filter((r) => valid(r, 'left') && valid(r, 'right')).length;
    const leftOnly = rows.filter((r) => valid(r, 'left') && !valid(r, 'right')).length;
    const rightOnly = rows.filter((r) => !valid(r, 'left') && valid(r, 'right')).length;
    const none = rows.filter((r) => !valid(r, 'left') && !valid(r, 'right')).length;
    expect([both, leftOnly, rightOnly, none]).toEqual([411, 37, 4, 1]);
    expect(await query(study, `
      SELECT count(*) FILTER (WHERE valid_left AND valid_right AND abs(x - (left_x + right_x) / 2) < 1e-12),
             count(*) FILTER (WHERE valid_left AND NOT valid_right AND x = left_x AND right_x IS NULL AND pupil_right IS NULL),
             count(*) FILTER (WHERE NOT valid_left AND valid_right AND x = right_x AND left_x IS NULL),
             count(*) FILTER (WHERE x IS NULL AND y IS NULL)
      FROM gaze_samples`)).toEqual([[both, leftOnly, rightOnly, none]]);
    const first = rows[0] ?? {};
    const [lx, ly] = point(first['left_gaze_point_on_display_area']);
    const [rx, ry] = point(first['right_gaze_point_on_display_area']);
    expect(await query(study, `SELECT left_x, left_y, right_x, right_y, pupil_left, pupil_right FROM gaze_samples ORDER BY t_us LIMIT 1`)).toEqual([
      [lx, ly, rx, ry, Number(first['left_pupil_diameter']), Number(first['right_pupil_diameter'])],
    ]);
  });

  it('keeps the 3D positions as signals, NULL where their validity flag is 0', async () => {
    const { rows } = await readStream(raw('4Ctest.csv'));
    const originValid = rows.filter((r) => r['right_gaze_origin_validity'] === '1').length;
    const signals = await query(study, `SELECT name, count(*), count(value) FROM signals GROUP BY name ORDER BY name`);
    expect(signals.length).toBe(18);
    expect(signals).toContainEqual(['right_gaze_origin_in_user_coordinate_system_z', rows.length, originValid]);
    expect(signals).toContainEqual(['left_gaze_origin_in_trackbox_coordinate_system_x', rows.length, rows.filter((r) => r['left_gaze_origin_validity'] === '1').length]);
    const [, , z] = point(rows[0]?.['left_gaze_point_in_user_coordinate_system']);
    expect(await query(study, `SELECT value FROM signals WHERE name = 'left_gaze_point_in_user_coordinate_system_z' ORDER BY t_us LIMIT 1`)).toEqual([[z]]);
  });

  it("places EMDAT's fixations and saccades on the same clock, as display-area fractions", async () => {
    const lines = (await readFile(raw('4Ctest_fixation.csv'), 'utf8')).split('\r\r\n').filter((l) => l !== '');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.length).toBe(28);
    const fixations = rows.filter((r) => r[0] === 'fixation');
    expect(summary.files[1]?.streams.map((s) => [s.kind, s.rows])).toEqual([['saccades', 14], ['fixations', 14]]);
    const [[start]] = (await query(study, `SELECT epoch_us(started_at) FROM sessions`)) as [[number]];
    const f = fixations[0] ?? [];
    expect(await query(study, `SELECT start_us, end_us, duration_us, x, y, eye FROM fixations ORDER BY start_us LIMIT 1`)).toEqual([
      [Number(f[3]) - start, Number(f[4]) - start, Number(f[5]) * 1000, Number(f[1]) / 100, Number(f[2]) / 100, 'both'],
    ]);
    expect(await query(study, `SELECT count(*) FILTER (WHERE start_x IS NULL AND end_x IS NOT NULL AND amplitude_deg IS NULL) FROM saccades`)).toEqual([[14]]);
  });
});

describe('broken Tobii SDK streams', () => {
  let dir: { dir: string; remove: () => Promise<void> };
  let study: TestStudy;
  const HEADER = 'device_time_stamp;system_time_stamp;left_gaze_point_on_display_area;left_gaze_point_validity;left_pupil_diameter;left_pupil_validity;right_gaze_point_on_display_area;right_gaze_point_validity;right_pupil_diameter;right_pupil_validity;left_gaze_origin_in_user_coordinate_system;left_gaze_origin_validity';
  const row = (k: number, drift = 0): string =>
    `${1000 + k * 11_111};${1_700_000_000_000_000 + 1000 + k * 11_111 + Math.round(drift * k)};(0.${k + 10}, 0.5);1;3.1;1;(0.${k + 12}, 0.52);1;3.2;1;(10.5, -2.25, 600.0);1`;
  const ROWS = Array.from({ length: 6 }, (_, k) => row(k));

  beforeAll(async () => {
    dir = await tempDir('weft-tobii-sdk-bad-');
    study = await createTestStudy({ dataBasis: SECONDARY });
  });
  afterAll(async () => {
    await study.close();
    await dir.remove();
  });

  async function write(name: string, lines: readonly string[], end = '\n'): Promise<string> {
    const path = join(dir.dir, name);
    await writeFile(path, lines.join('\n') + end);
    return path;
  }

  async function state(): Promise<unknown[][]> {
    return query(study, `SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM streams), (SELECT count(*) FROM gaze_samples), (SELECT count(*) FROM signals), (SELECT count(*) FROM audit_log)`);
  }

  async function importError(path: string, extra: Record<string, unknown> = {}): Promise<WeftError> {
    const before = await state();
    const error = await study.client.call('session.import', { files: [path], participant_id: 'P1', ...extra }).then(() => undefined, (e: unknown) => e);
    expect(error, 'the import should have failed').toBeInstanceOf(WeftError);
    expect(await state(), 'a failed import must leave the study unchanged').toEqual(before);
    return error as WeftError;
  }

  it('a row cut short in the middle of the file is an error; only a cut-off last row is skipped', async () => {
    const rows = [...ROWS];
    rows[2] = (rows[2] ?? '').slice(0, 40);
    const path = await write('short.csv', [HEADER, ...rows]);
    const error = await importError(path);
    expect(error.location).toEqual({ file: path, line: 4, column: 41 });
    expect(error.message).toContain('5 fields where the header has 12 (too few: the row ends before "left_pupil_validity"');
    const last = await write('short-last-with-newline.csv', [HEADER, ...ROWS.slice(0, 5), (ROWS[5] ?? '').slice(0, 40)]);
    expect((await importError(last)).location).toMatchObject({ line: 7 });
  });

  it('a point that does not close, and a validity flag that is not 0 or 1', async () => {
    const rows = [...ROWS];
    rows[1] = (rows[1] ?? '').replace('(0.11, 0.5)', '(0.11, 0.5');
    const path = await write('unclosed.csv', [HEADER, ...rows]);
    const error = await importError(path);
    expect(error.message).toBe(`${path}:3:24: "(0.11, 0.5" in column "left_gaze_point_on_display_area" is not a point written as (x, y)`);
    const flags = [...ROWS];
    flags[0] = (flags[0] ?? '').replace(';(0.10, 0.5);1;', ';(0.10, 0.5);2;');
    const bad = await write('flag.csv', [HEADER, ...flags]);
    expect((await importError(bad)).message).toBe(`${bad}:2:35: left_gaze_point_validity is 2; the SDK writes 1 (valid) or 0 (not valid)`);
  });

  it('a damaged device timestamp, and a comma-separated file forced as one', async () => {
    const rows = [...ROWS];
    rows[3] = (rows[3] ?? '').replace(/^\d+/, '34x34');
    const path = await write('bad-time.csv', [HEADER, ...rows]);
    expect((await importError(path)).message).toBe(`${path}:5:1: "34x34" in column "device_time_stamp" is not a number`);
    const commas = await write('commas.csv', [HEADER.replaceAll(';', ','), ...ROWS]);
    expect(tobiiSdkCsv.detect(await inspectSource(commas))).toBe(0);
    const error = await importError(commas, { format: 'tobii-sdk-csv' });
    expect(error.location).toEqual({ file: commas, line: 1 });
    expect(error.message).toContain('a Tobii SDK gaze stream needs a "device_time_stamp" column');
  });

  it('infinity in a point is stored as missing with a warning; drift between the clocks is reported', async () => {
    const rows = Array.from({ length: 6 }, (_, k) => row(k, 4000));
    rows[2] = (rows[2] ?? '').replace('(10.5, -2.25, 600.0)', '(inf, -2.25, 600.0)');
    const summary = await study.client.call('session.import', { files: [await write('drift.csv', [HEADER, ...rows])], participant_id: 'P2' });
    expect(summary.files[0]?.warnings.map((w) => w.message)).toEqual([
      'the eye tracker and computer clocks drift apart: system_time_stamp is 10.0 ms from device_time_stamp + the offset fitted at the start (at line 2), more than the timestamps\' written precision; times follow the eye tracker clock placed at the recording start (align by sync markers to correct drift)',
      'column "left_gaze_origin_in_user_coordinate_system x": 1 infinite values were stored as missing (first at line 4)',
    ]);
    expect(await query(study, `SELECT count(value) FROM signals WHERE participant_id = 'P2' AND name = 'left_gaze_origin_in_user_coordinate_system_x'`)).toEqual([[5]]);
  });

  it('system timestamps that are no wall clock leave the stream on the eye tracker clock', async () => {
    const rows = ROWS.map((r) => r.replace(/;1700000000\d+;/, ';123456;'));
    const summary = await study.client.call('session.import', { files: [await write('uptime.csv', [HEADER, ...rows])], participant_id: 'P3' });
    expect(summary.files[0]?.streams.map((s) => [s.rows, s.start_us, s.clock_source])).toEqual([[6, 1000, 'none given: assumed to start at session time 0']]);
  });

  it('EMDAT fixation lists: an unknown label, and a duration that does not fit start and end', async () => {
    const head = 'label,x,y,start,end,duration';
    const label = await write('label.csv', [head, 'fixation,49.3,43.3,1564666170500000.0,1564666170740000.0,240.0', 'blink,1,1,1564666170800000.0,1564666170900000.0,100.0']);
    expect((await importError(label)).message).toBe(`${label}:3:1: label "blink" is neither fixation nor saccade`);
    const duration = await write('duration.csv', [head, 'fixation,49.3,43.3,1564666170500000.0,1564666170740000.0,24.0']);
    expect((await importError(duration)).message).toBe(`${duration}:2:58: duration 24 ms is not (end - start) / 1000 = 240 ms: start and end should be microseconds`);
  });

  it('never stores the samples of a participant without gaze consent', async () => {
    const consenting = await createTestStudy();
    try {
      await consenting.client.call('session.import', { files: [await writeConsentCsv(dir.dir, [{ id: 'P01', refuse: ['gaze'] }])] });
      const summary = await consenting.client.call('session.import', { files: [await write('refused.csv', [HEADER, ...ROWS])], participant_id: 'P01' });
      expect(summary.files[0]?.refused.map((r) => [r.kind, r.consent, r.rows])).toEqual([['gaze', 'refused', 6]]);
      expect(await query(consenting, `SELECT (SELECT count(*) FROM gaze_samples), (SELECT count(*) FROM signals)`)).toEqual([[0, 0]]);
    } finally {
      await consenting.close();
    }
  });
});
