import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openFaceCsv } from '../../../src/backend/import/formats/openFaceCsv.js';
import { openFace22Columns } from '../../../src/backend/import/formats/openFaceColumns.js';
import { inspectSource } from '../../../src/backend/import/source.js';
import { WeftError } from '../../../src/core/errors.js';
import { writeConsentCsv, writeFaceCsv } from '../../support/fixtures.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, realdata, tempDir } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

const REAL = realdata('pyfeat_testdata', 'OpenFace_Test.csv');
const DEG = 180 / Math.PI;

/** An OpenFace CSV read without the importer: header names trimmed, rows split on commas. */
interface OpenFaceFile {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  value(row: number, column: string): number;
}

function parseOpenFace(text: string): OpenFaceFile {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l !== '');
  const header = (lines[0] ?? '').split(',').map((n) => n.trim());
  const rows = lines.slice(1).map((l) => l.split(',').map((c) => c.trim()));
  return {
    header,
    rows,
    value(row, column) {
      const index = header.indexOf(column);
      if (index < 0) throw new Error(`no column ${column}`);
      return Number(rows[row]?.[index]);
    },
  };
}

async function query(study: TestStudy, sql: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql })).rows;
}

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

interface Layout22 {
  /** ", " as OpenFace 2.2 writes it, or "," as some builds and pandas re-exports do. */
  readonly separator?: string;
  /** Leave out the landmark and shape-model columns, as FeatureExtraction -aus -pose -gaze does. */
  readonly landmarks?: boolean;
  /** Extra rows of other faces: face_id and the frame (1-based, as OpenFace counts) they appear in. */
  readonly otherFaces?: readonly { readonly faceId: number; readonly frame: number; readonly success: 0 | 1 }[];
  /** OpenFace frame numbers (from 1) where tracking failed: success 0 and zeros, as OpenFace writes them. */
  readonly lost?: readonly number[];
}

/**
 * The real 1.x rows in OpenFace 2.2's layout: face_id 0, gaze angles computed from the two
 * eyes' gaze vectors as OpenFace 2 does (atan2 of the mean vector), eye landmarks filled from
 * the eye contour landmarks, and the values 2.2 formats with fixed decimals.
 */
function toOpenFace22(real: OpenFaceFile, layout: Layout22 = {}): string {
  const all = openFace22Columns();
  const columns = layout.landmarks === false ? all.filter((c) => !/^(eye_lmk_|[xyXYZ]_\d|p_)/.test(c)) : all;
  const line = (row: number, faceId: number, success: 0 | 1): string =>
    columns
      .map((column) => {
        if (column === 'face_id') return String(faceId);
        if (column === 'success') return String(success);
        if (column === 'frame') return String(real.value(row, 'frame'));
        if (column === 'timestamp') return real.value(row, 'timestamp').toFixed(3);
        if (success === 0) return column === 'confidence' ? '0.03' : '0';
        if (column === 'gaze_angle_x' || column === 'gaze_angle_y') {
          const axis = column.endsWith('x') ? 'x' : 'y';
          const mean = (a: string): number => (real.value(row, `gaze_0_${a}`) + real.value(row, `gaze_1_${a}`)) / 2;
          return Math.atan2(mean(axis), -mean('z')).toFixed(3);
        }
        const eye = /^eye_lmk_([xyXYZ])_(\d+)$/.exec(column);
        if (eye !== null) return real.value(row, `${eye[1]}_${36 + (Number(eye[2]) % 12)}`).toFixed(1);
        return real.value(row, column).toString();
      })
      .join(layout.separator ?? ', ');
  const lines = [columns.join(layout.separator ?? ', ')];
  real.rows.forEach((_, row) => {
    const frame = real.value(row, 'frame');
    lines.push(line(row, 0, layout.lost?.includes(frame) === true ? 0 : 1));
    for (const other of layout.otherFaces?.filter((o) => o.frame === frame) ?? []) lines.push(line(row, other.faceId, other.success));
  });
  return `${lines.join('\n')}\n`;
}

