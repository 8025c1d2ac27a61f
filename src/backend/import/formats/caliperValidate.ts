import { ISO_TIMESTAMP } from './logTimestamps.js';

/**
 * The IMS Caliper 1.1 rules an event, an entity description and an envelope must meet
 * (caliper-spec.md §2.1 Event, §2.2 Entity, §4.1 JSON-LD context, §5.2 Envelope, Appendix A).
 */
export interface CaliperViolation {
  readonly pointer: string;
  readonly message: string;
  readonly rule: string;
}

export const CALIPER_CONTEXT = 'http://purl.imsglobal.org/ctx/caliper/v1p1';
const KNOWN_CONTEXTS = [CALIPER_CONTEXT, 'http://purl.imsglobal.org/ctx/caliper/v1p0', 'http://purl.imsglobal.org/ctx/caliper/v1p2'];

export const CALIPER_EVENT_TYPES = [
  'Event', 'AnnotationEvent', 'AssignableEvent', 'AssessmentEvent', 'AssessmentItemEvent', 'ForumEvent', 'MediaEvent', 'MessageEvent',
  'NavigationEvent', 'GradeEvent', 'SessionEvent', 'ToolUseEvent', 'ThreadEvent', 'ViewEvent', 'OutcomeEvent', 'ReadingEvent',
] as const;

export const CALIPER_ACTIONS = [
  'Abandoned', 'Activated', 'Added', 'Attached', 'Bookmarked', 'ChangedResolution', 'ChangedSize', 'ChangedSpeed', 'ChangedVolume',
  'Classified', 'ClosedPopout', 'Commented', 'Completed', 'Created', 'Deactivated', 'Deleted', 'Described', 'DisabledClosedCaptioning',
  'Disliked', 'EnabledClosedCaptioning', 'Ended', 'EnteredFullScreen', 'EnteredFullscreen', 'ExitedFullScreen', 'ExitedFullscreen',
  'ForwardedTo', 'Graded', 'Hid', 'Highlighted', 'Identified', 'JumpedTo', 'Liked', 'Linked', 'LoggedIn', 'LoggedOut', 'MarkedAsRead',
  'MarkedAsUnread', 'MarkedAsUnRead', 'Modified', 'Muted', 'NavigatedTo', 'OpenedPopout', 'Paused', 'Posted', 'Questioned', 'Ranked',
  'Recommended', 'Removed', 'Reset', 'Restarted', 'Resumed', 'Retrieved', 'Reviewed', 'Rewound', 'Searched', 'Shared', 'Showed',
  'Skipped', 'Started', 'Submitted', 'Subscribed', 'Tagged', 'TimedOut', 'Unmuted', 'Unsubscribed', 'Used', 'Viewed',
];

const EVENT_KEYS = ['@context', 'id', 'type', 'actor', 'action', 'object', 'eventTime', 'target', 'generated', 'edApp', 'referrer', 'group', 'membership', 'session', 'federatedSession', 'extensions'];
const ENTITY_PROPERTIES = ['target', 'generated', 'edApp', 'referrer', 'group', 'membership', 'session', 'federatedSession'];
const URN_UUID = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const IRI = /^(?:[A-Za-z][A-Za-z0-9+.-]*:[^\s]+|_:[^\s]+)$/;
const TERM = /^[A-Z][A-Za-z0-9]*$/;
/** The form the spec prescribes; other ISO 8601 times with a zone are read, with a warning. */
export const CALIPER_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

class Invalid extends Error {
  constructor(readonly violation: CaliperViolation) {
    super(violation.message);
  }
}
const fail = (pointer: string, rule: string, message: string): never => {
  throw new Invalid({ pointer: pointer === '' ? '/' : pointer, rule, message });
};

/** `@context`: the Caliper context URL, or an array whose last item is (§4.1). */
function context(value: unknown, pointer: string): void {
  const rule = '4.1 JSON-LD Context';
  if (value === undefined) fail(pointer, rule, 'a Caliper event must have a top-level @context');
  if (typeof value === 'string') {
    if (!KNOWN_CONTEXTS.includes(value)) fail(pointer, rule, `@context must be the Caliper context ${CALIPER_CONTEXT} ("${value}" is not)`);
    return;
  }
  if (Array.isArray(value)) {
    const last: unknown = value[value.length - 1];
    if (typeof last !== 'string' || !KNOWN_CONTEXTS.includes(last)) fail(pointer, rule, `when @context is an array, the Caliper context ${CALIPER_CONTEXT} must be its last item`);
    return;
  }
  fail(pointer, rule, '@context must be a string or an array (the Caliper terms may not be defined inline)');
}

/** An entity: an IRI, or an object with an id (IRI) and a type (§2.2). */
function entity(value: unknown, pointer: string, what: string): void {
  const rule = '2.2 The Caliper Entity';
  if (typeof value === 'string') {
    if (!IRI.test(value)) fail(pointer, rule, `${what} must be an entity or an IRI ("${value}" is not an IRI)`);
    return;
  }
  if (!isObject(value)) fail(pointer, rule, `${what} must be an entity object or an IRI`);
  const o = value as JsonObject;
  if (typeof o['id'] !== 'string' || !IRI.test(o['id'])) fail(`${pointer}/id`, rule, `${what} needs an id that is an IRI`);
  if (typeof o['type'] !== 'string' || !TERM.test(o['type'])) fail(`${pointer}/type`, rule, `${what} needs a type, a Caliper term such as Person`);
  if (o['extensions'] !== undefined && !isObject(o['extensions'])) fail(`${pointer}/extensions`, rule, 'extensions must be an object');
}

