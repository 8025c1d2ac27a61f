import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { iMotionsTxt } from '../../../src/backend/import/formats/iMotionsTxt.js';
import { inspectSource } from '../../../src/backend/import/source.js';
import { WeftError } from '../../../src/core/errors.js';
import { writeConsentCsv } from '../../support/fixtures.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, realdata } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

const V5 = realdata('pyfeat_testdata', 'iMotions_Test_v5.txt');
const V6 = realdata('pyfeat_testdata', 'iMotions_Test_v6.txt');

/** An iMotions export read without the importer: `#` preamble, blank line, tab header, rows. */
interface Export {
  readonly lines: readonly string[];
  /** Line number of the header, from 1. */
  readonly headerLine: number;
  readonly header: readonly string[];
  readonly rows: readonly { readonly line: number; readonly cells: readonly string[] }[];
  cell(row: { readonly cells: readonly string[] }, column: string): string;
  num(row: { readonly cells: readonly string[] }, column: string): number;
}

function parseExport(text: string): Export {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const index = lines.findIndex((l) => l.replace(/\t+$/, '') !== '' && !l.startsWith('#'));
  const header = (lines[index] ?? '').split('\t');
  const rows = lines.slice(index + 1).flatMap((l, k) => (l === '' ? [] : [{ line: index + 2 + k, cells: l.split('\t') }]));
  const cell = (row: { readonly cells: readonly string[] }, column: string): string => {
    const i = header.indexOf(column);
    if (i < 0) throw new Error(`no column ${column}`);
    return row.cells[i] ?? '';
  };
  return { lines, headerLine: index + 1, header, rows, cell, num: (row, column) => Number(cell(row, column)) };
}

async function query(study: TestStudy, sql: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql })).rows;
}

const presence = (evidence: number): number => 1 / (1 + 10 ** -evidence);