describe('the OpenFace 2.2 column list', () => {
  it('has the 714 columns FeatureExtraction 2.2 writes with every output on', () => {
    const columns = openFace22Columns();
    expect(columns).toHaveLength(714);
    expect(new Set(columns).size).toBe(714);
    const count = (pattern: RegExp): number => columns.filter((c) => pattern.test(c)).length;
    expect(columns.slice(0, 5)).toEqual(['frame', 'face_id', 'timestamp', 'confidence', 'success']);
    expect([count(/^gaze_/), count(/^eye_lmk_[xy]_/), count(/^eye_lmk_[XYZ]_/), count(/^pose_/)]).toEqual([8, 112, 168, 6]);
    expect([count(/^[xy]_\d+$/), count(/^[XYZ]_\d+$/), count(/^p_/), count(/^AU\d\d_r$/), count(/^AU\d\d_c$/)]).toEqual([136, 204, 40, 17, 18]);
    expect(columns.slice(-36, -18).concat(columns.slice(-1))).toEqual([
      'p_33', 'AU01_r', 'AU02_r', 'AU04_r', 'AU05_r', 'AU06_r', 'AU07_r', 'AU09_r', 'AU10_r', 'AU12_r', 'AU14_r', 'AU15_r', 'AU17_r', 'AU20_r', 'AU23_r', 'AU25_r', 'AU26_r', 'AU45_r', 'AU45_c',
    ]);
  });
});

