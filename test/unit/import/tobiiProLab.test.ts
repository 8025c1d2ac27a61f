import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tobiiProLabTsv } from '../../../src/backend/import/formats/tobiiProLab.js';
import { tobiiStudioTsv } from '../../../src/backend/import/formats/tobiiStudio.js';
import { inspectSource } from '../../../src/backend/import/source.js';
import { WeftError } from '../../../src/core/errors.js';
import { writeConsentCsv } from '../../support/fixtures.js';
import { HAVE_REALDATA, realdata, tempDir } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

/**
 * No real Tobii Pro Lab export is in the test data, so these tests build exports the way Pro Lab
 * writes them: the "Data export" column set of the Pro Lab User Manual, in the two naming styles
 * real exports show — units in brackets (Pro Lab 1.18 and later: "Gaze point X [DACS px]",
 * "Recording timestamp [μs]") and units in parentheses with unlabelled µs timestamps and decimal
 * commas (earlier versions, as in the EyeT4Empathy data set: "Eye position left X (DACSmm)").
 */
type Style = 'brackets' | 'parentheses';

/** The export's header, and where each column the generator fills is, by a name of its own. */
function columnsOf(style: Style, timestampUnit: 'μs' | 'ms'): { header: string[]; at: (key: string) => number } {
  const u = (bracket: string, paren: string | null): string => (style === 'brackets' ? ` [${bracket}]` : paren === null ? '' : ` (${paren})`);
  const columns: [string, string][] = [
    ['time', `Recording timestamp${style === 'brackets' ? ` [${timestampUnit}]` : ''}`], ['computer', `Computer timestamp${u('μs', null)}`], ['Sensor', 'Sensor'],
    ...['Project name', 'Export date', 'Participant name', 'Recording name', 'Recording date', 'Recording date UTC', 'Recording start time', 'Recording start time UTC',
      'Recording duration', 'Timeline name', 'Recording Fixation filter name', 'Recording software version', 'Recording resolution height',
      'Recording resolution width', 'Recording monitor latency'].map((n): [string, string] => [n, n]),
    ['eyetracker', `Eyetracker timestamp${u('μs', null)}`], ['Event', 'Event'], ['Event value', 'Event value'],
    ['x', `Gaze point X${u('DACS px', null)}`], ['y', `Gaze point Y${u('DACS px', null)}`],
    ['lx', `Gaze point left X${u('DACS px', null)}`], ['ly', `Gaze point left Y${u('DACS px', null)}`],
    ['rx', `Gaze point right X${u('DACS px', null)}`], ['ry', `Gaze point right Y${u('DACS px', null)}`],
    ['pupil left', `Pupil diameter left${u('mm', null)}`], ['pupil right', `Pupil diameter right${u('mm', null)}`],
    ['Validity left', 'Validity left'], ['Validity right', 'Validity right'],
    ...(['left', 'right'] as const).flatMap((side) => ['X', 'Y', 'Z'].map((a): [string, string] => [`eye ${side} ${a}`, `Eye position ${side} ${a}${u('DACS mm', 'DACSmm')}`])),
    ['x norm', `Gaze point X${u('MCS norm', 'MCSnorm')}`], ['y norm', `Gaze point Y${u('MCS norm', 'MCSnorm')}`],
    ['stimulus', 'Presented Stimulus name'], ['media', 'Presented Media name'], ['media width', `Presented Media width${u('px', null)}`], ['media height', `Presented Media height${u('px', null)}`],
    ['type', 'Eye movement type'], ['duration', style === 'brackets' ? 'Eye movement event duration [ms]' : 'Gaze event duration'], ['index', 'Eye movement type index'],
    ['fx', `Fixation point X${u('DACS px', null)}`], ['fy', `Fixation point Y${u('DACS px', null)}`],
    ['fx norm', `Fixation point X${u('MCS norm', 'MCSnorm')}`], ['fy norm', `Fixation point Y${u('MCS norm', 'MCSnorm')}`],
    ['aoi', 'AOI hit [Page1 - Button]'], ['mouse x', `Mouse position X${u('DACS px', null)}`], ['mouse y', `Mouse position Y${u('DACS px', null)}`],
  ];
  const keys = new Map(columns.map(([key], i) => [key, i]));
  return {
    header: columns.map(([, name]) => name),
    at: (key) => {
      const i = keys.get(key);
      if (i === undefined) throw new Error(`no column ${key}`);
      return i;
    },
  };
}

