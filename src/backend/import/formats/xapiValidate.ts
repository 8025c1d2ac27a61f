import { parseIsoDuration } from './logIsoDuration.js';
import { ISO_TIMESTAMP } from './logTimestamps.js';

/**
 * The xAPI 1.0.3 statement rules (xAPI-Data.md, IEEE 9274.1.1), checked as an LRS must check
 * them before it stores a statement. Each check names its section, so an error can say which
 * rule a statement breaks.
 */
export interface Violation {
  /** JSON pointer (RFC 6901) of the offending property within the statement. */
  readonly pointer: string;
  readonly message: string;
  /** The section of xAPI-Data.md the rule is in. */
  readonly rule: string;
}

class Invalid extends Error {
  constructor(readonly violation: Violation) {
    super(violation.message);
  }
}

type Json = unknown;
type JsonObject = Record<string, Json>;

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/;
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;
const MBOX = /^mailto:[^@\s]+@[^@\s]+$/;
const SHA1 = /^[0-9a-fA-F]{40}$/;
const VERSION = /^1\.0(?:\.\d+)?$/;
const INTERACTION_TYPES = ['true-false', 'choice', 'fill-in', 'long-fill-in', 'matching', 'performance', 'sequencing', 'likert', 'numeric', 'other'];
const CONTEXT_TYPES = ['parent', 'grouping', 'category', 'other'];
const IFIS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const;

const escapePointer = (key: string): string => key.replaceAll('~', '~0').replaceAll('/', '~1');
const at = (pointer: string, key: string | number): string => `${pointer}/${typeof key === 'number' ? key : escapePointer(key)}`;

function fail(pointer: string, rule: string, message: string): never {
  throw new Invalid({ pointer: pointer === '' ? '/' : pointer, rule, message });
}

const isObject = (value: Json): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function object(value: Json, pointer: string, rule: string, what: string): JsonObject {
  if (!isObject(value)) fail(pointer, rule, `${what} must be a JSON object`);
  return value;
}

function onlyKeys(value: JsonObject, pointer: string, allowed: readonly string[], rule: string, what: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(at(pointer, key), rule, `"${key}" is not a property of ${what} (allowed: ${allowed.join(', ')}); xAPI statements take no additional properties`);
  }
}

function string(value: Json, pointer: string, rule: string, what: string): string {
  if (typeof value !== 'string') fail(pointer, rule, `${what} must be a string`);
  return value;
}

function iri(value: Json, pointer: string, rule: string, what: string): string {
  const text = string(value, pointer, rule, what);
  if (!IRI.test(text)) fail(pointer, rule, `${what} must be an absolute IRI with a scheme, such as http://adlnet.gov/expapi/verbs/answered ("${text}" is not)`);
  return text;
}

function uuid(value: Json, pointer: string, rule: string, what: string): void {
  const text = string(value, pointer, rule, what);
  if (!UUID.test(text)) fail(pointer, rule, `${what} must be a UUID in standard string form ("${text}" is not)`);
}

function languageMap(value: Json, pointer: string, rule: string, what: string): void {
  const map = object(value, pointer, '4.2 Language Maps', `${what} (a language map)`);
  for (const [tag, text] of Object.entries(map)) {
    if (!LANGUAGE_TAG.test(tag)) fail(at(pointer, tag), '4.2 Language Maps', `"${tag}" is not an RFC 5646 language tag`);
    string(text, at(pointer, tag), rule, `the ${tag} text of ${what}`);
  }
}

function extensions(value: Json, pointer: string): void {
  const map = object(value, pointer, '4.1 Extensions', 'extensions');
  for (const key of Object.keys(map)) {
    if (!IRI.test(key)) fail(at(pointer, key), '4.1 Extensions', `extension keys must be IRIs ("${key}" is not)`);
  }
}

function noNulls(value: Json, pointer: string): void {
  if (value === null) fail(pointer, '2.2 Formatting Requirements', 'null values are not allowed (except inside extensions)');
  if (Array.isArray(value)) value.forEach((item, i) => noNulls(item, at(pointer, i)));
  else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key !== 'extensions') noNulls(item, at(pointer, key));
    }
  }
}

function timestamp(value: Json, pointer: string, rule: string, what: string): void {
  const text = string(value, pointer, rule, what);
  if (!ISO_TIMESTAMP.test(text)) fail(pointer, '4.5 ISO 8601 Timestamps', `${what} must be an ISO 8601 timestamp such as 2013-05-18T05:32:34.804Z ("${text}" is not)`);
}