function correlation(a: readonly number[], b: readonly number[]): number {
  const mean = (v: readonly number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let [sab, saa, sbb] = [0, 0, 0];
  a.forEach((x, i) => {
    const y = b[i] as number;
    sab += (x - ma) * (y - mb);
    saa += (x - ma) ** 2;
    sbb += (y - mb) ** 2;
  });
  return sab / Math.sqrt(saa * sbb);
}

describe.skipIf(!HAVE_REALDATA)(`iMotions exports (real files)${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  let study: TestStudy;
  let v5: Export;
  let v6: Export;
  beforeAll(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY, timeZone: 'Europe/Copenhagen' });
    v5 = parseExport(await readFile(V5, 'utf8'));
    v6 = parseExport(await readFile(V6, 'utf8'));
  });
  afterAll(async () => {
    await study.close();
  });

  it('detects both versions from their contents, and no other face export', async () => {
    for (const path of [V5, V6]) expect(iMotionsTxt.detect(await inspectSource(path)), path).toBe(1);
    for (const name of ['OpenFace_Test.csv', 'Feat_Test.csv', 'sample_affectiva-api-app_output.json']) {
      expect(iMotionsTxt.detect(await inspectSource(realdata('pyfeat_testdata', name))), name).toBe(0);
    }
    expect(iMotionsTxt.detect(await inspectSource(realdata('eyetracking_emdat', 'TobiiStudio2_CSP_applet', 'P61-Event-Data.tsv')))).toBe(0);
  });

  it('the quirks PROVENANCE.md describes', () => {
    expect([v5.headerLine, v5.header.length, v5.rows.length, v6.headerLine, v6.header.length, v6.rows.length]).toEqual([6, 110, 519, 6, 90, 519]);
    // v5 pads its preamble and blank line with tabs to the header's width; v6 does not.
    expect(v5.lines[0]).toBe(`#Study : CGT_V2${'\t'.repeat(109)}`);
    expect(v5.lines[4]).toBe('\t'.repeat(109));
    expect([v6.lines[0], v6.lines[4]]).toEqual(['#Study : RotationTest', '']);
    expect(v6.header.filter((h) => /^(Confusion|Frustration) /.test(h))).toEqual(['Confusion Evidence', 'Confusion Intensity', 'Frustration Evidence', 'Frustration Intensity']);
    expect(v5.header.some((h) => h.startsWith('Confusion'))).toBe(false);
    expect(v5.header).toEqual(expect.arrayContaining(['GazeLeftx', 'PupilLeft', 'FixationSeq']));
  });

  it('v6: every frame, confusion and frustration evidence as signals, AU evidence as presence probabilities', async () => {
    const summary = await study.client.call('session.import', { files: [V6], participant_id: 'P06', session_id: 'S06' });
    const file = summary.files[0];
    const faces = v6.rows.filter((r) => v6.num(r, 'NoOfFaces') >= 1);
    expect([file?.format, file?.warnings]).toEqual(['imotions-txt', []]);
    expect(file?.streams.map((s) => [s.kind, s.rows, s.clock_source])).toEqual([
      ['face_features', v6.rows.length, 'recording start time in the file'],
      ['segments', 1, 'recording start time in the file'],
    ]);
    // #TestRunDate : 20171005 11:27:18.071 (-04:00) is session time 0; Timestamp counts milliseconds from it.
    expect(await query(study, `SELECT started_at FROM sessions WHERE session_id = 'S06'`)).toEqual([['2017-10-05T15:27:18.071Z']]);
    const [first] = v6.rows;
    if (first === undefined) throw new Error('empty export');
    expect(await query(study, `
      SELECT frame, t_us, success, face_count, au01_presence, au43_presence, au01_intensity, head_yaw_deg, head_pitch_deg, head_roll_deg, confidence
      FROM face_frames WHERE session_id = 'S06' ORDER BY t_us LIMIT 1`)).toEqual([[
      0, v6.num(first, 'Timestamp') * 1000, true, 1, presence(v6.num(first, 'AU1 Evidence')), presence(v6.num(first, 'AU43 Evidence')), null,
      -v6.num(first, 'Yaw Degrees'), v6.num(first, 'Pitch Degrees'), -v6.num(first, 'Roll Degrees'), null,
    ]]);
    expect(await query(study, `
      SELECT count(*) FILTER (WHERE success), count(*) FILTER (WHERE NOT success AND head_yaw_deg IS NULL AND au12_presence IS NULL AND face_count = 0)
      FROM face_frames WHERE session_id = 'S06'`)).toEqual([[faces.length, v6.rows.length - faces.length]]);

    const signals = await query(study, `SELECT name, count(*), sum(value) FROM signals WHERE session_id = 'S06' GROUP BY name ORDER BY name`);
    const expressions = v6.header.filter((h) => / (Evidence|Intensity)$/.test(h) && !h.startsWith('AU'));
    expect(expressions).toHaveLength(24);
    const expected = [...expressions, 'FaceRect X', 'FaceRect Y', 'FaceRect Width', 'FaceRect Height', 'HasGlasses Probability', 'FrameTime'];
    const nameOf = (column: string): string => (column === 'FrameTime' ? 'frame_time_ms' : column.replace(/([a-z])([A-Z])/g, '$1_$2').replace(/ /g, '_').toLowerCase());
    expect(signals.map((s) => s[0])).toEqual(expected.map(nameOf).sort());
    for (const [name, count, total] of signals) {
      const column = expected.find((c) => nameOf(c) === name) as string;
      expect([name, count]).toEqual([name, faces.length]);
      expect(total as number).toBeCloseTo(faces.reduce((s, r) => s + v6.num(r, column), 0), 6);
    }
    const peak = faces.reduce((best, r) => (v6.num(r, 'Confusion Evidence') > v6.num(best, 'Confusion Evidence') ? r : best));
    expect(await query(study, `SELECT t_us, value FROM signals WHERE session_id = 'S06' AND name = 'confusion_evidence' ORDER BY value DESC LIMIT 1`)).toEqual([
      [v6.num(peak, 'Timestamp') * 1000, v6.num(peak, 'Confusion Evidence')],
    ]);
    expect(await query(study, `SELECT kind, label, t_us, duration_us, attributes->>'SlideType' FROM events WHERE session_id = 'S06'`)).toEqual([
      ['segment', 'gopro', 35_000, 17_316_000 - 35_000, 'TestImage'],
    ]);
  });

  it("v6 head pose: the signs Weft states agree with the export's own nose and eye coordinates", async () => {
    const faces = v6.rows.filter((r) => v6.num(r, 'NoOfFaces') >= 1);
    const stored = await query(study, `SELECT head_yaw_deg, head_pitch_deg, head_roll_deg FROM face_frames WHERE session_id = 'S06' AND success ORDER BY t_us`);
    const geometry = faces.map((r) => {
      const [lx, ly, rx, ry] = ['LEFT_EYE_LATERAL X', 'LEFT_EYE_LATERAL Y', 'RIGHT_EYE_LATERAL X', 'RIGHT_EYE_LATERAL Y'].map((c) => v6.num(r, c)) as [number, number, number, number];
      const span = Math.hypot(rx - lx, ry - ly);
      return { noseX: (v6.num(r, 'NOSE_TIP X') - (lx + rx) / 2) / span, noseY: (v6.num(r, 'NOSE_TIP Y') - (ly + ry) / 2) / span, eyeLine: Math.atan2(ry - ly, rx - lx) };
    });
    // Turning to the camera's left (positive yaw) moves the nose tip to the image's left.
    expect(correlation(stored.map((s) => s[0] as number), geometry.map((g) => g.noseX))).toBeLessThan(-0.7);
    // Looking down (positive pitch) moves the nose tip down the image.
    expect(correlation(stored.map((s) => s[1] as number), geometry.map((g) => g.noseY))).toBeGreaterThan(0.3);
    // Clockwise in the image (positive roll) lowers the eye on the image's right.
    expect(correlation(stored.map((s) => s[2] as number), geometry.map((g) => g.eyeLine))).toBeGreaterThan(0.4);
  });

  it('v5: face frames only from FACET rows, gaze samples only from ET rows; forward-filled values are not read', async () => {
    const summary = await study.client.call('session.import', { files: [V5], participant_id: 'P05', session_id: 'S05' });
    const file = summary.files[0];
    const sources = (r: { cells: readonly string[] }): string[] => v5.cell(r, 'EventSource').split('|');
    const facet = v5.rows.filter((r) => sources(r).includes('Emotient FACET'));
    const et = v5.rows.filter((r) => sources(r).includes('ET'));
    const etTimes = et.map((r) => v5.num(r, 'Timestamp'));
    const repeats = etTimes.filter((t, i) => i > 0 && t === etTimes[i - 1]).length;
    expect([facet.length, et.length, repeats]).toEqual([264, 265, 4]);
    expect(file?.streams.map((s) => [s.kind, s.rows])).toEqual([['gaze', et.length], ['segments', 2], ['face_features', facet.length]]);
    expect(file?.warnings.map((w) => w.message)).toEqual([`${repeats} samples in the gaze stream repeat the previous timestamp`]);
    expect(await query(study, `SELECT started_at FROM sessions WHERE session_id = 'S05'`)).toEqual([['2015-10-14T19:14:48.732Z']]);

    const faceTimes = facet.map((r) => v5.num(r, 'Timestamp') * 1000);
    expect(await query(study, `SELECT count(*), count(*) FILTER (WHERE success), sum(t_us) FROM face_frames WHERE session_id = 'S05'`)).toEqual([
      [facet.length, facet.filter((r) => v5.num(r, 'NoOfFaces') >= 1).length, faceTimes.reduce((a, b) => a + b, 0)],
    ]);
    // An ET row at 57 ms repeats the FACET values of the row at 36 ms: no face frame at 57 ms.
    expect(await query(study, `SELECT t_us FROM face_frames WHERE session_id = 'S05' AND t_us IN (36000, 57000)`)).toEqual([[36_000]]);
    expect(await query(study, `SELECT count(*) FROM signals WHERE session_id = 'S05' AND name = 'joy_evidence' AND t_us = 57000`)).toEqual([[0]]);

    const lostRight = et.find((r) => v5.cell(r, 'GazeRightx') === '-1');
    if (lostRight === undefined) throw new Error('no lost right eye in v5');
    const t = v5.num(lostRight, 'Timestamp') * 1000;
    expect(await query(study, `SELECT x, y, left_x, right_x, right_y, pupil_left, pupil_right, valid_left FROM gaze_samples WHERE session_id = 'S05' AND t_us = ${t}`)).toEqual([
      [v5.num(lostRight, 'GazeX'), v5.num(lostRight, 'GazeY'), v5.num(lostRight, 'GazeLeftx'), null, null, v5.num(lostRight, 'PupilLeft'), null, null],
    ]);
    expect(await query(study, `SELECT name, value FROM signals WHERE session_id = 'S05' AND t_us = ${t} AND name LIKE '%right%' ORDER BY name`)).toEqual([
      ['camera_right_x', null],
      ['camera_right_y', null],
      ['distance_right_mm', null],
    ]);
    const emptyGaze = et.filter((r) => v5.cell(r, 'GazeX') === '').length;
    expect(await query(study, `SELECT count(*) FILTER (WHERE x IS NULL), count(*) FILTER (WHERE x = -1 OR right_x = -1 OR pupil_right = -1) FROM gaze_samples WHERE session_id = 'S05'`)).toEqual([[emptyGaze, 0]]);
    expect(await query(study, `SELECT label, t_us, duration_us FROM events WHERE session_id = 'S05' ORDER BY t_us`)).toEqual([
      ['Emotient_Baseline', 7_000, 5_998_000 - 7_000],
      ['screen_data', 5_998_000, 8_789_000 - 5_998_000],
    ]);
  });

  it('keeps no respondent name, age, gender or sex inference, and lists what it left out', async () => {
    const everything = await query(study, `
      SELECT (SELECT string_agg(provenance::VARCHAR, ' ') FROM streams WHERE format = 'imotions-txt'),
             (SELECT string_agg(attributes::VARCHAR, ' ') FROM events), (SELECT string_agg(DISTINCT name, ' ') FROM signals)`);
    const text = JSON.stringify(everything);
    for (const identifying of ['Nate', 'separate_rotation', 'is_male']) expect(text).not.toContain(identifying);
    const [[provenance]] = (await query(study, `SELECT provenance FROM streams WHERE session_id = 'S05' AND kind = 'face_features'`)) as [[string]];
    const parsed = JSON.parse(provenance) as { preamble: Record<string, string>; columns_left_out: { reason: string; columns: string[] }[]; evidence: string; head_pose: string };
    expect(parsed.preamble).toEqual({ Study: 'CGT_V2', Date: '20151015 09:09:22', Version: '5.7.2375.0', TestRunDate: '20151014 15:14:48.732 (-04:00)' });
    const leftOut = Object.fromEntries(parsed.columns_left_out.flatMap((g) => g.columns.map((c) => [c, g.reason])));
    expect(leftOut['Name']).toMatch(/identifies a person/);
    expect(leftOut['IsMale Probability']).toMatch(/sex/);
    expect(leftOut['NOSE_TIP X']).toMatch(/biometric/);
    expect(leftOut['FixationSeq']).toMatch(/fixation/);
    expect(parsed.evidence).toMatch(/log10 odds.*1 \/ \(1 \+ 10\^-evidence\)/);
    expect(parsed.head_pose).toMatch(/head_yaw_deg = -Yaw Degrees/);
  });

  it('a file that names only its respondent needs --participant: refused without it, study unchanged', async () => {
    const before = await query(study, `SELECT (SELECT count(*) FROM streams), (SELECT count(*) FROM participants)`);
    const fresh = await createTestStudy({ dataBasis: SECONDARY });
    try {
      const error = await fresh.client.call('session.import', { files: [V6] }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(WeftError);
      expect((error as WeftError).message).toContain('does not say which participant it belongs to; give --participant');
      expect(await query(fresh, `SELECT (SELECT count(*) FROM streams), (SELECT count(*) FROM participants)`)).toEqual([[0, 0]]);
    } finally {
      await fresh.close();
    }
    expect(await query(study, `SELECT (SELECT count(*) FROM streams), (SELECT count(*) FROM participants)`)).toEqual(before);
  });
});

