import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WeftError } from '../../../src/core/errors.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, realdata } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

const FILES = {
  ds1: realdata('datashop_learnsphere', 'student_step', 'ds1_student_step_export.txt'),
  ds76: realdata('datashop_learnsphere', 'student_step', 'ds76_student_step_export.txt'),
  kdd: realdata('pybkt_examples_as_ct', 'ct.csv'),
};

/** The file read independently of the importer: header cells and data rows split on tabs. */
async function table(path: string): Promise<{ header: string[]; rows: string[][] }> {
  const lines = (await readFile(path, 'utf8')).split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l !== '');
  return { header: (lines[0] ?? '').split('\t'), rows: lines.slice(1).map((l) => l.split('\t')) };
}

async function query(study: TestStudy, sql: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql })).rows;
}

describe.skipIf(!HAVE_REALDATA)(`DataShop student-step exports (real files)${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  let study: TestStudy;
  beforeAll(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY, timeZone: 'US/Eastern' });
  });
  afterAll(async () => {
    await study.close();
  });

  it('reads ds1 step by step: first attempt, counts, KC models with "~~" lists, opportunities and predicted error rates', async () => {
    const { header, rows } = await table(FILES.ds1);
    const summary = await study.client.call('session.import', { files: [FILES.ds1] });
    const file = summary.files[0];
    expect(file?.format).toBe('datashop-step');
    expect(file?.streams.reduce((n, s) => n + s.rows, 0)).toBe(rows.length);
    expect(rows.length).toBe(18);
    const students = new Set(rows.map((r) => r[header.indexOf('Anon Student Id')]));
    expect(new Set(file?.streams.map((s) => s.participant_id))).toEqual(students);
    expect(file?.warnings.map((w) => w.message)).toEqual(["The export has no time zone: its 18 step times were read in the study's time zone, US/Eastern"]);

    const [first] = await query(
      study,
      `SELECT e.kind, e.problem, e.step, e.outcome, e.skill, e.duration_us, e.attempt, e.t_us, s.started_at,
              e.attributes->>'Incorrects', e.attributes->>'Hints', e.attributes->>'Corrects', e.attributes->'kc'->'Default',
              e.attributes->'opportunity'->'Default', e.attributes->'predicted_error_rate'->>'Single-KC', e.attributes->>'Condition', e.attributes->>'First Attempt'
       FROM events e JOIN sessions s USING (session_id)
       WHERE e.participant_id = 'Stu_27d7b6649ecf84d119ca98190ec62567' AND e.step = 'dorminComboBox1 UpdateComboBox' AND e.problem = 'skill-logging-p1'`,
    );
    // 2005-08-22 04:50:27 in US/Eastern (EDT) is 08:50:27 UTC; it is the student's first step.
    expect(first).toEqual(['step', 'skill-logging-p1', 'dorminComboBox1 UpdateComboBox', 'INCORRECT', 'skill-A;extra', 5_000_000, null, 0, '2005-08-22T08:50:27Z', '1', '1', '1', '["skill-A","extra"]', '[1,1]', '0.9178', null, 'incorrect']);
    const outcomes = await query(study, `SELECT outcome, count(*) FROM events WHERE stream_id IN (SELECT stream_id FROM streams WHERE source_path LIKE '%ds1_student_step%') GROUP BY 1 ORDER BY 1`);
    const firstAttempt = header.indexOf('First Attempt');
    const expected = ['correct', 'hint', 'incorrect'].map((v) => [v.toUpperCase(), rows.filter((r) => r[firstAttempt] === v).length]);
    expect(outcomes).toEqual(expected);
  });

  it('reads ds76, whose times a spreadsheet re-saved as M/D/YYYY H:MM, and says what that cost', async () => {
    const { rows } = await table(FILES.ds76);
    const summary = await study.client.call('session.import', { files: [FILES.ds76] });
    const file = summary.files[0];
    expect(file?.streams.reduce((n, s) => n + s.rows, 0)).toBe(rows.length);
    expect(rows.length).toBe(230);
    expect(file?.streams).toHaveLength(4);
    const messages = file?.warnings.map((w) => w.message) ?? [];
    expect(messages).toContain("The export has no time zone: its 230 step times were read in the study's time zone, US/Eastern");
    expect(messages).toContain('Step Start Time: 230 times are written with slashes, which read day/month or month/day (first at line 2); they were read month/day/year, assumed (DataShop is a US service, and US spreadsheet programs write month/day/year; every date in the file also reads the other way)');
    expect(messages).toContain('Step Start Time: 230 times have no seconds (first at line 2), so they are only accurate to the minute; a spreadsheet program most likely dropped them when it saved the file');
    const [row] = await query(
      study,
      `SELECT epoch_us(s.started_at) + e.t_us, e.duration_us, json_array_length(e.attributes->'kc'->'Lasso Model'), len(json_keys(e.attributes->'kc'))
       FROM events e JOIN sessions s USING (session_id)
       WHERE e.participant_id = 'Stu_02ee1b3f31a6f6a7f4b8012298b2395e' AND e.problem = 'RECTANGLE_ABCD' AND e.step = '(HEIGHT QUESTION2)'`,
    );
    // "2/1/1996 0:00" is 1 February 1996, midnight in US/Eastern (05:00 UTC); the tx export has this step's attempt at 00:02:56.
    expect(row).toEqual([Date.UTC(1996, 1, 1, 5, 0, 0) * 1000, 128_000_000, 3, 48]);
  });

  it('reads the KDD Cup 2010 excerpt: "KC(Default)" without a space, 1/0 first attempts, steps without a start time, no final newline', async () => {
    const text = await readFile(FILES.kdd, 'utf8');
    expect(text.endsWith('\n')).toBe(false);
    const { header, rows } = await table(FILES.kdd);
    const summary = await study.client.call('session.import', { files: [FILES.kdd] });
    const file = summary.files[0];
    expect(file?.format).toBe('datashop-step');
    expect(file?.streams.reduce((n, s) => n + s.rows, 0)).toBe(rows.length);
    expect(rows.length).toBe(18_220);
    const noStart = rows.filter((r) => r[header.indexOf('Step Start Time')] === '').length;
    expect(noStart).toBe(51);
    expect(file?.warnings.map((w) => w.message)).toContain(`${noStart} steps have no Step Start Time (first at line ${rows.findIndex((r) => r[header.indexOf('Step Start Time')] === '') + 2}); they were placed at their First Transaction Time`);
    // One warning for the students whose steps go back in time, not one per student; checked against the rows as stored, in file order.
    const counts = await study.workspace.study.db.read((conn) =>
      conn.all(
        `SELECT count(*) FILTER (WHERE back)::INTEGER, count(DISTINCT stream_id) FILTER (WHERE back)::INTEGER, count(DISTINCT stream_id)::INTEGER
         FROM (SELECT stream_id, t_us < lag(t_us) OVER (PARTITION BY stream_id ORDER BY rowid) AS back FROM weft.events WHERE stream_id IN (SELECT stream_id FROM weft.streams WHERE source_path LIKE '%ct.csv'))`,
      ),
    );
    const [backwardsRows, backwardsStreams, streamCount] = Object.values(counts[0] ?? {}) as [number, number, number];
    const backwards = file?.warnings.filter((w) => w.message.includes('went backwards')) ?? [];
    expect(backwards).toHaveLength(1);
    expect(backwardsStreams).toBeGreaterThan(3);
    expect(backwards[0]?.count).toBe(backwardsRows);
    expect(backwards[0]?.message).toMatch(new RegExp(`^${backwardsRows.toLocaleString('en-US')} timestamps went backwards in ${backwardsStreams} of ${streamCount} interaction_log streams \\(([^;]+; ){3}${backwardsStreams - 3} more\\); rows were kept in file order`));
    const kc = header.indexOf('KC(Default)');
    const multi = rows.find((r) => (r[kc] ?? '').includes('~~')) as string[];
    const [row] = await query(
      study,
      `SELECT skill, attributes->'opportunity'->'Default', outcome FROM events WHERE participant_id = '${multi[1] ?? ''}' AND problem = '${(multi[3] ?? '').replaceAll("'", "''")}' AND step = '${(multi[5] ?? '').replaceAll("'", "''")}' AND (attributes->>'First Transaction Time') = '${multi[7] ?? ''}'`,
    );
    expect(row?.[0]).toBe([...new Set((multi[kc] ?? '').split('~~'))].join(';'));
    expect(JSON.parse(String(row?.[1]))).toEqual((multi[kc + 1] ?? '').split('~~').map(Number));
    expect(row?.[2]).toBe(multi[header.indexOf('Correct First Attempt')] === '1' ? 'CORRECT' : 'INCORRECT');
    const correct = rows.filter((r) => r[header.indexOf('Correct First Attempt')] === '1').length;
    expect(await query(study, `SELECT count(*) FILTER (WHERE outcome = 'CORRECT'), count(*) FILTER (WHERE skill IS NULL) FROM events WHERE stream_id IN (SELECT stream_id FROM streams WHERE source_path LIKE '%ct.csv')`)).toEqual([
      [correct, rows.filter((r) => r[kc] === '').length],
    ]);
  });
});

describe('broken student-step files', () => {
  let study: TestStudy;
  let dir: string;
  beforeEach(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
    dir = study.root;
  });
  afterEach(async () => {
    await study.close();
  });

  const HEADER = ['Row', 'Anon Student Id', 'Problem Name', 'Step Name', 'Step Start Time', 'First Transaction Time', 'Step Duration (sec)', 'First Attempt', 'Incorrects', 'Hints', 'Corrects', 'KC (Default)', 'Opportunity (Default)'];
  const row = (n: number, start: string, first = 'correct', opportunity = '1'): string => [String(n), 'S1', 'P1', `step${n}`, start, start, '3', first, '0', '0', '1', 'kc-a', opportunity].join('\t');
  /** Column (from 1) where field `index` of a tab-separated line starts. */
  const columnOf = (line: string, index: number): number => line.split('\t').slice(0, index).reduce((c, f) => c + f.length + 1, 1);

  async function state(): Promise<unknown[][]> {
    return query(study, 'SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM sessions), (SELECT count(*) FROM streams), (SELECT count(*) FROM events), (SELECT count(*) FROM audit_log)');
  }

  async function importError(lines: string[], name = 'steps.txt'): Promise<{ error: WeftError; path: string }> {
    const path = join(dir, name);
    await writeFile(path, [HEADER.join('\t'), ...lines].join('\n'));
    const before = await state();
    const error = await study.client.call('session.import', { files: [path] }).then(() => undefined, (e: unknown) => e);
    expect(error, 'the import should have failed').toBeInstanceOf(WeftError);
    expect(await state(), 'a failed import leaves the study unchanged').toEqual(before);
    return { error: error as WeftError, path };
  }

  it('a first attempt that is not correct, incorrect or hint', async () => {
    const bad = row(2, '2024-03-01 10:00:10', 'maybe');
    const { error, path } = await importError([row(1, '2024-03-01 10:00:00'), bad]);
    expect(error.location).toEqual({ file: path, line: 3, column: columnOf(bad, HEADER.indexOf('First Attempt')) });
    expect(error.message).toContain('"maybe" is not a first-attempt result (correct, incorrect or hint)');
  });

  it('an opportunity list that is not numbers', async () => {
    const { error, path } = await importError([row(1, '2024-03-01 10:00:00', 'correct', '1~~x')]);
    expect(error.location).toMatchObject({ file: path, line: 2 });
    expect(error.message).toContain('"1~~x" in column "Opportunity (Default)" is not a "~~"-separated list of numbers');
  });

  it('a file cut off in the middle of a row', async () => {
    const { error, path } = await importError([row(1, '2024-03-01 10:00:00'), row(2, '2024-03-01 10:00:10').slice(0, 30)]);
    expect(error.location).toMatchObject({ file: path, line: 3 });
    expect(error.message).toMatch(/fields where the header has 13 \(too few/);
  });

  it('dates that only read day/month and dates that only read month/day in one file', async () => {
    const first = row(1, '2/13/2024 10:00:00');
    const { error, path } = await importError([first, row(2, '13/2/2024 10:00:10')]);
    expect(error.location).toMatchObject({ file: path, line: 2, column: columnOf(first, HEADER.indexOf('Step Start Time')) });
    expect(error.message).toContain('the file mixes date orders ("2/13/2024 10:00:00" reads only as month/day/year and "13/2/2024 10:00:10" only as day/month/year)');
  });

  it('a step with neither a start nor a first transaction time', async () => {
    const empty = row(1, '');
    const { error, path } = await importError([empty]);
    expect(error.location).toMatchObject({ file: path, line: 2, column: columnOf(empty, HEADER.indexOf('Step Start Time')) });
    expect(error.message).toContain('the step has neither a Step Start Time nor a First Transaction Time');
  });

  it('times a spreadsheet cut down to mm:ss.0', async () => {
    const { error } = await importError([row(1, '00:27.0')]);
    expect(error.message).toContain('has lost its date and hour: a spreadsheet program reformatted the column as mm:ss.0');
  });

  it('a step whose time goes backwards is kept and reported', async () => {
    const path = join(dir, 'backwards.txt');
    await writeFile(path, [HEADER.join('\t'), row(1, '2024-03-01 10:00:10'), row(2, '2024-03-01 10:00:00'), row(3, '2024-03-01 10:00:20')].join('\n'));
    const summary = await study.client.call('session.import', { files: [path] });
    expect(summary.files[0]?.warnings.map((w) => [w.message, w.location?.line])).toContainEqual(['1 timestamp in the interaction_log stream went backwards; rows were kept in file order (the views sort by time)', 3]);
  });
});
