import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WeftError } from '../../../src/core/errors.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, realdata } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

const block = (name: string): string => realdata('xapi_spec_examples', 'blocks', name);
/** The example statements of the xAPI specification that are complete, valid statements with a time. */
const VALID = ['xAPI-About_022.json', 'xAPI-Communication_021.json', 'xAPI-Data_009.json', 'xAPI-Data_010.json', 'xAPI-Data_015.json', 'xAPI-Data_017.json'];
/** Names and addresses in those statements, none of which may reach the study. */
const IDENTIFIERS = ['Gert Frobe', 'Joe Schmoe', 'Example Learner', 'Team PB', 'Andrew Downes', 'Toby Nichols', 'Ena Hills', '@example.com', '@adlnet.gov', 'joesdad', '13936749'];

type Statement = Record<string, unknown>;
const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

async function query(study: TestStudy, sql: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql })).rows;
}

/** Everything a study stores that a string could hide in. */
async function everything(study: TestStudy): Promise<string> {
  const parts = await Promise.all(
    ['events', 'streams', 'participants', 'sessions', 'audit_log', 'signals'].map(async (view) => JSON.stringify(await query(study, `SELECT * FROM ${view}`))),
  );
  return parts.join('\n');
}

async function state(study: TestStudy): Promise<unknown[][]> {
  return query(study, 'SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM sessions), (SELECT count(*) FROM streams), (SELECT count(*) FROM events), (SELECT count(*) FROM audit_log)');
}

async function importError(study: TestStudy, files: string[], extra: Record<string, unknown> = {}): Promise<WeftError> {
  const before = await state(study);
  const error = await study.client.call('session.import', { files, ...extra }).then(() => undefined, (e: unknown) => e);
  expect(error, 'the import should have failed').toBeInstanceOf(WeftError);
  expect(await state(study), 'a failed import leaves the study unchanged').toEqual(before);
  return error as WeftError;
}

const statement = (n: number, extra: Statement = {}): Statement => ({
  id: `6690e6c9-3ef0-4ed3-8b37-7f39647300${String(n).padStart(2, '0')}`,
  actor: { objectType: 'Agent', name: 'Ann Example', mbox: 'mailto:ann@school.example' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { 'en-US': 'answered' } },
  object: { id: `http://tutor.example/problems/p1/steps/s${n}`, definition: { name: { 'en-US': `Step ${n}` } } },
  result: { success: n % 2 === 0, response: String(n * 3), duration: 'PT4.5S' },
  context: { contextActivities: { parent: [{ id: 'http://tutor.example/problems/p1' }] } },
  timestamp: `2026-03-02T14:00:${String(n * 2).padStart(2, '0')}.250Z`,
  ...extra,
});

