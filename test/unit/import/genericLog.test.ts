import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WeftError } from '../../../src/core/errors.js';
import { writeConsentCsv } from '../../support/fixtures.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

const CSV_HEADER = 'user,ts,event,result,item,part,kc,try,rt_ms,p_conf,device';
const CSV_ROWS = [
  'u1,2026-03-02T14:00:00.000Z,submit,wrong,frac-1,denominator,common-denominator,1,5400,0.61,tablet-3',
  'u1,2026-03-02T14:00:09.500Z,hint,,frac-1,denominator,common-denominator,,1200,0.72,tablet-3',
  'u1,2026-03-02T14:00:20.000Z,submit,right,frac-1,denominator,common-denominator,2,3100,0.40,tablet-3',
  'u2,2026-03-02T14:05:00.000Z,submit,right,frac-1,denominator,common-denominator,1,2500,,tablet-4',
];
const CSV_MAPPING = {
  format: 'weft-log-mapping',
  columns: {
    participant: 'user',
    time: 'ts',
    time_format: 'iso',
    kind: 'event',
    kinds: { submit: 'attempt', hint: 'hint_request' },
    outcome: 'result',
    outcomes: { right: 'CORRECT', wrong: 'INCORRECT' },
    problem: 'item',
    step: 'part',
    skill: 'kc',
    attempt: 'try',
    duration: 'rt_ms',
    duration_unit: 'ms',
    signals: { confusion_probability: 'p_conf' },
  },
};

/** Column (from 1) where field `index` of a comma-separated line starts. */
const columnOf = (line: string, index: number): number => line.split(',').slice(0, index).reduce((c, f) => c + f.length + 1, 1);
const field = (name: string): number => CSV_HEADER.split(',').indexOf(name);

async function query(study: TestStudy, sql: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql })).rows;
}

