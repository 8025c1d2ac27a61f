import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WeftError } from '../../../src/core/errors.js';
import { HAVE_REALDATA, SKIP_REALDATA_REASON, realdata } from '../../support/paths.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

const BLOCKS = realdata('caliper_spec_examples', 'blocks');
const USERS = { 'https://example.edu/users/554433': 'L1', 'https://example.edu/users/112233': 'L2', 'https://example.edu/users/778899': 'L3' } as const;
const MAPPING = { format: 'weft-log-mapping', participants: { actors: Object.entries(USERS).map(([actor_id, participant]) => ({ actor_id, participant })) } };

type Json = Record<string, unknown>;

async function query(study: TestStudy, sql: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql })).rows;
}

async function everything(study: TestStudy): Promise<string> {
  return (await Promise.all(['events', 'streams', 'participants', 'sessions', 'audit_log'].map(async (v) => JSON.stringify(await query(study, `SELECT * FROM ${v}`))))).join('\n');
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

/** The example files of the specification that are strict JSON holding at least one event, and their events. */
async function eventFiles(): Promise<{ name: string; events: Json[] }[]> {
  const files: { name: string; events: Json[] }[] = [];
  for (const name of (await readdir(BLOCKS)).sort()) {
    if (!name.startsWith('caliper_') || name.includes('NOTSTRICT')) continue;
    const value = JSON.parse(await readFile(join(BLOCKS, name), 'utf8')) as Json;
    const items = Array.isArray(value['data']) ? (value['data'] as Json[]) : [value];
    const events = items.filter((item) => item['action'] !== undefined);
    if (events.length > 0) files.push({ name, events });
  }
  return files;
}

describe.skipIf(!HAVE_REALDATA)(`IMS Caliper events from the specification (real examples)${HAVE_REALDATA ? '' : `: skipped, ${SKIP_REALDATA_REASON}`}`, () => {
  let study: TestStudy;
  let dir: string;
  beforeEach(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
    dir = join(study.root, 'caliper');
    await mkdir(dir);
    await writeFile(join(dir, 'weft-log-mapping.json'), JSON.stringify(MAPPING));
  });
  afterEach(async () => {
    await study.close();
  });

  it('imports every event of every example, envelopes and IRI references included, each for its learner', async () => {
    const files = (await eventFiles()).filter((f) => f.name !== 'caliper_005_MessageEvent.json');
    for (const f of files) await copyFile(join(BLOCKS, f.name), join(dir, f.name));
    const summary = await study.client.call('session.import', { files: files.map((f) => join(dir, f.name)) });
    expect(summary.files.map((f) => f.format)).toEqual(files.map(() => 'caliper-json'));
    const total = files.reduce((n, f) => n + f.events.length, 0);
    expect(total).toBe(22);
    expect(summary.files.map((f) => f.streams.reduce((n, s) => n + s.rows, 0))).toEqual(files.map((f) => f.events.length));
    // 112233 acts in the AssignableEvent and is the user of the session the system times out; 778899 posts a reply.
    expect(await query(study, 'SELECT participant_id, count(*) FROM events GROUP BY 1 ORDER BY 1')).toEqual([
      ['L1', total - 3],
      ['L2', 2],
      ['L3', 1],
    ]);
    const stored = await everything(study);
    for (const id of ['554433', '112233', '778899']) expect(stored).not.toContain(id);
  });

  it('normalises an assessment item completed as an attempt, a posted message as a message, the rest by their action', async () => {
    const names = ['caliper_012_AssessmentItemEvent.json', 'caliper_017_MessageEvent.json', 'caliper_019_NavigationEvent.json', 'caliper_015_GradeEvent.json', 'caliper_022_SessionEvent.json', 'caliper_016_MediaEvent.json'];
    for (const name of names) await copyFile(join(BLOCKS, name), join(dir, name));
    await study.client.call('session.import', { files: names.map((name) => join(dir, name)) });
    const rows = await query(study, `SELECT participant_id, kind, action, label, problem, step, input, attempt, duration_us, attributes->>'type' FROM events ORDER BY attributes->>'event_id'`);
    const byType = Object.fromEntries(rows.map((r) => [String(r[9]), r.slice(0, 9)]));
    expect(byType['AssessmentItemEvent']).toEqual(['L1', 'attempt', 'Completed', 'Assessment Item 3', 'https://example.edu/terms/201801/courses/7/sections/1/assess/1', 'https://example.edu/terms/201801/courses/7/sections/1/assess/1/items/3', 'subject;object;predicate', 1, 10_000_000]);
    expect(byType['MessageEvent']).toEqual(['L1', 'message', 'Posted', 'Message', null, null, 'Are the Caliper Sensor reference implementations production-ready?', null, null]);
    expect(byType['NavigationEvent']?.slice(0, 3)).toEqual(['L1', 'navigated_to', 'NavigatedTo']);
    // An autograder's grade and the system's time-out belong to the learner the event is about.
    expect(byType['GradeEvent']?.slice(0, 4)).toEqual(['L1', 'graded', 'Graded', 'Attempt']);
    expect(byType['SessionEvent']?.slice(0, 3)).toEqual(['L2', 'timed_out', 'TimedOut']);
    expect(await query(study, `SELECT attributes->'generated'->>'scoreGiven', attributes->'generated'->'scoredBy'->0->>'type' FROM events WHERE kind = 'graded'`)).toEqual([['10', 'SoftwareApplication']]);
    expect(await query(study, `SELECT attributes->'target'->>'currentTime' FROM events WHERE kind = 'paused'`)).toEqual([['PT05M21S']]);
  });

  it.each([
    ['caliper_005_MessageEvent.json', 1, 1, 'event 1 (line 1): /@context: @context must be a string or an array (the Caliper terms may not be defined inline) [Caliper 1.1 4.1 JSON-LD Context]'],
    ['caliper_002_unknown_NOTSTRICTJSON.json', 3, 3, 'the JSON value at line 1 is not valid JSON'],
    ['caliper_007_unknown_NOTSTRICTJSON.json', 12, 3, 'the JSON value at line 1 is not valid JSON'],
  ])('%s is refused, naming the line and the rule', async (name, line, column, message) => {
    const path = join(BLOCKS, name);
    const error = await importError(study, [path], { format: 'caliper-json' });
    expect(error.location).toEqual({ file: path, line, column });
    expect(error.message).toContain(message);
  });

  it('a file that only describes entities has no events to import', async () => {
    const path = join(BLOCKS, 'caliper_056_Person.json');
    const error = await importError(study, [path], { format: 'caliper-json' });
    expect(error.message).toBe(`${path}: the file holds no Caliper events (only 1 entity description), so there is nothing to import`);
  });
});