describe.skipIf(!HAVE_REALDATA)(`OpenFace CSV (real file)${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  let study: TestStudy;
  let real: OpenFaceFile;
  let dir: { dir: string; remove: () => Promise<void> };
  beforeAll(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
    real = parseOpenFace(await readFile(REAL, 'utf8'));
    dir = await tempDir('weft-openface-');
  });
  afterAll(async () => {
    await study.close();
    await dir.remove();
  });

  it('detects OpenFace from its header and nothing else', async () => {
    expect(openFaceCsv.detect(await inspectSource(REAL))).toBe(1);
    const others = ['Feat_Test.csv', '001.csv', 'iMotions_Test_v5.txt', 'iMotions_Test_v6.txt'].map((name) => realdata('pyfeat_testdata', name));
    for (const path of [...others, await writeFaceCsv(dir.dir, 5)]) expect(openFaceCsv.detect(await inspectSource(path)), path).toBe(0);
  });

  it('OpenFace 1.x: its quirks are what PROVENANCE.md says', async () => {
    const bytes = await readFile(REAL);
    const text = bytes.toString('utf8');
    const [headerLine, firstRow] = text.split('\r\n');
    expect(headerLine?.startsWith('frame, timestamp, confidence, success, gaze_0_x')).toBe(true);
    expect(firstRow?.startsWith('1,0,0.883333,1,0.109059')).toBe(true);
    expect(text.endsWith('\n')).toBe(false);
    expect([real.header.length, real.rows.length, real.header.includes('face_id'), real.header.includes('gaze_angle_x'), real.header.includes('AU28_r')]).toEqual([431, 100, false, false, false]);
    // Timestamps advance by 1 ms per frame: the file's own clock, not a video frame rate.
    expect(real.rows.map((_, i) => Math.round(real.value(i, 'timestamp') * 1000))).toEqual(real.rows.map((_, i) => i));
  });

  it('OpenFace 1.x: every frame with its action units, head pose in degrees and gaze vectors as signals, placed by --clock-offset', async () => {
    const summary = await study.client.call('session.import', { files: [REAL], participant_id: 'P01', session_id: 'S01', clock_offset_s: 12.5 });
    const file = summary.files[0];
    expect([file?.format, file?.warnings]).toEqual(['openface-csv', []]);
    expect(file?.streams.map((s) => [s.kind, s.rows, s.start_us, s.end_us])).toEqual([['face_features', real.rows.length, 12_500_000, 12_500_000 + 99_000]]);
    const stream = file?.streams[0]?.stream_id;

    const first = await query(study, `
      SELECT frame, t_us, success, confidence, face_count, head_pitch_deg, head_yaw_deg, head_roll_deg, head_x_mm, head_y_mm, head_z_mm,
             gaze_angle_x, au01_intensity, au01_presence, au28_intensity, au28_presence, au45_intensity, bs_jaw_open
      FROM face_frames WHERE stream_id = ${stream} ORDER BY t_us LIMIT 1`);
    const v = (column: string): number => real.value(0, column);
    expect(first).toEqual([[
      0, 12_500_000, true, v('confidence'), 1, v('pose_Rx') * DEG, v('pose_Ry') * DEG, v('pose_Rz') * DEG, v('pose_Tx'), v('pose_Ty'), v('pose_Tz'),
      null, v('AU01_r'), v('AU01_c'), null, v('AU28_c'), v('AU45_r'), null,
    ]]);

    const sum = (column: string): number => real.rows.reduce((s, _, i) => s + real.value(i, column), 0);
    const [[au12, au12c, au28c, pitch, frames]] = (await query(study, `
      SELECT sum(au12_intensity), sum(au12_presence), sum(au28_presence), sum(head_pitch_deg), sum(frame) FROM face_frames WHERE stream_id = ${stream}`)) as [[number, number, number, number, number]];
    expect(au12).toBeCloseTo(sum('AU12_r'), 9);
    expect([au12c, au28c]).toEqual([sum('AU12_c'), sum('AU28_c')]);
    expect(pitch).toBeCloseTo(sum('pose_Rx') * DEG, 9);
    expect(frames).toBe(sum('frame') - real.rows.length);

    const signals = await query(study, `SELECT name, count(*), sum(value) FROM signals WHERE stream_id = ${stream} GROUP BY name ORDER BY name`);
    expect(signals.map(([name, count]) => [name, count])).toEqual(['gaze_0_x', 'gaze_0_y', 'gaze_0_z', 'gaze_1_x', 'gaze_1_y', 'gaze_1_z'].map((n) => [n, 100]));
    for (const [name, , total] of signals) expect(total).toBeCloseTo(sum(String(name)), 9);
  });

  it('keeps the landmarks out and says so, and states the head pose conventions', async () => {
    const [[text]] = (await query(study, `SELECT provenance FROM streams WHERE source_path = '${REAL}'`)) as [[string]];
    const provenance = JSON.parse(text) as { layout: string; columns: Record<string, string>; landmarks_not_read: { columns: number; reason: string }; head_pose: string };
    expect(provenance.layout).toBe('OpenFace 1.x');
    expect(provenance.landmarks_not_read.columns).toBe(68 * 5 + 6 + 34);
    expect(provenance.landmarks_not_read.reason).toMatch(/biometric.*face_landmarks stream under its own consent/);
    expect(Object.keys(provenance.columns)).toHaveLength(431 - 380);
    expect(provenance.columns).toMatchObject({ pose_Ry: 'head_yaw_deg (radians × 180/π)', AU28_c: 'au28_presence', gaze_1_z: 'signal gaze_1_z', timestamp: 'timestamp' });
    expect(provenance.head_pose).toMatch(/positive turns to the camera's left/);
    expect(await query(study, `SELECT count(*) FROM signals WHERE name SIMILAR TO '(x|y|z|p|eye_lmk)_.*'`)).toEqual([[0]]);
  });

  it("agrees with the head pose the file's own 3D landmarks show (the stated sign conventions)", async () => {
    const stream = await query(study, `SELECT head_yaw_deg, head_pitch_deg, head_roll_deg FROM face_frames WHERE participant_id = 'P01' ORDER BY t_us`);
    const point = (row: number, k: number): [number, number, number] => [real.value(row, `X_${k}`), real.value(row, `Y_${k}`), real.value(row, `Z_${k}`)];
    // Landmark 36 is the outer corner of the eye on the image's left, 45 of the other; 27 the nose bridge, 8 the chin.
    const eyeAxis = real.rows.map((_, i) => point(i, 45).map((c, k) => c - (point(i, 36)[k] as number)));
    const upAxis = real.rows.map((_, i) => point(i, 27).map((c, k) => c - (point(i, 8)[k] as number)));
    const yaw = stream.map((r) => r[0] as number);
    const pitch = stream.map((r) => r[1] as number);
    const roll = stream.map((r) => r[2] as number);
    // Turning to the camera's left brings the eye on the image's right nearer the camera.
    expect(correlation(yaw, eyeAxis.map(([x, , z]) => Math.atan2(z as number, x as number)))).toBeLessThan(-0.95);
    // Looking down brings the brow nearer than the chin.
    expect(correlation(pitch, upAxis.map(([, y, z]) => Math.atan2(z as number, -(y as number))))).toBeLessThan(-0.95);
    // Clockwise in the image lowers the eye on the image's right (image y points down).
    expect(correlation(roll, eyeAxis.map(([x, y]) => Math.atan2(y as number, x as number)))).toBeGreaterThan(0.8);
  });

  it('OpenFace 2.2, all 714 columns: the same features, gaze angles, no landmarks', async () => {
    const path = join(dir.dir, 'openface-2.2.csv');
    await writeFile(path, toOpenFace22(real));
    const rebuilt = parseOpenFace(await readFile(path, 'utf8'));
    expect([rebuilt.header.length, rebuilt.rows.length]).toEqual([714, 100]);
    expect(openFaceCsv.detect(await inspectSource(path))).toBe(1);
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P22', session_id: 'S22', clock_offset_s: 0 });
    expect(summary.files[0]?.warnings).toEqual([]);
    expect(summary.files[0]?.streams.map((s) => [s.kind, s.rows])).toEqual([['face_features', 100]]);
    const same = await query(study, `
      SELECT count(*) FROM face_frames a JOIN face_frames b USING (frame)
      WHERE a.participant_id = 'P01' AND b.participant_id = 'P22'
        AND a.t_us - 12500000 = b.t_us AND a.head_yaw_deg = b.head_yaw_deg AND a.au12_intensity = b.au12_intensity AND a.au28_presence = b.au28_presence`);
    expect(same).toEqual([[100]]);
    const gaze = await query(study, `SELECT gaze_angle_x, gaze_angle_y, au28_intensity FROM face_frames WHERE participant_id = 'P22' ORDER BY t_us LIMIT 1`);
    expect(gaze).toEqual([[rebuilt.value(0, 'gaze_angle_x'), rebuilt.value(0, 'gaze_angle_y'), null]]);
    const [[text]] = (await query(study, `SELECT provenance FROM streams WHERE participant_id = 'P22'`)) as [[string]];
    expect(JSON.parse(text)).toMatchObject({ layout: 'OpenFace 2.x', landmarks_not_read: { columns: 714 - 54 } });
    expect(await query(study, `SELECT count(DISTINCT name) FROM signals WHERE participant_id = 'P22'`)).toEqual([[6]]);
  });

  it('OpenFace 2.x without landmark columns, comma-separated without spaces', async () => {
    const path = join(dir.dir, 'openface-2-aus-pose-gaze.csv');
    await writeFile(path, toOpenFace22(real, { landmarks: false, separator: ',' }));
    expect(parseOpenFace(await readFile(path, 'utf8')).header).toHaveLength(54);
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P23', session_id: 'S23', clock_offset_s: 0 });
    expect(summary.files[0]?.streams.map((s) => s.rows)).toEqual([100]);
    expect(await query(study, `
      SELECT count(*) FROM face_frames a JOIN face_frames b USING (frame, t_us)
      WHERE a.participant_id = 'P22' AND b.participant_id = 'P23' AND a.head_roll_deg = b.head_roll_deg AND a.gaze_angle_y = b.gaze_angle_y AND a.au45_presence = b.au45_presence`)).toEqual([[100]]);
  });

  it('several faces: keeps face 0, counts faces per frame, says how many rows of other faces it left out', async () => {
    const otherFaces = [
      { faceId: 1, frame: 3, success: 1 as const },
      { faceId: 1, frame: 4, success: 1 as const },
      { faceId: 2, frame: 4, success: 1 as const },
      { faceId: 1, frame: 5, success: 0 as const },
    ];
    const path = join(dir.dir, 'openface-multi.csv');
    await writeFile(path, toOpenFace22(real, { otherFaces, lost: [10, 11] }));
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P24', session_id: 'S24', clock_offset_s: 0 });
    const file = summary.files[0];
    expect(file?.streams.map((s) => s.rows)).toEqual([100]);
    expect(file?.warnings).toEqual([
      {
        message: "4 rows of faces other than face_id 0, in 3 frames, were not stored (first at line 5): Weft keeps face 0 as the learner's face and records in face_count how many faces were tracked in each frame",
        location: { file: path, line: 5, field: 'face_id' },
        count: 4,
      },
    ]);
    expect(await query(study, `SELECT frame, face_count FROM face_frames WHERE participant_id = 'P24' AND frame BETWEEN 1 AND 4 ORDER BY frame`)).toEqual([[1, 1], [2, 2], [3, 3], [4, 1]]);
    // Frames 10 and 11 (OpenFace numbering) lost the face: features missing, never zeros, and no
    // signals; that no face was tracked is itself data (face_count 0).
    expect(await query(study, `
      SELECT frame, success, confidence, head_yaw_deg, au01_intensity, face_count FROM face_frames WHERE participant_id = 'P24' AND NOT success ORDER BY frame`)).toEqual([
      [9, false, null, null, null, 0],
      [10, false, null, null, null, 0],
    ]);
    expect(await query(study, `SELECT count(*), count(DISTINCT t_us) FROM signals WHERE participant_id = 'P24'`)).toEqual([[6 * 98, 98]]);
  });
});

describe('bad OpenFace files', () => {
  let study: TestStudy;
  let dir: string;
  const header = openFace22Columns().filter((c) => !/^(eye_lmk_|[xyXYZ]_\d|p_)/.test(c));

  /** A small 2.x file (54 columns) of `frames` rows; cells are replaced by `edit(row, column, cell)`. */
  async function write(name: string, frames: number, edit: (row: number, column: string, cell: string) => string = (_, __, c) => c): Promise<string> {
    const lines = [header.join(', ')];
    for (let row = 0; row < frames; row += 1) {
      const cells = header.map((column) => {
        const cell =
          column === 'frame' ? String(row + 1)
          : column === 'face_id' ? '0'
          : column === 'timestamp' ? (row / 30).toFixed(3)
          : column === 'success' ? '1'
          : column === 'confidence' ? '0.98'
          : /_c$/.test(column) ? String(row % 2)
          : ((row % 7) / 10 + 0.05).toFixed(3);
        return edit(row, column, cell);
      });
      lines.push(cells.join(', '));
    }
    const path = join(dir, name);
    await writeFile(path, `${lines.join('\n')}\n`);
    return path;
  }

  beforeEach(async () => {
    study = await createTestStudy();
    dir = join(study.root, 'in');
    await (await import('node:fs/promises')).mkdir(dir);
    await study.client.call('session.import', { files: [await writeConsentCsv(dir, [{ id: 'P01' }, { id: 'P02', refuse: ['face_features'] }])] });
  });
  afterEach(async () => {
    await study.close();
  });

  async function state(): Promise<unknown[]> {
    return query(study, `
      SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM sessions), (SELECT count(*) FROM streams), (SELECT count(*) FROM face_frames),
             (SELECT count(*) FROM signals), (SELECT count(*) FROM audit_log)`);
  }

  async function importError(files: string[], extra: Record<string, unknown> = {}): Promise<WeftError> {
    const before = await state();
    const error = await study.client.call('session.import', { files, participant_id: 'P01', session_id: 'S01', clock_offset_s: 0, ...extra }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'the import should have failed').toBeInstanceOf(WeftError);
    expect(await state(), 'a failed import must leave the study unchanged').toEqual(before);
    return error as WeftError;
  }

  /** Column (from 1) of the value in field `index` of a line whose cells are joined by ", ". */
  const fieldColumn = (cells: readonly string[], index: number): number => cells.slice(0, index).reduce((col, cell) => col + cell.length + 2, 1);
  const lineOf = async (path: string, line: number): Promise<string[]> => ((await readFile(path, 'utf8')).split('\n')[line - 1] ?? '').split(', ');

  it('a file cut off in the middle of its last row', async () => {
    const path = await write('truncated.csv', 6);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.slice(0, text.length - 40));
    const error = await importError([path]);
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.location).toMatchObject({ file: path, line: 7 });
    expect(error.message).toMatch(/fields where the header has 54 \(too few: the row ends before "AU\d\d_c"; is the file comma-separated, and is this row complete\?\)/);
  });

  it('a row with too many fields, and one with too few', async () => {
    const many = await write('many.csv', 5, (row, column, cell) => (row === 2 && column === 'AU45_c' ? `${cell}, 0.5` : cell));
    const error = await importError([many]);
    expect(error.location).toMatchObject({ file: many, line: 4, column: fieldColumn(await lineOf(many, 4), 54) });
    expect(error.message).toContain('55 fields where the header has 54 (too many; is the file comma-separated?)');
    const few = await write('few.csv', 5);
    const lines = (await readFile(few, 'utf8')).split('\n');
    lines[3] = (lines[3] ?? '').split(', ').filter((_, i) => i !== 20).join(', ');
    await writeFile(few, lines.join('\n'));
    const short = await importError([few]);
    expect(short.location).toMatchObject({ file: few, line: 4 });
    expect(short.message).toContain('53 fields where the header has 54 (too few: the row ends before "AU45_c"');
  });

  it('a semicolon-separated file: not detected, and refused with --format naming the missing columns', async () => {
    const path = await write('semicolons.csv', 4);
    await writeFile(path, (await readFile(path, 'utf8')).replaceAll(', ', ';'));
    expect((await importError([path])).code).toBe('UNSUPPORTED_FORMAT');
    const error = await importError([path], { format: 'openface-csv' });
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.location).toMatchObject({ file: path, line: 1, column: 1 });
    expect(error.message).toContain('no "frame" column: this is not an OpenFace FeatureExtraction CSV (it needs frame, timestamp, confidence, success; is it comma-separated?)');
  });

  it('a damaged timestamp, an empty frame number and a success that is neither 0 nor 1', async () => {
    const damaged = await write('damaged-time.csv', 5, (row, column, cell) => (row === 3 && column === 'timestamp' ? '00:00.1' : cell));
    const error = await importError([damaged]);
    expect(error.location).toMatchObject({ file: damaged, line: 5, column: fieldColumn(await lineOf(damaged, 5), 2) });
    expect(error.message).toContain('"00:00.1" in column "timestamp" is not a number');
    const noFrame = await write('no-frame.csv', 5, (row, column, cell) => (row === 1 && column === 'frame' ? '' : cell));
    expect((await importError([noFrame])).message).toMatch(/no-frame\.csv:3:1: column "frame" is empty; it needs a number here/);
    const success = await write('success.csv', 5, (row, column, cell) => (row === 4 && column === 'success' ? '0.5' : cell));
    const bad = await importError([success]);
    expect(bad.location).toMatchObject({ file: success, line: 6, column: fieldColumn(await lineOf(success, 6), 4) });
    expect(bad.message).toContain('success must be 1 or 0, not "0.5"');
  });

  it('a header without frames: a warning, and no stream', async () => {
    const path = await write('header-only.csv', 0);
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01', clock_offset_s: 0 });
    expect(summary.files[0]?.streams).toEqual([]);
    expect(summary.files[0]?.warnings).toEqual([{ message: 'the file has a header but no frames; nothing was imported from it', location: { file: path, line: 2 }, count: 1 }]);
    expect(await query(study, `SELECT count(*) FROM sessions`)).toEqual([[0]]);
  });

  it('binary garbage after an OpenFace header', async () => {
    const path = join(dir, 'garbage.csv');
    await writeFile(path, Buffer.concat([Buffer.from(`${header.join(', ')}\n`), Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a])]));
    const error = await importError([path]);
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.location).toMatchObject({ file: path, line: 2, column: 1 });
  });

  it("FaceLandmarkImg's per-image output is refused with the reason", async () => {
    const path = join(dir, 'image.csv');
    await writeFile(path, 'face, confidence, pose_Rx, AU01_r\n0, 0.98, 0.1, 0.5\n');
    const error = await importError([path]);
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.message).toContain("output for still images (FaceLandmarkImg");
  });

  it('NaN (as C runtimes spell it) is missing, infinity is missing with one warning per column; nothing becomes zero', async () => {
    const path = await write('nan-inf.csv', 8, (row, column, cell) =>
      column === 'AU01_r' && row === 2 ? 'inf'
      : column === 'AU01_r' && row === 5 ? '-Infinity'
      : column === 'pose_Rx' && row === 3 ? 'nan'
      : column === 'gaze_0_x' && row === 4 ? '-nan(ind)'
      : column === 'gaze_0_y' && row === 4 ? '-nan'
      : cell,
    );
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01', clock_offset_s: 0 });
    const line = 4;
    expect(summary.files[0]?.warnings).toEqual([
      {
        message: `column "AU01_r": 2 infinite values were stored as missing (first at line ${line})`,
        location: { file: path, line, column: fieldColumn(await lineOf(path, line), header.indexOf('AU01_r')), field: 'AU01_r' },
        count: 2,
      },
    ]);
    expect(await query(study, `SELECT frame, au01_intensity, head_pitch_deg FROM face_frames WHERE frame IN (2, 3, 5) ORDER BY frame`)).toEqual([
      [2, null, 0.25 * DEG],
      [3, 0.35, null],
      [5, null, 0.55 * DEG],
    ]);
    expect(await query(study, `SELECT name, value FROM signals WHERE t_us = ${Math.round((4 / 30) * 1000) * 1000} AND name IN ('gaze_0_x', 'gaze_0_y', 'gaze_0_z') ORDER BY name`)).toEqual([
      ['gaze_0_x', null],
      ['gaze_0_y', null],
      ['gaze_0_z', 0.45],
    ]);
  });

  it('timestamps going backwards or repeating are kept and reported', async () => {
    const path = await write('order.csv', 6, (row, column, cell) => (column === 'timestamp' && row === 2 ? (4 / 30).toFixed(3) : column === 'timestamp' && row === 5 ? (4 / 30).toFixed(3) : cell));
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01', clock_offset_s: 0 });
    expect(summary.files[0]?.warnings.map((w) => [w.message, w.location?.line])).toEqual([
      ['1 timestamp in the face_features stream went backwards; rows were kept in file order (the views sort by time)', 5],
      ['1 sample in the face_features stream repeats the previous timestamp', undefined],
    ]);
  });

  it('a participant without face_features consent: nothing stored, every frame of face 0 counted', async () => {
    const path = await write('refused.csv', 12);
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines.splice(3, 0, (lines[2] ?? '').replace(/^2, 0, /, '2, 1, '));
    await writeFile(path, lines.join('\n'));
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P02', session_id: 'S02', clock_offset_s: 0 });
    expect(summary.files[0]?.refused).toEqual([{ participant_id: 'P02', session_id: 'S02', kind: 'face_features', modality: 'face_features', consent: 'refused', rows: 12 }]);
    expect(await query(study, `SELECT (SELECT count(*) FROM face_frames), (SELECT count(*) FROM signals), (SELECT count(*) FROM sessions WHERE session_id = 'S02')`)).toEqual([[0, 0, 0]]);
  });
});