/** Agent (2.4.2.1): one and only one inverse functional identifier. Identifier values are never echoed. */
function agent(value: Json, pointer: string, what: string): void {
  const rule = '2.4.2.1 Agent';
  const agentObject = object(value, pointer, rule, what);
  onlyKeys(agentObject, pointer, ['objectType', 'name', ...IFIS], rule, 'an Agent');
  if (agentObject['objectType'] !== undefined && agentObject['objectType'] !== 'Agent') fail(at(pointer, 'objectType'), rule, `objectType of ${what} must be "Agent"`);
  if (agentObject['name'] !== undefined) string(agentObject['name'], at(pointer, 'name'), rule, 'name');
  const ifis = IFIS.filter((k) => agentObject[k] !== undefined);
  if (ifis.length !== 1) fail(pointer, '2.4.2.3 Inverse Functional Identifier', `${what} must be identified by exactly one of mbox, mbox_sha1sum, openid, account (it has ${ifis.length === 0 ? 'none' : ifis.join(', ')})`);
  inverseFunctionalIdentifier(agentObject, ifis[0] as (typeof IFIS)[number], pointer);
}

function inverseFunctionalIdentifier(owner: JsonObject, key: (typeof IFIS)[number], pointer: string): void {
  const rule = '2.4.2.3 Inverse Functional Identifier';
  const value = owner[key];
  const p = at(pointer, key);
  if (key === 'mbox' && (typeof value !== 'string' || !MBOX.test(value))) fail(p, rule, 'mbox must be a mailto IRI: "mailto:" followed by an e-mail address');
  if (key === 'mbox_sha1sum' && (typeof value !== 'string' || !SHA1.test(value))) fail(p, rule, 'mbox_sha1sum must be the 40 hexadecimal digits of a SHA-1 hash');
  if (key === 'openid' && (typeof value !== 'string' || !IRI.test(value))) fail(p, rule, 'openid must be an absolute URI');
  if (key === 'account') {
    const account = object(value, p, '2.4.2.4 Account Object', 'account');
    onlyKeys(account, p, ['homePage', 'name'], '2.4.2.4 Account Object', 'an Account');
    if (account['homePage'] === undefined) fail(at(p, 'homePage'), '2.4.2.4 Account Object', 'account needs a homePage');
    if (typeof account['homePage'] !== 'string' || !IRI.test(account['homePage'])) fail(at(p, 'homePage'), '2.4.2.4 Account Object', 'account homePage must be an absolute IRL');
    if (account['name'] === undefined) fail(at(p, 'name'), '2.4.2.4 Account Object', 'account needs a name');
    string(account['name'], at(p, 'name'), '2.4.2.4 Account Object', 'account name');
  }
}

/** Group (2.4.2.2): anonymous (members, no identifier) or identified (exactly one identifier). */
function group(value: JsonObject, pointer: string, what: string): void {
  const rule = '2.4.2.2 Group';
  onlyKeys(value, pointer, ['objectType', 'name', 'member', ...IFIS], rule, 'a Group');
  if (value['name'] !== undefined) string(value['name'], at(pointer, 'name'), rule, 'name');
  const ifis = IFIS.filter((k) => value[k] !== undefined);
  if (ifis.length > 1) fail(pointer, '2.4.2.3 Inverse Functional Identifier', `an identified Group has exactly one identifier (${what} has ${ifis.join(', ')})`);
  if (ifis.length === 1) inverseFunctionalIdentifier(value, ifis[0] as (typeof IFIS)[number], pointer);
  const members = value['member'];
  if (ifis.length === 0 && members === undefined) fail(pointer, rule, `an anonymous Group (${what} has no identifier) must list its members`);
  if (members !== undefined) {
    if (!Array.isArray(members)) fail(at(pointer, 'member'), rule, 'member must be an array of Agents');
    members.forEach((m, i) => {
      if (isObject(m) && m['objectType'] === 'Group') fail(at(at(pointer, 'member'), i), rule, 'a Group cannot have Groups as members');
      agent(m, at(at(pointer, 'member'), i), 'a Group member');
    });
  }
}

function actor(value: Json, pointer: string, what: string): void {
  const actorObject = object(value, pointer, '2.4.2 Actor', what);
  if (actorObject['objectType'] === 'Group') group(actorObject, pointer, what);
  else agent(actorObject, pointer, what);
}

