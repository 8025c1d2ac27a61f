import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eyeLinkAsc } from '../../../src/backend/import/formats/eyeLink.js';
import { inspectSource } from '../../../src/backend/import/source.js';
import { WeftError } from '../../../src/core/errors.js';
import { writeConsentCsv } from '../../support/fixtures.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, realdata, tempDir } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

const asc = (name: string): string => realdata('eyetracking_pymovements', name);

/** An ASC file read independently of the importer: its lines by what starts them. */
interface AscFile {
  readonly lines: readonly string[];
  /** Sample lines (they start with a digit), with their line numbers from 1. */
  readonly samples: readonly { readonly line: number; readonly items: readonly string[] }[];
  count(keyword: string): number;
  first(keyword: string): { line: number; items: string[] };
}

async function readAsc(path: string): Promise<AscFile> {
  const lines = (await readFile(path, 'utf8')).split('\n').map((l) => l.replace(/\r$/, ''));
  const samples = lines.flatMap((l, i) => (/^\d/.test(l) ? [{ line: i + 1, items: l.trim().split(/\s+/) }] : []));
  const starting = (keyword: string): number[] => lines.flatMap((l, i) => (new RegExp(`^${keyword}\\s`).test(l) ? [i] : []));
  return {
    lines,
    samples,
    count: (keyword) => starting(keyword).length,
    first: (keyword) => {
      const i = starting(keyword)[0];
      if (i === undefined) throw new Error(`no ${keyword} line`);
      return { line: i + 1, items: (lines[i] ?? '').trim().split(/\s+/) };
    },
  };
}

async function query(study: TestStudy, sql: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql })).rows;
}

/** The files, with what PROVENANCE.md says of them (numeric sample lines) and a participant id for each. */
const FILES = [
  { name: 'eyelink_monocular_example.asc', participant: 'mono', eyes: ['left'], rate: '1000.00', samples: 16 },
  { name: 'eyelink_monocular_2khz_example.asc', participant: 'mono2k', eyes: ['left'], rate: '2000.00', samples: 16 },
  { name: 'eyelink_binocular_example.asc', participant: 'bino', eyes: ['left', 'right'], rate: '1000.00', samples: 368 },
  { name: 'eyelink_monocular_no_dummy_example.asc', participant: 'nodummy', eyes: ['left'], rate: '500.00', samples: 297 },
  { name: 'raccoons.asc', participant: 'raccoons', eyes: ['left'], rate: '1000.00', samples: 433 },
] as const;

