import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MOODLE_LOG_COLUMNS } from '../../../src/backend/import/formats/moodleLog.js';
import { WeftError } from '../../../src/core/errors.js';
import { SECONDARY, createTestStudy, type TestStudy } from '../../support/study.js';

/**
 * Moodle's Logs report download, written the way Moodle writes it (no real download is public):
 * - columns: report/log/classes/table_log.php defines `time, fullnameuser, relatedfullnameuser,
 *   context, component, eventname, description, origin, ip` with the English headers "Time", "User
 *   full name", "Affected user", "Event context", "Component", "Event name", "Description",
 *   "Origin", "IP address" (and "Course" first in a site-wide log); UBUMonitor's LogCreator.java,
 *   which parses these downloads, uses the same header strings;
 * - time: a download uses langconfig `strftimedatetimeshortaccurate`, '%d/%m/%y, %H:%M:%S' in
 *   lang/en (older versions `strftimedatetimeshort`, '%d/%m/%y, %H:%M'), through userdate(), which
 *   drops the leading zero of %d: "5/03/26, 14:02:10";
 * - CSV: dataformat_csv writes through Spout, UTF-8 with a byte-order mark, RFC 4180 quoting;
 * - descriptions are the events' get_description(): "The user with id '31' has submitted the
 *   attempt with id '880' for the quiz with course module id '12'.";
 * - the report lists the newest event first.
 */
interface LogRow {
  readonly time: string;
  readonly user: string;
  readonly affected?: string;
  readonly context: string;
  readonly component: string;
  readonly event: string;
  readonly description: string;
  readonly ip?: string;
}