/** One eye-movement stretch: `kind` for `samples` samples; `lost` samples in it lose one or both eyes. */
const SCRIPT: readonly { kind: 'Fixation' | 'Saccade' | 'EyesNotFound' | 'Unclassified'; samples: number; lost?: 'left' | 'both' }[] = [
  { kind: 'EyesNotFound', samples: 3, lost: 'both' },
  { kind: 'Fixation', samples: 40 },
  { kind: 'Saccade', samples: 5 },
  { kind: 'Fixation', samples: 30, lost: 'left' },
  { kind: 'Unclassified', samples: 2 },
  { kind: 'Saccade', samples: 4 },
  { kind: 'Fixation', samples: 50 },
  { kind: 'EyesNotFound', samples: 6, lost: 'both' },
  { kind: 'Fixation', samples: 25 },
];

export interface ProLabTruth {
  readonly text: string;
  readonly header: readonly string[];
  readonly samples: number;
  readonly bothLost: number;
  readonly leftLost: number;
  readonly fixations: readonly { startUs: number; endUs: number; x: number; y: number }[];
  readonly saccades: readonly { startUs: number; endUs: number }[];
  readonly events: readonly { tUs: number; name: string; value: string }[];
  readonly stimulusChanges: number;
  readonly firstSample: { tUs: number; x: number; leftX: number; pupilLeft: number };
}

interface ExportOptions {
  readonly style: Style;
  readonly timestampUnit?: 'μs' | 'ms';
  readonly participant?: string;
  readonly recording?: string;
  readonly decimalComma?: boolean;
  readonly hz?: number;
  readonly startLocal?: readonly [string, string];
  readonly startUtc?: readonly [string, string] | null;
}

