import { isWeftError } from '../../../core/errors.js';
import type { Importer, ImportSink, ParseContext } from '../types.js';
import { ParticipantResolver } from './logActors.js';
import { ItemErrors } from './logItemErrors.js';
import { JsonValueReader, parseJsonValue, type JsonValueText } from './logJsonValues.js';
import { findLogMapping, readLogMapping } from './logMapping.js';
import { StreamsByParticipant } from './logStreams.js';
import { isoTimestampUs } from './logTimestamps.js';
import { isAnonymousGroup, normaliseStatement } from './xapiNormalise.js';
import { validateStatement } from './xapiValidate.js';

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const COLUMN_MAP = {
  'verb.id': 'kind (answered, responded: attempt; voided: voided; others: the IRI\'s last segment in snake_case; the mapping\'s "verbs" overrides) and action',
  'result.success': 'outcome (true: CORRECT, false: INCORRECT)',
  'result.duration': 'duration_us (ISO 8601; years and months have no fixed length and are left missing)',
  'result.response': 'input',
  'object.id': 'problem, or step when context.contextActivities.parent names the problem',
  'object.definition.name': 'label',
  timestamp: 't_us (stored when missing)',
  actor: 'participant, through the study\'s mapping; never stored',
  'id, verb, object, result, context (without instructor and team), timestamp, stored, version, attachments': 'attributes',
} as const;

/** Counts of things a file did that the import had to decide about, reported once each. */
interface Notes {
  noZone: { count: number; line: number } | undefined;
  storedTime: { count: number; line: number } | undefined;
  calendarDuration: { count: number; line: number } | undefined;
  voiding: { count: number; line: number } | undefined;
}

function warnNotes(sink: ImportSink, path: string, notes: Notes, zone: string): void {
  const warn = (n: { count: number; line: number } | undefined, message: (count: number, line: number) => string, field: string): void => {
    if (n !== undefined) sink.warn({ message: message(n.count, n.line), location: { file: path, line: n.line, field }, count: n.count });
  };
  warn(notes.noZone, (c, l) => `${c} timestamps have no time zone (first at line ${l}); they were read in ${zone}`, 'timestamp');
  warn(notes.storedTime, (c, l) => `${c} statements have no timestamp (first at line ${l}); they were placed at their stored time, when the LRS received them`, 'timestamp');
  warn(notes.calendarDuration, (c, l) => `${c} result durations are in years or months (first at line ${l}), which have no fixed length; their duration_us is missing and attributes keep the text`, 'result.duration');
  warn(notes.voiding, (c, l) => `${c} statements void earlier ones (first at line ${l}); both are kept as events: leave out events whose attributes->>'statement_id' appears as attributes->'object'->>'id' of a voided event`, 'verb');
}

const tally = (n: { count: number; line: number } | undefined, line: number): { count: number; line: number } => {
  if (n === undefined) return { count: 1, line };
  n.count += 1;
  return n;
};

/** The statements of one JSON value: a statement, or an LRS StatementResult `{"statements": [...]}`. */
function statementsOf(value: unknown): { statement: unknown; pointer: string }[] {
  if (isObject(value) && Array.isArray(value['statements']) && value['verb'] === undefined) {
    return value['statements'].map((statement: unknown, i) => ({ statement, pointer: `/statements/${i}` }));
  }
  return [{ statement: value, pointer: '' }];
}

/**
 * xAPI statements: a JSON array of statements, JSON lines (one statement per line), or an LRS
 * StatementResult. Every statement is checked against the xAPI 1.0.3 rules first; a file with an
 * invalid statement is refused with one error per statement.
 */
