import type { EventFields } from '../types.js';
import { parseIsoDuration } from './logIsoDuration.js';

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Entity types that are people or groups of them: only their type is ever kept. */
const PEOPLE = new Set(['Person', 'Agent', 'Group']);
const RESPONSES = new Set(['Response', 'FillinBlankResponse', 'MultipleChoiceResponse', 'MultipleResponseResponse', 'SelectTextResponse', 'TrueFalseResponse']);

/**
 * Entities described in a file (an envelope's entity describes, or objects nested in events), so
 * that an IRI reference can be followed to what it names.
 */
export class EntityTable {
  private readonly entities = new Map<string, JsonObject>();

  /** Records an entity and the entities nested in it. */
  add(value: unknown): void {
    if (Array.isArray(value)) {
      for (const item of value) this.add(item);
      return;
    }
    if (!isObject(value)) return;
    const id = str(value['id']);
    if (id !== null && str(value['type']) !== null && value['action'] === undefined) {
      this.entities.set(id, { ...(this.entities.get(id) ?? {}), ...value });
    }
    for (const [key, nested] of Object.entries(value)) if (key !== 'extensions' && key !== '@context') this.add(nested);
  }

  /** The entity an event property names, as an object when the file describes it. */
  resolve(value: unknown): JsonObject | null {
    if (isObject(value)) return value;
    if (typeof value === 'string') return this.entities.get(value) ?? { id: value };
    return null;
  }
}

const typeOf = (entity: JsonObject | null): string | null => str(entity?.['type']);

/**
 * The learner an event is about: the actor when it is a person (or an unresolved IRI); for an
 * event a system emits (a GradeEvent by an autograder, a SessionEvent TimedOut), the assignee of
 * the attempt it concerns or the user of the session. Null when the event is about no one.
 */
export function learnerOf(event: JsonObject, entities: EntityTable): string | null {
  const actor = entities.resolve(event['actor']);
  const actorType = typeOf(actor);
  if (actorType === null || actorType === 'Person') return str(actor?.['id']);
  const candidates = [event['object'], event['generated']].map((v) => entities.resolve(v));
  for (const candidate of candidates) {
    if (candidate === null) continue;
    const attempt = typeOf(candidate) === 'Attempt' ? candidate : entities.resolve(candidate['attempt']);
    const assignee = attempt === null ? null : entities.resolve(attempt['assignee']);
    if (assignee !== null && str(assignee['id']) !== null) return str(assignee['id']);
    const session = typeOf(candidate) === 'Session' ? candidate : null;
    const user = session === null ? null : entities.resolve(session['user']);
    if (user !== null && str(user['id']) !== null) return str(user['id']);
  }
  const session = entities.resolve(event['session']);
  const user = session === null ? null : entities.resolve(session['user']);
  return user === null ? null : str(user['id']);
}

/** What is kept of an entity: people only by type; other entities without the people they name. */
function summary(value: unknown, entities: EntityTable, depth = 0): unknown {
  const entity = entities.resolve(value);
  if (entity === null) return null;
  const type = typeOf(entity);
  if (type !== null && PEOPLE.has(type)) return { type };
  if (depth > 2) return { id: entity['id'], type };
  const out: JsonObject = {};
  for (const [key, nested] of Object.entries(entity)) {
    if (key === '@context') continue;
    if (['assignee', 'annotator', 'member', 'creators', 'scoredBy', 'user', 'actor', 'recipients'].includes(key)) {
      const people = Array.isArray(nested) ? nested : [nested];
      out[key] = people.map((p) => ({ type: typeOf(entities.resolve(p)) ?? 'unknown' }));
      continue;
    }
    out[key] = isObject(nested) || (typeof nested === 'string' && key !== 'id' && key !== 'type' && entities.resolve(nested)?.['type'] !== undefined) ? summary(nested, entities, depth + 1) : nested;
  }
  return out;
}

const snake = (term: string): string => term.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

function responseText(response: JsonObject | null): string | null {
  if (response === null || !RESPONSES.has(typeOf(response) ?? '')) return null;
  const values = response['values'] ?? response['value'] ?? response['selections'];
  if (Array.isArray(values)) return values.map(String).join(';');
  return values === undefined ? null : String(values);
}