const quote = (cell: string): string => (/[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

async function writeLog(path: string, rows: readonly LogRow[], options: { course?: string; delimiter?: string; bom?: boolean } = {}): Promise<string> {
  const delimiter = options.delimiter ?? ',';
  const header = [...(options.course === undefined ? [] : ['Course']), ...MOODLE_LOG_COLUMNS];
  const lines = rows.map((r) =>
    [...(options.course === undefined ? [] : [options.course]), r.time, r.user, r.affected ?? '-', r.context, r.component, r.event, r.description, r.user === '-' ? 'cli' : 'web', r.ip ?? '192.0.2.14']
      .map((c) => (delimiter === ',' ? quote(c) : c))
      .join(delimiter),
  );
  await writeFile(path, `${options.bom === false ? '' : '\uFEFF'}${[header.join(delimiter), ...lines].join('\n')}\n`);
  return path;
}

/** A course's log for three users and the cron, newest first. */
const COURSE: LogRow[] = [
  { time: '5/03/26, 14:20:41', user: 'Ben Ortiz', context: 'Forum: Questions', component: 'Forum', event: 'Post created', description: "The user with id '32' has created the post with id '5' in the discussion with id '3' in the forum with course module id '14'." },
  { time: '5/03/26, 14:15:00', user: '-', context: 'System', component: 'System', event: 'Scheduled task completed', description: 'The scheduled task \\core\\task\\cron completed.' },
  { time: '5/03/26, 14:02:10', user: 'Ann Lee', context: 'Quiz: Fractions check', component: 'Quiz', event: 'Quiz attempt submitted', description: "The user with id '31' has submitted the attempt with id '880' for the quiz with course module id '12'." },
  { time: '5/03/26, 13:58:02', user: 'Dana Teach', affected: 'Ann Lee', context: 'Course: Fractions', component: 'System', event: 'User profile viewed', description: "The user with id '2' viewed the profile for the user with id '31' in the course with id '4'." },
  { time: '5/03/26, 13:41:27', user: 'Ann Lee', context: 'Quiz: Fractions check', component: 'Quiz', event: 'Quiz attempt started', description: "The user with id '31' has started the attempt with id '880' for the quiz with course module id '12'." },
  { time: '5/03/26, 13:40:05', user: 'Ann Lee', context: 'Course: Fractions', component: 'System', event: 'Course viewed', description: "The user with id '31' viewed the course with id '4'." },
];
const MAPPING = { format: 'weft-log-mapping', participants: { actors: [{ moodle_user_id: '31', participant: 'P01' }, { moodle_user_id: 32, participant: 'P02' }], unmapped: 'skip' } };
const PERSONAL = ['Ann Lee', 'Ben Ortiz', 'Dana Teach', '192.0.2', "id '31'", "id '32'", "id '2'"];

async function query(study: TestStudy, sql: string): Promise<unknown[][]> {
  return (await study.client.call('sql.query', { sql })).rows;
}

describe('Moodle log downloads', () => {
  let study: TestStudy;
  beforeEach(async () => {
    study = await createTestStudy({ dataBasis: SECONDARY, timeZone: 'Europe/Berlin' });
  });
  afterEach(async () => {
    await study.close();
  });

  async function state(): Promise<unknown[][]> {
    return query(study, 'SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM sessions), (SELECT count(*) FROM streams), (SELECT count(*) FROM events), (SELECT count(*) FROM audit_log)');
  }
  async function importError(files: string[], extra: Record<string, unknown> = {}): Promise<WeftError> {
    const before = await state();
    const error = await study.client.call('session.import', { files, ...extra }).then(() => undefined, (e: unknown) => e);
    expect(error, 'the import should have failed').toBeInstanceOf(WeftError);
    expect(await state(), 'a failed import leaves the study unchanged').toEqual(before);
    return error as WeftError;
  }

  it('a course log with an actor map: users become participants by Moodle user id; names, IP addresses and user ids are never stored', async () => {
    const path = await writeLog(join(study.root, 'logs_fractions.csv'), COURSE);
    await writeFile(`${path}.mapping.json`, JSON.stringify(MAPPING));
    const summary = await study.client.call('session.import', { files: [path] });
    const file = summary.files[0];
    expect(file?.format).toBe('moodle-log');
    expect(file?.streams.map((s) => [s.participant_id, s.rows]).sort()).toEqual([['P01', 3], ['P02', 1]]);
    expect(file?.warnings.map((w) => w.message)).toEqual([
      "Moodle writes log times in the downloading user's time zone without naming it: the 4 times were read in Europe/Berlin (the study's time zone; set time_zone in the log's mapping file if the download was made in another)",
      "The log lists events newest first, as Moodle's Logs report does (3 of 4 rows are earlier than the row above); events are stored as they are, and the views sort them by time",
      '1 row names no user ("-": cron jobs, the system; first at line 3); they belong to no participant and were not imported',
      'Time: 4 times are written with slashes, which read day/month or month/day (first at line 2); they were read day/month/year, assumed (Moodle\'s English language pack writes times d/m/yy; every date in the file also reads the other way)',
      'Time: 4 times have two-digit years (first at line 2); 69–99 were read as 1969–1999 and 00–68 as 2000–2068',
      "1 row of 1 actor not in the actor map was skipped, as the mapping's participants.unmapped says (first: the row at line 5)",
      '2 timestamps went backwards in 1 of 2 interaction_log streams (P01 / P01-1: 2, from line 6); rows were kept in file order (the views sort by time)',
    ]);
    expect(await query(study, `SELECT e.participant_id, epoch_us(s.started_at) + e.t_us, e.kind, e.label, e.problem, e.attributes->>'component', e.attributes->>'description', e.attributes->>'origin' FROM events e JOIN sessions s USING (session_id) WHERE e.participant_id = 'P01' ORDER BY e.t_us`)).toEqual([
      ['P01', Date.UTC(2026, 2, 5, 12, 40, 5) * 1000, 'course_viewed', 'Course viewed', 'Course: Fractions', 'System', "The user with id '[user]' viewed the course with id '4'.", 'web'],
      ['P01', Date.UTC(2026, 2, 5, 12, 41, 27) * 1000, 'quiz_attempt_started', 'Quiz attempt started', 'Quiz: Fractions check', 'Quiz', "The user with id '[user]' has started the attempt with id '880' for the quiz with course module id '12'.", 'web'],
      ['P01', Date.UTC(2026, 2, 5, 13, 2, 10) * 1000, 'quiz_attempt_submitted', 'Quiz attempt submitted', 'Quiz: Fractions check', 'Quiz', "The user with id '[user]' has submitted the attempt with id '880' for the quiz with course module id '12'.", 'web'],
    ]);
    expect(await query(study, `SELECT kind, label FROM events WHERE participant_id = 'P02'`)).toEqual([['message', 'Post created']]);
    const stored = (await Promise.all(['events', 'streams', 'participants', 'sessions', 'audit_log'].map(async (v) => JSON.stringify(await query(study, `SELECT * FROM ${v}`))))).join('\n');
    for (const personal of PERSONAL) expect(stored).not.toContain(personal);
  });

  it("one user's log, tab-separated and site-wide (with a Course column), for the participant the import names, in the mapping's time zone", async () => {
    const path = await writeLog(join(study.root, 'ann.txt'), COURSE.filter((r) => r.user === 'Ann Lee').map((r) => ({ ...r, time: r.time.replace('5/03/26', '13/03/26') })), { course: 'FRAC-7', delimiter: '\t', bom: false });
    await writeFile(join(study.root, 'weft-log-mapping.json'), JSON.stringify({ format: 'weft-log-mapping', time_zone: 'America/Chicago' }));
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01', session_id: 'S01' });
    expect(summary.files[0]?.streams.map((s) => [s.participant_id, s.rows])).toEqual([['P01', 3]]);
    expect(summary.files[0]?.warnings.map((w) => w.message)).toContain("Time: 3 times are written with slashes, which read day/month or month/day (first at line 2); they were read day/month/year, as the dates in the file show");
    expect(await query(study, `SELECT min(epoch_us(s.started_at) + e.t_us), any_value(e.attributes->>'course') FROM events e JOIN sessions s USING (session_id)`)).toEqual([[Date.UTC(2026, 2, 13, 18, 40, 5) * 1000, 'FRAC-7']]);
  });

  it('an English (US) download writes month/day/year, and a date past the 12th shows it', async () => {
    const path = await writeLog(join(study.root, 'us.csv'), [{ ...COURSE[5] as LogRow, time: '3/13/26, 1:40:05' }]);
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01' });
    expect(summary.files[0]?.warnings.map((w) => w.message)).toContain('Time: 1 times are written with slashes, which read day/month or month/day (first at line 2); they were read month/day/year, as the dates in the file show');
    expect(await query(study, 'SELECT epoch_us(started_at) FROM sessions')).toEqual([[Date.UTC(2026, 2, 13, 0, 40, 5) * 1000]]);
  });

  it('an older Moodle wrote no seconds: read to the minute, with a warning', async () => {
    const path = await writeLog(join(study.root, 'old.csv'), COURSE.filter((r) => r.user === 'Ann Lee').map((r) => ({ ...r, time: r.time.slice(0, -3) })));
    const summary = await study.client.call('session.import', { files: [path], participant_id: 'P01' });
    expect(summary.files[0]?.warnings.map((w) => w.message)).toContain('Time: 3 times have no seconds (first at line 2), so they are only accurate to the minute; a spreadsheet program most likely dropped them when it saved the file');
  });

  it('refuses times without a year (Moodle 2.7 and 2.8 wrote "5 Mar, 14:02"), naming the cell', async () => {
    const path = await writeLog(join(study.root, 'ancient.csv'), [{ ...COURSE[5] as LogRow, time: '5 Mar, 13:40' }]);
    const error = await importError([path], { participant_id: 'P01' });
    expect(error.location).toEqual({ file: path, line: 2, column: 1 });
    expect(error.message).toContain('Time "5 Mar, 13:40" is not a date and time Weft can read');
  });

  it('refuses a log of several users that nothing maps, without naming anyone', async () => {
    const path = await writeLog(join(study.root, 'class.csv'), COURSE);
    const error = await importError([path], { participant_id: 'P01' });
    expect(error.location).toEqual({ file: path, line: 4 });
    expect(error.message).toContain('the row at line 4 is by a different actor (identified by a Moodle user id) than the row at line 2');
    for (const personal of ['Ann Lee', 'Ben Ortiz', 'Dana Teach']) expect(error.message).not.toContain(personal);
  });

  it('a user the map does not cover is an error unless the mapping says to skip', async () => {
    const path = await writeLog(join(study.root, 'strict.csv'), COURSE);
    await writeFile(`${path}.mapping.json`, JSON.stringify({ ...MAPPING, participants: { ...MAPPING.participants, unmapped: 'error' } }));
    const error = await importError([path]);
    expect(error.location).toEqual({ file: path, line: 5 });
    expect(error.message).toContain(`the row at line 5: its actor (identified by a Moodle user id) is not in the actor map of ${path}.mapping.json; add it to participants.actors, or set participants.unmapped to "skip"`);
  });

  it('a semicolon-separated copy re-saved by a spreadsheet program is not taken for a Moodle log', async () => {
    const path = await writeLog(join(study.root, 'excel.csv'), COURSE.slice(0, 2), { delimiter: ';' });
    expect((await importError([path])).code).toBe('UNSUPPORTED_FORMAT');
    const forced = await importError([path], { format: 'moodle-log', participant_id: 'P01' });
    expect(forced.location).toMatchObject({ file: path, line: 1 });
    expect(forced.message).toContain('a Moodle log download needs a "Time" column (Weft reads the English column names)');
  });

  it('a row with a field missing', async () => {
    const path = await writeLog(join(study.root, 'short.csv'), COURSE.slice(2, 4));
    const { readFile } = await import('node:fs/promises');
    await writeFile(path, (await readFile(path, 'utf8')).replace(',web,192.0.2.14\n', ',web\n'));
    const error = await importError([path], { participant_id: 'P01' });
    expect(error.location).toMatchObject({ file: path, line: 2 });
    expect(error.message).toMatch(/8 fields where the header has 9 \(too few: the row ends before "IP address"/);
  });
});
