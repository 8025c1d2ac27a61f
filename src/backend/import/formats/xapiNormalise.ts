import type { EventFields } from '../types.js';
import type { ActorIdentity } from './logActors.js';
import { parseIsoDuration } from './logIsoDuration.js';

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export const XAPI_VOIDED = 'http://adlnet.gov/expapi/verbs/voided';

/** Verbs of the ADL vocabulary that are a learner's attempt at something; every other verb keeps its own name. */
const DEFAULT_VERB_KINDS: Readonly<Record<string, string>> = {
  'http://adlnet.gov/expapi/verbs/answered': 'attempt',
  'http://adlnet.gov/expapi/verbs/responded': 'attempt',
  [XAPI_VOIDED]: 'voided',
};

/** The last segment of a verb IRI in snake_case: .../verbs/completed → completed, ...#sent-a-statement → sent_a_statement. */
export function verbKind(id: string): string {
  const tail = id.replace(/[/#]+$/, '').split(/[/#]/).pop() ?? id;
  const snake = tail
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  return snake === '' ? 'statement' : snake;
}

/** The text of a language map: en-US, then en, then the first entry. */
export function languageText(map: unknown): string | null {
  if (!isObject(map)) return null;
  return str(map['en-US']) ?? str(map['en']) ?? str(Object.values(map)[0]);
}

/** How a statement's actor is identified; names are never read. */
export function xapiActor(actor: JsonObject): ActorIdentity {
  const account = isObject(actor['account']) ? actor['account'] : undefined;
  return {
    ...(str(actor['mbox']) === null ? {} : { mbox: actor['mbox'] as string }),
    ...(str(actor['mbox_sha1sum']) === null ? {} : { mboxSha1sum: actor['mbox_sha1sum'] as string }),
    ...(str(actor['openid']) === null ? {} : { openid: actor['openid'] as string }),
    ...(account === undefined ? {} : { account: { homePage: String(account['homePage']), name: String(account['name']) } }),
  };
}

export const isAnonymousGroup = (actor: JsonObject): boolean =>
  actor['objectType'] === 'Group' && actor['mbox'] === undefined && actor['mbox_sha1sum'] === undefined && actor['openid'] === undefined && actor['account'] === undefined;

/** What is kept of an object: its type and id, never an agent's identifiers. */
function objectSummary(o: JsonObject): JsonObject {
  const type = str(o['objectType']) ?? 'Activity';
  if (type === 'Agent' || type === 'Group') return { objectType: type };
  if (type === 'StatementRef') return { objectType: type, id: o['id'] };
  if (type === 'SubStatement') {
    const verb = isObject(o['verb']) ? o['verb'] : {};
    return { objectType: type, verb: verb['id'], object: isObject(o['object']) ? objectSummary(o['object']) : null, ...(o['result'] === undefined ? {} : { result: o['result'] }) };
  }
  const definition = isObject(o['definition']) ? o['definition'] : {};
  const summary: JsonObject = { objectType: type, id: o['id'] };
  for (const key of ['type', 'interactionType', 'moreInfo', 'correctResponsesPattern', 'extensions']) if (definition[key] !== undefined) summary[key] = definition[key];
  const name = languageText(definition['name']);
  if (name !== null) summary['name'] = name;
  return summary;
}

/** The ids of a statement's context activities, by context type. */
function contextActivities(value: unknown): JsonObject | null {
  if (!isObject(value)) return null;
  const out: JsonObject = {};
  for (const [type, list] of Object.entries(value)) {
    out[type] = (Array.isArray(list) ? (list as unknown[]) : [list]).map((a: unknown) => (isObject(a) ? a['id'] : a));
  }
  return out;
}

export interface NormalisedStatement {
  readonly actor: ActorIdentity;
  readonly fields: EventFields;
  readonly timestamp: string | null;
  readonly stored: string | null;
  /** The id of the statement this one voids. */
  readonly voids: string | null;
  /** result.duration was in years or months, which have no fixed length. */
  readonly calendarDuration: boolean;
}

/**
 * A valid xAPI statement as an `events` row: verb → kind, result.success → outcome,
 * result.duration → duration, the object (or its parent activity) → problem and step.
 */
export function normaliseStatement(s: JsonObject, verbs: Readonly<Record<string, string>>): NormalisedStatement {
  const verb = s['verb'] as JsonObject;
  const verbId = String(verb['id']);
  const object = s['object'] as JsonObject;
  const result = isObject(s['result']) ? s['result'] : undefined;
  const context = isObject(s['context']) ? s['context'] : undefined;
  const objectType = str(object['objectType']) ?? 'Activity';
  const parents = contextActivities(context?.['contextActivities'])?.['parent'];
  const parent = Array.isArray(parents) ? str(parents[0]) : null;
  const duration = str(result?.['duration']);
  const parsedDuration = duration === null ? null : parseIsoDuration(duration);
  const success = result?.['success'];

  const attributes: JsonObject = { verb: verbId, object: objectSummary(object), actor_type: str((s['actor'] as JsonObject)['objectType']) ?? 'Agent' };
  for (const key of ['id', 'timestamp', 'stored', 'version']) if (s[key] !== undefined) attributes[key === 'id' ? 'statement_id' : key] = s[key];
  const display = languageText(verb['display']);
  if (display !== null) attributes['verb_display'] = display;
  if (result !== undefined) {
    const kept: JsonObject = {};
    for (const key of ['score', 'success', 'completion', 'response', 'duration', 'extensions']) if (result[key] !== undefined) kept[key] = result[key];
    attributes['result'] = kept;
  }
  if (context !== undefined) {
    const kept: JsonObject = {};
    for (const key of ['registration', 'revision', 'platform', 'language', 'extensions']) if (context[key] !== undefined) kept[key] = context[key];
    const activities = contextActivities(context['contextActivities']);
    if (activities !== null) kept['contextActivities'] = activities;
    if (isObject(context['statement'])) kept['statement'] = context['statement']['id'];
    attributes['context'] = kept;
  }
  if (Array.isArray(s['attachments'])) {
    attributes['attachments'] = s['attachments'].map((a: unknown) => (isObject(a) ? { usageType: a['usageType'], contentType: a['contentType'], length: a['length'], sha2: a['sha2'] } : a));
  }

  return {
    actor: xapiActor(s['actor'] as JsonObject),
    timestamp: str(s['timestamp']),
    stored: str(s['stored']),
    voids: verbId === XAPI_VOIDED ? str(object['id']) : null,
    calendarDuration: parsedDuration?.kind === 'calendar',
    fields: {
      kind: verbs[verbId] ?? DEFAULT_VERB_KINDS[verbId] ?? verbKind(verbId),
      label: objectType === 'Activity' ? languageText(isObject(object['definition']) ? object['definition']['name'] : undefined) : null,
      problem: objectType === 'Activity' ? (parent ?? str(object['id'])) : null,
      step: objectType === 'Activity' && parent !== null ? str(object['id']) : null,
      action: verbId,
      input: str(result?.['response']),
      outcome: success === true ? 'CORRECT' : success === false ? 'INCORRECT' : null,
      durationUs: parsedDuration?.kind === 'exact' ? parsedDuration.us : null,
      attributes,
    },
  };
}