describe.skipIf(!HAVE_REALDATA)(`xAPI statements from the specification (real examples)${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  let study: TestStudy;
  beforeEach(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
  });
  afterEach(async () => {
    await study.close();
  });

  it.each(VALID)('%s is a valid statement of one actor: it imports for the participant the import names', async (name) => {
    const path = block(name);
    const source = JSON.parse(await readFile(path, 'utf8')) as Statement;
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01' });
    expect(summary.files[0]?.format).toBe('xapi-json');
    expect(summary.files[0]?.streams.map((s) => [s.participant_id, s.rows])).toEqual([['P01', 1]]);
    const [row] = await query(study, `SELECT e.kind, e.action, e.outcome, e.input, epoch_us(s.started_at) + e.t_us, e.attributes->>'statement_id' FROM events e JOIN sessions s USING (session_id)`);
    const verb = (source['verb'] as Statement)['id'] as string;
    const result = (source['result'] ?? {}) as Statement;
    expect(row).toEqual([
      verb.split('/').pop(),
      verb,
      result['success'] === true ? 'CORRECT' : result['success'] === false ? 'INCORRECT' : null,
      result['response'] ?? null,
      Date.parse(source['timestamp'] as string) * 1000,
      source['id'],
    ]);
    const stored = await everything(study);
    for (const identifier of IDENTIFIERS) expect(stored).not.toContain(identifier);
  });

  it('keeps result and context: cmi5 failure with a score and a duration (xAPI-About_022)', async () => {
    await study.client.call('session.import', { files: [block('xAPI-About_022.json')], participant_id: 'P01' });
    expect(await query(study, `SELECT kind, outcome, duration_us, problem, attributes->'result'->'score'->>'scaled', attributes->'context'->'contextActivities'->'category'->>0 FROM events`)).toEqual([
      ['failed', 'INCORRECT', 30 * 60 * 1_000_000, 'https://example.adlnet.gov/AUidentifier', '0.65', 'https://w3id.org/xapi/cmi5/context/categories/moveon'],
    ]);
  });

  it.each([
    ['xAPI-Communication_020.json', 1, 1, '/inProgress: "inProgress" is not a property of a Statement (allowed: id, actor, verb, object, result, context, timestamp, stored, authority, version, attachments); xAPI statements take no additional properties [xAPI 2.4 Statement Properties]'],
    ['xAPI-Data_003.json', 1, 1, '/objectType: "objectType" is not a property of a Statement'],
    ['xAPI-Data_004.json', 1, 1, '/display: "display" is not a property of a Statement'],
    ['xAPI-Data_016.json', 1, 1, '/alg: "alg" is not a property of a Statement'],
    ['xAPI-Data_001.json', 1, 1, '/timestamp: the statement has neither a timestamp nor a stored time, so Weft cannot place it on the session timeline [Weft]'],
    ['xAPI-Data_008_NOTSTRICTJSON.json', 22, 67, 'statement 1 is not valid JSON (Bad control character in string literal)'],
  ])('%s is refused with one error naming the statement, the property and the rule', async (name, line, column, message) => {
    const path = block(name);
    const error = await importError(study, [path], { participant_id: 'P01', format: 'xapi-json' });
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.location).toEqual({ file: path, line, column });
    expect(error.message).toContain('1 of 1 statements is invalid, so nothing in the file was imported:');
    expect(error.message).toContain(message);
  });

  it('the valid examples together, as a JSON array and as JSON lines, with an actor map: participants by mapping, never by e-mail', async () => {
    const statements = await Promise.all(VALID.map(async (name) => JSON.parse(await readFile(block(name), 'utf8')) as Statement));
    const array = join(study.root, 'statements.json');
    const lines = join(study.root, 'statements.jsonl');
    await writeFile(array, JSON.stringify(statements, null, 2));
    await writeFile(lines, statements.map((s) => JSON.stringify(s)).join('\n') + '\n');
    const mapping = {
      format: 'weft-log-mapping',
      participants: {
        from_actor: 'account_name',
        actors: [
          { mbox: 'mailto:joe@example.com', participant: 'P01' },
          { mbox_sha1sum: sha1('mailto:example.learner@adlnet.gov'), participant: 'P02' },
          { mbox: 'mailto:teampb@EXAMPLE.COM', participant: 'T01' },
          { mbox: 'mailto:example@example.com', participant: 'P03' },
        ],
      },
    };
    await writeFile(`${array}.mapping.json`, JSON.stringify(mapping));
    await writeFile(`${lines}.mapping.json`, JSON.stringify(mapping));
    const summary = await study.client.call('session.import', { files: [array] });
    const byParticipant = (s: typeof summary): [string, number][] =>
      (s.files[0]?.streams ?? []).map((st) => [st.participant_id, st.rows] as [string, number]).sort((a, b) => a[0].localeCompare(b[0]));
    expect(byParticipant(summary)).toEqual([['1625378', 1], ['P01', 1], ['P02', 1], ['P03', 2], ['T01', 1]]);
    const other = await createTestStudy({ dataBasis: SECONDARY });
    try {
      const fromLines = await other.client.call('session.import', { files: [lines] });
      expect(fromLines.files[0]?.format).toBe('xapi-json');
      expect(byParticipant(fromLines)).toEqual(byParticipant(summary));
      const events = 'SELECT participant_id, t_us, kind, outcome, duration_us, problem, step, label, input, CAST(attributes AS VARCHAR) FROM events ORDER BY participant_id, t_us';
      expect(await query(other, events)).toEqual(await query(study, events));
    } finally {
      await other.close();
    }
    const stored = await everything(study);
    for (const identifier of IDENTIFIERS) expect(stored).not.toContain(identifier);
    const [provenance] = await query(study, `SELECT provenance->>'participants' FROM streams LIMIT 1`);
    expect(String(provenance?.[0])).toContain(`actor map in ${array}.mapping.json`);
    expect(String(provenance?.[0])).toContain("participant id from the actor's account_name, as the study's mapping declares");
  });
});

describe('xAPI statements Weft writes in tests', () => {
  let study: TestStudy;
  beforeEach(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
  });
  afterEach(async () => {
    await study.close();
  });

  async function write(name: string, statements: unknown[], form: 'array' | 'lines' = 'lines'): Promise<string> {
    const path = join(study.root, name);
    await writeFile(path, form === 'array' ? JSON.stringify(statements, null, 1) : statements.map((s) => JSON.stringify(s)).join('\n') + '\n');
    return path;
  }

  it('normalises a tutor session: answered → attempt, success → outcome, the parent activity is the problem', async () => {
    const path = await write('session.jsonl', [1, 2, 3].map((n) => statement(n)));
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01' });
    expect(summary.files[0]?.warnings).toEqual([]);
    expect(await query(study, 'SELECT t_us, kind, outcome, problem, step, label, input, duration_us FROM events ORDER BY t_us')).toEqual([
      [0, 'attempt', 'INCORRECT', 'http://tutor.example/problems/p1', 'http://tutor.example/problems/p1/steps/s1', 'Step 1', '3', 4_500_000],
      [2_000_000, 'attempt', 'CORRECT', 'http://tutor.example/problems/p1', 'http://tutor.example/problems/p1/steps/s2', 'Step 2', '6', 4_500_000],
      [4_000_000, 'attempt', 'INCORRECT', 'http://tutor.example/problems/p1', 'http://tutor.example/problems/p1/steps/s3', 'Step 3', '9', 4_500_000],
    ]);
    expect(await query(study, 'SELECT count(*), sum(CASE WHEN correct THEN 1 ELSE 0 END) FROM interaction_features')).toEqual([[3, 1]]);
    expect(await everything(study)).not.toContain('ann@school');
  });

  it('reports, once each: times without a zone, statements placed at their stored time, durations in months, voiding', async () => {
    const voiding = { actor: statement(0)['actor'], verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: statement(1)['id'] }, timestamp: '2026-03-02T14:01:00Z' };
    const noStamp = { ...statement(4), timestamp: undefined, stored: '2026-03-02T14:00:30Z' };
    const path = await write('notes.jsonl', [statement(1, { timestamp: '2026-03-02T15:00:02' }), statement(2, { result: { duration: 'P1M' } }), noStamp, voiding]);
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01' });
    expect(summary.files[0]?.warnings.map((w) => w.message)).toEqual([
      '1 timestamps have no time zone (first at line 1); they were read in UTC',
      '1 statements have no timestamp (first at line 3); they were placed at their stored time, when the LRS received them',
      '1 result durations are in years or months (first at line 2), which have no fixed length; their duration_us is missing and attributes keep the text',
      "1 statements void earlier ones (first at line 4); both are kept as events: leave out events whose attributes->>'statement_id' appears as attributes->'object'->>'id' of a voided event",
      '1 timestamp in the interaction_log stream went backwards; rows were kept in file order (the views sort by time)',
    ]);
    expect(await query(study, `SELECT kind, attributes->'object'->>'id' FROM events WHERE kind = 'voided'`)).toEqual([['voided', statement(1)['id']]]);
  });

  it.each([
    ['an mbox without mailto:', { actor: { mbox: 'ann@school.example' } }, '/actor/mbox: mbox must be a mailto IRI: "mailto:" followed by an e-mail address [xAPI 2.4.2.3 Inverse Functional Identifier]'],
    ['an agent with two identifiers', { actor: { mbox: 'mailto:ann@school.example', account: { homePage: 'http://lms.example', name: 'ann' } } }, '/actor: the actor must be identified by exactly one of mbox, mbox_sha1sum, openid, account (it has mbox, account) [xAPI 2.4.2.3 Inverse Functional Identifier]'],
    ['a verb id that is not an IRI', { verb: { id: 'answered' } }, '/verb/id: verb id must be an absolute IRI with a scheme'],
    ['a scaled score above 1', { result: { score: { scaled: 1.5 } } }, '/result/score/scaled: scaled must be between -1 and 1 (it is 1.5) [xAPI 2.4.5.1 Score]'],
    ['a raw score below min', { result: { score: { raw: -1, min: 0, max: 10 } } }, '/result/score/raw: raw (-1) must not be below min (0) [xAPI 2.4.5.1 Score]'],
    ['an infinite raw score', { result: { score: { raw: 'INFINITY' } } }, '/result/score/raw: raw must be a number [xAPI 2.4.5.1 Score]'],
    ['a duration that is not ISO 8601', { result: { duration: '4.5 seconds' } }, '/result/duration: duration must be an ISO 8601 duration such as PT4H35M59.14S ("4.5 seconds" is not) [xAPI 4.6 ISO 8601 Durations]'],
    ['a damaged timestamp', { timestamp: '02/03/2026 14:00' }, '/timestamp: timestamp must be an ISO 8601 timestamp such as 2013-05-18T05:32:34.804Z ("02/03/2026 14:00" is not) [xAPI 4.5 ISO 8601 Timestamps]'],
    ['a version that is not 1.0.x', { version: '2.0.0' }, '/version: version must be 1.0.0 or another 1.0.x ("2.0.0" is not) [xAPI 2.4.10 Version]'],
    ['a null value', { result: { response: null } }, '/result/response: null values are not allowed (except inside extensions) [xAPI 2.2 Formatting Requirements]'],
    ['a SubStatement with an id', { object: { objectType: 'SubStatement', id: '6690e6c9-3ef0-4ed3-8b37-7f3964730bee', actor: { mbox: 'mailto:a@b.example' }, verb: { id: 'http://x.example/v' }, object: { id: 'http://x.example/o' } } }, '/object/id: "id" is not a property of a SubStatement'],
    ['revision when the object is an agent', { object: { objectType: 'Agent', mbox: 'mailto:b@school.example' }, context: { revision: 'v2' } }, '/context/revision: revision may only be used when the statement\'s object is an Activity [xAPI 2.4.6 Context]'],
  ])('%s is refused with its JSON pointer and rule, and never echoes an e-mail address', async (_what, change, message) => {
    const path = await write('bad.jsonl', [statement(1), statement(2, change as Statement)]);
    const error = await importError(study, [path], { participant_id: 'P01' });
    expect(error.location).toEqual({ file: path, line: 2, column: 1 });
    expect(error.message).toContain(`1 of 2 statements is invalid, so nothing in the file was imported:\n  statement 2 (line 2): ${message}`);
    expect(error.message).not.toMatch(/ann@school|b@school/);
  });

  it('lists the first ten invalid statements and counts the rest, in a JSON array', async () => {
    const statements = Array.from({ length: 14 }, (_, n) => (n % 7 === 0 ? statement(n) : statement(n, { verb: { id: 'answered' } })));
    const path = await write('many.json', statements, 'array');
    const error = await importError(study, [path], { participant_id: 'P01' });
    expect(error.message).toMatch(/^.*: 12 of 14 statements are invalid, so nothing in the file was imported:\n/);
    expect(error.message.split('\n').filter((l) => l.startsWith('  statement '))).toHaveLength(10);
    expect(error.message).toContain('\n  … and 2 more');
    expect(error.location?.line).toBe(statements.slice(0, 1).map((s) => JSON.stringify(s, null, 1)).join('').split('\n').length + 2);
  });

  it('refuses a file of several actors that nothing maps to participants, naming where, not who', async () => {
    const bob = { objectType: 'Agent', name: 'Bob Example', mbox: 'mailto:bob@school.example' };
    const path = await write('two.jsonl', [statement(1), statement(2), statement(3, { actor: bob })]);
    const unnamed = await importError(study, [path]);
    expect(unnamed.message).toContain(
      `does not say which participant it belongs to; give --participant, or list it in a manifest; or map its statements' actors to participants in ${path}.mapping.json (participants.actors, or a participants.from_actor rule; docs/formats.md, "People")`,
    );
    const error = await importError(study, [path], { participant_id: 'P01' });
    expect(error.location).toEqual({ file: path, line: 3, column: 1 });
    expect(error.message).toContain('statement 3 (line 3) is by a different actor (identified by an mbox (e-mail address)) than statement 1 (line 1), and nothing maps this log\'s actors to participants');
    expect(error.message).toContain(`${path}.mapping.json`);
    for (const message of [unnamed.message, error.message]) expect(message).not.toMatch(/bob@|ann@|Bob Example/);
  });

  it('skips actors the map leaves out when the mapping says so, and reports how many', async () => {
    const path = await write('class.jsonl', [statement(1), statement(2, { actor: { account: { homePage: 'http://lms.example', name: 'u-17' } } }), statement(3, { actor: { mbox_sha1sum: sha1('mailto:carl@school.example') } })]);
    await writeFile(`${path}.mapping.json`, JSON.stringify({ format: 'weft-log-mapping', participants: { actors: [{ mbox: 'mailto:ann@school.example', participant: 'P01' }], unmapped: 'skip' } }));
    const summary = await study.client.call('session.import', { files: [path] });
    expect(summary.files[0]?.streams.map((s) => [s.participant_id, s.rows])).toEqual([['P01', 1]]);
    expect(summary.files[0]?.warnings.map((w) => w.message)).toEqual(['2 statements of 2 actors not in the actor map were skipped, as the mapping\'s participants.unmapped says (first: statement 2 (line 2))']);
  });

  it('errors in the mapping name the mapping file and the key', async () => {
    const path = await write('mapped.jsonl', [statement(1)]);
    for (const [mapping, field, message] of [
      [{ format: 'weft-log-mapping', participants: { from_actor: 'email' } }, 'participants.from_actor', 'must be one of account_name, mbox_sha1sum, actor_id, moodle_user_id'],
      [{ format: 'weft-log-mapping', participants: { actors: [{ mbox: 'mailto:ann@school.example', participant: ' P01' }] } }, 'participants.actors[0].participant', '" P01" cannot be used as a participant id'],
      [{ format: 'weft-log-mapping', participants: { from_actor: 'moodle_user_id' } }, 'participants.from_actor', '"moodle_user_id" does not apply to this log; it can use account_name or mbox_sha1sum'],
      [{ format: 'weft-log-mapping', partcipants: {} }, 'partcipants', 'unknown key'],
    ] as const) {
      await writeFile(`${path}.mapping.json`, JSON.stringify(mapping));
      const error = await importError(study, [path]);
      expect(error.location).toEqual({ file: `${path}.mapping.json`, field });
      expect(error.message).toContain(`${path}.mapping.json: ${field}: ${message}`);
    }
  });

  it.each([
    ['a JSON array cut off in a statement', (text: string) => text.slice(0, text.length - 40), 'the file ends inside a JSON value that starts here (is it truncated?)', 2],
    ['a JSON array missing its closing bracket', (text: string) => text.trimEnd().slice(0, -1), 'the file ends inside its top-level JSON array (is it truncated?)', undefined],
    ['a trailing comma', (text: string) => text.trimEnd().replace(/\]$/, ',]'), 'a comma before the end of the top-level JSON array (JSON allows no trailing comma)', undefined],
    ['statements without a comma between them', (text: string) => text.replace('},\n{', '}\n{'), 'expected one comma between the values of the top-level array, found 0', undefined],
  ])('%s', async (_what, damage, message, line) => {
    const text = JSON.stringify([statement(1), statement(2)], null, 1).replace('},\n {', '},\n{');
    const path = join(study.root, 'damaged.json');
    await writeFile(path, damage(text));
    const error = await importError(study, [path], { participant_id: 'P01', format: 'xapi-json' });
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.message).toContain(message);
    if (line !== undefined) expect(error.location?.line).toBe(text.split('\n').findIndex((l) => l.startsWith('{')) + 1);
  });

  it('binary garbage given as xAPI is refused before it is read', async () => {
    const path = join(study.root, 'garbage.json');
    await writeFile(path, Buffer.from([0x5b, 0x7b, 0x00, 0xff, 0xfe, 0x13]));
    const error = await importError(study, [path], { format: 'xapi-json', participant_id: 'P01' });
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
  });
});
