import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PATHS, generateDemo } from '../../../datasets/demo/generate.js';
import { tobiiStudioTsv } from '../../../src/backend/import/formats/tobiiStudio.js';
import { inspectSource } from '../../../src/backend/import/source.js';
import { WeftError } from '../../../src/core/errors.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, realdata, tempDir } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

/** A Tobii Studio export read independently of the importer: the header line and the rows after it. */
interface Export {
  /** Line number of the header, from 1. */
  readonly headerLine: number;
  readonly header: readonly string[];
  readonly rows: readonly { readonly line: number; readonly cells: readonly string[] }[];
  col(name: string): number;
  /** Rows whose Event cell is empty, or every row when the export has no Event column. */
  samples(): readonly (readonly string[])[];
  events(): readonly (readonly string[])[];
}

function parseExport(text: string): Export {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const index = lines.findIndex((l) => l.startsWith('Timestamp\t') || l.startsWith('FixationIndex\t'));
  if (index < 0) throw new Error('no header');
  const header = (lines[index] ?? '').split('\t');
  const rows = lines.slice(index + 1).flatMap((l, k) => (l === '' ? [] : [{ line: index + 2 + k, cells: l.split('\t') }]));
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`no column ${name}`);
    return i;
  };
  const event = header.indexOf('Event');
  return {
    headerLine: index + 1,
    header,
    rows,
    col,
    samples: () => rows.filter((r) => event < 0 || r.cells[event] === '').map((r) => r.cells),
    events: () => rows.filter((r) => event >= 0 && r.cells[event] !== '').map((r) => r.cells),
  };
}

async function readExport(path: string): Promise<Export> {
  return parseExport(await readFile(path, 'utf8'));
}

/** Tobii's lost-sample sentinels, which must never reach the study. */
const SENTINEL = '-1280 IN (x, left_x, right_x) OR -1024 IN (y, left_y, right_y) OR pupil_left < 0 OR pupil_right < 0';

async function query(study: TestStudy, sql: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql })).rows;
}

const csp = (name: string): string => realdata('eyetracking_emdat', 'TobiiStudio2_CSP_applet', name);
const primeClimb = (name: string): string => realdata('eyetracking_emdat', 'TobiiStudio2_PrimeClimb', name);

/**
 * Each recording's Event- and Fixation-Data export, with what a reader of the files can see in
 * them: data rows (PROVENANCE.md), the participant, and the recording start read in Vancouver
 * (PDT, UTC-7, on all these dates). CSP writes dates day/month/year, Prime Climb month/day/year.
 */
const RECORDINGS = [
  { name: 'CSP P61', events: csp('P61-Event-Data.tsv'), fixations: csp('P61-Fixation-Data.tsv'), eventRows: 1285, fixationRows: 4664, participant: 'P105', startedAt: '2011-09-27T20:13:39Z' },
  { name: 'CSP P62', events: csp('P62-Event-Data.tsv'), fixations: csp('P62-Fixation-Data.tsv'), eventRows: 182, fixationRows: 1482, participant: 'P106', startedAt: '2011-09-28T00:05:34Z' },
  { name: 'Prime Climb Pilot08', events: primeClimb('Pilot08-Event-Data.tsv'), fixations: primeClimb('Pilot08-Fixation-Data.tsv'), eventRows: 683, fixationRows: 5404, participant: 'P08', startedAt: '2011-04-15T21:07:43Z' },
  { name: 'Prime Climb Pilot10', events: primeClimb('Pilot10-Event-Data.tsv'), fixations: primeClimb('Pilot10-Fixation-Data.tsv'), eventRows: 852, fixationRows: 6956, participant: 'P10', startedAt: '2011-04-21T23:19:46Z' },
  { name: 'Prime Climb Pilot16', events: primeClimb('Pilot16-Event-Data.tsv'), fixations: primeClimb('Pilot16-Fixation-Data.tsv'), eventRows: 312, fixationRows: 2957, participant: 'P16', startedAt: '2011-09-28T22:44:03Z' },
] as const;

