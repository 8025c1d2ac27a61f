import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smiBeGazeTxt } from '../../../src/backend/import/formats/smiBeGaze.js';
import { inspectSource } from '../../../src/backend/import/source.js';
import type { ImportSummary } from '../../../src/core/api/schemas.js';
import { WeftError } from '../../../src/core/errors.js';
import { writeConsentCsv } from '../../support/fixtures.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, realdata, tempDir } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

const SMI = realdata('eyetracking_emdat', 'SMI_BeGaze', 'SMI_Sample_67_Events.txt');

/** The export read independently of the importer: its event rows (after the header block) with their line numbers. */
interface BeGazeFile {
  readonly lines: readonly string[];
  readonly rows: readonly { readonly line: number; readonly cells: readonly string[] }[];
  of(type: string): readonly (readonly string[])[];
}

async function readBeGaze(path: string): Promise<BeGazeFile> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  const rows = lines.flatMap((l, i) => (/^(Fixation|Saccade|Blink) [LR],|^UserEvent,/.test(l) ? [{ line: i + 1, cells: l.split(',') }] : []));
  return { lines, rows, of: (type) => rows.filter((r) => r.cells[0] === type).map((r) => r.cells) };
}

async function query(study: TestStudy, sql: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql })).rows;
}

describe.skipIf(!HAVE_REALDATA)(`SMI BeGaze event export (real file)${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  let study: TestStudy;
  let file: BeGazeFile;
  let summary: ImportSummary;
  beforeAll(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
    file = await readBeGaze(SMI);
    summary = await study.client.call('session.import', { files: [SMI] });
  });
  afterAll(async () => {
    await study.close();
  });

  it('detects the file from its contents, and no other export', async () => {
    expect(smiBeGazeTxt.detect(await inspectSource(SMI))).toBe(1);
    for (const other of [realdata('eyetracking_emdat', 'Gazepoint', 'P5_fixations.csv'), realdata('eyetracking_pymovements', 'raccoons.asc'), realdata('eyetracking_emdat', 'TobiiStudio2_CSP_applet', 'P61-Event-Data.tsv')]) {
      expect(smiBeGazeTxt.detect(await inspectSource(other)), other).toBe(0);
    }
  });

  it('stores every row of every table, per eye, for the participant the file names', () => {
    // PROVENANCE.md: 21,847 event rows.
    expect(file.rows.length).toBe(21_847);
    const count = (...types: string[]): number => types.reduce((sum, t) => sum + file.of(t).length, 0);
    expect(summary.files[0]?.format).toBe('smi-begaze-txt');
    expect(summary.files[0]?.streams.map((s) => [s.kind, s.rows, s.participant_id, s.session_id])).toEqual([
      ['eye_markers', count('UserEvent'), 'MT430PN56168', 'MT430PN56168-1'],
      ['saccades', count('Saccade L', 'Saccade R'), 'MT430PN56168', 'MT430PN56168-1'],
      ['fixations', count('Fixation L', 'Fixation R'), 'MT430PN56168', 'MT430PN56168-1'],
      ['blinks', count('Blink L', 'Blink R'), 'MT430PN56168', 'MT430PN56168-1'],
    ]);
    // The file has no clock origin: the framework says so, and nothing else needed repairing.
    expect(summary.files[0]?.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^Times in this file count from its device's own time 0/)]);
  });

  it('keeps times in microseconds of the tracker clock, positions, pupils and AOIs as written', async () => {
    const [fixation] = file.of('Fixation R');
    const c = fixation ?? [];
    expect(await query(study, `SELECT start_us, end_us, duration_us, x, y, eye, pupil, aoi FROM fixations WHERE eye = 'right' ORDER BY start_us LIMIT 1`)).toEqual([
      [Number(c[3]), Number(c[4]), Number(c[5]), Number(c[6]), Number(c[7]), 'right', (Number(c[13]) + Number(c[14])) / 2, null],
    ]);
    const s = file.of('Saccade L')[0] ?? [];
    expect(await query(study, `SELECT start_us, end_us, start_x, start_y, end_x, end_y, amplitude_deg, peak_velocity_deg_s FROM saccades WHERE eye = 'left' ORDER BY start_us LIMIT 1`)).toEqual([
      [Number(s[3]), Number(s[4]), Number(s[6]), Number(s[7]), Number(s[8]), Number(s[9]), Number(s[10]), Number(s[11])],
    ]);
    // Blink L,1,1,167533563021,167533654782,91761 and Blink R ends 25 ms later.
    expect(await query(study, `SELECT eye, start_us, end_us FROM blinks ORDER BY start_us, eye LIMIT 2`)).toEqual([
      ['left', 167_533_563_021, 167_533_654_782],
      ['right', 167_533_563_021, 167_533_679_768],
    ]);
    expect(await query(study, `SELECT sum(end_us - start_us) FROM blinks`)).toEqual([[[...file.of('Blink L'), ...file.of('Blink R')].reduce((sum, r) => sum + Number(r[5]), 0)]]);
  });

  it('keeps user events as messages, without BeGaze\'s "# Message:" prefix', async () => {
    const events = file.of('UserEvent');
    const clicks = events.filter((r) => (r[4] ?? '').includes('UE-mouseclick')).length;
    expect(await query(study, `SELECT count(*) FROM events WHERE kind = 'message' AND label LIKE 'UE-mouseclick%'`)).toEqual([[clicks]]);
    expect(await query(study, `SELECT t_us, label, attributes->>'Description', attributes->>'Number' FROM events ORDER BY t_us LIMIT 2`)).toEqual([
      [167_531_284_088, 'MT430PN56168-scrrec.avi', '# Message: MT430PN56168-scrrec.avi', '1'],
      [167_587_748_120, 'UE-mouseclick left x=964 y=427', '# Message: UE-mouseclick left x=964 y=427', '2'],
    ]);
  });

  it('keeps every other column as a signal per event type and eye at the event start', async () => {
    const fixations = file.of('Fixation L').length;
    const saccadesR = file.of('Saccade R').length;
    const signals = Object.fromEntries((await query(study, `SELECT name, count(*), count(value) FROM signals GROUP BY name`)).map(([n, c, v]) => [n, [c, v]]));
    expect(signals['fixation_dispersion_x_left']).toEqual([fixations, fixations]);
    expect(signals['fixation_avg_pupil_size_y_left']).toEqual([fixations, fixations]);
    expect(signals['saccade_peak_speed_at_right']).toEqual([saccadesR, saccadesR]);
    expect(signals['fixation_plane_right']).toEqual([file.of('Fixation R').length, file.of('Fixation R').length]);
    const first = file.of('Fixation L')[0] ?? [];
    const [start] = first.slice(3, 4).map(Number);
    expect(await query(study, `SELECT name, value FROM signals WHERE t_us = ${start} AND name IN ('fixation_dispersion_x_left', 'fixation_dispersion_y_left', 'fixation_trial_left') ORDER BY name`)).toEqual([
      ['fixation_dispersion_x_left', Number(first[8])],
      ['fixation_dispersion_y_left', Number(first[9])],
      ['fixation_trial_left', Number(first[1])],
    ]);
  });

  it('keeps the recording metadata but not the lab computer\'s path', async () => {
    const rows = await query(study, `SELECT provenance FROM streams`);
    for (const [text] of rows) {
      expect(String(text)).not.toContain('E:\\\\SMI');
      expect(String(text)).not.toContain('eye_data.idf');
      const p = JSON.parse(String(text)) as { metadata: Record<string, string>; metadata_left_out: string[] };
      expect(p.metadata).toEqual({ Date: '09.06.2015 15:27:25', Version: 'BeGaze 3.5.90', 'Sample Rate': '120', Description: 'Run67', Stimulus: 'mt430pn56168-scrrec.avi' });
      expect(p.metadata_left_out).toEqual(['Converted from']);
    }
  });
});

describe('broken BeGaze exports', () => {
  let dir: { dir: string; remove: () => Promise<void> };
  let study: TestStudy;
  const HEAD = [
    '[BeGaze]',
    'Converted from:\tC:\\data\\P9-eye_data.idf',
    'Date:\t01.02.2024 10:00:00',
    'Version:\tBeGaze 3.7.40',
    'Sample Rate:\t250',
    'Subject:\tP9',
    '',
    'Table Header for Fixations:',
    'Event Type,Trial,Number,Start,End,Duration,Location X,Location Y,Dispersion X,Dispersion Y,AOI hit,Image,Plane,Avg. Pupil Size X,Avg. Pupil Size Y',
    '',
    'Table Header for Blinks:',
    'Event Type,Trial,Number,Start,End,Duration',
    '',
    'Table Header for User Events:',
    'Event Type,Trial,Number,Start,Description',
    '',
  ];
  const ROWS = [
    'UserEvent,1,1,1000000,# Message: start, then go',
    'Fixation L,1,1,1000000,1250000,250000,500.5,400.25,20,21,Button,-,-1,4.10,4.30',
    'Fixation R,1,1,1000000,1250000,250000,502.5,401.25,19,22,-,-,-1,4.00,4.20',
    'Blink L,1,1,1300000,1400000,100000',
    'Fixation L,1,2,1450000,1700000,250000,520,380,25,25,-,-,-1,4.2,4.2',
  ];

  beforeAll(async () => {
    dir = await tempDir('weft-begaze-bad-');
    study = await createTestStudy({ dataBasis: SECONDARY });
  });
  afterAll(async () => {
    await study.close();
    await dir.remove();
  });

  async function write(name: string, rows: readonly string[], head: readonly string[] = HEAD): Promise<string> {
    const path = join(dir.dir, name);
    await writeFile(path, `${[...head, ...rows].join('\n')}\n`);
    return path;
  }

  async function state(): Promise<unknown[][]> {
    return query(study, `SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM streams), (SELECT count(*) FROM fixations), (SELECT count(*) FROM events), (SELECT count(*) FROM signals), (SELECT count(*) FROM audit_log)`);
  }

  async function importError(path: string): Promise<WeftError> {
    const before = await state();
    const error = await study.client.call('session.import', { files: [path] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'the import should have failed').toBeInstanceOf(WeftError);
    expect(await state(), 'a failed import must leave the study unchanged').toEqual(before);
    return error as WeftError;
  }

  it('the well-formed file imports: AOI hits, commas in a message, the subject as participant', async () => {
    const summary = await study.client.call('session.import', { files: [await write('good.txt', ROWS)] });
    expect(summary.files[0]?.streams.map((s) => [s.kind, s.rows, s.participant_id])).toEqual([
      ['eye_markers', 1, 'P9'],
      ['fixations', 3, 'P9'],
      ['blinks', 1, 'P9'],
    ]);
    expect(await query(study, `SELECT aoi, round(pupil, 6) FROM fixations WHERE participant_id = 'P9' ORDER BY start_us, eye`)).toEqual([['Button', 4.2], [null, 4.1], [null, 4.2]]);
    expect(await query(study, `SELECT label FROM events WHERE participant_id = 'P9'`)).toEqual([['start, then go']]);
  });

  it('a file cut off in a row', async () => {
    const path = await write('cut.txt', [...ROWS.slice(0, 4), 'Fixation L,1,2,1450000,1700000,250000,52']);
    const error = await importError(path);
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.location).toEqual({ file: path, line: 21, column: 41 });
    expect(error.message).toContain('7 fields where the header has 15 (too few: the row ends before "Location Y"');
  });

  it('a row with too many fields', async () => {
    const path = await write('extra.txt', [...ROWS.slice(0, 3), 'Blink L,1,1,1300000,1400000,100000,7']);
    const error = await importError(path);
    expect(error.location).toEqual({ file: path, line: 20, column: 36 });
    expect(error.message).toContain('7 fields where the header has 6 (too many');
  });

  it('a row that is not an event (a tab-separated export)', async () => {
    const path = await write('tabs.txt', [ROWS[0] ?? '', 'Fixation L\t1\t2\t1450000'], HEAD);
    const error = await importError(path);
    expect(error.location).toEqual({ file: path, line: 18, column: 1 });
    expect(error.message).toContain('"Fixation L\t1\t2\t1450000" is not a BeGaze event type');
  });

  it('a damaged timestamp, and a duration that does not fit its times', async () => {
    const damaged = await write('bad-time.txt', [ROWS[0] ?? '', 'Fixation L,1,1,10O0000,1250000,250000,500.5,400.25,20,21,-,-,-1,4.10,4.30']);
    const error = await importError(damaged);
    expect(error.location).toEqual({ file: damaged, line: 18, column: 16 });
    expect(error.message).toBe(`${damaged}:18:16: "10O0000" in column "Start" is not a number`);
    const unfit = await write('bad-duration.txt', [ROWS[0] ?? '', 'Fixation L,1,1,1000000,1250000,250,500.5,400.25,20,21,-,-,-1,4.10,4.30']);
    const second = await importError(unfit);
    expect(second.location).toEqual({ file: unfit, line: 18, column: 32 });
    expect(second.message).toContain('Duration 250 is not End - Start (250000): Weft reads BeGaze times as microseconds');
  });

  it('an event type with no table header', async () => {
    const path = await write('no-saccade-header.txt', [...ROWS, 'Saccade L,1,1,1250000,1300000,50000,1,2,3,4,0.5,100,0.5,50,1,-1,1']);
    const error = await importError(path);
    expect(error.location).toEqual({ file: path, line: 22, column: 1 });
    expect(error.message).toContain('no "Table Header for Saccades:" line describes this row');
  });

  it('infinity and an image name the view cannot hold are reported, not silently changed', async () => {
    const rows = [...ROWS];
    rows[2] = 'Fixation R,1,1,1000000,1250000,250000,502.5,401.25,inf,22,-,page1.png,-1,4.00,4.20';
    const summary = await study.client.call('session.import', { files: [await write('repairs.txt', rows)], participant_id: 'P10' });
    expect(summary.files[0]?.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^Times in this file count/),
      '1 fixation name an Image ("page1.png" at line 19) that the fixations view has no column for; it was not stored',
      'column "Dispersion X": 1 infinite values were stored as missing (first at line 19)',
    ]);
    expect(await query(study, `SELECT value FROM signals WHERE participant_id = 'P10' AND name = 'fixation_dispersion_x_right'`)).toEqual([[null]]);
  });

  it('never stores the events of a participant without gaze consent', async () => {
    const consenting = await createTestStudy();
    try {
      await consenting.client.call('session.import', { files: [await writeConsentCsv(dir.dir, [{ id: 'P9', refuse: ['gaze'] }])] });
      const summary = await consenting.client.call('session.import', { files: [await write('refused.txt', ROWS)] });
      expect(summary.files[0]?.streams).toEqual([]);
      expect(summary.files[0]?.refused.map((r) => [r.kind, r.consent, r.rows])).toEqual([
        ['eye_markers', 'refused', 1],
        ['fixations', 'refused', 3],
        ['blinks', 'refused', 1],
      ]);
      expect(await query(consenting, `SELECT (SELECT count(*) FROM fixations), (SELECT count(*) FROM signals)`)).toEqual([[0, 0]]);
    } finally {
      await consenting.close();
    }
  });
});
