import { WeftError, isWeftError } from '../../../core/errors.js';
import type { Importer, ParseContext } from '../types.js';
import { ParticipantResolver } from './logActors.js';
import { ItemErrors } from './logItemErrors.js';
import { JsonValueReader, parseJsonValue, type JsonValueText } from './logJsonValues.js';
import { findLogMapping, readLogMapping } from './logMapping.js';
import { StreamsByParticipant } from './logStreams.js';
import { isoTimestampUs } from './logTimestamps.js';
import { EntityTable, learnerOf, normaliseCaliperEvent } from './caliperNormalise.js';
import { CALIPER_DATETIME, isCaliperEvent, isEnvelope, validateCaliperItem, validateEnvelope } from './caliperValidate.js';

type JsonObject = Record<string, unknown>;

const COLUMN_MAP = {
  action: 'kind (snake_case; AssessmentItemEvent Completed/Submitted: attempt; MessageEvent Posted: message) and action',
  eventTime: 't_us',
  'object.name': 'label (the object type when it has no name)',
  'object (AssessmentItemEvent)': 'step, and its isPartOf assessment: problem; AssessmentEvent, AssignableEvent: problem',
  'generated Response values, MessageEvent object body': 'input',
  'generated Attempt count': 'attempt',
  'generated duration (or endedAtTime - startedAtTime)': 'duration_us',
  'actor (or, for events a system emits, the attempt assignee or session user)': 'participant, through the study\'s mapping; never stored',
  'id, type, object, target, generated, edApp, referrer, group, membership, session, federatedSession, extensions': 'attributes (people only by their type; the learner\'s IRI, and its path inside other IRIs, replaced by [learner])',
} as const;

/**
 * IMS Caliper 1.1 events: a single event or envelope, a JSON array of them, or JSON lines. Entity
 * descriptions in an envelope are kept to resolve the IRIs events refer to. Every event is checked
 * against the Caliper rules first; a file with an invalid event is refused, one error per event.
 */