export const xapiJson: Importer = {
  format: 'xapi-json',
  title: 'xAPI statements (JSON array or JSON lines)',
  phase: 'data',

  detect(file) {
    const head = file.headText.trimStart();
    if (!head.startsWith('[') && !head.startsWith('{')) return 0;
    if (head.includes('"eventTime"') || head.includes('"@context"')) return 0;
    const keys = ['"actor"', '"verb"', '"object"'].filter((k) => head.includes(k)).length;
    if (keys === 3) return 0.9;
    return head.includes('"statements"') && keys >= 2 ? 0.8 : 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const mappingPath = findLogMapping(path);
    const mapping = mappingPath === null ? null : readLogMapping(mappingPath);
    const zone = mapping?.timeZone ?? ctx.timeZone;
    const resolver = new ParticipantResolver(path, mapping, ['account_name', 'mbox_sha1sum'], 'statements');
    const provenance = {
      format: 'xapi-json',
      spec: 'xAPI 1.0.3 (IEEE 9274.1.1), statements checked against xAPI-Data.md',
      columns: COLUMN_MAP,
      participants: resolver.rule,
      not_kept: 'the actor (names, mbox, openid, account), context.instructor, context.team and authority: agents identify people',
      ...(mapping === null ? {} : { mapping: { path: mapping.path, sha256: mapping.sha256 } }),
    };
    const streams = new StreamsByParticipant(ctx.sink, { kind: 'epoch' }, provenance, resolver.advice);
    const errors = new ItemErrors(path, 'statements');
    const notes: Notes = { noZone: undefined, storedTime: undefined, calendarDuration: undefined, voiding: undefined };
    const reader = JsonValueReader.open(ctx.file);
    let total = 0;
    try {
      for (let value: JsonValueText | null = await reader.next(); value !== null; value = await reader.next()) {
        if (value.index % 256 === 0) ctx.sink.progress(reader.bytesRead);
        let parsed: unknown;
        try {
          parsed = parseJsonValue(path, value, `statement ${total + 1}`);
        } catch (error) {
          if (!isWeftError(error)) throw error;
          total += 1;
          errors.add(error.message.replace(`${path}:`, 'line '), error.location?.line ?? value.line, error.location?.column);
          continue;
        }
        for (const { statement, pointer } of statementsOf(parsed)) {
          total += 1;
          const where = `statement ${total} (line ${value.line})`;
          const violation = validateStatement(statement);
          if (violation !== null) {
            errors.add(`${where}: ${pointer}${violation.pointer === '/' && pointer !== '' ? '' : violation.pointer}: ${violation.message} [xAPI ${violation.rule}]`, value.line, value.column);
            continue;
          }
          const s = statement as JsonObject;
          if (isAnonymousGroup(s['actor'] as JsonObject)) {
            errors.add(`${where}: ${pointer}/actor: the actor is an anonymous Group, which cannot be a participant [Weft: events belong to one participant]`, value.line, value.column);
            continue;
          }
          const normalised = normaliseStatement(s, mapping?.verbs ?? {});
          let resolution;
          try {
            resolution = resolver.resolve(normalised.actor, where, { line: value.line, column: value.column });
          } catch (error) {
            if (!isWeftError(error)) throw error;
            errors.add(error.message.replace(/^[^:]*:\d+(:\d+)?: /, ''), value.line, value.column);
            continue;
          }
          const timeText = normalised.timestamp ?? normalised.stored;
          if (timeText === null) {
            errors.add(`${where}: ${pointer}/timestamp: the statement has neither a timestamp nor a stored time, so Weft cannot place it on the session timeline [Weft]`, value.line, value.column);
            continue;
          }
          const instant = isoTimestampUs(timeText, zone);
          if (instant === null) {
            errors.add(`${where}: ${pointer}/timestamp: "${timeText}" is not a date and time [xAPI 4.5 ISO 8601 Timestamps]`, value.line, value.column);
            continue;
          }
          if (errors.any || resolution.kind === 'skip') continue;
          const writer = await streams.writer(resolution.kind === 'participant' ? resolution.participantId : undefined);
          if (!writer.accepted) {
            writer.event(0, { kind: 'refused' });
            continue;
          }
          if (!instant.zoned) notes.noZone = tally(notes.noZone, value.line);
          if (normalised.timestamp === null) notes.storedTime = tally(notes.storedTime, value.line);
          if (normalised.calendarDuration) notes.calendarDuration = tally(notes.calendarDuration, value.line);
          if (normalised.voids !== null) notes.voiding = tally(notes.voiding, value.line);
          writer.event(instant.us, normalised.fields, value.line);
        }
      }
      ctx.sink.progress(reader.bytesRead);
      errors.throwIfAny(total);
      warnNotes(ctx.sink, path, notes, zone);
      resolver.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