describe.skipIf(!HAVE_REALDATA)(`EyeLink ASC (real pymovements test files)${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  let study: TestStudy;
  beforeAll(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY, timeZone: 'Europe/Berlin' });
  });
  afterAll(async () => {
    await study.close();
  });

  it('detects every file from its contents, and no other eye-tracking export', async () => {
    for (const f of FILES) expect(eyeLinkAsc.detect(await inspectSource(asc(f.name))), f.name).toBe(1);
    for (const other of [
      realdata('eyetracking_emdat', 'SMI_BeGaze', 'SMI_Sample_67_Events.txt'),
      realdata('eyetracking_emdat', 'Gazepoint', 'P5_fixations.csv'),
      realdata('eyetracking_emdat', 'TobiiStudio2_CSP_applet', 'P63-All-Data.tsv'),
      asc('gazebase_example.csv'),
    ]) {
      expect(eyeLinkAsc.detect(await inspectSource(other)), other).toBe(0);
    }
  });

  it.each(FILES)('$name: every sample, fixation, saccade, blink and marker line', async (f) => {
    const file = await readAsc(asc(f.name));
    expect(file.samples.length).toBe(f.samples);
    const participant = f.participant;
    const summary = await study.client.call('session.import', { files: [asc(f.name)], participant_id: participant });
    expect(summary.files[0]?.format).toBe('eyelink-asc');
    const rows = Object.fromEntries(summary.files[0]?.streams.map((s) => [s.kind, s.rows]) ?? []);
    const markers = ['MSG', 'INPUT', 'BUTTON', 'START', 'END'].reduce((sum, k) => sum + file.count(k), 0);
    expect(rows).toEqual({
      gaze: file.samples.length,
      eye_markers: markers,
      ...(file.count('EFIX') > 0 ? { fixations: file.count('EFIX') } : {}),
      ...(file.count('ESACC') > 0 ? { saccades: file.count('ESACC') } : {}),
      ...(file.count('EBLINK') > 0 ? { blinks: file.count('EBLINK') } : {}),
    });
    const samplesLine = file.first('SAMPLES');
    expect(samplesLine.items).toContain(f.rate);
    const eyes = await query(study, `SELECT count(left_x) > 0, count(right_x) > 0 FROM gaze_samples WHERE participant_id = '${participant}'`);
    const eyesOf: readonly string[] = f.eyes;
    expect(eyes).toEqual([[eyesOf.includes('left'), eyesOf.includes('right')]]);
    // The first sample, as written.
    const first = file.samples[0]?.items ?? [];
    const t = Math.round(Number(first[0]) * 1000);
    const missing = (v: string | undefined): number | null => (v === undefined || v === '.' ? null : Number(v));
    const [stored] = await query(study, `SELECT s.t_us - st.clock_offset_us, left_x, left_y, pupil_left FROM gaze_samples s JOIN streams st USING (stream_id) WHERE s.participant_id = '${participant}' ORDER BY s.t_us LIMIT 1`);
    const pupil = missing(first[3]);
    expect(stored).toEqual([t, missing(first[1]), missing(first[2]), pupil === 0 ? null : pupil]);
  });

  it('places a recording by ** DATE, read in the study time zone, at the file\'s first timestamp', async () => {
    const file = await readAsc(asc('eyelink_monocular_example.asc'));
    const firstMs = Number(file.lines.find((l) => /^MSG\s/.test(l))?.split(/\s+/)[1]);
    expect(firstMs).toBe(2_091_650);
    // ** DATE: Wed Mar  8 09:25:20 2023, Berlin winter time (UTC+1).
    const dateUtc = Date.UTC(2023, 2, 8, 8, 25, 20);
    const [[startedAt]] = (await query(study, `SELECT started_at FROM sessions WHERE participant_id = 'mono'`)) as [[string]];
    expect(Date.parse(startedAt)).toBe(dateUtc - firstMs);
    const [[provenance]] = (await query(study, `SELECT provenance FROM streams WHERE participant_id = 'mono' AND kind = 'gaze'`)) as [[string]];
    const p = JSON.parse(provenance) as { header: Record<string, string>; header_fields_left_out: string[]; clock: { origin: string; time_zone: string } };
    expect(p.header).toEqual({ DATE: 'Wed Mar  8 09:25:20 2023', TYPE: 'EDF_FILE BINARY EVENT SAMPLE TAGGED', VERSION: 'EYELINK II 1', SOURCE: 'EYELINK CL', CAMERA: 'EyeLink USBCAM Version 1.01' });
    expect(p.header_fields_left_out).toEqual(expect.arrayContaining(['SERIAL NUMBER', 'CAMERA_CONFIG', 'RECORDED BY']));
    expect(p.clock.time_zone).toBe('Europe/Berlin');
    for (const secret of ['CLU-DAB50', 'pymovements\\results', 'sub_1.edf', 'LID:20A87A96', 'RECORDED BY pymovements']) expect(provenance).not.toContain(secret);
  });

  it('reads 2 kHz times to the half millisecond', async () => {
    const file = await readAsc(asc('eyelink_monocular_2khz_example.asc'));
    expect(file.samples[0]?.items[0]).toBe('2154556.5');
    const [[minimum, fixation]] = (await query(study, `
      SELECT (SELECT min(t_us - st.clock_offset_us) FROM gaze_samples g JOIN streams st USING (stream_id) WHERE g.participant_id = 'mono2k'),
             (SELECT min(duration_us) FROM fixations WHERE participant_id = 'mono2k')`)) as [[unknown, unknown]];
    expect(minimum).toBe(2_154_556_500);
    // EFIX L 2154563.0 2154695.0 132.5: the duration counts the last sample's half millisecond.
    expect(fixation).toBe(44_500);
    expect(file.lines).toContain('EFIX L   2154563.0\t2154695.0\t132.5\t  141.0\t  132.2\t    791');
  });

  it('takes a message\'s leading integer as Data Viewer\'s time offset, and keeps the calibration lines with their message', async () => {
    const [offset] = await query(study, `SELECT e.t_us - st.clock_offset_us, e.label, e.attributes FROM events e JOIN streams st USING (stream_id) WHERE e.participant_id = 'mono' AND e.label LIKE 'SYNCTIME 766%'`);
    // MSG	2096367 -4 SYNCTIME 766 0: the event was 4 ms after the message.
    expect(offset).toEqual([2_096_371_000, 'SYNCTIME 766 0', JSON.stringify({ offset_ms: -4, logged_at_ms: 2_096_367 })]);
    const [calibration] = await query(study, `SELECT attributes->'continued' FROM events WHERE participant_id = 'mono' AND label = '!CAL Cal coeff:(X=a+bx+cy+dxx+eyy,Y=f+gx+goaly+ixx+jyy)'`);
    expect(JSON.parse(String(calibration?.[0]))).toEqual(['-0.00043008  131.07  1.437  0.051949 -0.1007', '227.35 -1.5024  153.47 -0.1679 -0.22845']);
    const [start] = await query(study, `SELECT label, attributes->>'samples', attributes->>'pupil' FROM events WHERE participant_id = 'mono' AND kind = 'recording_start'`);
    expect(start).toEqual(['LEFT SAMPLES EVENTS', 'GAZE LEFT RATE 1000.00 TRACKING CR FILTER 2 INPUT', 'AREA']);
  });

  it('binocular: x, y are the mean of both eyes, one eye alone when the other is lost, and CR flags become signals', async () => {
    const participant = 'bino';
    const file = await readAsc(asc('eyelink_binocular_example.asc'));
    const both = file.samples.filter((s) => s.items[1] !== '.' && s.items[4] !== '.').length;
    const rightOnly = file.samples.filter((s) => s.items[1] === '.' && s.items[4] !== '.').length;
    expect(file.samples.filter((s) => s.items[1] !== '.' && s.items[4] === '.').length).toBe(0);
    const none = file.samples.filter((s) => s.items[1] === '.' && s.items[4] === '.').length;
    expect([both, rightOnly, none].every((n) => n > 0)).toBe(true);
    expect(both + rightOnly + none).toBe(file.samples.length);
    expect(await query(study, `
      SELECT count(*) FILTER (WHERE valid_left AND valid_right AND abs(x - (left_x + right_x) / 2) < 1e-9),
             count(*) FILTER (WHERE NOT valid_left AND valid_right AND x = right_x AND y = right_y),
             count(*) FILTER (WHERE x IS NULL AND left_x IS NULL AND right_x IS NULL AND pupil_left IS NULL AND pupil_right IS NULL)
      FROM gaze_samples WHERE participant_id = '${participant}'`)).toEqual([[both, rightOnly, none]]);
    const flagged = (k: number, c: string): number => file.samples.filter((s) => s.items[7]?.[k] === c).length;
    const signals = await query(study, `SELECT name, count(*) FROM signals WHERE participant_id = '${participant}' GROUP BY name ORDER BY name`);
    expect(signals).toEqual([
      ['left_cr_missing', flagged(1, 'C')],
      ['left_cr_recovering', flagged(2, 'R')],
      ['right_cr_missing', flagged(3, 'C')],
      ['right_cr_recovering', flagged(4, 'R')],
    ]);
    // EBLINK R 1408793 1408872 80 ends before EBLINK L 1408787 1408883 97 and is written first.
    expect(await query(study, `SELECT eye, end_us - start_us FROM blinks WHERE participant_id = '${participant}' ORDER BY start_us`)).toEqual([['left', 97_000], ['right', 80_000]]);
    expect(await query(study, `SELECT eye, start_x, end_x, amplitude_deg, peak_velocity_deg_s FROM saccades WHERE participant_id = '${participant}' ORDER BY eye`)).toEqual([
      ['left', 962.6, 954.9, 0.31, 42],
      ['right', 957.9, 943.8, 0.66, 196],
    ]);
  });

  it('no dummy: a blink-spanning saccade has no amplitude, missing pupils are NULL, an unended block is reported', async () => {
    const participant = 'nodummy';
    const [row] = await query(study, `SELECT start_x, start_y, end_x, end_y, amplitude_deg, peak_velocity_deg_s FROM saccades WHERE participant_id = '${participant}' ORDER BY start_us LIMIT 1`);
    expect(row).toEqual([null, null, 852.1, 616.2, null, 102]);
    const fresh = await createTestStudy({ dataBasis: SECONDARY });
    try {
      const summary = await fresh.client.call('session.import', { files: [asc('eyelink_monocular_no_dummy_example.asc')], participant_id: 'P1' });
      expect(summary.files[0]?.warnings.map((w) => [w.message, w.location?.line])).toEqual([
        ['1 saccade without a start or end position (around a blink) had an amplitude EyeLink could not have measured (2.3e+06 degrees at line 111); stored as NULL, as the eyelinker reader does', 111],
        ['the recording block that starts at line 77 has no END line: the file may be cut off', 77],
      ]);
    } finally {
      await fresh.close();
    }
    const file = await readAsc(asc('eyelink_monocular_no_dummy_example.asc'));
    const lostPupil = file.samples.filter((s) => Number(s.items[3]) === 0).length;
    expect(lostPupil).toBeGreaterThan(0);
    expect(await query(study, `SELECT count(*) FILTER (WHERE pupil_left IS NULL), count(*) FILTER (WHERE pupil_left = 0) FROM gaze_samples WHERE participant_id = '${participant}'`)).toEqual([[lostPupil, 0]]);
    expect(await query(study, `SELECT label FROM events WHERE participant_id = '${participant}' AND label LIKE 'ENCODING%'`)).toEqual([['ENCODING TEST ÄÖÜ']]);
  });

  it('raccoons: a ** DATE that contradicts itself is not used, EEG sync messages are kept, the clock restart is reported', async () => {
    const path = asc('raccoons.asc');
    const other = await createTestStudy({ dataBasis: SECONDARY, timeZone: 'Europe/Berlin' });
    try {
      const summary = await other.client.call('session.import', { files: [path], participant_id: 'R1' });
      const warnings = summary.files[0]?.warnings.map((w) => w.message) ?? [];
      expect(warnings[0]).toBe('** DATE "Fri Aug 14 02:31:06 1990" calls 1990-08-14 a Fri, but it was a Tue (the tracker\'s clock was not set, or the date was altered), so it was not used to place the recording on the session timeline; give the file\'s clock_offset_s or session_start instead');
      expect(warnings).toContainEqual(expect.stringMatching(/^Times in this file count from its device's own time 0/));
      expect(warnings).toContainEqual('tracker time goes back by more than a second 1 time (first at line 20: from 3977269 to 120868 ms); EyeLink\'s clock only runs forward, so lines are out of order or the tracker restarted in this file: rows were kept at the times the file gives');
      expect(await query(other, `SELECT t_us, label FROM events WHERE label LIKE 'EEG_ET_SYNC%'`)).toEqual([[3_977_269_000, 'EEG_ET_SYNC 254']]);
      expect(await query(other, `SELECT started_at FROM sessions`)).toEqual([[null]]);
      const withOffset = await createTestStudy({ dataBasis: SECONDARY });
      try {
        const placed = await withOffset.client.call('session.import', { files: [path], participant_id: 'R1', session_start: '2018-09-14T08:00:00Z', clock_offset_s: -147 });
        expect(placed.files[0]?.streams.map((s) => s.clock_source)).toEqual(Array(5).fill('declared offset (the command line)'));
        expect(await query(withOffset, `SELECT min(t_us) FROM gaze_samples`)).toEqual([[147_946_000 - 147_000_000]]);
      } finally {
        await withOffset.close();
      }
    } finally {
      await other.close();
    }
  });
});

describe('broken EyeLink files', () => {
  let dir: { dir: string; remove: () => Promise<void> };
  let study: TestStudy;
  const HEADER = ['** CONVERTED FROM D:\\lab\\p1.edf using edfapi 4.2.1 Win32 on Fri Mar 10 18:07:57 2023', '** DATE: Wed Mar  8 09:25:20 2023', '**', ''];
  const BLOCK = [
    'MSG\t1000 DISPLAY_COORDS 0 0 1279 1023',
    'START\t1001 \tLEFT\tSAMPLES\tEVENTS',
    'SAMPLES\tGAZE\tLEFT\tRATE\t1000.00\tTRACKING\tCR\tFILTER\t2',
    '1001\t  100.0\t  200.0\t  500.0\t...',
    '1002\t  101.0\t  201.0\t  501.0\t...',
    '1003\t  102.0\t  202.0\t  502.0\t...',
    'END\t1004 \tSAMPLES\tEVENTS\tRES\t  38.00\t  40.00',
  ];

  beforeAll(async () => {
    dir = await tempDir('weft-eyelink-bad-');
    study = await createTestStudy({ dataBasis: SECONDARY });
  });
  afterAll(async () => {
    await study.close();
    await dir.remove();
  });

  async function write(name: string, lines: readonly string[] | Buffer): Promise<string> {
    const path = join(dir.dir, name);
    await writeFile(path, Array.isArray(lines) ? `${lines.join('\n')}\n` : (lines as Buffer));
    return path;
  }

  async function state(): Promise<unknown[][]> {
    return query(study, `SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM streams), (SELECT count(*) FROM gaze_samples), (SELECT count(*) FROM events), (SELECT count(*) FROM signals), (SELECT count(*) FROM audit_log)`);
  }

  async function importError(path: string, extra: Record<string, unknown> = {}): Promise<WeftError> {
    const before = await state();
    const error = await study.client.call('session.import', { files: [path], participant_id: 'P1', ...extra }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'the import should have failed').toBeInstanceOf(WeftError);
    expect(await state(), 'a failed import must leave the study unchanged').toEqual(before);
    return error as WeftError;
  }

  it('the well-formed file these are made from imports', async () => {
    const summary = await study.client.call('session.import', { files: [await write('good.asc', [...HEADER, ...BLOCK])], participant_id: 'P1' });
    expect(summary.files[0]?.streams.map((s) => [s.kind, s.rows])).toEqual([['eye_markers', 3], ['gaze', 3]]);
    expect(summary.files[0]?.warnings).toEqual([]);
  });

  it('velocity, resolution and button data: signals and events, as the SAMPLES and EVENTS lines announce them', async () => {
    const path = await write('vel-res.asc', [
      ...HEADER,
      'START\t2000 \tLEFT\tRIGHT\tSAMPLES\tEVENTS',
      'EVENTS\tGAZE\tLEFT\tRIGHT\tRATE\t1000.00\tTRACKING\tCR\tFILTER\t2\tRES',
      'SAMPLES\tGAZE\tLEFT\tRIGHT\tVEL\tRES\tRATE\t1000.00\tTRACKING\tCR\tFILTER\t2',
      'BUTTON\t2000\t1\t1',
      'SFIX L   2001',
      '2001\t  100.0\t  200.0\t  500.0\t  104.0\t  202.0\t  510.0\t   1.5\t  -2.5\t   1.0\t  -2.0\t  38.10\t  40.20\t.....',
      '2002\t  101.0\t  201.0\t  501.0\t   .\t   .\t    0.0\t   1.4\t  -2.4\t   .\t   .\t  38.10\t  40.20\tIC.C.',
      'EFIX L   2001\t2002\t2\t  100.5\t  200.5\t    500\t  38.10\t  40.20',
      'BUTTON\t2003\t1\t0',
      'END\t2004 \tSAMPLES\tEVENTS\tRES\t  38.10\t  40.20',
    ]);
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P-vel' });
    expect(summary.files[0]?.warnings).toEqual([]);
    expect(summary.files[0]?.streams.map((s) => [s.kind, s.rows])).toEqual([['eye_markers', 4], ['gaze', 2], ['fixations', 1]]);
    expect(await query(study, `SELECT name, value FROM signals WHERE participant_id = 'P-vel' ORDER BY t_us, name`)).toEqual([
      ['fixation_resolution_x_left', 38.1], ['fixation_resolution_y_left', 40.2],
      ['left_velocity_x', 1.5], ['left_velocity_y', -2.5], ['resolution_x', 38.1], ['resolution_y', 40.2], ['right_velocity_x', 1], ['right_velocity_y', -2],
      ['interpolated', 1], ['left_cr_missing', 1], ['left_velocity_x', 1.4], ['left_velocity_y', -2.4], ['resolution_x', 38.1], ['resolution_y', 40.2], ['right_cr_missing', 1], ['right_velocity_x', null], ['right_velocity_y', null],
    ]);
    expect(await query(study, `SELECT kind, label, attributes FROM events WHERE participant_id = 'P-vel' ORDER BY t_us, kind`)).toEqual([
      ['button', 'button 1 pressed', JSON.stringify({ button: 1, state: 1 })],
      ['recording_start', 'LEFT RIGHT SAMPLES EVENTS', JSON.stringify({ eyes: ['left', 'right'], contents: ['SAMPLES', 'EVENTS'], events: 'GAZE LEFT RIGHT RATE 1000.00 TRACKING CR FILTER 2 RES', samples: 'GAZE LEFT RIGHT VEL RES RATE 1000.00 TRACKING CR FILTER 2' })],
      ['button', 'button 1 released', JSON.stringify({ button: 1, state: 0 })],
      ['recording_end', 'SAMPLES EVENTS RES 38.10 40.20', JSON.stringify({ contents: ['SAMPLES', 'EVENTS'], resolution_x: 38.1, resolution_y: 40.2 })],
    ]);
  });

  it('a file cut off in a sample line', async () => {
    const path = await write('cut.asc', [...HEADER, ...BLOCK.slice(0, 5), '1003\t  102.0\t  20']);
    const error = await importError(path);
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.location).toEqual({ file: path, line: 10, column: 18 });
    expect(error.message).toBe(`${path}:10:18: 3 items where the SAMPLES line (line 7) gives samples 5 (time, left x, left y, left pupil, flags): the line ends before "left pupil"; is it cut off?`);
  });

  it('a sample line with an item too many (a binocular line in a monocular block)', async () => {
    const lines = [...HEADER, ...BLOCK];
    lines[8] = '1002\t  101.0\t  201.0\t  501.0\t  99.0\t...';
    const path = await write('extra.asc', lines);
    const error = await importError(path);
    expect(error.location).toEqual({ file: path, line: 9, column: 37 });
    expect(error.message).toMatch(/6 items where the SAMPLES line \(line 7\) gives samples 5: time, left x, left y, left pupil, flags$/);
  });

  it('a damaged timestamp', async () => {
    const lines = [...HEADER, ...BLOCK];
    lines[9] = '10O3\t  102.0\t  202.0\t  502.0\t...';
    const path = await write('bad-time.asc', lines);
    const error = await importError(path);
    expect(error.location).toEqual({ file: path, line: 10, column: 1 });
    expect(error.message).toBe(`${path}:10:1: "10O3" in column "time" is not a number`);
  });

  it('a sample before any SAMPLES line', async () => {
    const path = await write('no-samples-line.asc', [...HEADER, 'MSG\t1000 hello', '1001\t  100.0\t  200.0\t  500.0\t...']);
    const error = await importError(path);
    expect(error.message).toBe(`${path}:6:1: a sample line before any SAMPLES line says what its columns are`);
  });

  it('samples in HREF units, which are not screen pixels', async () => {
    const lines = [...HEADER, ...BLOCK];
    lines[6] = 'SAMPLES\tHREF\tLEFT\tRATE\t1000.00\tTRACKING\tCR\tFILTER\t2';
    const path = await write('href.asc', lines);
    const error = await importError(path);
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.location).toEqual({ file: path, line: 7, column: 9 });
    expect(error.message).toContain('samples are in HREF units, not GAZE (screen pixels)');
  });

  it('text that is not an ASC file, forced as one', async () => {
    const path = await write('notes.asc', ['Subject looked tired.', 'MSG 1000 hello']);
    const error = await importError(path, { format: 'eyelink-asc' });
    expect(error.location).toEqual({ file: path, line: 1, column: 1 });
    expect(error.message).toContain('"Subject looked tired." is not a line of an EyeLink ASC file');
  });

  it('binary garbage', async () => {
    const path = await write('garbage.asc', Buffer.from([0x2a, 0x2a, 0x20, 0x0a, 0x00, 0x13, 0x37, 0xff]));
    const error = await importError(path, { format: 'eyelink-asc' });
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.location).toMatchObject({ file: path, line: 2, column: 1 });
  });

  it('infinity and NaN in a sample are stored as missing, the infinity with a warning', async () => {
    const lines = [...HEADER, ...BLOCK];
    lines[7] = '1001\t  inf\t  200.0\t  500.0\t...';
    lines[8] = '1002\t  nan\t  201.0\t  501.0\t...';
    const path = await write('inf.asc', lines);
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P2' });
    expect(summary.files[0]?.warnings).toEqual([{ message: 'column "left x": 1 infinite values were stored as missing (first at line 8)', location: { file: path, line: 8, column: 8, field: 'left x' }, count: 1 }]);
    expect(await query(study, `SELECT count(*) FILTER (WHERE left_x IS NULL AND NOT valid_left) FROM gaze_samples WHERE participant_id = 'P2'`)).toEqual([[2]]);
  });

  it('timestamps repeating and going back a little are kept with a warning; far back with another', async () => {
    const lines = [...HEADER, ...BLOCK];
    lines[9] = '1002\t  102.0\t  202.0\t  502.0\t...';
    lines.splice(10, 0, 'MSG\t5000 late', 'MSG\t1004 back');
    const path = await write('repeat.asc', lines);
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P3' });
    expect(summary.files[0]?.warnings.map((w) => w.message)).toEqual([
      'tracker time goes back by more than a second 1 time (first at line 12: from 5000 to 1004 ms); EyeLink\'s clock only runs forward, so lines are out of order or the tracker restarted in this file: rows were kept at the times the file gives',
      '1 timestamp in the eye_markers stream went backwards; rows were kept in file order (the views sort by time)',
      '1 sample in the gaze stream repeats the previous timestamp',
    ]);
  });

  it('a ** DATE that is not a date is reported and not used', async () => {
    const lines = [...HEADER, ...BLOCK];
    lines[1] = '** DATE: gestern';
    const path = await write('bad-date.asc', lines);
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P4' });
    expect(summary.files[0]?.warnings[0]).toEqual({
      message: '** DATE "gestern" is not a date in EyeLink\'s "Wed Mar  8 09:25:20 2023" form, so it was not used to place the recording on the session timeline; give the file\'s clock_offset_s or session_start instead',
      location: { file: path, line: 2, field: 'DATE' },
      count: 1,
    });
  });

  it.skipIf(!HAVE_REALDATA)('never stores the samples of a participant without gaze consent, and counts them', async () => {
    const consenting = await createTestStudy();
    try {
      await consenting.client.call('session.import', { files: [await writeConsentCsv(dir.dir, [{ id: 'P01', refuse: ['gaze'] }])] });
      const path = asc('eyelink_binocular_example.asc');
      const file = await readAsc(path);
      const summary = await consenting.client.call('session.import', { files: [path], participant_id: 'P01' });
      expect(summary.files[0]?.streams).toEqual([]);
      expect(summary.files[0]?.refused.map((r) => [r.kind, r.consent, r.rows])).toEqual([
        ['eye_markers', 'refused', file.count('MSG') + file.count('START') + file.count('END')],
        ['gaze', 'refused', file.samples.length],
        ['fixations', 'refused', file.count('EFIX')],
        ['blinks', 'refused', file.count('EBLINK')],
        ['saccades', 'refused', file.count('ESACC')],
      ]);
      expect(await query(consenting, `SELECT (SELECT count(*) FROM gaze_samples), (SELECT count(*) FROM signals), (SELECT count(*) FROM sessions)`)).toEqual([[0, 0, 0]]);
    } finally {
      await consenting.close();
    }
  });
});