describe.skipIf(!HAVE_REALDATA)(`Tobii Studio 2 exports (real files)${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  let study: TestStudy;
  beforeAll(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY, timeZone: 'America/Vancouver' });
  });
  afterAll(async () => {
    await study.close();
  });

  it('detects every variant from its contents', async () => {
    const files = [...RECORDINGS.flatMap((r) => [r.events, r.fixations]), csp('P63-All-Data.tsv')];
    for (const path of files) expect(tobiiStudioTsv.detect(await inspectSource(path)), path).toBe(1);
    for (const other of [csp('P61.seg'), csp('Log_61.m'), realdata('eyetracking_emdat', 'Gazepoint', 'P5_fixations.csv')]) {
      expect(tobiiStudioTsv.detect(await inspectSource(other)), other).toBe(0);
    }
  });

  it.each(RECORDINGS)('$name: every event and fixation, on one session that starts at the recording start', async (recording) => {
    const events = await readExport(recording.events);
    const fixations = await readExport(recording.fixations);
    expect([events.rows.length, fixations.rows.length]).toEqual([recording.eventRows, recording.fixationRows]);

    const summary = await study.client.call('session.import', { files: [recording.events, recording.fixations] });
    expect(summary.files.map((f) => [f.format, f.warnings])).toEqual([['tobii-studio-tsv', []], ['tobii-studio-tsv', []]]);
    const streams = summary.files.flatMap((f) => f.streams);
    expect(streams.map((s) => [s.kind, s.rows, s.participant_id, s.session_id])).toEqual([
      ['eye_markers', recording.eventRows, recording.participant, `${recording.participant}-1`],
      ['fixations', recording.fixationRows, recording.participant, `${recording.participant}-1`],
    ]);
    const [eventStream, fixationStream] = streams.map((s) => s.stream_id);

    const session = await query(study, `SELECT started_at FROM sessions WHERE session_id = '${recording.participant}-1'`);
    expect(session).toEqual([[recording.startedAt]]);

    const kinds = [...new Set(events.rows.map((r) => (r.cells[events.col('Event')] ?? '').toLowerCase()))].sort();
    const stored = await query(study, `SELECT DISTINCT kind FROM events WHERE stream_id = ${eventStream} ORDER BY kind`);
    expect(stored.map((r) => r[0])).toEqual(kinds);
    expect(kinds).toEqual(expect.arrayContaining(['leftmouseclick', 'logdata', 'screenrecstarted']));
    const lastEvent = Number(events.rows[events.rows.length - 1]?.cells[0]) * 1000;
    expect(await query(study, `SELECT min(t_us), max(t_us) FROM events WHERE stream_id = ${eventStream}`)).toEqual([[0, lastEvent]]);

    const durationMs = fixations.rows.reduce((sum, r) => sum + Number(r.cells[fixations.col('FixationDuration')]), 0);
    const first = fixations.rows[0]?.cells ?? [];
    expect(await query(study, `SELECT sum(duration_us), count(*) FILTER (WHERE eye = 'both') FROM fixations WHERE stream_id = ${fixationStream}`)).toEqual([[durationMs * 1000, recording.fixationRows]]);
    expect(await query(study, `SELECT start_us, end_us, x, y FROM fixations WHERE stream_id = ${fixationStream} ORDER BY start_us LIMIT 1`)).toEqual([
      [Number(first[1]) * 1000, (Number(first[1]) + Number(first[2])) * 1000, Number(first[3]), Number(first[4])],
    ]);
  });

  it('labels LogData with its message, key presses with the key and URLs with the address', async () => {
    const labels = await query(study, `
      SELECT e.kind, e.label, e.attributes->>'Data2' FROM events e JOIN streams s USING (stream_id)
      WHERE s.source_path LIKE '%Pilot08-Event-Data.tsv' AND e.t_us IN (2009000, 9048000, 123412000, 123487000) ORDER BY e.t_us`);
    expect(labels).toEqual([
      ['urlstart', 'http://roma.cs.ubc.ca:6030/client/PrimeClimbClientTestpage.aspx', '0'],
      ['keypress', 'P', '0'],
      ['logdata', 'GameStart', null],
      ['logdata', 'Mountain', '1'],
    ]);
    expect(await query(study, `SELECT label FROM events WHERE kind = 'logdata' AND participant_id = 'P105' ORDER BY t_us LIMIT 1`)).toEqual([['Load 1st Problem']]);
  });

  it('keeps the recording metadata as provenance, but not lab staff, machines or participant properties', async () => {
    const rows = await query(study, `SELECT provenance FROM streams WHERE format = 'tobii-studio-tsv'`);
    expect(rows.length).toBe(RECORDINGS.length * 2);
    for (const [text] of rows) {
      expect(text).not.toMatch(/skardan|PISA|VENEZIA|"admin"/);
      const provenance = JSON.parse(String(text)) as { preamble: Record<string, string>; time_zone: string; recording_start_utc: string };
      for (const personal of ['System User Name', 'Machine Name', 'Sex', 'Glasses', 'Hand', 'Participant', 'Subject']) expect(provenance.preamble).not.toHaveProperty([personal]);
      expect(provenance.preamble['Recording date']).toBeDefined();
      expect(provenance.time_zone).toBe('America/Vancouver');
    }
    const [[p61]] = (await query(study, `SELECT provenance FROM streams WHERE source_path LIKE '%P61-Fixation-Data.tsv'`)) as [[string]];
    expect(JSON.parse(p61)).toMatchObject({
      export: 'fixation-data',
      preamble: { 'Fixation filter': 'Tobii fixation filter', 'Fixation radius': '35', 'Screen resolution': '1280 x 1024' },
      recording_start_local: '2011-09-27T13:13:39.000',
      recording_start_utc: '2011-09-27T20:13:39.000Z',
      recording_date_order: 'day/month/year (from Recording date)',
    });
  });

  it('P63 All-Data: lost samples carry no sentinels, events come through, and times follow --session-start', async () => {
    const path = csp('P63-All-Data.tsv');
    const file = await readExport(path);
    expect([file.samples().length, file.events().length, file.header.length]).toEqual([8, 2, 43]);
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P63', session_start: '2011-09-28T00:05:00Z' });
    expect(summary.files[0]?.streams.map((s) => [s.kind, s.rows, s.participant_id])).toEqual([
      ['eye_markers', 2, 'P63'],
      ['gaze', 8, 'P63'],
    ]);
    // The recording started 17:05:34 PDT = 00:05:34Z, 34 s after the session start; the first
    // sample is at MicroSecondTimestamp 606994606.
    const first = Number(file.samples()[0]?.[file.col('MicroSecondTimestamp')]);
    expect(first).toBe(606_994_606);
    expect(await query(study, `SELECT min(t_us), max(t_us) FROM gaze_samples WHERE participant_id = 'P63'`)).toEqual([[34_000_000 + first, 34_000_000 + 607_111_175]]);
    expect(await query(study, `SELECT t_us, kind, label FROM events WHERE participant_id = 'P63' ORDER BY t_us`)).toEqual([
      [34_000_000, 'screenrecstarted', null],
      [34_000_000 + 19_782_000, 'leftmouseclick', null],
    ]);
    expect(await query(study, `
      SELECT count(*), count(x), count(y), count(left_x), count(right_y), count(pupil_left), count(pupil_right),
             count(*) FILTER (WHERE valid_left OR valid_right)
      FROM gaze_samples WHERE participant_id = 'P63'`)).toEqual([[8, 0, 0, 0, 0, 0, 0, 0]]);
    expect(await query(study, `SELECT count(*) FROM gaze_samples WHERE ${SENTINEL}`)).toEqual([[0]]);
  });
});

describe('the demo study Tobii exports', () => {
  let demoDir: { dir: string; remove: () => Promise<void> };
  let study: TestStudy;
  let truth: { sessions: { participantId: string; sessionStart: string; eyeTracker: { headerImpliedStartSessionS: number } }[] };
  const sessionOf = (participant: string): (typeof truth)['sessions'][number] => {
    const session = truth.sessions.find((s) => s.participantId === participant);
    if (session === undefined) throw new Error(`no demo session of ${participant}`);
    return session;
  };
  /** Session time of the recording's time 0 by its header, as the demo's ground truth states it. */
  const headerOffsetUs = (participant: string): number => sessionOf(participant).eyeTracker.headerImpliedStartSessionS * 1e6;

  beforeAll(async () => {
    demoDir = await tempDir('weft-demo-tobii-');
    await generateDemo(demoDir.dir, { minutes: 2 });
    truth = JSON.parse(await readFile(join(demoDir.dir, DEMO_PATHS.truth), 'utf8')) as typeof truth;
    study = await createTestStudy({ timeZone: 'America/New_York' });
    await study.client.call('session.import', { files: [join(demoDir.dir, DEMO_PATHS.consent)] });
  });
  afterAll(async () => {
    await study.close();
    await demoDir.remove();
  });

  it('imports P01 manifest-free: every sample, fixation and event, LogData sync markers with their transaction ids', async () => {
    const path = join(demoDir.dir, DEMO_PATHS.tobii('P01'));
    const file = await readExport(path);
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01', session_start: sessionOf('P01').sessionStart });
    expect(summary.files[0]?.format).toBe('tobii-studio-tsv');
    expect(summary.files[0]?.warnings).toEqual([]);
    const fixationIndex = file.col('FixationIndex');
    const runs = file.samples().filter((r, i, all) => r[fixationIndex] !== '' && r[fixationIndex] !== all[i - 1]?.[fixationIndex]).length;
    expect(summary.files[0]?.streams.map((s) => [s.kind, s.rows])).toEqual([
      ['eye_markers', file.events().length],
      ['gaze', file.samples().length],
      ['fixations', runs],
    ]);

    const markers = file.events().filter((r) => r[file.col('Event')] === 'LogData').map((r) => [Number(r[0]) * 1000, r[file.col('Descriptor')]]);
    expect(markers.length).toBeGreaterThan(0);
    const offsetUs = headerOffsetUs('P01');
    const stored = await query(study, `SELECT t_us, attributes->>'Descriptor' FROM events WHERE session_id = 'S01' AND kind = 'logdata' AND label = 'TutorTransaction' ORDER BY t_us`);
    expect(stored).toEqual(markers.map(([t, id]) => [Number(t) + offsetUs, id]));

    const lost = file.samples().filter((r) => r[file.col('ValidityLeft')] === '4' && r[file.col('ValidityRight')] === '4').length;
    const leftLost = file.samples().filter((r) => r[file.col('ValidityLeft')] === '4').length;
    expect(lost).toBeGreaterThan(0);
    expect(await query(study, `
      SELECT count(*) FILTER (WHERE x IS NULL), count(*) FILTER (WHERE left_x IS NULL), count(*) FILTER (WHERE NOT valid_left),
             min(t_us), count(*) FILTER (WHERE ${SENTINEL})
      FROM gaze_samples WHERE session_id = 'S01'`)).toEqual([[lost, leftLost, leftLost, offsetUs, 0]]);
  });

  it('rebuilds fixations from FixationIndex runs with the mapped point and duration of the export', async () => {
    const file = await readExport(join(demoDir.dir, DEMO_PATHS.tobii('P01')));
    const c = (name: string): number => file.col(name);
    const firstFixation = file.samples().find((r) => r[c('FixationIndex')] === '2');
    const t = Number(firstFixation?.[c('MicroSecondTimestamp')]);
    const offsetUs = headerOffsetUs('P01');
    expect(await query(study, `SELECT start_us, end_us, x, y, eye FROM fixations WHERE session_id = 'S01' ORDER BY start_us LIMIT 1 OFFSET 1`)).toEqual([
      [t + offsetUs, t + offsetUs + Number(firstFixation?.[c('FixationDuration')]) * 1000, Number(firstFixation?.[c('MappedFixationPointX')]), Number(firstFixation?.[c('MappedFixationPointY')]), 'both'],
    ]);
    const pupils = await query(study, `SELECT min(pupil), max(pupil) FROM fixations WHERE session_id = 'S01'`);
    expect(Number(pupils[0]?.[0])).toBeGreaterThan(2.5);
    expect(Number(pupils[0]?.[1])).toBeLessThan(5);
  });

  it('counts, and never stores, the rows of a participant who withdrew (P06)', async () => {
    const path = join(demoDir.dir, DEMO_PATHS.tobii('P06'));
    const file = await readExport(path);
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P06', session_id: 'S06' });
    const fixationIndex = file.col('FixationIndex');
    const runs = file.samples().filter((r, i, all) => r[fixationIndex] !== '' && r[fixationIndex] !== all[i - 1]?.[fixationIndex]).length;
    expect(summary.files[0]?.streams).toEqual([]);
    expect(summary.files[0]?.refused.map((r) => [r.kind, r.consent, r.rows])).toEqual([
      ['eye_markers', 'withdrawn', file.events().length],
      ['gaze', 'withdrawn', file.samples().length],
      ['fixations', 'withdrawn', runs],
    ]);
    expect(await query(study, `SELECT count(*) FROM gaze_samples WHERE participant_id = 'P06'`)).toEqual([[0]]);
  });
});

describe('broken or unusual Tobii exports', () => {
  let demoDir: { dir: string; remove: () => Promise<void> };
  let study: TestStudy;
  let text: string;
  let lines: string[];
  let header: number;

  beforeAll(async () => {
    demoDir = await tempDir('weft-demo-tobii-bad-');
    await generateDemo(demoDir.dir, { minutes: 0.5, participants: 1 });
    text = await readFile(join(demoDir.dir, DEMO_PATHS.tobii('P01')), 'utf8');
    lines = text.split('\n');
    header = lines.findIndex((l) => l.startsWith('Timestamp\t'));
    study = await createTestStudy({ dataBasis: SECONDARY, timeZone: 'America/New_York' });
  });
  afterAll(async () => {
    await study.close();
    await demoDir.remove();
  });

  /** Index (in `lines`) of the n-th sample row after the header. */
  const sampleRow = (n: number): number => {
    let seen = 0;
    for (let i = header + 1; i < lines.length; i += 1) {
      if ((lines[i] ?? '').split('\t')[21] === '' && (seen += 1) === n) return i;
    }
    throw new Error(`no sample ${n}`);
  };

  async function write(name: string, content: string): Promise<string> {
    const path = join(demoDir.dir, name);
    await writeFile(path, content);
    return path;
  }

  async function state(): Promise<unknown[][]> {
    return query(study, `SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM streams), (SELECT count(*) FROM gaze_samples), (SELECT count(*) FROM events), (SELECT count(*) FROM fixations), (SELECT count(*) FROM audit_log)`);
  }

  async function importError(path: string): Promise<WeftError> {
    const before = await state();
    const error = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'the import should have failed').toBeInstanceOf(WeftError);
    expect(await state(), 'a failed import must leave the study unchanged').toEqual(before);
    return error as WeftError;
  }

  it('a file cut off in its last row', async () => {
    const last = sampleRow(600);
    const cut = [...lines.slice(0, last), (lines[last] ?? '').slice(0, 90)].join('\n');
    const path = await write('cut-All-Data.tsv', cut);
    const error = await importError(path);
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.location).toMatchObject({ file: path, line: last + 1, column: expect.any(Number) as number });
    expect(error.message).toMatch(/fields where the header has 43 \(too few: the row ends before ".*"; is the file tab-separated, and is this row complete\?\)/);
  });

  it('a sample row with too few fields', async () => {
    const row = sampleRow(50);
    const altered = [...lines];
    const cells = (altered[row] ?? '').split('\t');
    cells.splice(9, 1);
    altered[row] = cells.join('\t');
    const path = await write('short-row-All-Data.tsv', altered.join('\n'));
    const error = await importError(path);
    expect(error.location).toMatchObject({ file: path, line: row + 1 });
    expect(error.message).toContain('42 fields where the header has 43 (too few');
  });

  it('a timestamp that is not a number', async () => {
    const row = sampleRow(20);
    const altered = [...lines];
    altered[row] = (altered[row] ?? '').replace(/^\d+/, '3l7');
    const path = await write('bad-time-All-Data.tsv', altered.join('\n'));
    const error = await importError(path);
    expect(error.location).toEqual({ file: path, line: row + 1, column: 1 });
    expect(error.message).toBe(`${path}:${row + 1}:1: "3l7" in column "Timestamp" is not a number`);
  });

  it('a Recording date Weft cannot read', async () => {
    const path = await write('bad-date-All-Data.tsv', text.replace(/^Recording date:\t .*$/m, 'Recording date:\t 19. Oktober 2026'));
    const line = lines.findIndex((l) => l.startsWith('Recording date:')) + 1;
    const error = await importError(path);
    expect(error.location).toMatchObject({ file: path, line, column: 18, field: 'Recording date' });
    expect(error.message).toContain('Recording date "19. Oktober 2026" is not a date Weft can read');
  });

  it('timestamps going backwards are kept, with a warning', async () => {
    const row = sampleRow(30);
    const altered = [...lines];
    [altered[row], altered[row + 1]] = [altered[row + 1] ?? '', altered[row] ?? ''];
    const path = await write('swapped-All-Data.tsv', altered.join('\n'));
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S-swapped' });
    expect(summary.files[0]?.warnings.map((w) => [w.message, w.location?.line])).toEqual([
      ['1 timestamp in the gaze stream went backwards; rows were kept in file order (the views sort by time)', row + 2],
    ]);
  });

  it('a date that reads either way takes its order from Export date, or is read day/month/year with a warning', async () => {
    const byExport = await write('mdy-All-Data.tsv', text.replace(/^Recording date:\t .*$/m, 'Recording date:\t 10/12/2026'));
    const assumed = await write('either-All-Data.tsv', text.replace(/^Recording date:\t .*$/m, 'Recording date:\t 10/12/2026').replace(/^Export date:\t .*$/m, 'Export date:\t 11/12/2026'));
    const first = await study.client.call('session.import', { files: [byExport], participant_id: 'P01', session_id: 'S-mdy' });
    expect(first.files[0]?.warnings).toEqual([]);
    const second = await study.client.call('session.import', { files: [assumed], participant_id: 'P01', session_id: 'S-either' });
    expect(second.files[0]?.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^Recording date "10\/12\/2026" reads as a date either day\/month\/year or month\/day\/year.*read day\/month\/year/)]);
    // The same wall-clock time on 12 October (EDT, UTC-4) and on 10 December (EST, UTC-5).
    const [[either, mdy]] = (await query(study, `SELECT (SELECT started_at FROM sessions WHERE session_id = 'S-either'), (SELECT started_at FROM sessions WHERE session_id = 'S-mdy')`)) as [[string, string]];
    expect([either.slice(0, 10), mdy.slice(0, 10)]).toEqual(['2026-12-10', '2026-10-12']);
    expect(Date.parse(either) - Date.parse(mdy)).toBe((59 * 24 + 1) * 3_600_000);
  });

  it('an export without its preamble: detected less surely, placed at session time 0 with a warning', async () => {
    const path = await write('bare-All-Data.tsv', lines.slice(header).join('\n'));
    expect(tobiiStudioTsv.detect(await inspectSource(path))).toBe(0.6);
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S-bare' });
    expect(summary.files[0]?.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^Times in this file count from its device's own time 0, and nothing says when that was in session "S-bare"/)]);
    expect(summary.files[0]?.streams.map((s) => [s.kind, s.start_us, s.clock_source])).toEqual([
      ['eye_markers', 0, 'none given: assumed to start at session time 0'],
      ['gaze', 0, 'none given: assumed to start at session time 0'],
      ['fixations', expect.any(Number), 'none given: assumed to start at session time 0'],
    ]);
  });
});