export function proLabExport(o: ExportOptions): ProLabTruth {
  const unit = o.timestampUnit ?? 'μs';
  const { header, at } = columnsOf(o.style, unit);
  const num = (v: number, decimals: number): string => {
    const text = v.toFixed(decimals);
    return o.decimalComma === true ? text.replace('.', ',') : text;
  };
  const time = (us: number): string => (unit === 'μs' ? String(us) : num(us / 1000, 3));
  const periodUs = 1e6 / (o.hz ?? 120);
  const [localDate, localTime] = o.startLocal ?? ['2024-03-05', '10:15:30.250'];
  const utc = o.startUtc === undefined ? (['2024-03-05', '09:15:30.250'] as const) : o.startUtc;
  const meta: Record<string, string> = {
    'Project name': 'Reading study', 'Export date': '2024-03-06', 'Participant name': o.participant ?? 'P07', 'Recording name': o.recording ?? 'Recording1',
    'Recording date': localDate, 'Recording date UTC': utc?.[0] ?? '', 'Recording start time': localTime, 'Recording start time UTC': utc?.[1] ?? '',
    'Recording duration': '2000', 'Timeline name': 'Timeline1', 'Recording Fixation filter name': 'Tobii I-VT (Fixation)', 'Recording software version': '1.241.54542',
    'Recording resolution height': '1080', 'Recording resolution width': '1920', 'Recording monitor latency': '10',
  };
  const lines: string[] = [header.join('\t')];
  const row = (tUs: number): string[] => {
    const cells = new Array<string>(header.length).fill('');
    cells[0] = time(tUs);
    cells[at('computer')] = String(1_709_630_130_250_000 + tUs);
    for (const [name, value] of Object.entries(meta)) cells[at(name)] = value;
    return cells;
  };
  const events: { tUs: number; name: string; value: string }[] = [];
  const event = (tUs: number, name: string, value: string, movement?: readonly string[]): void => {
    const cells = row(tUs);
    cells[at('Event')] = name;
    cells[at('Event value')] = value;
    if (movement !== undefined) {
      cells[at('type')] = movement[0] ?? '';
      cells[at('index')] = movement[1] ?? '';
    }
    lines.push(cells.join('\t'));
    events.push({ tUs, name, value });
  };
  event(0, 'RecordingStart', '');
  const fixations: { startUs: number; endUs: number; x: number; y: number }[] = [];
  const saccades: { startUs: number; endUs: number }[] = [];
  const indices: Record<string, number> = {};
  let k = 0;
  let bothLost = 0;
  let leftLost = 0;
  let stimulus = '';
  let stimulusChanges = 0;
  let firstSample: ProLabTruth['firstSample'] | undefined;
  SCRIPT.forEach((stretch, s) => {
    const index = (indices[stretch.kind] = (indices[stretch.kind] ?? 0) + 1);
    const startUs = Math.round(k * periodUs);
    const durationMs = Math.round((stretch.samples * periodUs) / 100) / 10;
    const fx = 300 + 200 * s;
    const fy = 500 + 10 * s;
    if (stretch.kind === 'Fixation') fixations.push({ startUs, endUs: startUs + Math.round(durationMs * 1000), x: fx, y: fy });
    if (stretch.kind === 'Saccade') saccades.push({ startUs, endUs: startUs + Math.round(durationMs * 1000) });
    for (let j = 0; j < stretch.samples; j += 1, k += 1) {
      const tUs = Math.round(k * periodUs);
      if (k === 45) event(tUs + 1, 'ImageStimulusStart', 'Page1', [stretch.kind, String(index)]);
      if (k === 100) event(tUs + 1, 'MouseEvent', 'Down, Left', [stretch.kind, String(index)]);
      if (k === 140) event(tUs + 1, 'ImageStimulusEnd', 'Page1', [stretch.kind, String(index)]);
      const nowStimulus = k > 45 && k <= 140 ? 'Page1' : '';
      if (nowStimulus !== stimulus) {
        stimulus = nowStimulus;
        stimulusChanges += 1;
      }
      const cells = row(tUs);
      cells[at('Sensor')] = 'Eye Tracker';
      cells[at('eyetracker')] = String(4_000_000_000 + tUs);
      const lostLeft = stretch.lost !== undefined && j % 2 === 0;
      const lostRight = stretch.lost === 'both' && j % 2 === 0;
      if (lostLeft && lostRight) bothLost += 1;
      else if (lostLeft) leftLost += 1;
      const x = fx + (j % 5) - 2;
      const y = fy + (j % 3) - 1;
      const lx = x - 3;
      const rx = x + 3;
      if (!lostLeft || !lostRight) {
        cells[at('x')] = String(lostLeft ? rx : x);
        cells[at('y')] = String(y);
        cells[at('x norm')] = num(x / 1920, 4);
        cells[at('y norm')] = num(y / 1080, 4);
      }
      if (!lostLeft) {
        [cells[at('lx')], cells[at('ly')], cells[at('pupil left')]] = [String(lx), String(y), num(3.1 + j / 1000, 3)];
        for (const [axis, v] of [['X', -31.5], ['Y', 12.25], ['Z', 612.5]] as const) cells[at(`eye left ${axis}`)] = num(v, 2);
      }
      if (!lostRight) {
        [cells[at('rx')], cells[at('ry')], cells[at('pupil right')]] = [String(rx), String(y), num(3.3, 3)];
        for (const [axis, v] of [['X', 31.5], ['Y', 12.5], ['Z', 610]] as const) cells[at(`eye right ${axis}`)] = num(v, 2);
      }
      cells[at('Validity left')] = lostLeft ? 'Invalid' : 'Valid';
      cells[at('Validity right')] = lostRight ? 'Invalid' : 'Valid';
      cells[at('stimulus')] = nowStimulus;
      cells[at('media')] = nowStimulus === '' ? '' : 'page1.png';
      if (nowStimulus !== '') [cells[at('media width')], cells[at('media height')]] = ['1920', '1080'];
      cells[at('type')] = stretch.kind;
      cells[at('duration')] = num(durationMs, 1).replace(/[.,]0$/, '');
      cells[at('index')] = String(index);
      if (stretch.kind === 'Fixation') {
        [cells[at('fx')], cells[at('fy')]] = [String(fx), String(fy)];
        [cells[at('fx norm')], cells[at('fy norm')]] = [num(fx / 1920, 4), num(fy / 1080, 4)];
      }
      if (nowStimulus !== '') cells[at('aoi')] = stretch.kind === 'Fixation' && s === 3 ? '1' : '0';
      lines.push(cells.join('\t'));
      if (!lostLeft) firstSample ??= { tUs, x: lostLeft ? rx : x, leftX: lx, pupilLeft: Number((3.1 + j / 1000).toFixed(3)) };
    }
  });
  event(Math.round(k * periodUs), 'RecordingEnd', '', ['Fixation', String(indices['Fixation'])]);
  if (firstSample === undefined) throw new Error('no samples');
  return { text: `${lines.join('\n')}\n`, header, samples: k, bothLost, leftLost, fixations, saccades, events, stimulusChanges, firstSample };
}