function durationOf(entity: JsonObject | null): number | null {
  if (entity === null) return null;
  const text = str(entity['duration']);
  if (text !== null) {
    const parsed = parseIsoDuration(text);
    return parsed.kind === 'exact' ? parsed.us : null;
  }
  const started = str(entity['startedAtTime']);
  const ended = str(entity['endedAtTime']);
  if (started === null || ended === null) return null;
  const ms = Date.parse(ended) - Date.parse(started);
  return Number.isFinite(ms) && ms >= 0 ? ms * 1000 : null;
}

/** The learner's IRI and the tail of its path ("users/554433"), which other IRIs (attempts, responses) embed. */
function learnerTokens(learner: string | null): string[] {
  if (learner === null) return [];
  let tail: string | null = null;
  try {
    const segments = new URL(learner).pathname.split('/').filter((part) => part !== '');
    const last = segments.slice(-2).join('/');
    if (last.length >= 4) tail = last;
  } catch {
    tail = null;
  }
  return tail === null ? [learner] : [learner, tail];
}

/** Replaces the learner's IRI wherever a kept value embeds it, so that attributes cannot link the participant back to the learner's account. */
function redact(value: unknown, tokens: readonly string[]): unknown {
  if (typeof value === 'string') return tokens.reduce((text, token) => text.replaceAll(token, '[learner]'), value);
  if (Array.isArray(value)) return value.map((item) => redact(item, tokens));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redact(item, tokens)]));
  return value;
}

/**
 * A Caliper event as an `events` row: the action (snake_case) as kind, except that an
 * AssessmentItemEvent Completed or Submitted is an `attempt` and a MessageEvent Posted a
 * `message`; an assessment item's assessment and item are problem and step. The learner's IRI is
 * replaced by "[learner]" wherever a kept value embeds it.
 */
export function normaliseCaliperEvent(event: JsonObject, entities: EntityTable, learner: string | null): EventFields {
  const type = String(event['type']);
  const action = String(event['action']);
  const object = entities.resolve(event['object']);
  const generated = entities.resolve(event['generated']);
  const objectType = typeOf(object);
  const attempt = typeOf(generated) === 'Attempt' ? generated : entities.resolve(generated?.['attempt']) ?? (objectType === 'Attempt' ? object : null);

  let kind = snake(action);
  if (type === 'AssessmentItemEvent' && (action === 'Completed' || action === 'Submitted')) kind = 'attempt';
  else if (type === 'MessageEvent' && action === 'Posted') kind = 'message';

  let problem: string | null = null;
  let step: string | null = null;
  if (type === 'AssessmentItemEvent') {
    problem = str(entities.resolve(object?.['isPartOf'])?.['id']) ?? str(object?.['id']);
    step = str(object?.['id']);
  } else if (type === 'AssessmentEvent' || type === 'AssignableEvent') {
    problem = str(object?.['id']);
  }

  const attributes: JsonObject = { event_id: event['id'], type, action, object: summary(event['object'], entities) };
  for (const key of ['target', 'generated', 'edApp', 'referrer', 'group', 'membership', 'session', 'federatedSession']) {
    if (event[key] !== undefined) attributes[key] = summary(event[key], entities);
  }
  if (event['extensions'] !== undefined) attributes['extensions'] = event['extensions'];
  attributes['actor_type'] = typeOf(entities.resolve(event['actor'])) ?? 'unknown';
  attributes['eventTime'] = event['eventTime'];

  const count = attempt?.['count'];
  const tokens = learnerTokens(learner);
  return {
    kind,
    label: str(object?.['name']) ?? objectType,
    problem: redact(problem, tokens) as string | null,
    step: redact(step, tokens) as string | null,
    action,
    input: responseText(generated) ?? (type === 'MessageEvent' ? str(object?.['body']) : null),
    attempt: typeof count === 'number' && Number.isInteger(count) ? count : null,
    durationUs: durationOf(generated),
    attributes: redact(attributes, tokens) as JsonObject,
  };
}