export const caliperJson: Importer = {
  format: 'caliper-json',
  title: 'IMS Caliper 1.1 events (JSON, envelopes or JSON lines)',
  phase: 'data',

  detect(file) {
    const head = file.headText.trimStart();
    if (!head.startsWith('[') && !head.startsWith('{')) return 0;
    if (head.includes('purl.imsglobal.org/ctx/caliper') && (head.includes('"eventTime"') || head.includes('"dataVersion"'))) return 0.95;
    return head.includes('"eventTime"') && head.includes('"action"') && head.includes('"actor"') ? 0.9 : 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const mappingPath = findLogMapping(path);
    const mapping = mappingPath === null ? null : readLogMapping(mappingPath);
    const resolver = new ParticipantResolver(path, mapping, ['actor_id'], 'events');
    const provenance = {
      format: 'caliper-json',
      spec: 'IMS Caliper Analytics 1.1 (caliper-spec.md)',
      columns: COLUMN_MAP,
      participants: resolver.rule,
      not_kept: 'actor and every Person, Agent or Group entity beyond its type (their ids identify people)',
      ...(mapping === null ? {} : { mapping: { path: mapping.path, sha256: mapping.sha256 } }),
    };
    const streams = new StreamsByParticipant(ctx.sink, { kind: 'epoch' }, provenance, resolver.advice);
    const errors = new ItemErrors(path, 'items (events, entity descriptions, envelopes)');
    const entities = new EntityTable();
    const reader = JsonValueReader.open(ctx.file);
    let events = 0;
    let descriptions = 0;
    let unparsable = 0;
    let noLearner: { count: number; line: number; type: string } | undefined;
    let looseTime: { count: number; line: number } | undefined;

    const handle = async (item: unknown, pointer: string, value: JsonValueText, inEnvelope: boolean): Promise<void> => {
      const object = item as JsonObject;
      const isEvent = typeof item === 'object' && item !== null && !Array.isArray(item) && isCaliperEvent(object);
      if (isEvent) events += 1;
      else descriptions += 1;
      const where = `${isEvent ? `event ${events}` : `entity ${descriptions}`} (line ${value.line}${pointer === '' ? '' : `, ${pointer}`})`;
      const violation = validateCaliperItem(item, pointer, inEnvelope);
      if (violation !== null) {
        errors.add(`${where}: ${violation.pointer}: ${violation.message} [Caliper 1.1 ${violation.rule}]`, value.line, value.column);
        return;
      }
      entities.add(item);
      if (!isEvent) return;
      const learner = learnerOf(object, entities);
      if (learner === null) {
        noLearner ??= { count: 0, line: value.line, type: `${String(object['type'])} ${String(object['action'])}` };
        noLearner.count += 1;
        return;
      }
      let resolution;
      try {
        resolution = resolver.resolve({ actorId: learner }, where, { line: value.line, column: value.column });
      } catch (error) {
        if (!isWeftError(error)) throw error;
        errors.add(error.message.replace(/^[^:]*:\d+(:\d+)?: /, ''), value.line, value.column);
        return;
      }
      const timeText = String(object['eventTime']);
      const instant = isoTimestampUs(timeText, ctx.timeZone);
      if (instant === null || !instant.zoned) {
        errors.add(`${where}: ${pointer}/eventTime: "${timeText}" is not a UTC date and time [Caliper 1.1 2.1 The Caliper Event]`, value.line, value.column);
        return;
      }
      if (errors.any || resolution.kind === 'skip') return;
      if (!CALIPER_DATETIME.test(timeText)) {
        looseTime ??= { count: 0, line: value.line };
        looseTime.count += 1;
      }
      const writer = await streams.writer(resolution.kind === 'participant' ? resolution.participantId : undefined);
      if (!writer.accepted) {
        writer.event(0, { kind: 'refused' });
        return;
      }
      writer.event(instant.us, normaliseCaliperEvent(object, entities, learner), value.line);
    };

    try {
      for (let value: JsonValueText | null = await reader.next(); value !== null; value = await reader.next()) {
        if (value.index % 256 === 0) ctx.sink.progress(reader.bytesRead);
        let parsed: unknown;
        try {
          parsed = parseJsonValue(path, value, `the JSON value at line ${value.line}`);
        } catch (error) {
          if (!isWeftError(error)) throw error;
          unparsable += 1;
          errors.add(error.message.replace(`${path}:`, 'line '), error.location?.line ?? value.line, error.location?.column);
          continue;
        }
        if (isEnvelope(parsed)) {
          const violation = validateEnvelope(parsed);
          if (violation !== null) {
            errors.add(`envelope (line ${value.line}): ${violation.pointer}: ${violation.message} [Caliper 1.1 ${violation.rule}]`, value.line, value.column);
            continue;
          }
          const data = parsed['data'] as unknown[];
          for (let i = 0; i < data.length; i += 1) await handle(data[i], `/data/${i}`, value, true);
        } else {
          await handle(parsed, '', value, false);
        }
      }
      ctx.sink.progress(reader.bytesRead);
      errors.throwIfAny(events + descriptions + unparsable);
      if (events === 0) {
        throw new WeftError('PARSE_ERROR', `${path}: the file holds no Caliper events${descriptions > 0 ? ` (only ${descriptions} entity description${descriptions === 1 ? '' : 's'})` : ''}, so there is nothing to import`, { location: { file: path } });
      }
      if (noLearner !== undefined) {
        ctx.sink.warn({
          message: `${noLearner.count} events are about no learner (first: ${noLearner.type} at line ${noLearner.line}): their actor is a system and they name no attempt assignee or session user, so they were not imported`,
          location: { file: path, line: noLearner.line },
          count: noLearner.count,
        });
      }
      if (looseTime !== undefined) {
        ctx.sink.warn({
          message: `${looseTime.count} eventTimes are not in Caliper's YYYY-MM-DDTHH:mm:ss.SSSZ form (first at line ${looseTime.line}); they were read as ISO 8601 times with their own zone`,
          location: { file: path, line: looseTime.line, field: 'eventTime' },
          count: looseTime.count,
        });
      }
      resolver.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