describe.skipIf(!HAVE_REALDATA)('bad iMotions files (built from the real v6 export)', () => {
  let study: TestStudy;
  let dir: string;
  let text: string;

  beforeAll(async () => {
    text = await readFile(V6, 'utf8');
  });
  beforeEach(async () => {
    study = await createTestStudy({ timeZone: 'America/New_York' });
    dir = join(study.root, 'in');
    await mkdir(dir);
    await study.client.call('session.import', { files: [await writeConsentCsv(dir, [{ id: 'P01' }, { id: 'P02', refuse: ['gaze'] }])] });
  });
  afterEach(async () => {
    await study.close();
  });

  async function state(): Promise<unknown[]> {
    return query(study, `
      SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM sessions), (SELECT count(*) FROM streams), (SELECT count(*) FROM face_frames),
             (SELECT count(*) FROM gaze_samples), (SELECT count(*) FROM signals), (SELECT count(*) FROM events), (SELECT count(*) FROM audit_log)`);
  }

  async function importError(files: string[], extra: Record<string, unknown> = {}): Promise<WeftError> {
    const before = await state();
    const error = await study.client.call('session.import', { files, participant_id: 'P01', session_id: 'S01', ...extra }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'the import should have failed').toBeInstanceOf(WeftError);
    expect(await state(), 'a failed import must leave the study unchanged').toEqual(before);
    return error as WeftError;
  }

  /** The v6 export with `edit` applied to its lines (1-based line numbers, CRLF kept). */
  async function variant(name: string, edit: (lines: string[]) => string[]): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, edit(text.split('\r\n')).join('\r\n'));
    return path;
  }
  const header = (): string[] => (text.split('\r\n')[5] ?? '').split('\t');
  const col = (name: string): number => header().indexOf(name);
  /** Column (from 1) where tab-separated field `index` of `line` starts. */
  const fieldColumn = (line: string, index: number): number => line.split('\t').slice(0, index).reduce((c, cell) => c + cell.length + 1, 1);
  const setCell = (line: string, index: number, value: string): string => line.split('\t').map((c, i) => (i === index ? value : c)).join('\t');

  it('a file cut off in the middle of a row', async () => {
    const path = await variant('truncated.txt', (lines) => {
      const kept = lines.slice(0, 20);
      kept[19] = (kept[19] ?? '').slice(0, 120);
      return kept;
    });
    const error = await importError([path]);
    expect(error.location).toMatchObject({ file: path, line: 20 });
    expect(error.message).toMatch(/fields where the header has 90 \(too few: the row ends before ".*"; is the file tab-separated, and is this row complete\?\)/);
  });

  it('a row with an extra field', async () => {
    const path = await variant('extra.txt', (lines) => lines.map((l, i) => (i === 9 ? `${l}\tstray` : l)));
    const error = await importError([path]);
    expect(error.location).toMatchObject({ file: path, line: 10, column: fieldColumn(`${text.split('\r\n')[9] ?? ''}\tstray`, 90) });
    expect(error.message).toContain('91 fields where the header has 90 (too many; is the file tab-separated?)');
  });

  it('a comma-separated copy: not detected; with --format, refused naming the missing Timestamp column', async () => {
    const path = await variant('commas.txt', (lines) => lines.map((l) => l.replaceAll('\t', ',')));
    expect((await importError([path])).code).toBe('UNSUPPORTED_FORMAT');
    const error = await importError([path], { format: 'imotions-txt' });
    expect(error.location).toMatchObject({ file: path, line: 6, column: 1 });
    expect(error.message).toContain('no "Timestamp" column: every row needs its time (is this a tab-separated iMotions export?)');
  });

  it('a damaged Timestamp and a damaged #TestRunDate', async () => {
    const path = await variant('damaged-time.txt', (lines) => lines.map((l, i) => (i === 11 ? setCell(l, col('Timestamp'), '00:00.4') : l)));
    const error = await importError([path]);
    expect(error.location).toMatchObject({ file: path, line: 12, column: fieldColumn(text.split('\r\n')[11] ?? '', col('Timestamp')) });
    expect(error.message).toContain('"00:00.4" in column "Timestamp" is not a number');
    const date = await variant('damaged-date.txt', (lines) => lines.map((l, i) => (i === 3 ? '#TestRunDate : 10/5/2017 11:27 AM' : l)));
    const bad = await importError([date]);
    expect(bad.location).toMatchObject({ file: date, line: 4, column: 16, field: 'TestRunDate' });
    expect(bad.message).toContain('#TestRunDate "10/5/2017 11:27 AM" is not a date Weft can read');
  });

  it('binary garbage after the header', async () => {
    const path = join(dir, 'garbage.txt');
    await writeFile(path, Buffer.concat([Buffer.from(text.split('\r\n').slice(0, 6).join('\r\n') + '\r\n'), Buffer.from([0x00, 0x9f, 0x92, 0x0a])]));
    const error = await importError([path]);
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.location).toMatchObject({ file: path, line: 7, column: 1 });
  });

  it('an export without EventSource is refused: forward-filled values could not be told from samples', async () => {
    const path = await variant('no-source.txt', (lines) => lines.map((l, i) => (i >= 5 && l !== '' ? l.split('\t').filter((_, k) => k !== col('EventSource')).join('\t') : l)));
    const error = await importError([path], { format: 'imotions-txt' });
    expect(error.location).toMatchObject({ file: path, line: 6 });
    expect(error.message).toContain(`no "EventSource" column: it says which sensor each row's values come from`);
  });

  it('infinity and NaN in evidence are missing, with one warning for the infinities; a #TestRunDate without offset is read in the study zone, saying so', async () => {
    const au = col('AU4 Evidence');
    const confusion = col('Confusion Evidence');
    const path = await variant('inf.txt', (lines) =>
      lines.map((l, i) => (i === 3 ? '#TestRunDate : 20171005 11:27:18.071' : i === 6 || i === 8 ? setCell(l, au, 'Infinity') : i === 7 ? setCell(l, confusion, 'NaN') : l)),
    );
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01' });
    expect(summary.files[0]?.warnings).toEqual([
      { message: `#TestRunDate "20171005 11:27:18.071" has no UTC offset; it was read in the study's time zone, America/New_York`, location: { file: path, line: 4, column: 16, field: 'TestRunDate' }, count: 1 },
      {
        message: 'column "AU4 Evidence": 2 infinite values were stored as missing (first at line 7)',
        location: { file: path, line: 7, column: fieldColumn(text.split('\r\n')[6] ?? '', au), field: 'AU4 Evidence' },
        count: 2,
      },
    ]);
    expect(await query(study, `SELECT started_at FROM sessions`)).toEqual([['2017-10-05T15:27:18.071Z']]);
    expect(await query(study, `SELECT frame, au04_presence IS NULL, au01_presence IS NULL FROM face_frames WHERE frame < 3 ORDER BY frame`)).toEqual([
      [0, true, false],
      [1, false, false],
      [2, true, false],
    ]);
    expect(await query(study, `SELECT value FROM signals WHERE name = 'confusion_evidence' AND t_us = 68000`)).toEqual([[null]]);
  });

  it('timestamps going backwards are kept and reported', async () => {
    const t = col('Timestamp');
    const path = await variant('backwards.txt', (lines) => lines.map((l, i) => (i === 10 ? setCell(l, t, '50') : l)));
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01' });
    expect(summary.files[0]?.warnings.map((w) => [w.message, w.location?.line])).toEqual([
      ['1 timestamp in the face_features stream went backwards; rows were kept in file order (the views sort by time)', 11],
    ]);
  });

  it('an export with UTCTimestamp and no preamble; markers, several faces and rows of other sensors', async () => {
    const lines = text.split('\r\n');
    const names = header();
    const rows = lines.slice(6, 16).map((l, k) => {
      let cells = l.split('\t');
      if (k === 3 || k === 4) cells = cells.map((c, i) => (i === col('LiveMarker') ? 'question shown' : c));
      if (k === 6) cells = cells.map((c, i) => (i === col('NoOfFaces') ? '2' : c));
      if (k === 8) cells = cells.map((c, i) => (i === col('EventSource') ? 'Shimmer Sensor Shimmer Sensor' : c));
      // 20171005_152718071 is 11:27:18.071 at -04:00; each row adds its Timestamp in milliseconds.
      const utc = new Date(Date.UTC(2017, 9, 5, 15, 27, 18, 71 + Number(cells[col('Timestamp')])));
      const stamp = `${utc.toISOString().slice(0, 10).replaceAll('-', '')}_${utc.toISOString().slice(11, 23).replace(/[:.]/g, '')}`;
      return [...cells.slice(0, 8), stamp, ...cells.slice(8)].join('\t');
    });
    const path = join(dir, 'utc.txt');
    await writeFile(path, [[...names.slice(0, 8), 'UTCTimestamp', ...names.slice(8)].join('\t'), ...rows].join('\r\n'));
    expect(iMotionsTxt.detect(await inspectSource(path))).toBe(1);
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01' });
    const file = summary.files[0];
    expect(file?.streams.map((s) => [s.kind, s.rows, s.clock_source])).toEqual([
      ['face_features', 9, 'absolute timestamps in the file'],
      ['segments', 2, 'absolute timestamps in the file'],
    ]);
    expect(file?.warnings.map((w) => [w.message, w.location?.line])).toEqual([
      ["1 face frame found more than one face (first at line 8); iMotions reports one face's expressions per frame, and face_count says how many it found", 8],
      ['1 row of other sensors (EventSource "Shimmer Sensor Shimmer Sensor") was not read (first at line 10): Weft reads the facial expression and eye-tracker samples of iMotions exports', 10],
    ]);
    expect(await query(study, `SELECT started_at FROM sessions`)).toEqual([['2017-10-05T15:27:18.106Z']]);
    expect(await query(study, `SELECT kind, label, t_us, duration_us, attributes FROM events ORDER BY kind`)).toEqual([
      ['marker', 'question shown', 134_000 - 35_000, 201_000 - 134_000, '{"LiveMarker":"question shown"}'],
      ['segment', 'gopro', 0, 334_000 - 35_000, '{"StimulusName":"gopro","SlideType":"TestImage"}'],
    ]);
    expect(await query(study, `SELECT face_count FROM face_frames WHERE frame = 6`)).toEqual([[2]]);
  });

  it('a header without rows: a warning, and nothing imported', async () => {
    const path = await variant('header-only.txt', (lines) => lines.slice(0, 6));
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01' });
    expect(summary.files[0]?.streams).toEqual([]);
    expect(summary.files[0]?.warnings.map((w) => w.message)).toEqual(['the export has a header but no rows; nothing was imported from it']);
  });

  it.skipIf(!HAVE_REALDATA)('v5 of a participant without gaze consent: face frames stored, gaze samples refused and counted', async () => {
    const summary = await study.client.call('session.import', { files: [V5], participant_id: 'P02', session_id: 'S02' });
    expect(summary.files[0]?.streams.map((s) => [s.kind, s.rows])).toEqual([['segments', 2], ['face_features', 264]]);
    expect(summary.files[0]?.refused).toEqual([{ participant_id: 'P02', session_id: 'S02', kind: 'gaze', modality: 'gaze', consent: 'refused', rows: 265 }]);
    expect(await query(study, `SELECT (SELECT count(*) FROM gaze_samples), (SELECT count(*) FROM signals WHERE name LIKE 'distance%' OR name LIKE 'camera%')`)).toEqual([[0, 0]]);
  });
});