function interactionComponents(value: Json, pointer: string): void {
  if (!Array.isArray(value)) fail(pointer, '2.4.4.1 Interaction Components', 'interaction components must be an array');
  value.forEach((component, i) => {
    const p = at(pointer, i);
    const c = object(component, p, '2.4.4.1 Interaction Components', 'an interaction component');
    onlyKeys(c, p, ['id', 'description'], '2.4.4.1 Interaction Components', 'an interaction component');
    string(c['id'], at(p, 'id'), '2.4.4.1 Interaction Components', 'component id');
    if (c['description'] !== undefined) languageMap(c['description'], at(p, 'description'), '2.4.4.1 Interaction Components', 'description');
  });
}

function activity(value: Json, pointer: string): void {
  const rule = '2.4.4.1 Activity';
  const activityObject = object(value, pointer, rule, 'an Activity');
  onlyKeys(activityObject, pointer, ['objectType', 'id', 'definition'], rule, 'an Activity');
  if (activityObject['objectType'] !== undefined && activityObject['objectType'] !== 'Activity') fail(at(pointer, 'objectType'), rule, 'objectType of an Activity must be "Activity"');
  if (activityObject['id'] === undefined) fail(at(pointer, 'id'), rule, 'an Activity needs an id');
  iri(activityObject['id'], at(pointer, 'id'), rule, 'Activity id');
  const definition = activityObject['definition'];
  if (definition === undefined) return;
  const p = at(pointer, 'definition');
  const def = object(definition, p, rule, 'Activity definition');
  onlyKeys(def, p, ['name', 'description', 'type', 'moreInfo', 'interactionType', 'correctResponsesPattern', 'choices', 'scale', 'source', 'target', 'steps', 'extensions'], rule, 'an Activity definition');
  if (def['name'] !== undefined) languageMap(def['name'], at(p, 'name'), rule, 'name');
  if (def['description'] !== undefined) languageMap(def['description'], at(p, 'description'), rule, 'description');
  if (def['type'] !== undefined) iri(def['type'], at(p, 'type'), rule, 'Activity type');
  if (def['moreInfo'] !== undefined) iri(def['moreInfo'], at(p, 'moreInfo'), rule, 'moreInfo');
  if (def['interactionType'] !== undefined && !INTERACTION_TYPES.includes(def['interactionType'] as string)) {
    fail(at(p, 'interactionType'), '2.4.4.1 Interaction Activities', `interactionType must be one of ${INTERACTION_TYPES.join(', ')}`);
  }
  if (def['correctResponsesPattern'] !== undefined) {
    const pattern = def['correctResponsesPattern'];
    if (!Array.isArray(pattern) || pattern.some((x) => typeof x !== 'string')) fail(at(p, 'correctResponsesPattern'), '2.4.4.1 Interaction Activities', 'correctResponsesPattern must be an array of strings');
  }
  for (const key of ['choices', 'scale', 'source', 'target', 'steps']) if (def[key] !== undefined) interactionComponents(def[key], at(p, key));
  if (def['extensions'] !== undefined) extensions(def['extensions'], at(p, 'extensions'));
}

function statementRef(value: JsonObject, pointer: string): void {
  const rule = '2.4.4.3 Statement References';
  onlyKeys(value, pointer, ['objectType', 'id'], rule, 'a StatementRef');
  if (value['id'] === undefined) fail(at(pointer, 'id'), rule, 'a StatementRef needs the id of the statement it refers to');
  uuid(value['id'], at(pointer, 'id'), rule, 'StatementRef id');
}

function statementObject(value: Json, pointer: string, inSubStatement: boolean): void {
  const rule = '2.4.4 Object';
  const o = object(value, pointer, rule, 'object');
  const type = o['objectType'] ?? 'Activity';
  switch (type) {
    case 'Activity':
      return activity(o, pointer);
    case 'Agent':
    case 'Group':
      return type === 'Group' ? group(o, pointer, 'the object') : agent(o, pointer, 'the object');
    case 'StatementRef':
      return statementRef(o, pointer);
    case 'SubStatement':
      if (inSubStatement) fail(at(pointer, 'objectType'), '2.4.4.3 SubStatements', 'a SubStatement cannot contain another SubStatement');
      return statement(o, pointer, true);
    default:
      fail(at(pointer, 'objectType'), rule, `objectType must be Activity, Agent, Group, SubStatement or StatementRef ("${String(type)}" is not)`);
  }
}