async function query(study: TestStudy, sql: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql })).rows;
}

describe('Tobii Pro Lab data export', () => {
  let dir: { dir: string; remove: () => Promise<void> };
  let study: TestStudy;

  beforeAll(async () => {
    dir = await tempDir('weft-prolab-');
    study = await createTestStudy({ dataBasis: SECONDARY, timeZone: 'Europe/Stockholm' });
  });
  afterAll(async () => {
    await study.close();
    await dir.remove();
  });

  async function write(name: string, text: string): Promise<string> {
    const path = join(dir.dir, name);
    await writeFile(path, text);
    return path;
  }

  it('is detected in both naming styles, and Tobii Studio exports are not taken for it', async () => {
    const brackets = await write('detect-brackets.tsv', proLabExport({ style: 'brackets' }).text);
    const parentheses = await write('detect-parentheses.tsv', proLabExport({ style: 'parentheses', decimalComma: true }).text);
    for (const path of [brackets, parentheses]) {
      const source = await inspectSource(path);
      expect([tobiiProLabTsv.detect(source), tobiiStudioTsv.detect(source)]).toEqual([1, 0]);
    }
    if (HAVE_REALDATA) {
      expect(tobiiProLabTsv.detect(await inspectSource(realdata('eyetracking_emdat', 'TobiiStudio2_CSP_applet', 'P63-All-Data.tsv')))).toBe(0);
    }
  });

  it('units in brackets: samples, fixation and saccade runs, events and stimulus changes, placed by the UTC start', async () => {
    const truth = proLabExport({ style: 'brackets', participant: 'P07' });
    const path = await write('P07.tsv', truth.text);
    const summary = await study.client.call('session.import', { files: [path] });
    expect(summary.files[0]?.format).toBe('tobii-pro-lab-tsv');
    expect(summary.files[0]?.warnings).toEqual([]);
    expect(summary.files[0]?.streams.map((s) => [s.kind, s.rows, s.participant_id, s.clock_source])).toEqual([
      ['gaze', truth.samples, 'P07', 'recording start time in the file'],
      ['eye_markers', truth.events.length + truth.stimulusChanges, 'P07', 'recording start time in the file'],
      ['fixations', truth.fixations.length, 'P07', 'recording start time in the file'],
      ['saccades', truth.saccades.length, 'P07', 'recording start time in the file'],
    ]);
    expect(await query(study, `SELECT started_at FROM sessions WHERE participant_id = 'P07'`)).toEqual([['2024-03-05T09:15:30.25Z']]);
    expect(await query(study, `SELECT start_us, end_us, x, y FROM fixations WHERE participant_id = 'P07' ORDER BY start_us`)).toEqual(truth.fixations.map((f) => [f.startUs, f.endUs, f.x, f.y]));
    expect(await query(study, `SELECT start_us, end_us, start_x, amplitude_deg FROM saccades WHERE participant_id = 'P07' ORDER BY start_us`)).toEqual(truth.saccades.map((f) => [f.startUs, f.endUs, null, null]));
    expect(await query(study, `
      SELECT count(*) FILTER (WHERE x IS NULL AND NOT valid_left AND NOT valid_right),
             count(*) FILTER (WHERE NOT valid_left AND valid_right AND left_x IS NULL AND x = right_x),
             count(*) FILTER (WHERE valid_left AND valid_right AND x IS NOT NULL)
      FROM gaze_samples WHERE participant_id = 'P07'`)).toEqual([[truth.bothLost, truth.leftLost, truth.samples - truth.bothLost - truth.leftLost]]);
    const first = truth.firstSample;
    expect(await query(study, `SELECT t_us, x, left_x, pupil_left FROM gaze_samples WHERE participant_id = 'P07' AND valid_left ORDER BY t_us LIMIT 1`)).toEqual([[first.tUs, first.x, first.leftX, first.pupilLeft]]);
    expect(await query(study, `SELECT t_us, kind, label, attributes->>'Presented Stimulus name' FROM events WHERE participant_id = 'P07' AND kind <> 'presented_stimulus' ORDER BY t_us`)).toEqual(
      truth.events.map((e) => [e.tUs, e.name.toLowerCase(), e.value === '' ? null : e.value, null]),
    );
    expect(await query(study, `SELECT label FROM events WHERE participant_id = 'P07' AND kind = 'presented_stimulus' ORDER BY t_us`)).toEqual([['Page1'], [null]]);
  });

  it('keeps the columns beyond the views as signals, and the recording metadata without the participant\'s name', async () => {
    const truth = proLabExport({ style: 'brackets', participant: 'P07' });
    const signals = Object.fromEntries((await query(study, `SELECT name, count(*) FROM signals WHERE participant_id = 'P07' GROUP BY name`)).map(([n, c]) => [n, c]));
    const events = truth.events.length;
    expect(signals).toMatchObject({
      computer_timestamp_μs: truth.samples + events,
      eyetracker_timestamp_μs: truth.samples,
      eye_position_left_z_dacs_mm: truth.samples - truth.bothLost - truth.leftLost,
      gaze_point_x_mcs_norm: truth.samples - truth.bothLost,
      aoi_hit_page1_button: 95,
    });
    const [[provenance]] = (await query(study, `SELECT provenance FROM streams WHERE participant_id = 'P07' AND kind = 'gaze'`)) as [[string]];
    const p = JSON.parse(provenance) as { recording: Record<string, string>; clock: Record<string, string>; signals: Record<string, string> };
    expect(p.recording).toMatchObject({ 'Recording name': 'Recording1', 'Recording software version': '1.241.54542', 'Recording resolution width': '1920', 'Recording Fixation filter name': 'Tobii I-VT (Fixation)' });
    expect(p.recording).not.toHaveProperty(['Participant name']);
    expect(p.clock).toMatchObject({ origin: 'Recording date UTC + Recording start time UTC', timestamps: 'stated by the header "Recording timestamp [μs]"' });
    expect(p.signals['Eye position left Z [DACS mm]']).toBe('eye_position_left_z_dacs_mm');
  });

  it('units in parentheses with decimal commas and unlabelled µs timestamps, placed by local time in the study zone', async () => {
    const truth = proLabExport({ style: 'parentheses', participant: 'P08', decimalComma: true, startUtc: null });
    const path = await write('P08.tsv', truth.text);
    const summary = await study.client.call('session.import', { files: [path] });
    const warnings = summary.files[0]?.warnings.map((w) => w.message) ?? [];
    expect(warnings[0]).toBe('"Recording timestamp" states no unit; it was read as microseconds, because the eye tracker\'s samples are 8333 apart (median of the first 164)');
    expect(warnings.slice(1)).toEqual(expect.arrayContaining([expect.stringMatching(/^column "Pupil diameter left": \d+ decimal commas were read as decimal points \(first at line \d+\)$/)]));
    expect(summary.files[0]?.streams.map((s) => [s.kind, s.rows])).toEqual([
      ['gaze', truth.samples],
      ['eye_markers', truth.events.length + truth.stimulusChanges],
      ['fixations', truth.fixations.length],
      ['saccades', truth.saccades.length],
    ]);
    // 10:15:30.250 in Stockholm (UTC+1 in March).
    expect(await query(study, `SELECT started_at FROM sessions WHERE participant_id = 'P08'`)).toEqual([['2024-03-05T09:15:30.25Z']]);
    expect(await query(study, `SELECT round(pupil_left, 3) FROM gaze_samples WHERE participant_id = 'P08' AND valid_left ORDER BY t_us LIMIT 1`)).toEqual([[truth.firstSample.pupilLeft]]);
    expect(await query(study, `SELECT start_us, end_us FROM fixations WHERE participant_id = 'P08' ORDER BY start_us`)).toEqual(truth.fixations.map((f) => [f.startUs, f.endUs]));
  });

  it('millisecond timestamps, and two participants\' recordings in one export', async () => {
    const a = proLabExport({ style: 'brackets', timestampUnit: 'ms', participant: 'P21', recording: 'Recording3' });
    const b = proLabExport({ style: 'brackets', timestampUnit: 'ms', participant: 'P22', recording: 'Recording4', startUtc: ['2024-03-05', '11:00:00.000'] });
    const [header = '', ...rowsB] = b.text.replace(/\n$/, '').split('\n');
    expect(header).toBe(a.text.split('\n')[0]);
    const path = await write('two.tsv', `${a.text}${rowsB.join('\n')}\n`);
    const summary = await study.client.call('session.import', { files: [path] });
    expect(summary.files[0]?.streams.map((s) => [s.kind, s.participant_id, s.rows])).toEqual([
      ['gaze', 'P21', a.samples],
      ['eye_markers', 'P21', a.events.length + a.stimulusChanges],
      ['fixations', 'P21', a.fixations.length],
      ['saccades', 'P21', a.saccades.length],
      ['gaze', 'P22', b.samples],
      ['eye_markers', 'P22', b.events.length + b.stimulusChanges],
      ['fixations', 'P22', b.fixations.length],
      ['saccades', 'P22', b.saccades.length],
    ]);
    expect(await query(study, `SELECT participant_id, started_at FROM sessions WHERE participant_id IN ('P21', 'P22') ORDER BY 1`)).toEqual([['P21', '2024-03-05T09:15:30.25Z'], ['P22', '2024-03-05T11:00:00Z']]);
    // 8.333 ms → 8333 µs: ms with decimals keep their microseconds.
    expect(await query(study, `SELECT t_us FROM gaze_samples WHERE participant_id = 'P21' ORDER BY t_us LIMIT 2`)).toEqual([[0], [8333]]);
    const error = await study.client.call('session.import', { files: [await write('two-again.tsv', `${a.text}${rowsB.join('\n')}\n\n`)], participant_id: 'P21' }).then(() => undefined, (e: unknown) => e);
    expect((error as WeftError).code).toBe('CONFLICT');
  });

  it('rows of other sensors (glasses) carry signals, not gaze samples', async () => {
    const truth = proLabExport({ style: 'brackets', participant: 'P30' });
    const lines = truth.text.replace(/\n$/, '').split('\n');
    const header = `${lines[0] ?? ''}\tGyro X [°/s]`;
    const sensor = header.split('\t').indexOf('Sensor');
    const rows = lines.slice(1).map((l) => `${l}\t`);
    const gyro = rows.slice(0, 3).map((l, i) => {
      const cells = l.split('\t');
      cells[sensor] = 'Gyroscope';
      cells[cells.length - 1] = String(1.5 + i);
      for (const name of ['Event', 'Event value']) cells[header.split('\t').indexOf(name)] = '';
      return cells.join('\t');
    });
    const path = await write('glasses.tsv', [header, ...rows, ...gyro].join('\n') + '\n');
    const summary = await study.client.call('session.import', { files: [path] });
    expect(summary.files[0]?.streams.find((s) => s.kind === 'gaze')?.rows).toBe(truth.samples);
    expect(await query(study, `SELECT count(*), sum(value) FROM signals WHERE participant_id = 'P30' AND name = 'gyro_x_s'`)).toEqual([[3, 7.5]]);
  });
});