describe('Caliper events Weft writes in tests', () => {
  let study: TestStudy;
  beforeEach(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY });
  });
  afterEach(async () => {
    await study.close();
  });

  const event = (n: number, extra: Json = {}): Json => ({
    '@context': 'http://purl.imsglobal.org/ctx/caliper/v1p1',
    id: `urn:uuid:ff9ec22a-fc59-4ae1-ae8d-2c9463ee2f${String(n).padStart(2, '0')}`,
    type: 'ViewEvent',
    actor: { id: 'https://lms.example/users/42', type: 'Person' },
    action: 'Viewed',
    object: { id: `https://lms.example/pages/${n}`, type: 'WebPage', name: `Page ${n}` },
    eventTime: `2026-03-02T14:00:${String(n).padStart(2, '0')}.000Z`,
    ...extra,
  });

  async function lines(name: string, items: unknown[]): Promise<string> {
    const path = join(study.root, name);
    await writeFile(path, items.map((i) => JSON.stringify(i)).join('\n') + '\n');
    return path;
  }

  it('JSON lines of events for the participant the import names', async () => {
    const path = await lines('views.jsonl', [event(1), event(2), event(3)]);
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01' });
    expect(summary.files[0]?.format).toBe('caliper-json');
    expect(await query(study, 'SELECT t_us, kind, label FROM events ORDER BY t_us')).toEqual([
      [0, 'viewed', 'Page 1'],
      [1_000_000, 'viewed', 'Page 2'],
      [2_000_000, 'viewed', 'Page 3'],
    ]);
  });

  it.each([
    ['no eventTime', { eventTime: undefined }, '/eventTime: an Event needs "eventTime" (id, type, actor, action, object and eventTime are required)'],
    ['an eventTime without a zone', { eventTime: '2026-03-02T14:00:02.000' }, '/eventTime: eventTime "2026-03-02T14:00:02.000" has no time zone; Caliper times are UTC (…Z)'],
    ['a damaged eventTime', { eventTime: '02/03/2026 14:00' }, '/eventTime: eventTime must be an ISO 8601 date and time (YYYY-MM-DDTHH:mm:ss.SSSZ) [Caliper 1.1 2.1 The Caliper Event]'],
    ['an action that is not a Caliper term', { action: 'Clicked' }, '/action: action must be a Caliper action term (Started, Submitted, Viewed, …); "Clicked" is not [Caliper 1.1 Appendix A. Actions]'],
    ['an id that is not a UUID URN', { id: 'event-7' }, '/id: an Event id must be a UUID URN, urn:uuid:<UUID> [Caliper 1.1 2.1 The Caliper Event]'],
    ['a custom property outside extensions', { mood: 'bored' }, '/mood: "mood" is not an Event property; custom attributes belong in extensions'],
    ['an object without a type', { object: { id: 'https://lms.example/pages/1' } }, '/object/type: object needs a type, a Caliper term such as Person [Caliper 1.1 2.2 The Caliper Entity]'],
  ])('%s is refused with the event, the property and the rule', async (_what, change, message) => {
    const bad: Json = { ...event(2), ...(change as Json) };
    for (const [key, value] of Object.entries(change as Json)) if (value === undefined) delete bad[key];
    const path = await lines('bad.jsonl', [event(1), bad]);
    const error = await importError(study, [path], { participant_id: 'P01' });
    expect(error.location).toEqual({ file: path, line: 2, column: 1 });
    expect(error.message).toContain(`1 of 2 items (events, entity descriptions, envelopes) is invalid, so nothing in the file was imported:\n  event 2 (line 2): ${message}`);
  });

  it('an envelope with a custom property is refused', async () => {
    const path = await lines('envelope.json', [{ sensor: 'https://lms.example/sensor', sendTime: '2026-03-02T14:01:00.000Z', dataVersion: 'http://purl.imsglobal.org/ctx/caliper/v1p1', data: [event(1)], batch: 7 }]);
    const error = await importError(study, [path], { participant_id: 'P01' });
    expect(error.message).toContain('envelope (line 1): /batch: "batch" is not an Envelope property (sensor, sendTime, dataVersion, data; no custom properties) [Caliper 1.1 5.2 Envelope]');
  });

  it('events a system emits about no one are left out with a warning; times in other ISO forms are read and reported', async () => {
    const timeout = event(3, { type: 'SessionEvent', action: 'TimedOut', actor: { id: 'https://lms.example', type: 'SoftwareApplication' }, object: { id: 'https://lms.example/sessions/9', type: 'Session' } });
    const path = await lines('mixed.jsonl', [event(1, { eventTime: '2026-03-02T16:00:01+02:00' }), event(2), timeout]);
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01' });
    expect(summary.files[0]?.streams[0]?.rows).toBe(2);
    expect(summary.files[0]?.warnings.map((w) => w.message)).toEqual([
      '1 events are about no learner (first: SessionEvent TimedOut at line 3): their actor is a system and they name no attempt assignee or session user, so they were not imported',
      "1 eventTimes are not in Caliper's YYYY-MM-DDTHH:mm:ss.SSSZ form (first at line 1); they were read as ISO 8601 times with their own zone",
    ]);
    expect(await query(study, 'SELECT t_us FROM events ORDER BY t_us')).toEqual([[0], [1_000_000]]);
  });

  it('a file cut off inside an event', async () => {
    const path = join(study.root, 'cut.json');
    const text = JSON.stringify([event(1), event(2)], null, 2);
    await writeFile(path, text.slice(0, text.length - 30));
    const error = await importError(study, [path], { participant_id: 'P01', format: 'caliper-json' });
    expect(error.message).toContain('the file ends inside a JSON value that starts here (is it truncated?)');
    expect(error.location?.line).toBe(text.split('\n').findIndex((l, i) => i > 1 && l === '  {') + 1);
  });
});
