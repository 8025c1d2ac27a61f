import { createHash } from 'node:crypto';
import { isWeftError } from '../../../core/errors.js';
import type { DelimitedOptions } from '../textReader.js';
import type { Importer, ParseContext } from '../types.js';
import { ParticipantResolver, type ActorIdentity } from './logActors.js';
import { cell } from './logDataShop.js';
import { headColumn, headRecords } from './logHead.js';
import { delimitedBatches } from './logLines.js';
import { LocalTimeReader } from './logLocalTimes.js';
import { findLogMapping, readLogMapping } from './logMapping.js';
import { StreamsByParticipant } from './logStreams.js';
import { checkWidth, firstLine, readHeader, recordError } from './tabular.js';

/**
 * The columns of Moodle's log report download (report/log/classes/table_log.php: `time`,
 * `fullnameuser`, `relatedfullnameuser`, `context`, `component`, `eventname`, `description`,
 * `origin`, `ip`, headed by their English strings), with `Course` first in site-wide logs.
 */
export const MOODLE_LOG_COLUMNS = ['Time', 'User full name', 'Affected user', 'Event context', 'Component', 'Event name', 'Description', 'Origin', 'IP address'] as const;

/** Event names that are a user writing to others. */
const MESSAGE_EVENTS = new Set(['Post created', 'Discussion created', 'Message sent', 'Chat message sent']);
const USER_ID = /[Tt]he user with id '(\d+)'/;
const ANY_USER_ID = /(user with id )'(\d+)'/g;

const COLUMN_MAP = {
  Time: "t_us: the downloading user's local time (Moodle's English format d/m/yy, H:MM:SS), read in the study's time zone or the mapping's time_zone",
  'Event name': 'kind (snake_case; Post created, Discussion created, Message sent, Chat message sent: message) and label',
  'Event context': 'problem (the course, activity or resource)',
  Component: 'attributes.component',
  Description: "attributes.description, with every user id replaced by '[user]'; its first user id identifies the actor",
  Origin: 'attributes.origin',
  Course: 'attributes.course (site-wide logs)',
  'User full name, Affected user, IP address': 'not kept: they identify people',
} as const;

const digest = (text: string): string => createHash('sha1').update(text).digest('hex');

/**
 * Moodle's standard log, as the Logs report downloads it (CSV, UTF-8 with a BOM; or tab-separated
 * text). User names and IP addresses are personal data and never stored: a row's actor is the
 * Moodle user id its description names, mapped to a participant by the study's mapping file, or
 * the one participant the import names when the file is one user's log.
 *
 * Sources (moodle/moodle): report/log/classes/table_log.php (columns and their headers; a
 * download writes `time` with langconfig strftimedatetimeshortaccurate, older versions with
 * strftimedatetimeshort); lang/en/langconfig.php ('%d/%m/%y, %H:%M:%S' and '%d/%m/%y, %H:%M');
 * userdate() in lib/moodlelib.php (drops the leading zero of %d); dataformat/csv (Spout CSV writer,
 * byte-order mark). UBUMonitor (yjx0003/UBUMonitor, LogCreator.java), a published reader of these
 * downloads, uses the same header strings and parses the time as "d/MM/yy, kk:mm".
 */