function score(value: Json, pointer: string): void {
  const rule = '2.4.5.1 Score';
  const s = object(value, pointer, rule, 'score');
  onlyKeys(s, pointer, ['scaled', 'raw', 'min', 'max'], rule, 'a Score');
  for (const key of ['scaled', 'raw', 'min', 'max']) {
    if (s[key] !== undefined && (typeof s[key] !== 'number' || !Number.isFinite(s[key]))) fail(at(pointer, key), rule, `${key} must be a number`);
  }
  const { scaled, raw, min, max } = s as Record<string, number | undefined>;
  if (scaled !== undefined && (scaled < -1 || scaled > 1)) fail(at(pointer, 'scaled'), rule, `scaled must be between -1 and 1 (it is ${scaled})`);
  if (min !== undefined && max !== undefined && !(min < max)) fail(at(pointer, 'min'), rule, `min (${min}) must be less than max (${max})`);
  if (raw !== undefined && min !== undefined && raw < min) fail(at(pointer, 'raw'), rule, `raw (${raw}) must not be below min (${min})`);
  if (raw !== undefined && max !== undefined && raw > max) fail(at(pointer, 'raw'), rule, `raw (${raw}) must not be above max (${max})`);
}

function result(value: Json, pointer: string): void {
  const rule = '2.4.5 Result';
  const r = object(value, pointer, rule, 'result');
  onlyKeys(r, pointer, ['score', 'success', 'completion', 'response', 'duration', 'extensions'], rule, 'a Result');
  if (r['score'] !== undefined) score(r['score'], at(pointer, 'score'));
  for (const key of ['success', 'completion']) if (r[key] !== undefined && typeof r[key] !== 'boolean') fail(at(pointer, key), rule, `${key} must be true or false`);
  if (r['response'] !== undefined) string(r['response'], at(pointer, 'response'), rule, 'response');
  if (r['duration'] !== undefined) {
    const text = string(r['duration'], at(pointer, 'duration'), '4.6 ISO 8601 Durations', 'duration');
    if (parseIsoDuration(text).kind === 'invalid') fail(at(pointer, 'duration'), '4.6 ISO 8601 Durations', `duration must be an ISO 8601 duration such as PT4H35M59.14S ("${text}" is not)`);
  }
  if (r['extensions'] !== undefined) extensions(r['extensions'], at(pointer, 'extensions'));
}

function context(value: Json, pointer: string, objectIsActivity: boolean): void {
  const rule = '2.4.6 Context';
  const c = object(value, pointer, rule, 'context');
  onlyKeys(c, pointer, ['registration', 'instructor', 'team', 'contextActivities', 'revision', 'platform', 'language', 'statement', 'extensions'], rule, 'a Context');
  if (c['registration'] !== undefined) uuid(c['registration'], at(pointer, 'registration'), '2.4.6.1 Registration Property', 'registration');
  if (c['instructor'] !== undefined) actor(c['instructor'], at(pointer, 'instructor'), 'the instructor');
  if (c['team'] !== undefined) {
    const team = object(c['team'], at(pointer, 'team'), rule, 'team');
    if (team['objectType'] !== 'Group') fail(at(at(pointer, 'team'), 'objectType'), rule, 'team must be a Group (objectType "Group")');
    group(team, at(pointer, 'team'), 'the team');
  }
  if (c['contextActivities'] !== undefined) {
    const p = at(pointer, 'contextActivities');
    const activities = object(c['contextActivities'], p, '2.4.6.2 ContextActivities Property', 'contextActivities');
    for (const [key, list] of Object.entries(activities)) {
      if (!CONTEXT_TYPES.includes(key)) fail(at(p, key), '2.4.6.2 ContextActivities Property', `"${key}" is not a context type (parent, grouping, category or other)`);
      if (Array.isArray(list)) list.forEach((a, i) => activity(a, at(at(p, key), i)));
      else activity(list, at(p, key));
    }
  }
  for (const key of ['revision', 'platform']) {
    if (c[key] === undefined) continue;
    string(c[key], at(pointer, key), rule, key);
    if (!objectIsActivity) fail(at(pointer, key), rule, `${key} may only be used when the statement's object is an Activity`);
  }
  if (c['language'] !== undefined && !LANGUAGE_TAG.test(string(c['language'], at(pointer, 'language'), rule, 'language'))) fail(at(pointer, 'language'), rule, 'language must be an RFC 5646 language tag');
  if (c['statement'] !== undefined) {
    const ref = object(c['statement'], at(pointer, 'statement'), rule, 'statement');
    if (ref['objectType'] !== 'StatementRef') fail(at(at(pointer, 'statement'), 'objectType'), '2.4.4.3 Statement References', 'context statement must be a StatementRef');
    statementRef(ref, at(pointer, 'statement'));
  }
  if (c['extensions'] !== undefined) extensions(c['extensions'], at(pointer, 'extensions'));
}