describe('broken Tobii Pro Lab exports', () => {
  let dir: { dir: string; remove: () => Promise<void> };
  let study: TestStudy;
  let good: ProLabTruth;

  beforeAll(async () => {
    dir = await tempDir('weft-prolab-bad-');
    study = await createTestStudy({ dataBasis: SECONDARY });
    good = proLabExport({ style: 'brackets', participant: 'P01' });
  });
  afterAll(async () => {
    await study.close();
    await dir.remove();
  });

  const lines = (): string[] => good.text.replace(/\n$/, '').split('\n');
  const col = (name: string): number => good.header.findIndex((h) => h === name || h.startsWith(`${name} [`));

  async function write(name: string, content: string | readonly string[]): Promise<string> {
    const path = join(dir.dir, name);
    await writeFile(path, typeof content === 'string' ? content : `${content.join('\n')}\n`);
    return path;
  }

  async function state(): Promise<unknown[][]> {
    return query(study, `SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM streams), (SELECT count(*) FROM gaze_samples), (SELECT count(*) FROM events), (SELECT count(*) FROM signals), (SELECT count(*) FROM audit_log)`);
  }

  async function importError(path: string, extra: Record<string, unknown> = {}): Promise<WeftError> {
    const before = await state();
    const error = await study.client.call('session.import', { files: [path], ...extra }).then(() => undefined, (e: unknown) => e);
    expect(error, 'the import should have failed').toBeInstanceOf(WeftError);
    expect(await state(), 'a failed import must leave the study unchanged').toEqual(before);
    return error as WeftError;
  }

  it('a file cut off in its last row', async () => {
    const all = lines();
    const path = await write('cut.tsv', `${[...all.slice(0, -1), (all[all.length - 1] ?? '').slice(0, 30)].join('\n')}`);
    const error = await importError(path);
    expect(error.location).toMatchObject({ file: path, line: all.length });
    expect(error.message).toMatch(/fields where the header has 53 \(too few: the row ends before ".*"; is the file tab-separated, and is this row complete\?\)/);
  });

  it('a comma-separated export, forced as Pro Lab', async () => {
    const path = await write('commas.csv', lines().map((l) => l.replaceAll('\t', ',')));
    expect(tobiiProLabTsv.detect(await inspectSource(path))).toBe(0);
    const error = await importError(path, { format: 'tobii-pro-lab-tsv' });
    expect(error.location).toEqual({ file: path, line: 1 });
    expect(error.message).toContain('a Tobii Pro Lab data export needs a "Recording timestamp" column');
  });

  it('a damaged timestamp, and a validity that is neither Valid, Invalid nor a code', async () => {
    const damaged = lines();
    damaged[10] = (damaged[10] ?? '').replace(/^\d+/, '7O000');
    const path = await write('bad-time.tsv', damaged);
    expect((await importError(path)).message).toBe(`${path}:11:1: "7O000" in column "Recording timestamp [μs]" is not a number`);
    const validity = lines();
    const cells = (validity[12] ?? '').split('\t');
    cells[col('Validity left')] = 'Maybe';
    validity[12] = cells.join('\t');
    const bad = await write('bad-validity.tsv', validity);
    const error = await importError(bad);
    expect(error.location).toMatchObject({ file: bad, line: 13 });
    expect(error.message).toBe(`${bad}:13:${error.location?.column ?? 0}: "Maybe" in column "Validity left" is neither Valid, Invalid nor a Tobii validity code (0 to 4)`);
    expect(error.location?.column).toBe(validity[12]?.split('\t').slice(0, col('Validity left')).join('\t').length + 2);
  });

  it('a start time a spreadsheet reformatted is reported and not used; infinity is missing, with a warning', async () => {
    const text = good.text.replaceAll('\t09:15:30.250\t', '\t15:30.3\t').replaceAll('\t10:15:30.250\t', '\t15:30.3\t');
    const all = text.replace(/\n$/, '').split('\n');
    const cells = (all[5] ?? '').split('\t');
    cells[col('Pupil diameter right')] = 'Infinity';
    all[5] = cells.join('\t');
    const summary = await study.client.call('session.import', { files: [await write('excel.tsv', all)], participant_id: 'P02' });
    expect(summary.files[0]?.warnings.map((w) => w.message)).toEqual([
      'the recording start ("2024-03-05" "15:30.3") does not read as a date (YYYY-MM-DD) and time (HH:MM:SS.mmm), as Pro Lab writes them (a spreadsheet program may have reformatted it); the recording was not placed by it: give clock_offset_s or session_start',
      expect.stringMatching(/^Times in this file count from its device's own time 0/),
      'column "Pupil diameter right [mm]": 1 infinite values were stored as missing (first at line 6)',
    ]);
  });

  it('unlabelled timestamps whose spacing fits neither ms nor µs', async () => {
    const text = proLabExport({ style: 'parentheses', hz: 1e6 / 200 }).text;
    const path = await write('unlabelled.tsv', text);
    const error = await importError(path);
    expect(error.message).toContain('"Recording timestamp" states no unit and the first samples\' spacing does not tell milliseconds from microseconds');
  });

  it('never stores the data of a participant without gaze consent', async () => {
    const consenting = await createTestStudy();
    try {
      await consenting.client.call('session.import', { files: [await writeConsentCsv(dir.dir, [{ id: 'P01', refuse: ['gaze'] }])] });
      const summary = await consenting.client.call('session.import', { files: [await write('refused.tsv', good.text)] });
      expect(summary.files[0]?.refused.map((r) => [r.kind, r.consent, r.rows])).toEqual([
        ['gaze', 'refused', good.samples],
        ['eye_markers', 'refused', good.events.length + good.stimulusChanges],
        ['fixations', 'refused', good.fixations.length],
        ['saccades', 'refused', good.saccades.length],
      ]);
      expect(await query(consenting, `SELECT (SELECT count(*) FROM gaze_samples), (SELECT count(*) FROM signals), (SELECT count(*) FROM sessions)`)).toEqual([[0, 0, 0]]);
    } finally {
      await consenting.close();
    }
  });
});