export const moodleLog: Importer = {
  format: 'moodle-log',
  title: 'Moodle standard log download',
  phase: 'data',

  detect(file) {
    const header = firstLine(file.headText);
    const delimiter = header.includes('\t') ? '\t' : ',';
    const fields = header.split(delimiter).map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
    const offset = fields[0] === 'Course' ? 1 : 0;
    return MOODLE_LOG_COLUMNS.every((name, i) => fields[i + offset] === name) ? 1 : 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const options: DelimitedOptions = { delimiter: firstLine(ctx.file.headText).includes('\t') ? '\t' : ',', quote: '"' };
    const mappingPath = findLogMapping(path);
    const mapping = mappingPath === null ? null : readLogMapping(mappingPath);
    const zone = mapping?.timeZone ?? ctx.timeZone;
    const resolver = new ParticipantResolver(path, mapping, ['moodle_user_id'], 'rows');
    const reader = ctx.openText();
    try {
      const header = await readHeader(reader, options);
      for (const name of MOODLE_LOG_COLUMNS) {
        if (!header.has(name)) throw recordError(path, header.record, `a Moodle log download needs a "${name}" column (Weft reads the English column names)`);
      }
      const at = (name: string): number => header.index(name) ?? -1;
      const iTime = at('Time');
      const iUser = at('User full name');
      const iContext = at('Event context');
      const iComponent = at('Component');
      const iEvent = at('Event name');
      const iDescription = at('Description');
      const iOrigin = at('Origin');
      const iCourse = at('Course');
      const times = new LocalTimeReader(path, headColumn(headRecords(ctx.file, options), iTime), 'day/month/year', "Moodle's English language pack writes times d/m/yy");
      const provenance = {
        format: 'moodle-log',
        columns: COLUMN_MAP,
        participants: resolver.rule,
        time_zone: `${zone} (Moodle writes the downloading user's local time without a zone)`,
        ...(mapping === null ? {} : { mapping: { path: mapping.path, sha256: mapping.sha256 } }),
      };
      const streams = new StreamsByParticipant(ctx.sink, { kind: 'epoch' }, provenance, resolver.advice);
      let noUser: { count: number; line: number } | undefined;
      let rows = 0;
      let previous: number | undefined;
      let descending = 0;

      for await (const batch of delimitedBatches(reader, options)) {
        ctx.sink.progress(reader.bytesRead);
        for (const record of batch) {
          if (record.width !== header.width) checkWidth(path, header, record, options.delimiter === '\t' ? 'tab' : 'comma');
          const user = cell(record, iUser);
          const description = cell(record, iDescription) ?? '';
          if (user === null || user === '-') {
            noUser ??= { count: 0, line: record.line };
            noUser.count += 1;
            continue;
          }
          const userId = USER_ID.exec(description)?.[1];
          const actor: ActorIdentity = userId === undefined ? { nameDigest: digest(user) } : { moodleUserId: userId };
          let resolution;
          try {
            resolution = resolver.resolve(actor, `the row at line ${record.line}`, { line: record.line });
          } catch (error) {
            if (isWeftError(error) && userId === undefined) throw recordError(path, record, `${error.message.replace(/^[^:]*:\d+(:\d+)?: /, '')} (its Description names no user id)`, iDescription);
            throw error;
          }
          if (resolution.kind === 'skip') continue;
          const writer = await streams.writer(resolution.kind === 'participant' ? resolution.participantId : undefined);
          if (!writer.accepted) {
            writer.event(0, { kind: 'refused' });
            continue;
          }
          rows += 1;
          const t = times.read(record, iTime, 'Time', zone);
          if (previous !== undefined && t < previous) descending += 1;
          previous = t;
          const eventName = cell(record, iEvent) ?? '';
          const attributes: Record<string, unknown> = {};
          const component = cell(record, iComponent);
          if (component !== null) attributes['component'] = component;
          if (description !== '') attributes['description'] = description.replace(ANY_USER_ID, "$1'[user]'");
          const origin = cell(record, iOrigin);
          if (origin !== null) attributes['origin'] = origin;
          const course = cell(record, iCourse);
          if (course !== null) attributes['course'] = course;
          writer.event(
            t,
            {
              kind: MESSAGE_EVENTS.has(eventName) ? 'message' : eventName.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'event',
              label: eventName === '' ? null : eventName,
              problem: cell(record, iContext),
              attributes,
            },
            record.line,
          );
        }
      }

      if (rows > 0) {
        ctx.sink.warn({
          message: `Moodle writes log times in the downloading user's time zone without naming it: the ${rows} times were read in ${zone}${mapping?.timeZone ? " (the mapping's time_zone)" : " (the study's time zone; set time_zone in the log's mapping file if the download was made in another)"}`,
          location: { file: path, field: 'Time' },
          count: rows,
        });
      }
      if (descending > 0 && descending >= rows / 2) {
        ctx.sink.warn({
          message: `The log lists events newest first, as Moodle's Logs report does (${descending} of ${rows} rows are earlier than the row above); events are stored as they are, and the views sort them by time`,
          location: { file: path, field: 'Time' },
          count: descending,
        });
      }
      if (noUser !== undefined) {
        ctx.sink.warn({
          message: `${noUser.count === 1 ? '1 row names' : `${noUser.count} rows name`} no user ("-": cron jobs, the system; first at line ${noUser.line}); they belong to no participant and were not imported`,
          location: { file: path, line: noUser.line, field: 'User full name' },
          count: noUser.count,
        });
      }
      times.flushWarnings(ctx.sink);
      resolver.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