function attachments(value: Json, pointer: string): void {
  const rule = '2.4.11 Attachments';
  if (!Array.isArray(value)) fail(pointer, rule, 'attachments must be an array');
  value.forEach((item, i) => {
    const p = at(pointer, i);
    const a = object(item, p, rule, 'an attachment');
    onlyKeys(a, p, ['usageType', 'display', 'description', 'contentType', 'length', 'sha2', 'fileUrl'], rule, 'an Attachment');
    for (const key of ['usageType', 'display', 'contentType', 'length', 'sha2']) if (a[key] === undefined) fail(at(p, key), rule, `an attachment needs ${key}`);
    iri(a['usageType'], at(p, 'usageType'), rule, 'usageType');
    languageMap(a['display'], at(p, 'display'), rule, 'display');
    if (a['description'] !== undefined) languageMap(a['description'], at(p, 'description'), rule, 'description');
    string(a['contentType'], at(p, 'contentType'), rule, 'contentType');
    if (typeof a['length'] !== 'number' || !Number.isInteger(a['length']) || a['length'] < 0) fail(at(p, 'length'), rule, 'length must be a whole number of octets');
    string(a['sha2'], at(p, 'sha2'), rule, 'sha2');
    if (a['fileUrl'] !== undefined) iri(a['fileUrl'], at(p, 'fileUrl'), rule, 'fileUrl');
  });
}

const STATEMENT_KEYS = ['id', 'actor', 'verb', 'object', 'result', 'context', 'timestamp', 'stored', 'authority', 'version', 'attachments'];
const SUBSTATEMENT_KEYS = ['objectType', 'actor', 'verb', 'object', 'result', 'context', 'timestamp', 'attachments'];

function statement(s: JsonObject, pointer: string, sub: boolean): void {
  onlyKeys(s, pointer, sub ? SUBSTATEMENT_KEYS : STATEMENT_KEYS, sub ? '2.4.4.3 SubStatements' : '2.4 Statement Properties', sub ? 'a SubStatement (it has no id, stored, version or authority)' : 'a Statement');
  for (const key of ['actor', 'verb', 'object']) {
    if (s[key] === undefined) fail(at(pointer, key), '2.2 Formatting Requirements', `a statement must have ${key === 'object' ? 'an' : 'a'} ${key}`);
  }
  if (s['id'] !== undefined) uuid(s['id'], at(pointer, 'id'), '2.4.1 ID', 'statement id');
  actor(s['actor'], at(pointer, 'actor'), 'the actor');
  const verb = object(s['verb'], at(pointer, 'verb'), '2.4.3 Verb', 'verb');
  onlyKeys(verb, at(pointer, 'verb'), ['id', 'display'], '2.4.3 Verb', 'a Verb');
  if (verb['id'] === undefined) fail(at(at(pointer, 'verb'), 'id'), '2.4.3 Verb', 'a verb needs an id');
  iri(verb['id'], at(at(pointer, 'verb'), 'id'), '2.4.3 Verb', 'verb id');
  if (verb['display'] !== undefined) languageMap(verb['display'], at(at(pointer, 'verb'), 'display'), '2.4.3 Verb', 'verb display');
  statementObject(s['object'], at(pointer, 'object'), sub);
  if (s['result'] !== undefined) result(s['result'], at(pointer, 'result'));
  const objectIsActivity = isObject(s['object']) && (s['object']['objectType'] ?? 'Activity') === 'Activity';
  if (s['context'] !== undefined) context(s['context'], at(pointer, 'context'), objectIsActivity);
  if (s['timestamp'] !== undefined) timestamp(s['timestamp'], at(pointer, 'timestamp'), '2.4.7 Timestamp', 'timestamp');
  if (s['stored'] !== undefined) timestamp(s['stored'], at(pointer, 'stored'), '2.4.8 Stored', 'stored');
  if (s['authority'] !== undefined) actor(s['authority'], at(pointer, 'authority'), 'the authority');
  if (s['version'] !== undefined && (typeof s['version'] !== 'string' || !VERSION.test(s['version']))) {
    fail(at(pointer, 'version'), '2.4.10 Version', `version must be 1.0.0 or another 1.0.x ("${String(s['version'])}" is not)`);
  }
  if (s['attachments'] !== undefined) attachments(s['attachments'], at(pointer, 'attachments'));
}

/** The first rule a statement breaks, or null when it is a valid xAPI 1.0.3 statement. */
export function validateStatement(value: unknown): Violation | null {
  try {
    if (!isObject(value)) fail('', '2.2 Formatting Requirements', 'a statement must be a JSON object');
    noNulls(value, '');
    statement(value, '', false);
    return null;
  } catch (error) {
    if (error instanceof Invalid) return error.violation;
    throw error;
  }
}