export function dateTime(value: unknown, pointer: string, what: string): void {
  if (typeof value !== 'string' || !ISO_TIMESTAMP.test(value)) fail(pointer, '2.1 The Caliper Event', `${what} must be an ISO 8601 date and time (YYYY-MM-DDTHH:mm:ss.SSSZ)`);
  if (!/(Z|z|[+-]\d{2}(:?\d{2})?)$/.test(value as string)) fail(pointer, '2.1 The Caliper Event', `${what} "${String(value)}" has no time zone; Caliper times are UTC (…Z)`);
}

function event(e: JsonObject, pointer: string, inEnvelope: boolean): void {
  const rule = '2.1 The Caliper Event';
  if (!inEnvelope || e['@context'] !== undefined) context(e['@context'], `${pointer}/@context`);
  for (const key of Object.keys(e)) {
    if (!EVENT_KEYS.includes(key)) fail(`${pointer}/${key}`, rule, `"${key}" is not an Event property; custom attributes belong in extensions`);
  }
  for (const key of ['id', 'type', 'actor', 'action', 'object', 'eventTime']) if (e[key] === undefined) fail(`${pointer}/${key}`, rule, `an Event needs "${key}" (id, type, actor, action, object and eventTime are required)`);
  if (typeof e['id'] !== 'string' || !URN_UUID.test(e['id'])) fail(`${pointer}/id`, rule, 'an Event id must be a UUID URN, urn:uuid:<UUID>');
  if (!(CALIPER_EVENT_TYPES as readonly unknown[]).includes(e['type'])) fail(`${pointer}/type`, rule, `type must be a Caliper event type (${CALIPER_EVENT_TYPES.slice(0, 4).join(', ')}, …); "${String(e['type'])}" is not`);
  if (!CALIPER_ACTIONS.includes(e['action'] as string)) fail(`${pointer}/action`, 'Appendix A. Actions', `action must be a Caliper action term (Started, Submitted, Viewed, …); "${String(e['action'])}" is not`);
  entity(e['actor'], `${pointer}/actor`, 'actor');
  entity(e['object'], `${pointer}/object`, 'object');
  dateTime(e['eventTime'], `${pointer}/eventTime`, 'eventTime');
  for (const key of ENTITY_PROPERTIES) if (e[key] !== undefined) entity(e[key], `${pointer}/${key}`, key);
  if (e['extensions'] !== undefined && !isObject(e['extensions'])) fail(`${pointer}/extensions`, rule, 'extensions must be an object');
}

/** Is this JSON object an event (it has an action), rather than an entity description? */
export const isCaliperEvent = (value: JsonObject): boolean => value['action'] !== undefined || (typeof value['type'] === 'string' && (CALIPER_EVENT_TYPES as readonly string[]).includes(value['type']));

/** The first rule an event or entity description breaks, or null. */
export function validateCaliperItem(value: unknown, pointer: string, inEnvelope: boolean): CaliperViolation | null {
  try {
    if (!isObject(value)) fail(pointer, '5.3 JSON-LD Payload', 'a Caliper event or entity must be a JSON object');
    const item = value as JsonObject;
    if (isCaliperEvent(item)) event(item, pointer, inEnvelope);
    else {
      if (!inEnvelope || item['@context'] !== undefined) context(item['@context'], `${pointer}/@context`);
      entity(item, pointer, 'an entity description');
    }
    return null;
  } catch (error) {
    if (error instanceof Invalid) return error.violation;
    throw error;
  }
}

/** The first rule an envelope breaks (§5.2), or null; its data items are checked one by one. */
export function validateEnvelope(value: JsonObject): CaliperViolation | null {
  const rule = '5.2 Envelope';
  try {
    for (const key of Object.keys(value)) {
      if (!['sensor', 'sendTime', 'dataVersion', 'data'].includes(key)) fail(`/${key}`, rule, `"${key}" is not an Envelope property (sensor, sendTime, dataVersion, data; no custom properties)`);
    }
    if (typeof value['sensor'] !== 'string' || value['sensor'] === '') fail('/sensor', rule, 'an envelope needs a sensor id');
    dateTime(value['sendTime'], '/sendTime', 'sendTime');
    if (typeof value['dataVersion'] !== 'string' || !KNOWN_CONTEXTS.includes(value['dataVersion'])) fail('/dataVersion', rule, `dataVersion must be the Caliper context IRI ${CALIPER_CONTEXT}`);
    if (!Array.isArray(value['data'])) fail('/data', rule, 'data must be an array of events and entity descriptions');
    return null;
  } catch (error) {
    if (error instanceof Invalid) return error.violation;
    throw error;
  }
}

export const isEnvelope = (value: unknown): value is JsonObject => isObject(value) && (value['data'] !== undefined || value['sensor'] !== undefined) && value['action'] === undefined;
