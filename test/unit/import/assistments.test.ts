import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ASSISTMENTS_AFFECT_SIGNALS } from '../../../src/backend/import/formats/assistments2017.js';
import { WeftError } from '../../../src/core/errors.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, realdata } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

const AS_2009 = realdata('pybkt_examples_as_ct', 'as.csv');
const AS_2017 = realdata('assistments2017', 'assistments2017_train.csv');

/** A CSV read independently of the importer (the files quote cells that hold commas). */
async function csv(path: string): Promise<{ header: string[]; rows: string[][] }> {
  const text = await readFile(path, 'utf8');
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n') {
      fields.push(field);
      records.push(fields);
      fields = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || fields.length > 0) records.push([...fields, field]);
  return { header: records[0] ?? [], rows: records.slice(1) };
}

async function query(study: TestStudy, sql: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql })).rows;
}

describe.skipIf(!HAVE_REALDATA)(`ASSISTments (real files)${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  let study: TestStudy;
  beforeAll(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
  });
  afterAll(async () => {
    await study.close();
  });

  it('2009–10 skill builder: one event per problem, first actions as attempts or help requests, ordered by order_id with no wall clock', async () => {
    const { header, rows } = await csv(AS_2009);
    expect(header[0]).toBe('');
    const summary = await study.client.call('session.import', { files: [AS_2009] });
    const file = summary.files[0];
    expect(file?.format).toBe('assistments-2009');
    expect(file?.streams.reduce((n, s) => n + s.rows, 0)).toBe(rows.length);
    expect(rows.length).toBe(10_791);
    const col = (name: string): number => header.indexOf(name);
    expect(file?.streams).toHaveLength(new Set(rows.map((r) => r[col('user_id')])).size);
    expect(file?.streams[0]?.clock_source).toBe('none given: assumed to start at session time 0');
    expect(file?.warnings.map((w) => w.message)).toContain(
      `The file has no timestamps: its ${rows.length} actions are ordered by order_id, which stands in for time (t_us is the order_id, not microseconds), and their sessions have no wall-clock start; time-based features other than the first-response durations are meaningless for them`,
    );

    const byKind = await query(study, `SELECT kind, outcome, count(*) FROM events WHERE stream_id IN (SELECT stream_id FROM streams WHERE format = 'assistments-2009') GROUP BY ALL ORDER BY ALL`);
    const count = (f: (r: string[]) => boolean): number => rows.filter(f).length;
    expect(byKind).toEqual([
      ['attempt', 'CORRECT', count((r) => r[col('first_action')] === '0' && r[col('correct')] === '1')],
      ['attempt', 'INCORRECT', count((r) => r[col('first_action')] === '0' && r[col('correct')] === '0')],
      ['hint_request', 'HINT', count((r) => r[col('first_action')] !== '0')],
    ]);

    const first = rows[0] as string[];
    const [event] = await query(
      study,
      `SELECT e.t_us, e.duration_us, e.problem, e.step, e.skill, e.input, e.attempt, e.attributes->>'order_id', e.attributes->>'hint_total', json_keys(e.attributes), s.started_at
       FROM events e JOIN sessions s USING (session_id) WHERE e.participant_id = '${first[col('user_id')] ?? ''}' AND e.t_us = ${first[col('order_id')] ?? ''}`,
    );
    expect(event?.slice(0, 10)).toEqual([
      Number(first[col('order_id')]), Number(first[col('ms_first_response')]) * 1000, first[col('assistment_id')], first[col('problem_id')], first[col('skill_name')],
      first[col('answer_text')], 1, first[col('order_id')], first[col('hint_total')],
      header.filter((name) => name !== '' && !['user_id', 'assistment_id', 'problem_id', 'skill_name', 'answer_text'].includes(name) && (first[header.indexOf(name)] ?? '') !== ''),
    ]);
    expect(event?.[10]).toBeNull();
    const answer = rows.find((r) => (r[col('answer_text')] ?? '').includes(',')) as string[];
    expect(await query(study, `SELECT input FROM events WHERE participant_id = '${answer[col('user_id')] ?? ''}' AND t_us = ${answer[col('order_id')] ?? ''}`)).toEqual([[answer[col('answer_text')]]]);
  });

  it('2017 competition actions: epoch times, the detectors as signals and attributes, the competition features kept, demographics left out', async () => {
    const { header, rows } = await csv(AS_2017);
    const summary = await study.client.call('session.import', { files: [AS_2017] });
    const file = summary.files[0];
    expect(file?.format).toBe('assistments-2017');
    expect(file?.streams.reduce((n, s) => n + s.rows, 0)).toBe(rows.length);
    expect(rows.length).toBe(6_186);
    const col = (name: string): number => header.indexOf(name);
    const students = new Set(rows.map((r) => r[col('studentId')]));
    expect(students.size).toBe(1_059);
    expect(new Set(file?.streams.map((s) => s.participant_id))).toEqual(students);

    const signalsExpected = ASSISTMENTS_AFFECT_SIGNALS.reduce((n, { column }) => n + rows.filter((r) => r[col(column)] !== '').length, 0);
    expect(await query(study, `SELECT count(*) FROM signals WHERE stream_id IN (SELECT stream_id FROM streams WHERE format = 'assistments-2017')`)).toEqual([[signalsExpected]]);

    const first = rows[0] as string[];
    const [event] = await query(
      study,
      `SELECT epoch_us(s.started_at) + e.t_us, e.kind, e.outcome, e.duration_us, e.problem, e.step, e.skill,
              e.attributes->>'frPast5HelpRequest', e.attributes->>'consecutiveErrorsInRow', e.attributes->>'confidence(CONFUSED)', e.attributes->>'InferredGender', e.attributes->>'MCAS'
       FROM events e JOIN sessions s USING (session_id) WHERE (e.attributes->>'action_num') = '${first[col('action_num')] ?? ''}'`,
    );
    expect(event).toEqual([
      Number(first[col('startTime')]) * 1e6, first[col('hint')] === '1' ? 'hint_request' : 'attempt', first[col('hint')] === '1' ? 'HINT' : first[col('correct')] === '1' ? 'CORRECT' : 'INCORRECT',
      Math.round(Number(first[col('timeTaken')]) * 1e6), first[col('assistmentId')], first[col('problemId')], first[col('skill')],
      String(Number(first[col('frPast5HelpRequest')])), String(Number(first[col('consecutiveErrorsInRow')])), String(Number(first[col('confidence(CONFUSED)')])), null, null,
    ]);
    const confused = await query(
      study,
      `SELECT g.value FROM signals g JOIN events e ON e.stream_id = g.stream_id AND e.t_us = g.t_us WHERE g.name = 'confidence_confused' AND (e.attributes->>'action_num') = '${first[col('action_num')] ?? ''}'`,
    );
    expect(confused).toEqual([[Number(first[col('confidence(CONFUSED)')])]]);

    expect(await query(study, `SELECT count(*) FROM events WHERE skill IS NULL AND stream_id IN (SELECT stream_id FROM streams WHERE format = 'assistments-2017')`)).toEqual([[rows.filter((r) => r[col('skill')] === 'noskill').length]]);
    const [provenance] = await query(study, `SELECT provenance->'not_kept', provenance->>'sample' FROM streams WHERE format = 'assistments-2017' LIMIT 1`);
    expect(JSON.parse(String(provenance?.[0]))).toEqual(['InferredGender', 'MCAS', 'Enrolled', 'Selective', 'isSTEM']);
    expect(String(provenance?.[1])).toContain('a sample of actions, not whole sequences');
    const genders = rows.map((r) => r[col('InferredGender')]).filter((g) => g !== '');
    expect(genders.length).toBeGreaterThan(0);
    expect(await query(study, `SELECT count(*) FROM events WHERE CAST(attributes AS VARCHAR) LIKE '%Female%' OR CAST(attributes AS VARCHAR) LIKE '%InferredGender%'`)).toEqual([[0]]);
  });
});

describe('broken ASSISTments files', () => {
  let study: TestStudy;
  beforeEach(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
  });
  afterEach(async () => {
    await study.close();
  });

  const HEADER_2009 = ',order_id,assignment_id,user_id,assistment_id,problem_id,original,correct,attempt_count,ms_first_response,skill_name,first_action,answer_text';
  const row2009 = (i: number, order: number, extra: Partial<Record<'correct' | 'ms' | 'first' | 'user' | 'skill', string>> = {}): string =>
    [String(i), String(order), '1', extra.user ?? '77', '33', String(50 + i), '1', extra.correct ?? '1', '1', extra.ms ?? '5000', extra.skill ?? 'Table', extra.first ?? '0', '12'].join(',');

  async function state(): Promise<unknown[][]> {
    return query(study, 'SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM sessions), (SELECT count(*) FROM streams), (SELECT count(*) FROM events), (SELECT count(*) FROM signals), (SELECT count(*) FROM audit_log)');
  }

  async function importError(text: string): Promise<{ error: WeftError; path: string }> {
    const path = join(study.root, 'broken.csv');
    await writeFile(path, text);
    const before = await state();
    const error = await study.client.call('session.import', { files: [path] }).then(() => undefined, (e: unknown) => e);
    expect(error, 'the import should have failed').toBeInstanceOf(WeftError);
    expect(await state(), 'a failed import leaves the study unchanged').toEqual(before);
    return { error: error as WeftError, path };
  }

  it('a first_action that is not 0, 1 or 2', async () => {
    const bad = row2009(2, 1002, { first: '7' });
    const { error, path } = await importError([HEADER_2009, row2009(1, 1001), bad].join('\n'));
    expect(error.location).toEqual({ file: path, line: 3, column: bad.lastIndexOf(',7,') + 2 });
    expect(error.message).toContain('first_action "7" is not 0 (attempt), 1 (hint) or 2 (scaffolding)');
  });

  it('a correct of 2, and a non-numeric order_id', async () => {
    expect((await importError([HEADER_2009, row2009(1, 1001, { correct: '2' })].join('\n'))).error.message).toContain('correct "2" is not 1 or 0');
    const { error } = await importError([HEADER_2009, row2009(1, 1001).replace(',1001,', ',x1001,')].join('\n'));
    expect(error.message).toContain('"x1001" in column "order_id" is not a number');
    expect(error.location).toMatchObject({ line: 2, column: 3 });
  });

  it('an empty user_id, and a row with a field too many', async () => {
    expect((await importError([HEADER_2009, row2009(1, 1001, { user: '' })].join('\n'))).error.message).toContain('user_id is empty');
    const { error } = await importError([HEADER_2009, `${row2009(1, 1001)},extra`].join('\n'));
    expect(error.message).toMatch(/14 fields where the header has 13 \(too many/);
  });

  it('an action repeated once per skill is kept once with both skills; negative response times are missing, with a warning', async () => {
    const path = join(study.root, 'as.csv');
    await writeFile(path, [HEADER_2009, row2009(1, 1001, { skill: 'Table' }), row2009(2, 1001, { skill: 'Box and Whisker' }), row2009(3, 1002, { ms: '-1200' })].join('\n') + '\n');
    const summary = await study.client.call('session.import', { files: [path] });
    expect(summary.files[0]?.streams[0]?.rows).toBe(2);
    expect(summary.files[0]?.warnings.map((w) => w.message)).toEqual(
      expect.arrayContaining([
        '1 rows repeat the order_id of the row before (first at line 3): the data repeats an action once per skill, so each was kept once with its skills joined by ";"',
        'column "ms_first_response": 1 negative values (first at line 4) were stored as missing durations (a known fault of the 2009 data)',
      ]),
    );
    expect(await query(study, 'SELECT skill, duration_us FROM events ORDER BY t_us')).toEqual([
      ['Table;Box and Whisker', 5_000_000],
      ['Table', null],
    ]);
  });

  it('2017: infinite detector outputs are stored as missing, with one warning per column', async () => {
    const header = 'studentId,action_num,skill,problemId,assistmentId,startTime,endTime,timeTaken,correct,hint,frIsHelpRequest,confidence(CONFUSED)';
    const path = join(study.root, 'a2017.csv');
    await writeFile(path, [header, '9,1,area,11,111,1100000000,1100000010,10.0,1,0,0,inf', '9,2,area,12,112,1100000020,1100000030,10.0,0,1,1,-Infinity', '9,3,noskill,13,113,1100000040,1100000041,1.0,0,0,0,NaN'].join('\n'));
    const summary = await study.client.call('session.import', { files: [path] });
    expect(summary.files[0]?.warnings.map((w) => w.message)).toEqual(['column "confidence(CONFUSED)": 2 infinite values were stored as missing (first at line 2)']);
    expect(await query(study, `SELECT kind, outcome, skill, (SELECT value FROM signals g WHERE g.t_us = e.t_us AND g.name = 'confidence_confused') FROM events e ORDER BY t_us`)).toEqual([
      ['attempt', 'CORRECT', 'area', null],
      ['hint_request', 'HINT', 'area', null],
      ['attempt', 'INCORRECT', null, null],
    ]);
  });
});