describe('generic event logs with a weft-log-mapping file', () => {
  let study: TestStudy;
  let dir: string;
  beforeEach(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY, timeZone: 'Europe/Berlin' });
    dir = join(study.root, 'logs');
    await mkdir(dir);
  });
  afterEach(async () => {
    await study.close();
  });

  async function state(): Promise<unknown[][]> {
    return query(study, 'SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM sessions), (SELECT count(*) FROM streams), (SELECT count(*) FROM events), (SELECT count(*) FROM signals), (SELECT count(*) FROM audit_log)');
  }
  async function importError(files: string[], extra: Record<string, unknown> = {}): Promise<WeftError> {
    const before = await state();
    const error = await study.client.call('session.import', { files, ...extra }).then(() => undefined, (e: unknown) => e);
    expect(error, 'the import should have failed').toBeInstanceOf(WeftError);
    expect(await state(), 'a failed import leaves the study unchanged').toEqual(before);
    return error as WeftError;
  }
  async function csvLog(rows: string[] = CSV_ROWS, mapping: unknown = CSV_MAPPING, header = CSV_HEADER): Promise<string> {
    const path = join(dir, 'clicks.csv');
    await writeFile(path, [header, ...rows].join('\n') + '\n');
    await writeFile(`${path}.mapping.json`, JSON.stringify(mapping, null, 2));
    return path;
  }

  it('a CSV log with its mapping beside it: detected, every field mapped, kinds and outcomes normalised, signals and other columns kept', async () => {
    const path = await csvLog();
    const summary = await study.client.call('session.import', { files: [path] });
    const file = summary.files[0];
    expect(file?.format).toBe('generic-log');
    expect(file?.warnings).toEqual([]);
    expect(file?.streams.map((s) => [s.participant_id, s.rows])).toEqual([['u1', 3], ['u2', 1]]);
    expect(await query(study, `SELECT t_us, kind, outcome, problem, step, skill, attempt, duration_us, attributes FROM events WHERE participant_id = 'u1' ORDER BY t_us`)).toEqual([
      [0, 'attempt', 'INCORRECT', 'frac-1', 'denominator', 'common-denominator', 1, 5_400_000, '{"device":"tablet-3"}'],
      [9_500_000, 'hint_request', null, 'frac-1', 'denominator', 'common-denominator', null, 1_200_000, '{"device":"tablet-3"}'],
      [20_000_000, 'attempt', 'CORRECT', 'frac-1', 'denominator', 'common-denominator', 2, 3_100_000, '{"device":"tablet-3"}'],
    ]);
    expect(await query(study, `SELECT participant_id, t_us, value FROM signals WHERE name = 'confusion_probability' ORDER BY participant_id, t_us`)).toEqual([
      ['u1', 0, 0.61],
      ['u1', 9_500_000, 0.72],
      ['u1', 20_000_000, 0.4],
      ['u2', 0, null],
    ]);
    expect(await query(study, `SELECT count(*), count(*) FILTER (WHERE help_request), max(attempt) FROM interaction_features WHERE participant_id = 'u1'`)).toEqual([[3, 1, 2]]);
    const [provenance] = await query(study, `SELECT provenance->'columns'->>'ts', provenance->'mapping'->>'sha256' FROM streams LIMIT 1`);
    expect(provenance?.[0]).toBe('time');
    expect(String(provenance?.[1])).toMatch(/^[0-9a-f]{64}$/);
  });

  it('JSON lines with the folder\'s mapping: epoch milliseconds, nested values kept as JSON', async () => {
    const path = join(dir, 'events.jsonl');
    await writeFile(
      path,
      [
        { who: 'P07', when: 1_772_460_000_000, what: 'attempt', ok: 'CORRECT', ctx: { screen: 'fractions', zoom: 2 } },
        { who: 'P07', when: 1_772_460_004_250, what: 'hint_request', ctx: { screen: 'fractions' } },
      ].map((r) => JSON.stringify(r)).join('\n') + '\n',
    );
    await writeFile(join(dir, 'weft-log-mapping.json'), JSON.stringify({ format: 'weft-log-mapping', columns: { participant: 'who', time: 'when', time_format: 'epoch_ms', kind: 'what', outcome: 'ok' } }));
    const summary = await study.client.call('session.import', { files: [path] });
    expect(summary.files[0]?.format).toBe('generic-log');
    expect(await query(study, `SELECT epoch_us(s.started_at) + e.t_us, e.kind, e.outcome, e.attributes->'ctx'->>'zoom' FROM events e JOIN sessions s USING (session_id) ORDER BY e.t_us`)).toEqual([
      [1_772_460_000_000_000, 'attempt', 'CORRECT', '2'],
      [1_772_460_004_250_000, 'hint_request', null, null],
    ]);
  });

  it('relative seconds are placed by the declared clock offset; local times are read in the study time zone with a warning', async () => {
    const relative = join(dir, 'relative.csv');
    await writeFile(relative, 's,action\n0.5,click\n2.25,click\n');
    await writeFile(`${relative}.mapping.json`, JSON.stringify({ format: 'weft-log-mapping', columns: { time: 's', time_format: 'relative_s', kind: 'action' } }));
    const local = join(dir, 'local.csv');
    await writeFile(local, 'time,action\n3/02/2026 15:00:07,click\n');
    await writeFile(`${local}.mapping.json`, JSON.stringify({ format: 'weft-log-mapping', columns: { time: 'time', time_format: 'local', kind: 'action' } }));
    await study.client.call('session.import', { files: [relative], participant_id: 'P01', session_id: 'S01', session_start: '2026-03-02T14:00:00Z', clock_offset_s: 60 });
    expect(await query(study, 'SELECT t_us FROM events ORDER BY t_us')).toEqual([[60_500_000], [62_250_000]]);
    const summary = await study.client.call('session.import', { files: [local], participant_id: 'P01', session_id: 'S01' });
    expect(summary.files[0]?.warnings.map((w) => w.message)).toEqual([
      'time: 1 times are written with slashes, which read day/month or month/day (first at line 2); they were read month/day/year, assumed (no other order can be told from the file; every date in the file also reads the other way)',
    ]);
    // 15:00:07 in Berlin (UTC+1 in March) is 14:00:07 UTC: 7 s after the session start.
    expect(await query(study, `SELECT t_us FROM events WHERE stream_id = (SELECT max(stream_id) FROM streams)`)).toEqual([[7_000_000]]);
  });

  it('a mapped column the log does not have names the mapping file and the key', async () => {
    const path = await csvLog(CSV_ROWS, { ...CSV_MAPPING, columns: { ...CSV_MAPPING.columns, time: 'timestamp' } });
    const error = await importError([path]);
    expect(error.location).toEqual({ file: `${path}.mapping.json`, field: 'columns.time' });
    expect(error.message).toBe(`${path}.mapping.json: columns.time: column "timestamp" is not in the header of ${path} (its columns: ${CSV_HEADER.split(',').join(', ')})`);
  });

  it('an unknown key, and a JSON key no record has, name the mapping file and the key', async () => {
    const path = await csvLog(CSV_ROWS, { ...CSV_MAPPING, columns: { ...CSV_MAPPING.columns, tiem: 'ts' } });
    const unknown = await importError([path]);
    expect(unknown.message).toBe(`${path}.mapping.json: columns.tiem: unknown key; the keys are participant, session, time, time_format, kind, kinds, outcome, outcomes, label, problem, step, selection, action, input, skill, feedback, attempt, duration, duration_unit, signals, delimiter`);
    const json = join(dir, 'events.jsonl');
    await writeFile(json, `${JSON.stringify({ who: 'P07', when: 1_772_460_000_000 })}\n`);
    await writeFile(`${json}.mapping.json`, JSON.stringify({ format: 'weft-log-mapping', columns: { participant: 'who', time: 'when', time_format: 'epoch_ms', kind: 'verb' } }));
    const never = await importError([json]);
    expect(never.message).toBe(`${json}.mapping.json: columns.kind: no record of ${json} has the key "verb"`);
  });

  it('a log without a mapping file says where the mapping goes', async () => {
    const path = join(dir, 'bare.csv');
    await writeFile(path, `${CSV_HEADER}\n${CSV_ROWS[0] ?? ''}\n`);
    expect((await importError([path])).code).toBe('UNSUPPORTED_FORMAT');
    const error = await importError([path], { format: 'generic-log' });
    expect(error.message).toContain(`a generic log needs a mapping file, ${path}.mapping.json (or weft-log-mapping.json in its folder)`);
  });

  it.each([
    ['a damaged timestamp', (r: string) => r.replace('2026-03-02T14:00:09.500Z', '00:09.5'), 3, 'ts', '"00:09.5" in column "ts" is not an ISO 8601 date and time (time_format is iso)'],
    ['a duration that is not a number', (r: string) => r.replace(',1200,', ',1.2k,'), 3, 'rt_ms', '"1.2k" in column "rt_ms" is not a number'],
    ['an attempt that is not a whole number', (r: string) => r.replace(',common-denominator,2,', ',common-denominator,2.5,'), 4, 'try', 'attempt "2.5" in column "try" is not a whole number'],
    ['a participant id with a leading space', (r: string) => r.replace('u1,2026-03-02T14:00:09', ' u1,2026-03-02T14:00:09'), 3, 'user', '" u1" in column "user" cannot be used as a participant id'],
  ])('%s is an error at its cell', async (_what, damage, line, name, message) => {
    const rows = CSV_ROWS.map((r, i) => (i + 2 === line ? damage(r) : r));
    const path = await csvLog(rows);
    const error = await importError([path]);
    expect(error.location).toEqual({ file: path, line, column: columnOf(rows[line - 2] ?? '', field(name)) });
    expect(error.message).toContain(message);
  });

  it('a tab-separated file under a comma mapping, and a row with a field missing', async () => {
    const tabs = await csvLog(CSV_ROWS.map((r) => r.replaceAll(',', '\t')), { ...CSV_MAPPING, columns: { ...CSV_MAPPING.columns, delimiter: ',' } }, CSV_HEADER.replaceAll(',', '\t'));
    expect((await importError([tabs])).message).toContain('columns.participant: column "user" is not in the header');
    const short = await csvLog([CSV_ROWS[0] ?? '', (CSV_ROWS[1] ?? '').replace(/,tablet-3$/, '')]);
    const error = await importError([short]);
    expect(error.location).toMatchObject({ file: short, line: 3 });
    expect(error.message).toMatch(/10 fields where the header has 11 \(too few: the row ends before "device"; is the file comma-separated/);
  });

  it('infinite and NaN values are missing, infinities with one warning; times that repeat or go backwards are reported', async () => {
    const rows = [CSV_ROWS[2] ?? '', (CSV_ROWS[0] ?? '').replace(',0.61,', ',inf,'), (CSV_ROWS[1] ?? '').replace(',0.72,', ',NaN,')];
    const path = await csvLog(rows);
    const summary = await study.client.call('session.import', { files: [path] });
    expect(summary.files[0]?.warnings.map((w) => w.message)).toEqual([
      'column "p_conf": 1 infinite values were stored as missing (first at line 3)',
      '1 timestamp in the interaction_log stream went backwards; rows were kept in file order (the views sort by time)',
    ]);
    expect(await query(study, `SELECT count(*) FILTER (WHERE value IS NULL) FROM signals`)).toEqual([[2]]);
  });

  it('rows of a participant without consent to interaction logs are counted, never stored', async () => {
    const consented = await createTestStudy({ timeZone: 'Europe/Berlin' });
    try {
      await consented.client.call('session.import', { files: [await writeConsentCsv(consented.root, [{ id: 'u1' }, { id: 'u2', refuse: ['interaction_logs'] }])] });
      const path = await csvLog();
      const summary = await consented.client.call('session.import', { files: [path] });
      expect(summary.files[0]?.streams.map((s) => [s.participant_id, s.rows])).toEqual([['u1', 3]]);
      expect(summary.files[0]?.refused.map((r) => [r.participant_id, r.modality, r.consent, r.rows])).toEqual([['u2', 'interaction_logs', 'refused', 1]]);
      expect((await consented.client.call('sql.query', { sql: `SELECT (SELECT count(*) FROM events WHERE participant_id = 'u2'), (SELECT count(*) FROM signals WHERE participant_id = 'u2')` })).rows).toEqual([[0, 0]]);
    } finally {
      await consented.close();
    }
  });
});
